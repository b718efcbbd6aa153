// The lines of a ticket, one block each so that nothing is hidden on a phone (U3): the name, which
// package covers it or why not, its date, and its price (or "Package") on the right. A refunded line
// is struck through and says what came back (T8): a credit to its package, or money.
import { Badge, Box, Button, Group, Menu, Stack, Text, Tooltip } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { Package, Ticket, TicketLine } from "../api/types.js";
import { localDate, money } from "../format.js";
import { pauseOn } from "../packages/pauses.js";
import { coverageLabel, coverageReason, giftLabel } from "./words.js";

export type CoverageChoice =
  | { mode: "auto" }
  | { mode: "paying" }
  | { mode: "package"; packageLineId: string };

export function TicketLines({
  ticket,
  packages,
  editable,
  busy,
  onCoverage,
  onRemove,
  onRefund,
}: {
  ticket: Ticket;
  packages: Package[];
  /** an open ticket the signed-in role may change */
  editable: boolean;
  busy: boolean;
  onCoverage: (line: TicketLine, choice: CoverageChoice) => void;
  onRemove: (line: TicketLine) => void;
  /** set when the role may refund and the ticket is closed */
  onRefund: ((line: TicketLine) => void) | null;
}) {
  const { t } = useTranslation("till");
  if (ticket.lines.length === 0) return <Text c="dimmed">{t("lines.empty")}</Text>;
  return (
    <Stack gap={0} data-testid="ticket-lines">
      {ticket.lines.map((l) => {
        const refunded = l.refundedAt !== null;
        const label = l.covered ? coverageLabel(t, l) : null;
        const gift = giftLabel(t, l);
        const why =
          !refunded &&
          !l.covered &&
          l.kind !== "package_sale" &&
          l.coverage.reason !== "no_package_for_item" &&
          l.coverage.reason !== "no_customer"
            ? coverageReason(t, l)
            : null;
        return (
          <Box
            key={l.id}
            data-testid="ticket-line"
            data-covered={l.covered}
            data-refunded={refunded}
            py="sm"
            style={{ borderBottom: "1px solid var(--mantine-color-default-border)" }}
          >
            <Group justify="space-between" align="flex-start" wrap="nowrap" gap="xs">
              <Box style={{ minWidth: 0, flex: 1 }}>
                <Text
                  fw={600}
                  td={refunded ? "line-through" : undefined}
                  style={{ overflowWrap: "anywhere" }}
                >
                  {l.name}
                </Text>
                {label && (
                  <Text size="xs" c="violet.8" data-testid="coverage-label">
                    {label}
                  </Text>
                )}
                {gift && (
                  <Text
                    size="xs"
                    c="pink.9"
                    data-testid="ticket-gift"
                    style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
                  >
                    {gift}
                  </Text>
                )}
                {why && (
                  <Text size="xs" c="dimmed">
                    {why}
                  </Text>
                )}
                <Text size="xs" c="dimmed">
                  {localDate(l.serviceDate)}
                  {l.staffName ? ` · ${l.staffName}` : ""}
                </Text>
                {refunded && <RefundedNote line={l} currency={ticket.currency} />}
              </Box>
              <Group gap={4} wrap="nowrap" align="center">
                <Price line={l} currency={ticket.currency} />
                {editable && (
                  <LineMenu
                    line={l}
                    packages={packages}
                    disabled={busy}
                    onCoverage={(choice) => onCoverage(l, choice)}
                    onRemove={() => onRemove(l)}
                  />
                )}
              </Group>
            </Group>
            {onRefund && !refunded && (
              <Group justify="flex-end" mt={4}>
                <Button size="compact-xs" variant="light" color="red" onClick={() => onRefund(l)}>
                  {t("lines.refund")}
                </Button>
              </Group>
            )}
          </Box>
        );
      })}
    </Stack>
  );
}

function Price({ line, currency }: { line: TicketLine; currency: string }) {
  const { t } = useTranslation("till");
  const refunded = line.refundedAt !== null;
  // A refunded covered line was never charged: it shows "Package", struck through, not its retail price.
  const wasCovered = line.covered || (refunded && line.coverage.packageLineId !== null);
  if (wasCovered)
    return (
      <Tooltip label={coverageReason(t, line) ?? ""} disabled={refunded || !line.coverage.reason}>
        <Badge
          color={refunded ? "gray" : "violet"}
          size="lg"
          variant={refunded ? "outline" : "filled"}
          td={refunded ? "line-through" : undefined}
          data-testid="price-package"
        >
          {t("lines.package")}
        </Badge>
      </Tooltip>
    );
  return (
    <Text
      data-testid="price"
      style={{ whiteSpace: "nowrap" }}
      td={refunded ? "line-through" : undefined}
      c={refunded ? "dimmed" : undefined}
    >
      {money(line.priceMinor, currency)}
    </Text>
  );
}

function RefundedNote({ line, currency }: { line: TicketLine; currency: string }) {
  const { t } = useTranslation("till");
  const text =
    line.coverage.packageLineId !== null
      ? t("lines.refundedCredit", {
          package: line.coverage.packageName ?? "",
          worth: money(line.retailPriceMinor, currency),
        })
      : (line.refundedMinor ?? 0) > 0
        ? t("lines.refundedMoney", { amount: money(line.refundedMinor!, currency) })
        : t("lines.refundedNothing");
  return (
    <Group gap={6} mt={2} wrap="wrap" data-testid="refunded-note">
      <Badge color="red" size="xs">
        {t("lines.refunded")}
      </Badge>
      <Text size="xs" c="red.8">
        {text}
      </Text>
    </Group>
  );
}

function LineMenu({
  line,
  packages,
  disabled,
  onCoverage,
  onRemove,
}: {
  line: TicketLine;
  packages: Package[];
  disabled: boolean;
  onCoverage: (choice: CoverageChoice) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation("till");
  const eligible = packages
    // G4: a package paused on the line's day takes no credit for it
    .filter((p) => p.status === "active" && !pauseOn(p, line.serviceDate))
    .flatMap((p) => p.lines.filter((pl) => pl.itemId === line.itemId).map((pl) => ({ pkg: p, pl })))
    .filter(({ pl }) => pl.remaining > 0 && pl.id !== line.coverage.packageLineId);
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button
          size="compact-sm"
          variant="subtle"
          disabled={disabled}
          aria-label={t("lines.options", { name: line.name })}
        >
          ⋯
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        {line.kind !== "package_sale" && (
          <>
            {line.covered && (
              <Menu.Item onClick={() => onCoverage({ mode: "paying" })}>{t("lines.chargeInstead")}</Menu.Item>
            )}
            {eligible.map(({ pkg, pl }) => (
              <Menu.Item key={pl.id} onClick={() => onCoverage({ mode: "package", packageLineId: pl.id })}>
                {pl.unlimited
                  ? t("lines.useUnlimited", { package: pkg.name })
                  : t("lines.usePackage", { package: pkg.name, left: pl.remaining, total: pl.total })}
              </Menu.Item>
            ))}
            {line.coverageMode !== "auto" && (
              <Menu.Item onClick={() => onCoverage({ mode: "auto" })}>{t("lines.letCarnetChoose")}</Menu.Item>
            )}
            <Menu.Divider />
          </>
        )}
        <Menu.Item color="red" onClick={onRemove}>
          {t("lines.remove")}
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}
