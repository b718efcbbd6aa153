// T7: the receipt, a printable page in the screen's language (U2). Covered lines say which package
// they came from and how many of its credits are used ("Manicure — from 5x Manicure, 3 of 5 used"),
// so 0 on a bill never confuses; each payment says its tender, cash with what was given and the
// change (U5); a refunded line is struck through with what came back.
import { Alert, Button, Divider, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { dateTimeIn, money } from "../format.js";
import { useTicket } from "./queries.js";
import { coverageLabel, giftLabel, statusName, tenderName } from "./words.js";

export function ReceiptPage() {
  const { t } = useTranslation("till");
  const { ticketId } = useParams<{ ticketId: string }>();
  const me = useMe();
  const ticket = useTicket(ticketId!);
  if (ticket.error) return <Alert color="red">{plainWords(ticket.error)}</Alert>;
  if (!ticket.data) return <Loader aria-label={t("ticket.loading")} />;
  const tk = ticket.data;
  const cur = tk.currency;
  const taxByRate = new Map<number, number>();
  for (const l of tk.lines)
    if (l.taxMinor > 0) taxByRate.set(l.taxRateBp, (taxByRate.get(l.taxRateBp) ?? 0) + l.taxMinor);
  const row = (label: React.ReactNode, amount: string, props: { strong?: boolean; testId?: string } = {}) => (
    <Group justify="space-between" wrap="nowrap" gap="xs">
      <Text size="sm" fw={props.strong ? 700 : undefined}>
        {label}
      </Text>
      <Text
        size="sm"
        fw={props.strong ? 700 : undefined}
        style={{ whiteSpace: "nowrap" }}
        data-testid={props.testId}
      >
        {amount}
      </Text>
    </Group>
  );
  return (
    <Stack maw={480} className="receipt">
      <Group className="no-print">
        <Button component={Link} to={`/tickets/${tk.id}`} variant="default" size="xs">
          {t("receipt.back")}
        </Button>
        <Button size="xs" onClick={() => window.print()}>
          {t("receipt.print")}
        </Button>
      </Group>
      <Paper withBorder p="lg" data-testid="receipt">
        <Stack gap={4} align="center">
          <Title order={3}>{me.business.name}</Title>
          <Text size="sm">{tk.locationName}</Text>
          <Text size="sm" data-testid="receipt-number">
            {tk.receiptNumber !== null
              ? t("receipt.number", { number: tk.receiptNumber })
              : t("ticket.title", { number: tk.number })}{" "}
            · {dateTimeIn(tk.closedAt ?? tk.openedAt, tk.timeZone)}
          </Text>
          {tk.customer && <Text size="sm">{t("receipt.customer", { name: tk.customer.name })}</Text>}
          {tk.status !== "closed" && (
            <Text c="red.8" tt="uppercase">
              {statusName(t, tk.status)}
            </Text>
          )}
        </Stack>
        <Divider my="sm" variant="dashed" />
        <Stack gap={6}>
          {tk.lines.map((l) => {
            const refunded = l.refundedAt !== null;
            const label = l.covered ? coverageLabel(t, l) : null;
            const wasCovered = l.covered || (refunded && l.coverage.packageLineId !== null);
            const gift = giftLabel(t, l);
            return (
              <Group
                key={l.id}
                justify="space-between"
                wrap="nowrap"
                gap="xs"
                align="flex-start"
                data-testid="receipt-line"
              >
                <Stack gap={0} style={{ minWidth: 0 }}>
                  <Text size="sm" td={refunded ? "line-through" : undefined}>
                    {l.name}
                    {label ? ` — ${label}` : ""}
                  </Text>
                  {gift && (
                    <Text
                      size="xs"
                      data-testid="receipt-gift"
                      style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}
                    >
                      {gift}
                    </Text>
                  )}
                  {refunded && (
                    <Text size="xs" c="red.8">
                      {wasCovered
                        ? t("receipt.refundedCredit", { package: l.coverage.packageName ?? "" })
                        : t("receipt.refundedMoney", { amount: money(l.refundedMinor ?? 0, cur) })}
                    </Text>
                  )}
                </Stack>
                <Text size="sm" style={{ whiteSpace: "nowrap" }} td={refunded ? "line-through" : undefined}>
                  {wasCovered ? t("receipt.package") : money(l.priceMinor, cur)}
                </Text>
              </Group>
            );
          })}
        </Stack>
        <Divider my="sm" variant="dashed" />
        {row(t("receipt.total"), money(tk.totals.dueMinor, cur), { strong: true, testId: "receipt-total" })}
        {[...taxByRate].map(([rate, tax]) => (
          <div key={rate}>{row(t("receipt.taxIncluded", { rate: rate / 100 }), money(tax, cur))}</div>
        ))}
        {tk.payments.map((p) => (
          <div key={p.occurredAt + p.tender + p.amountMinor} data-testid="receipt-payment">
            {row(
              p.amountMinor < 0
                ? t("receipt.paidBack", { tender: tenderName(t, p.tender) })
                : tenderName(t, p.tender),
              money(p.amountMinor, cur),
            )}
            {p.tenderedMinor !== null && (
              <>
                {row(t("receipt.given"), money(p.tenderedMinor, cur))}
                {row(t("receipt.change"), money(p.tenderedMinor - p.amountMinor, cur), {
                  testId: "receipt-change",
                })}
              </>
            )}
          </div>
        ))}
        {tk.lines.some((l) => l.covered) && (
          <Text size="xs" c="dimmed" mt="sm" ta="center">
            {t("receipt.packageNote")}
          </Text>
        )}
      </Paper>
    </Stack>
  );
}
