// T10, O4: commission owed for tickets closed in a period. Per staff member the base and the amount;
// line by line the base, the rate the line closed with and the amount (base × rate). A line closed
// while its staff member had no rate shows its base and "no rate".
import { Alert, Badge, Group, ScrollArea, Select, Stack, Table, Text, Title } from "@mantine/core";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { api, query } from "../api.js";
import { useMe } from "../auth/session.js";
import { percentText } from "../catalog/catalog-form.js";
import { dateIn, money } from "../format.js";
import { useLoad, usePeriod } from "./report-hooks.js";

interface CommissionReport {
  totals: Array<{
    staffId: string;
    staffName: string;
    currency: string;
    lines: number;
    coveredLines: number;
    linesWithoutRate: number;
    baseMinor: number;
    amountMinor: number;
  }>;
  lines: Array<{
    lineId: string;
    ticketId: string;
    ticketNumber: number;
    receiptNumber: number | null;
    closedAt: string;
    staffId: string;
    staffName: string;
    currency: string;
    name: string;
    kind: string;
    category: string | null;
    covered: boolean;
    baseMinor: number;
    rateBp: number | null;
    amountMinor: number | null;
  }>;
  more: boolean;
}

export function CommissionTab() {
  const me = useMe();
  const { params, inputs } = usePeriod();
  const [staffId, setStaffId] = useState<string | null>(null);
  const [staff, setStaff] = useState<Array<{ id: string; name: string }>>([]);
  useEffect(() => {
    api.get<Array<{ id: string; name: string }>>("/api/v1/staff").then(setStaff, () => setStaff([]));
  }, []);
  const url = params ? `/api/v1/reports/commissions${query({ ...params, staffId })}` : null;
  const { data, error } = useLoad<CommissionReport>(url);
  const zone = me.location.timeZone;
  const byCurrency = new Map<string, { base: number; amount: number }>();
  for (const t of data?.totals ?? []) {
    const sum = byCurrency.get(t.currency) ?? { base: 0, amount: 0 };
    byCurrency.set(t.currency, { base: sum.base + t.baseMinor, amount: sum.amount + t.amountMinor });
  }

  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        {inputs}
        <Select
          label="Staff member"
          placeholder="Everyone"
          clearable
          w={200}
          data={staff.map((s) => ({ value: s.id, label: s.name }))}
          value={staffId}
          onChange={setStaffId}
        />
      </Group>
      <Text size="sm" c="dimmed">
        Amount = base × the rate the line closed with. Rates are set in Catalog → Commission rates; changing
        them does not change tickets already closed. Refunded lines are left out.
      </Text>
      {error && <Alert color="red">{error}</Alert>}
      {data && data.totals.length === 0 && <Text c="dimmed">No commission in this period.</Text>}
      {data && data.totals.length > 0 && (
        <>
          <Title order={4}>Per staff member</Title>
          <ScrollArea type="auto">
            <Table striped miw={560} data-testid="commission-totals">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Staff</Table.Th>
                  <Table.Th ta="right">Lines</Table.Th>
                  <Table.Th ta="right">Base</Table.Th>
                  <Table.Th ta="right">Amount owed</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.totals.map((t) => (
                  <Table.Tr key={`${t.staffId}-${t.currency}`}>
                    <Table.Td>
                      {t.staffName}
                      {t.linesWithoutRate > 0 && (
                        <Text size="xs" c="orange.8">
                          {t.linesWithoutRate} line{t.linesWithoutRate === 1 ? "" : "s"} without a rate
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{t.lines}</Table.Td>
                    <Table.Td ta="right">{money(t.baseMinor, t.currency)}</Table.Td>
                    <Table.Td ta="right" fw={600}>
                      {money(t.amountMinor, t.currency)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
              <Table.Tfoot>
                {[...byCurrency].map(([currency, sum]) => (
                  <Table.Tr key={currency}>
                    <Table.Th>Total</Table.Th>
                    <Table.Th />
                    <Table.Th ta="right">{money(sum.base, currency)}</Table.Th>
                    <Table.Th ta="right" data-testid="commission-total-amount">
                      {money(sum.amount, currency)}
                    </Table.Th>
                  </Table.Tr>
                ))}
              </Table.Tfoot>
            </Table>
          </ScrollArea>
          <Title order={4}>Line by line</Title>
          <ScrollArea type="auto">
            <Table striped miw={760} data-testid="commission-lines">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Closed</Table.Th>
                  <Table.Th>Ticket</Table.Th>
                  <Table.Th>Staff</Table.Th>
                  <Table.Th>Item</Table.Th>
                  <Table.Th ta="right">Base</Table.Th>
                  <Table.Th ta="right">Rate</Table.Th>
                  <Table.Th ta="right">Amount</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.lines.map((l) => (
                  <Table.Tr key={l.lineId} data-testid="commission-line">
                    <Table.Td>{dateIn(l.closedAt, zone)}</Table.Td>
                    <Table.Td>
                      <Link to={`/tickets/${l.ticketId}/receipt`}>#{l.receiptNumber ?? l.ticketNumber}</Link>
                    </Table.Td>
                    <Table.Td>{l.staffName}</Table.Td>
                    <Table.Td>
                      {l.name}
                      {l.covered && (
                        <Badge size="xs" variant="light" color="violet" ml={6}>
                          Package
                        </Badge>
                      )}
                      {l.category && (
                        <Text size="xs" c="dimmed">
                          {l.category}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right">{money(l.baseMinor, l.currency)}</Table.Td>
                    <Table.Td ta="right">{l.rateBp === null ? "no rate" : percentText(l.rateBp)}</Table.Td>
                    <Table.Td ta="right">
                      {l.amountMinor === null ? "–" : money(l.amountMinor, l.currency)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          {data.more && (
            <Text size="sm" c="dimmed">
              Only the first {data.lines.length} lines are shown; choose a shorter period or one staff member.
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}
