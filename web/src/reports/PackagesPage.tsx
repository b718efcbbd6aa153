// The Packages page for managers and owners: balances and liability (R1) with a CSV export,
// packages expiring soon and redemptions (R2), earned and deferred revenue (R5), commission owed (T10,
// O4), the activity log (L7). An unlimited pass (P10) is counted apart from the sessions owed: its
// 999 credits are no sessions anyone will take, though its liability is the worth of what is unused.
import {
  Alert,
  Button,
  Card,
  Group,
  Loader,
  NumberInput,
  ScrollArea,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Title,
} from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type {
  BalanceReport as Balances,
  ExpiringReport as Expiring,
  ReportSource,
  RevenueReport as Revenue,
  Template,
} from "../api/types.js";
import { api, query } from "../api.js";
import { useMe } from "../auth/session.js";
import { localDate, money } from "../format.js";
import { numberInputSeparators } from "../number-input.js";
import { LoadMore } from "../shell/LoadMore.js";
import { ACTIONS, ActivityTable, actionLabel } from "./ActivityTable.js";
import { CommissionTab } from "./CommissionTab.js";
import phone from "./phone-table.module.css";
import { usePagedReport, usePeriod, useReport, useStaffOptions } from "./report-hooks.js";

type BalanceRow = Balances["items"][number];
type BalanceLine = BalanceRow["lines"][number];

/** U1: a line in words, one wording per meaning: "Manicure: 2 of 5 left", "Yoga class: unlimited". */
function lineWords(t: TFunction<"reports">, l: BalanceLine): string {
  const left = l.total - l.used - l.booked;
  if (l.unlimited) return t("line.unlimited", { item: l.itemName });
  return l.booked > 0
    ? t("line.leftBooked", { item: l.itemName, left, total: l.total, booked: l.booked })
    : t("line.left", { item: l.itemName, left, total: l.total });
}

function Lines({ lines }: { lines: BalanceLine[] }) {
  const { t } = useTranslation("reports");
  return (
    <Stack gap={0}>
      {lines.map((l) => (
        <Text key={l.itemName} size="sm" data-testid="balance-line">
          {lineWords(t, l)}
        </Text>
      ))}
    </Stack>
  );
}

/** Sessions owed, an unlimited pass apart: "4", "unlimited", "4 + unlimited". */
function owedWords(t: TFunction<"reports">, r: { sessionsOwed: number; unlimitedLines: number }): string {
  if (r.unlimitedLines === 0) return String(r.sessionsOwed);
  return r.sessionsOwed === 0
    ? t("balances.unlimited")
    : t("balances.plusUnlimited", { count: r.sessionsOwed });
}

/** X2: reports read from a standby say so, and how far behind it is (nothing on the primary). */
function ReportSourceNote() {
  const { t } = useTranslation("reports");
  const source = useQuery({
    queryKey: ["reports", "source"],
    queryFn: () => api.get<ReportSource>("/api/v1/reports/source"),
    refetchInterval: 30_000,
  });
  if (source.data?.source !== "replica") return null;
  const lag = source.data.lagSeconds;
  return (
    <Text size="sm" c="dimmed" data-testid="report-source">
      {lag < 1 ? t("source.replicaCaughtUp") : t("source.replicaBehind", { seconds: Math.round(lag) })}
    </Text>
  );
}

export function PackagesPage() {
  const { t } = useTranslation("reports");
  return (
    <Stack>
      <Title order={2}>{t("title")}</Title>
      <ReportSourceNote />
      <Tabs defaultValue="balances" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="balances">{t("tabs.balances")}</Tabs.Tab>
          <Tabs.Tab value="expiring">{t("tabs.expiring")}</Tabs.Tab>
          <Tabs.Tab value="redemptions">{t("tabs.redemptions")}</Tabs.Tab>
          <Tabs.Tab value="revenue">{t("tabs.revenue")}</Tabs.Tab>
          <Tabs.Tab value="commission">{t("tabs.commission")}</Tabs.Tab>
          <Tabs.Tab value="activity">{t("tabs.activity")}</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="balances" pt="md">
          <BalancesTab />
        </Tabs.Panel>
        <Tabs.Panel value="expiring" pt="md">
          <ExpiringTab />
        </Tabs.Panel>
        <Tabs.Panel value="redemptions" pt="md">
          <RedemptionsTab />
        </Tabs.Panel>
        <Tabs.Panel value="revenue" pt="md">
          <RevenueTab />
        </Tabs.Panel>
        <Tabs.Panel value="commission" pt="md">
          <CommissionTab />
        </Tabs.Panel>
        <Tabs.Panel value="activity" pt="md">
          <ActivityTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}

const wide = { base: "100%", xs: 220 } as const;

function BalancesTab() {
  const { t } = useTranslation("reports");
  const me = useMe();
  const [locationId, setLocationId] = useState<string | null>(null);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [status, setStatus] = useState("active");
  const templates = useQuery({
    queryKey: ["catalog", "templates", { includeRetired: true }],
    queryFn: () => api.get<Template[]>("/api/v1/templates?includeRetired=true"),
  });
  const filter = query({ locationId, templateId, status });
  const {
    first: data,
    rows,
    list,
    error,
  } = usePagedReport<Balances>("/api/v1/reports/balances", {
    locationId,
    templateId,
    status,
  });
  const statusWord = (s: string) => t(`packageStatus.${s}`, { ns: "common", defaultValue: s });
  const columns = {
    customer: t("balances.customer"),
    package: t("balances.package"),
    left: t("balances.left"),
    status: t("balances.status"),
    expires: t("balances.expires"),
    location: t("balances.location"),
    owed: t("balances.owed"),
    liability: t("balances.liability"),
  };
  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        <Select
          label={t("balances.location")}
          placeholder={t("balances.allLocations")}
          clearable
          data={me.locations.map((l) => ({ value: l.id, label: l.name }))}
          value={locationId}
          onChange={setLocationId}
          w={wide}
        />
        <Select
          label={t("balances.package")}
          placeholder={t("balances.allPackages")}
          clearable
          searchable
          data={(templates.data ?? []).map((tp) => ({ value: tp.id, label: tp.name }))}
          value={templateId}
          onChange={setTemplateId}
          w={{ base: "100%", xs: 240 }}
        />
        <Select
          label={t("balances.status")}
          data={[
            ...["active", "expired", "fully_used", "refunded"].map((s) => ({
              value: s,
              label: statusWord(s),
            })),
            { value: "all", label: t("balances.all") },
          ]}
          value={status}
          onChange={(v) => v && setStatus(v)}
          allowDeselect={false}
          w={{ base: "100%", xs: 150 }}
        />
        <Button
          component="a"
          href={`/api/v1/reports/balances.csv${filter}`}
          download
          variant="default"
          data-testid="csv-export"
        >
          {t("balances.csv")}
        </Button>
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      {!data && !error && <Loader aria-label={t("loading")} />}
      {data && (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {data.totals.map((tot) => (
              <Card key={tot.currency} withBorder data-testid="liability-total">
                <Text size="sm" c="dimmed">
                  {t("balances.stillOwed", { currency: tot.currency, count: tot.packages })}
                </Text>
                <Text fw={700} size="xl">
                  {money(tot.liabilityMinor, tot.currency)}
                </Text>
                <Text size="sm" data-testid="sessions-owed">
                  {t("balances.sessionsOwed", { count: tot.sessionsOwed })}
                </Text>
                {tot.unlimitedLines > 0 && (
                  <Text size="sm" c="dimmed" data-testid="unlimited-passes">
                    {t("balances.unlimitedPasses", { count: tot.unlimitedLines })}
                  </Text>
                )}
              </Card>
            ))}
            {data.totals.length === 0 && <Text c="dimmed">{t("balances.noMatch")}</Text>}
          </SimpleGrid>
          {rows.length > 0 && (
            <ScrollArea type="auto">
              <Table striped highlightOnHover data-testid="balances-table" miw={720} className={phone.table}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>{columns.customer}</Table.Th>
                    <Table.Th>{columns.package}</Table.Th>
                    <Table.Th>{columns.left}</Table.Th>
                    <Table.Th>{columns.status}</Table.Th>
                    <Table.Th>{columns.expires}</Table.Th>
                    <Table.Th visibleFrom="lg">{columns.location}</Table.Th>
                    <Table.Th ta="right">{columns.owed}</Table.Th>
                    <Table.Th ta="right">{columns.liability}</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((r) => (
                    <Table.Tr key={r.packageId} data-testid="balance-row" data-package-id={r.packageId}>
                      <Table.Td fw={600}>
                        <Link to={`/customers/${r.customerId}`}>{r.customerName}</Link>
                      </Table.Td>
                      <Table.Td>{r.packageName}</Table.Td>
                      <Table.Td data-label={columns.left} data-wide>
                        <Lines lines={r.lines} />
                      </Table.Td>
                      <Table.Td data-label={columns.status}>{statusWord(r.status)}</Table.Td>
                      <Table.Td data-label={columns.expires}>
                        {r.expiresOn ? localDate(r.expiresOn) : t("balances.never")}
                      </Table.Td>
                      <Table.Td visibleFrom="lg">{r.locationName}</Table.Td>
                      <Table.Td ta="right" data-label={columns.owed} data-testid="row-owed">
                        {owedWords(t, r)}
                      </Table.Td>
                      <Table.Td ta="right" data-label={columns.liability} style={{ whiteSpace: "nowrap" }}>
                        {money(r.liabilityMinor, r.currency)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
          )}
          <LoadMore list={list} testId="balances-more" />
        </>
      )}
    </Stack>
  );
}

function ExpiringTab() {
  const { t } = useTranslation("reports");
  const [days, setDays] = useState<number | string>(30);
  const {
    first,
    rows: data,
    list,
    error,
  } = usePagedReport<Expiring>("/api/v1/reports/expiring", {
    days: Number(days) || 30,
  });
  const columns = {
    expires: t("expiring.expires"),
    customer: t("balances.customer"),
    package: t("balances.package"),
    left: t("balances.left"),
    worth: t("expiring.worth"),
  };
  return (
    <Stack>
      <NumberInput
        {...numberInputSeparators()}
        label={t("expiring.within")}
        min={1}
        max={365}
        value={days}
        onChange={setDays}
        w={200}
        allowDecimal={false}
      />
      {error && <Alert color="red">{error}</Alert>}
      {!first && !error && <Loader aria-label={t("loading")} />}
      {first && data.length === 0 && (
        <Text c="dimmed">{t("expiring.none", { count: Number(days) || 30 })}</Text>
      )}
      {data.length > 0 && (
        <ScrollArea type="auto">
          <Table striped miw={600} className={phone.table}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{columns.expires}</Table.Th>
                <Table.Th>{columns.customer}</Table.Th>
                <Table.Th>{columns.package}</Table.Th>
                <Table.Th>{columns.left}</Table.Th>
                <Table.Th ta="right">{columns.worth}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.map((r) => (
                <Table.Tr key={r.packageId}>
                  <Table.Td data-label={columns.expires}>
                    {r.expiresOn ? localDate(r.expiresOn) : ""}
                  </Table.Td>
                  <Table.Td fw={600}>
                    <Link to={`/customers/${r.customerId}`}>{r.customerName}</Link>
                  </Table.Td>
                  <Table.Td>{r.packageName}</Table.Td>
                  <Table.Td data-label={columns.left} data-wide>
                    <Lines lines={r.lines} />
                  </Table.Td>
                  <Table.Td ta="right" data-label={columns.worth}>
                    {money(r.liabilityMinor, r.currency)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
      <LoadMore list={list} testId="expiring-more" />
    </Stack>
  );
}

function RedemptionsTab() {
  const { t } = useTranslation("reports");
  const { params, inputs } = usePeriod();
  const [groupBy, setGroupBy] = useState("day");
  const url = params ? `/api/v1/reports/redemptions${query({ ...params, groupBy })}` : null;
  const { data, error } =
    useReport<
      Array<{
        key: string;
        currency: string;
        redeemed: number;
        undone: number;
        net: number;
        valueMinor: number;
      }>
    >(url);
  const total = useMemo(() => (data ?? []).reduce((a, r) => a + r.net, 0), [data]);
  const columns = {
    key: t(`redemptions.by.${groupBy}`),
    redeemed: t("redemptions.redeemed"),
    undone: t("redemptions.undone"),
    net: t("redemptions.net"),
    value: t("redemptions.value"),
  };
  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        {inputs}
        <SegmentedControl
          value={groupBy}
          onChange={setGroupBy}
          data={[
            { value: "day", label: t("redemptions.byDay") },
            { value: "staff", label: t("redemptions.byStaff") },
            { value: "location", label: t("redemptions.byLocation") },
          ]}
        />
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      {data && (
        <>
          <Text data-testid="redemptions-total">{t("redemptions.total", { count: total })}</Text>
          <ScrollArea type="auto">
            <Table striped miw={500} className={phone.table}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{columns.key}</Table.Th>
                  <Table.Th ta="right">{columns.redeemed}</Table.Th>
                  <Table.Th ta="right">{columns.undone}</Table.Th>
                  <Table.Th ta="right">{columns.net}</Table.Th>
                  <Table.Th ta="right">{columns.value}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((r) => (
                  <Table.Tr key={`${r.key}-${r.currency}`}>
                    <Table.Td fw={600}>
                      {groupBy === "day"
                        ? localDate(r.key)
                        : r.key === "System"
                          ? t("activity.system")
                          : r.key}
                    </Table.Td>
                    <Table.Td ta="right" data-label={columns.redeemed}>
                      {r.redeemed}
                    </Table.Td>
                    <Table.Td ta="right" data-label={columns.undone}>
                      {r.undone}
                    </Table.Td>
                    <Table.Td ta="right" data-label={columns.net}>
                      {r.net}
                    </Table.Td>
                    <Table.Td ta="right" data-label={columns.value}>
                      {money(r.valueMinor, r.currency)}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          {data.length === 0 && <Text c="dimmed">{t("redemptions.none")}</Text>}
        </>
      )}
    </Stack>
  );
}

function RevenueTable({
  rows,
  label,
}: {
  rows: Array<{
    locationName: string;
    packageName: string;
    currency: string;
    credits: number;
    unlimitedLines?: number;
    amount: number;
  }>;
  label: string;
}) {
  const { t } = useTranslation("reports");
  const columns = {
    location: t("balances.location"),
    package: t("balances.package"),
    credits: t("revenue.credits"),
  };
  return (
    <ScrollArea type="auto">
      <Table striped miw={520} className={phone.table}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{columns.location}</Table.Th>
            <Table.Th>{columns.package}</Table.Th>
            <Table.Th ta="right">{columns.credits}</Table.Th>
            <Table.Th ta="right">{label}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={`${r.locationName}-${r.packageName}-${r.currency}`} data-testid="revenue-row">
              <Table.Td data-label={columns.location}>{r.locationName}</Table.Td>
              <Table.Td fw={600}>{r.packageName}</Table.Td>
              <Table.Td ta="right" data-label={columns.credits}>
                {owedWords(t, { sessionsOwed: r.credits, unlimitedLines: r.unlimitedLines ?? 0 })}
              </Table.Td>
              <Table.Td ta="right" data-label={label}>
                {money(r.amount, r.currency)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}

function RevenueTab() {
  const { t } = useTranslation("reports");
  const { params, inputs } = usePeriod();
  const { data, error } = useReport<Revenue>(params ? `/api/v1/reports/revenue${query(params)}` : null);
  return (
    <Stack>
      <Group align="flex-end">{inputs}</Group>
      {error && <Alert color="red">{error}</Alert>}
      {data && (
        <SimpleGrid cols={{ base: 1, xl: 2 }}>
          <Card withBorder>
            <Title order={4} mb="xs">
              {t("revenue.earnedTitle")}
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              {t("revenue.earnedExplain")}
            </Text>
            {data.earned.length ? (
              <RevenueTable
                rows={data.earned.map((r) => ({ ...r, amount: r.earnedMinor }))}
                label={t("revenue.earned")}
              />
            ) : (
              <Text c="dimmed">{t("revenue.nothingEarned")}</Text>
            )}
          </Card>
          <Card withBorder>
            <Title order={4} mb="xs">
              {t("revenue.deferredTitle")}
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              {t("revenue.deferredExplain")}
            </Text>
            {data.deferred.length ? (
              <RevenueTable
                rows={data.deferred.map((r) => ({ ...r, amount: r.deferredMinor }))}
                label={t("revenue.deferred")}
              />
            ) : (
              <Text c="dimmed">{t("revenue.nothingDeferred")}</Text>
            )}
          </Card>
        </SimpleGrid>
      )}
    </Stack>
  );
}

function ActivityTab() {
  const { t } = useTranslation("reports");
  const [action, setAction] = useState<string | null>(null);
  const staff = useStaffOptions();
  const [staffId, setStaffId] = useState<string | null>(null);
  return (
    <Stack>
      <Group>
        <Select
          label={t("activity.action")}
          placeholder={t("activity.everyAction")}
          clearable
          searchable
          data={ACTIONS.map((value) => ({ value, label: actionLabel(t, value) }))}
          value={action}
          onChange={setAction}
          w={{ base: "100%", xs: 220 }}
        />
        <Select
          label={t("activity.staff")}
          placeholder={t("activity.everyone")}
          clearable
          data={staff}
          value={staffId}
          onChange={setStaffId}
          w={wide}
        />
      </Group>
      <ActivityTable filter={{ ...(action ? { action } : {}), ...(staffId ? { staffId } : {}) }} />
    </Stack>
  );
}
