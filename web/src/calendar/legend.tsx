// What the calendar's colours mean, said once on screen. Orange means one thing: a booked credit's
// circle (A3: red used, orange booked, green free); a no-show card is pink, never orange.
import { Box, Group, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Appointment } from "../api/types.js";
import { PackageIcon } from "./PackageIcon.js";

export const STATUS_COLOR: Record<Appointment["status"], string> = {
  booked: "#7048e8",
  checked_in: "#1c7ed6",
  completed: "#2f9e44",
  no_show: "#c2255c",
  cancelled: "#868e96",
};

export const CREDIT_COLOR = { used: "red.6", booked: "orange.5", free: "green.6" } as const;
/** The same colour for a plain element's style: "red.6" is var(--mantine-color-red-6). */
export const creditColorVar = (state: keyof typeof CREDIT_COLOR) =>
  `var(--mantine-color-${CREDIT_COLOR[state].replace(".", "-")})`;

const STATUSES: Array<Appointment["status"]> = ["booked", "checked_in", "completed", "no_show", "cancelled"];

/** The card colours of the calendar, and the package icon. */
export function CalendarLegend() {
  const { t } = useTranslation("calendar");
  return (
    <Group gap="sm" data-testid="calendar-legend" aria-label={t("legend.title")} role="list">
      {STATUSES.map((s) => (
        <Group key={s} gap={4} wrap="nowrap" role="listitem" data-status={s}>
          <Box w={12} h={12} bg={STATUS_COLOR[s]} style={{ borderRadius: 3 }} />
          <Text size="xs" td={s === "cancelled" ? "line-through" : undefined}>
            {t(`status.${s}`)}
          </Text>
        </Group>
      ))}
      <Group gap={4} wrap="nowrap" role="listitem">
        <PackageIcon size={14} />
        <Text size="xs">{t("legend.fromPackage")}</Text>
      </Group>
    </Group>
  );
}

/** The credit circles of the booking panel. */
export function CreditLegend() {
  const { t } = useTranslation("calendar");
  return (
    <Group gap={8} data-testid="credit-legend" role="list" aria-label={t("legend.credits")}>
      {(["used", "booked", "free"] as const).map((state) => (
        <Group key={state} gap={3} wrap="nowrap" role="listitem">
          <Box w={10} h={10} bg={CREDIT_COLOR[state]} style={{ borderRadius: "50%" }} />
          <Text size="xs" c="dimmed">
            {t(`legend.credit.${state}`)}
          </Text>
        </Group>
      ))}
    </Group>
  );
}
