// A line's credits at a glance (U1: one wording per meaning): "2 of 5 left" is what remains, "3 of 5
// used" what is used or booked (the SPEC's counter), "Unlimited" a line with more than 100 left
// (P10), never "of 999". The bar fills the used part in green and the booked part in orange (seed
// 000: progress bars fill what is used); the circles are red used, orange booked, green free (A3),
// and grey and struck through when the package expired or was refunded: those credits are not free.
// While the package is paused (G4) its free credits are indigo rings: there, but not usable today.
import { Badge, Box, Group, Progress, Text, Tooltip } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Line, PackageStatus } from "../api/types.js";

const MAX_CIRCLES = 30;

type Counters = Pick<Line, "total" | "used" | "booked" | "remaining"> & { unlimited?: boolean };

/** The words for a line's counters, shared by the card, the usage history and the dialogs. */
export function useCreditWords() {
  const { t } = useTranslation("packages");
  return {
    /** "2 of 5 left", or "Unlimited" */
    left: (c: Counters) =>
      c.unlimited
        ? t("credits.unlimitedLeft")
        : t("credits.left", { remaining: c.remaining, total: c.total }),
    /** "3 of 5 used" (used and booked, of the total), or "6 used" on an unlimited line */
    used: (c: Counters) =>
      c.unlimited
        ? t("credits.unlimitedUsed", { count: c.used + c.booked })
        : t("credits.used", { used: c.used + c.booked, total: c.total }),
    booked: (c: Counters) => t("credits.booked", { count: c.booked }),
  };
}

type CreditState = "used" | "booked" | "free" | "paused" | "expired" | "refunded";

const CIRCLE: Record<CreditState, React.CSSProperties> = {
  used: { background: "var(--mantine-color-red-6)" },
  booked: { background: "var(--mantine-color-orange-5)" },
  free: { background: "var(--mantine-color-green-6)" },
  paused: {
    background: "var(--mantine-color-indigo-1)",
    boxShadow: "inset 0 0 0 2px var(--mantine-color-indigo-5)",
  },
  // Not usable: grey, with a stroke across, so that it never reads as free.
  expired: {
    background:
      "linear-gradient(135deg, transparent 43%, var(--mantine-color-gray-6) 43%, var(--mantine-color-gray-6) 57%, transparent 57%), var(--mantine-color-gray-3)",
  },
  refunded: {
    background:
      "linear-gradient(135deg, transparent 43%, var(--mantine-color-gray-6) 43%, var(--mantine-color-gray-6) 57%, transparent 57%), var(--mantine-color-gray-3)",
  },
};

export function CreditBar({
  line,
  status,
  paused = false,
}: {
  line: Line;
  status: PackageStatus;
  /** G4: the package is paused today */
  paused?: boolean;
}) {
  const { t } = useTranslation("packages");
  const words = useCreditWords();
  const pct = (n: number) => (line.total === 0 ? 0 : (n / line.total) * 100);
  const unusable: CreditState | null =
    status === "expired" ? "expired" : status === "refunded" ? "refunded" : null;
  const freeState: CreditState = unusable ?? (paused ? "paused" : "free");
  return (
    <Box>
      <Group justify="space-between" gap="xs" wrap="wrap">
        <Text size="sm" data-testid="line-summary">
          <Text span fw={700}>
            {words.used(line)}
          </Text>
          {line.booked > 0 ? ` (${words.booked(line)})` : ""}
        </Text>
        {line.unlimited ? (
          <Badge color="violet" variant="filled" data-testid="line-remaining">
            {t("credits.unlimited")}
          </Badge>
        ) : (
          <Text
            size="sm"
            fw={600}
            c={line.remaining === 0 || unusable ? "dimmed" : paused ? "indigo.8" : "green.8"}
            td={unusable ? "line-through" : undefined}
            data-testid="line-remaining"
          >
            {words.left(line)}
          </Text>
        )}
      </Group>
      {!line.unlimited && (
        <Progress.Root
          size="lg"
          mt={4}
          aria-label={`${line.itemName}: ${words.used(line)}, ${words.left(line)}`}
        >
          <Progress.Section value={pct(line.used)} color="green.6" data-testid="bar-used" />
          <Progress.Section value={pct(line.booked)} color="orange.5" data-testid="bar-booked" />
        </Progress.Root>
      )}
      {!line.unlimited && line.total <= MAX_CIRCLES && (
        <Group gap={4} mt={6} aria-hidden>
          {Array.from({ length: line.total }, (_, i) => {
            const state: CreditState =
              i < line.used ? "used" : i < line.used + line.booked ? "booked" : freeState;
            const label = t("credits.credit", { number: i + 1, state: t(`credits.state.${state}`) });
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: a credit is its position on the line
              <Tooltip key={i} label={label} openDelay={300}>
                <Box data-credit={state} w={14} h={14} style={{ borderRadius: "50%", ...CIRCLE[state] }} />
              </Tooltip>
            );
          })}
        </Group>
      )}
    </Box>
  );
}
