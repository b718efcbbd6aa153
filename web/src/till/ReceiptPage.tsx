// T7: the receipt, a printable page. Covered lines say which package they came from and how many
// of its credits are used ("Manicure — from 5x Manicure, 3 of 5 used"), so 0 on a bill never confuses.
import { Alert, Button, Divider, Group, Loader, Paper, Stack, Table, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { Link, useParams } from "react-router";
import { api, plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { dateTimeIn, money } from "../format.js";
import type { Ticket } from "../types.js";

const TENDER = { cash: "Cash", card: "Card", store_credit: "Store credit" } as Record<string, string>;

export function ReceiptPage() {
  const { ticketId } = useParams<{ ticketId: string }>();
  const me = useMe();
  const [ticket, setTicket] = useState<Ticket | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.get<Ticket>(`/api/v1/tickets/${ticketId}`).then(setTicket, (e) => setError(plainWords(e)));
  }, [ticketId]);
  if (error) return <Alert color="red">{error}</Alert>;
  if (!ticket) return <Loader />;
  const taxByRate = new Map<number, number>();
  for (const l of ticket.lines)
    if (l.taxMinor > 0) taxByRate.set(l.taxRateBp, (taxByRate.get(l.taxRateBp) ?? 0) + l.taxMinor);
  return (
    <Stack maw={480} className="receipt">
      <Group className="no-print">
        <Button component={Link} to={`/tickets/${ticket.id}`} variant="default" size="xs">
          Back to the ticket
        </Button>
        <Button size="xs" onClick={() => window.print()}>
          Print
        </Button>
      </Group>
      <Paper withBorder p="lg" data-testid="receipt">
        <Stack gap={4} align="center">
          <Title order={3}>{me.business.name}</Title>
          <Text size="sm">{ticket.locationName}</Text>
          <Text size="sm" data-testid="receipt-number">
            {ticket.receiptNumber !== null ? `Receipt #${ticket.receiptNumber}` : `Ticket #${ticket.number}`}{" "}
            · {dateTimeIn(ticket.closedAt ?? ticket.openedAt, ticket.timeZone)}
          </Text>
          {ticket.customer && <Text size="sm">Customer: {ticket.customer.name}</Text>}
          {ticket.status !== "closed" && <Text c="red.8">{ticket.status.toUpperCase()}</Text>}
        </Stack>
        <Divider my="sm" variant="dashed" />
        <Table withRowBorders={false} verticalSpacing={4}>
          <Table.Tbody>
            {ticket.lines.map((l) => (
              <Table.Tr key={l.id} data-testid="receipt-line">
                <Table.Td>
                  <Text size="sm">
                    {l.name}
                    {l.covered && l.coverage.label ? ` — ${l.coverage.label}` : ""}
                  </Text>
                  {l.refundedAt && (
                    <Text size="xs" c="red.8">
                      refunded
                    </Text>
                  )}
                </Table.Td>
                <Table.Td ta="right" style={{ whiteSpace: "nowrap" }}>
                  <Text size="sm">{l.covered ? "PACKAGE" : money(l.priceMinor, ticket.currency)}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Divider my="sm" variant="dashed" />
        <Group justify="space-between">
          <Text fw={700}>Total</Text>
          <Text fw={700} data-testid="receipt-total">
            {money(ticket.totals.dueMinor, ticket.currency)}
          </Text>
        </Group>
        {[...taxByRate].map(([rate, tax]) => (
          <Group key={rate} justify="space-between">
            <Text size="sm">Tax included ({rate / 100}%)</Text>
            <Text size="sm">{money(tax, ticket.currency)}</Text>
          </Group>
        ))}
        {ticket.payments.map((p) => (
          <Group key={p.occurredAt + p.tender + p.amountMinor} justify="space-between">
            <Text size="sm">{p.amountMinor < 0 ? `Refund (${TENDER[p.tender]})` : TENDER[p.tender]}</Text>
            <Text size="sm">{money(p.amountMinor, ticket.currency)}</Text>
          </Group>
        ))}
        {ticket.lines.some((l) => l.covered) && (
          <Text size="xs" c="dimmed" mt="sm" ta="center">
            Lines marked PACKAGE were paid with credits of your prepaid package.
          </Text>
        )}
      </Paper>
    </Stack>
  );
}
