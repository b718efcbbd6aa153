// T10, O4: commission owed for tickets closed in a period. Per staff member the base and the amount;
// line by line the base, the rate the line closed with and the amount (base × rate). A line closed
// while its staff member had no rate shows its base and "no rate". W2: the lines come a page at a
// time ("Show more"); the totals cover every line and come with the first page.
import { Alert, Badge, Group, ScrollArea, Select, Stack, Table, Text, Title } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { CommissionReport } from "../api/types.js";
import { plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { percentText } from "../catalog/catalog-form.js";
import { dateIn, money } from "../format.js";
import { pagedQuery } from "../pages.js";
import { LoadMore } from "../shell/LoadMore.js";
import phone from "./phone-table.module.css";
import { usePeriod, useStaffOptions } from "./report-hooks.js";

type CommissionLine = CommissionReport["items"][number];

export function CommissionTab() {
  const { t } = useTranslation("reports");
  const me = useMe();
  const { params, inputs } = usePeriod();
  const [staffId, setStaffId] = useState<string | null>(null);
  const staff = useStaffOptions();
  const filter = { ...(params ?? { from: "", to: "" }), staffId };
  // under "reports" like every report, so a change anywhere refreshes it (U4)
  const report = useInfiniteQuery({
    queryKey: ["reports", "commissions", filter] as const,
    ...pagedQuery<CommissionLine>("/api/v1/reports/commissions", filter),
    enabled: params !== null,
  });
  const first = report.data?.pages[0] as CommissionReport | undefined;
  const data = first ? { totals: first.totals, lines: report.data!.pages.flatMap((p) => p.items) } : null;
  const error = report.error ? plainWords(report.error) : null;
  const zone = me.location.timeZone;
  const byCurrency = new Map<string, { base: number; amount: number }>();
  for (const t of data?.totals ?? []) {
    const sum = byCurrency.get(t.currency) ?? { base: 0, amount: 0 };
    byCurrency.set(t.currency, { base: sum.base + t.baseMinor, amount: sum.amount + t.amountMinor });
  }
  const columns = {
    staff: t("commission.staff"),
    lines: t("commission.lines"),
    base: t("commission.base"),
    owed: t("commission.owed"),
    closed: t("commission.closed"),
    ticket: t("commission.ticket"),
    item: t("commission.item"),
    rate: t("commission.rate"),
    amount: t("commission.amount"),
  };

  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        {inputs}
        <Select
          label={t("commission.staffMember")}
          placeholder={t("activity.everyone")}
          clearable
          w={{ base: "100%", xs: 200 }}
          data={staff}
          value={staffId}
          onChange={setStaffId}
        />
      </Group>
      <Text size="sm" c="dimmed">
        {t("commission.explain")}
      </Text>
      {error && <Alert color="red">{error}</Alert>}
      {data && data.totals.length === 0 && <Text c="dimmed">{t("commission.none")}</Text>}
      {data && data.totals.length > 0 && (
        <>
          <Title order={4}>{t("commission.perStaff")}</Title>
          <ScrollArea type="auto">
            <Table striped miw={560} data-testid="commission-totals" className={phone.table}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{columns.staff}</Table.Th>
                  <Table.Th ta="right">{columns.lines}</Table.Th>
                  <Table.Th ta="right">{columns.base}</Table.Th>
                  <Table.Th ta="right">{columns.owed}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.totals.map((s) => (
                  <Table.Tr key={`${s.staffId}-${s.currency}`}>
                    <Table.Td fw={600}>
                      {s.staffName}
                      {s.linesWithoutRate > 0 && (
                        <Text size="xs" c="orange.8" fw={400}>
                          {t("commission.withoutRate", { count: s.linesWithoutRate })}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right" data-label={columns.lines}>
                      {s.lines}
                    </Table.Td>
                    <Table.Td ta="right" data-label={columns.base}>
                      {money(s.baseMinor, s.currency)}
                    </Table.Td>
                    <Table.Td ta="right" fw={600} data-label={columns.owed}>
                      {money(s.amountMinor, s.currency)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
              <Table.Tfoot>
                {[...byCurrency].map(([currency, sum]) => (
                  <Table.Tr key={currency}>
                    <Table.Th>{t("commission.total")}</Table.Th>
                    <Table.Th />
                    <Table.Th ta="right" data-label={columns.base}>
                      {money(sum.base, currency)}
                    </Table.Th>
                    <Table.Th ta="right" data-testid="commission-total-amount" data-label={columns.owed}>
                      {money(sum.amount, currency)}
                    </Table.Th>
                  </Table.Tr>
                ))}
              </Table.Tfoot>
            </Table>
          </ScrollArea>
          <Title order={4}>{t("commission.lineByLine")}</Title>
          <ScrollArea type="auto">
            <Table striped miw={760} data-testid="commission-lines" className={phone.table}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{columns.closed}</Table.Th>
                  <Table.Th>{columns.ticket}</Table.Th>
                  <Table.Th>{columns.staff}</Table.Th>
                  <Table.Th>{columns.item}</Table.Th>
                  <Table.Th ta="right">{columns.base}</Table.Th>
                  <Table.Th ta="right">{columns.rate}</Table.Th>
                  <Table.Th ta="right">{columns.amount}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.lines.map((l) => (
                  <Table.Tr key={l.lineId} data-testid="commission-line">
                    <Table.Td data-label={columns.closed}>{dateIn(l.closedAt, zone)}</Table.Td>
                    <Table.Td data-label={columns.ticket}>
                      <Link to={`/tickets/${l.ticketId}/receipt`}>#{l.receiptNumber ?? l.ticketNumber}</Link>
                    </Table.Td>
                    <Table.Td data-label={columns.staff}>{l.staffName}</Table.Td>
                    <Table.Td data-label={columns.item}>
                      {l.name}
                      {l.covered && (
                        <Badge size="xs" variant="light" color="violet" ml={6}>
                          {t("commission.package")}
                        </Badge>
                      )}
                      {l.category && (
                        <Text size="xs" c="dimmed">
                          {l.category}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td ta="right" data-label={columns.base}>
                      {money(l.baseMinor, l.currency)}
                    </Table.Td>
                    <Table.Td ta="right" data-label={columns.rate}>
                      {l.rateBp === null ? t("commission.noRate") : percentText(l.rateBp)}
                    </Table.Td>
                    <Table.Td ta="right" data-label={columns.amount}>
                      {l.amountMinor === null ? "–" : money(l.amountMinor, l.currency)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          <LoadMore list={report} testId="commission-more" />
        </>
      )}
    </Stack>
  );
}
