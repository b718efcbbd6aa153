// The Packages page for managers and owners: balances and liability (R1) with a CSV export,
// packages expiring soon and redemptions (R2), earned and deferred revenue (R5), commission owed (T10,
// O4), the activity log (L7).
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
import { useEffect, useMemo, useState } from "react";
import { Link } from "react-router";
import { api, query } from "../api.js";
import { useMe } from "../auth/session.js";
import { localDate, money, STATUS_LABEL } from "../format.js";
import type { Template } from "../types.js";
import { ACTION_LABEL, ActivityTable } from "./ActivityTable.js";
import { CommissionTab } from "./CommissionTab.js";
import { useLoad, usePeriod } from "./report-hooks.js";

interface BalanceRow {
  packageId: string;
  packageName: string;
  customerId: string;
  customerName: string;
  locationName: string;
  currency: string;
  expiresOn: string | null;
  status: string;
  total: number;
  used: number;
  booked: number;
  remaining: number;
  sessionsOwed: number;
  liabilityMinor: number;
  items: string;
}
interface Balances {
  rows: BalanceRow[];
  totals: Array<{ currency: string; packages: number; sessionsOwed: number; liabilityMinor: number }>;
}

export function PackagesPage() {
  return (
    <Stack>
      <Title order={2}>Packages</Title>
      <Tabs defaultValue="balances" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="balances">Balances</Tabs.Tab>
          <Tabs.Tab value="expiring">Expiring soon</Tabs.Tab>
          <Tabs.Tab value="redemptions">Redemptions</Tabs.Tab>
          <Tabs.Tab value="revenue">Revenue</Tabs.Tab>
          <Tabs.Tab value="commission">Commission</Tabs.Tab>
          <Tabs.Tab value="activity">Activity log</Tabs.Tab>
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

function BalancesTab() {
  const me = useMe();
  const [locationId, setLocationId] = useState<string | null>(null);
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [status, setStatus] = useState("active");
  const [templates, setTemplates] = useState<Template[]>([]);
  useEffect(() => {
    api.get<Template[]>("/api/v1/templates?includeRetired=true").then(setTemplates, () => {});
  }, []);
  const filter = query({ locationId, templateId, status });
  const { data, error } = useLoad<Balances>(
    `/api/v1/reports/balances${filter}${filter ? "&" : "?"}limit=500`,
  );
  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        <Select
          label="Location"
          placeholder="All locations"
          clearable
          data={me.locations.map((l) => ({ value: l.id, label: l.name }))}
          value={locationId}
          onChange={setLocationId}
          w={220}
        />
        <Select
          label="Package"
          placeholder="All packages"
          clearable
          searchable
          data={templates.map((t) => ({ value: t.id, label: t.name }))}
          value={templateId}
          onChange={setTemplateId}
          w={240}
        />
        <Select
          label="Status"
          data={[
            { value: "active", label: "Active" },
            { value: "expired", label: "Expired" },
            { value: "fully_used", label: "Fully Used" },
            { value: "refunded", label: "Refunded" },
            { value: "all", label: "All" },
          ]}
          value={status}
          onChange={(v) => v && setStatus(v)}
          allowDeselect={false}
          w={150}
        />
        <Button
          component="a"
          href={`/api/v1/reports/balances.csv${filter}`}
          download
          variant="default"
          data-testid="csv-export"
        >
          Export CSV
        </Button>
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      {!data && !error && <Loader />}
      {data && (
        <>
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
            {data.totals.map((t) => (
              <Card key={t.currency} withBorder data-testid="liability-total">
                <Text size="sm" c="dimmed">
                  Still owed ({t.currency}) across {t.packages} package{t.packages === 1 ? "" : "s"}
                </Text>
                <Text fw={700} size="xl">
                  {money(t.liabilityMinor, t.currency)}
                </Text>
                <Text size="sm">{t.sessionsOwed} sessions owed</Text>
              </Card>
            ))}
            {data.totals.length === 0 && <Text c="dimmed">No packages match.</Text>}
          </SimpleGrid>
          {data.rows.length > 0 && (
            <ScrollArea>
              <Table striped highlightOnHover data-testid="balances-table" miw={620}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Customer</Table.Th>
                    <Table.Th>Package</Table.Th>
                    <Table.Th>Items left</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th visibleFrom="lg">Location</Table.Th>
                    <Table.Th ta="right">Owed</Table.Th>
                    <Table.Th ta="right">Liability</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {data.rows.map((r) => (
                    <Table.Tr key={r.packageId} data-testid="balance-row" data-package-id={r.packageId}>
                      <Table.Td>
                        <Link to={`/customers/${r.customerId}`}>{r.customerName}</Link>
                      </Table.Td>
                      <Table.Td>{r.packageName}</Table.Td>
                      <Table.Td>{r.items}</Table.Td>
                      <Table.Td>{STATUS_LABEL[r.status] ?? r.status}</Table.Td>
                      <Table.Td>{r.expiresOn ? localDate(r.expiresOn) : "never"}</Table.Td>
                      <Table.Td visibleFrom="lg">{r.locationName}</Table.Td>
                      <Table.Td ta="right">{r.sessionsOwed}</Table.Td>
                      <Table.Td ta="right" style={{ whiteSpace: "nowrap" }}>
                        {money(r.liabilityMinor, r.currency)}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </ScrollArea>
          )}
          {data.rows.length === 500 && (
            <Text size="sm" c="dimmed">
              The first 500 packages are shown; the CSV export has every one.
            </Text>
          )}
        </>
      )}
    </Stack>
  );
}

function ExpiringTab() {
  const [days, setDays] = useState<number | string>(30);
  const { data, error } = useLoad<BalanceRow[]>(`/api/v1/reports/expiring?days=${Number(days) || 30}`);
  return (
    <Stack>
      <NumberInput
        label="Expiring within (days)"
        min={1}
        max={365}
        value={days}
        onChange={setDays}
        w={200}
        allowDecimal={false}
      />
      {error && <Alert color="red">{error}</Alert>}
      {!data && !error && <Loader />}
      {data && data.length === 0 && (
        <Text c="dimmed">No package with credits left expires in the next {days} days.</Text>
      )}
      {data && data.length > 0 && (
        <ScrollArea>
          <Table striped miw={600}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Expires</Table.Th>
                <Table.Th>Customer</Table.Th>
                <Table.Th>Package</Table.Th>
                <Table.Th>Left</Table.Th>
                <Table.Th ta="right">Worth</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data.map((r) => (
                <Table.Tr key={r.packageId}>
                  <Table.Td>{r.expiresOn ? localDate(r.expiresOn) : ""}</Table.Td>
                  <Table.Td>
                    <Link to={`/customers/${r.customerId}`}>{r.customerName}</Link>
                  </Table.Td>
                  <Table.Td>{r.packageName}</Table.Td>
                  <Table.Td>{r.items}</Table.Td>
                  <Table.Td ta="right">{money(r.liabilityMinor, r.currency)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea>
      )}
    </Stack>
  );
}

function RedemptionsTab() {
  const { params, inputs } = usePeriod();
  const [groupBy, setGroupBy] = useState("day");
  const url = params ? `/api/v1/reports/redemptions${query({ ...params, groupBy })}` : null;
  const { data, error } =
    useLoad<
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
  return (
    <Stack>
      <Group align="flex-end" wrap="wrap">
        {inputs}
        <SegmentedControl
          value={groupBy}
          onChange={setGroupBy}
          data={[
            { value: "day", label: "By day" },
            { value: "staff", label: "By staff" },
            { value: "location", label: "By location" },
          ]}
        />
      </Group>
      {error && <Alert color="red">{error}</Alert>}
      {data && (
        <>
          <Text>
            <b>{total}</b> credits used in the period (after undos).
          </Text>
          <ScrollArea>
            <Table striped miw={500}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>
                    {groupBy === "day" ? "Day" : groupBy === "staff" ? "Staff" : "Location"}
                  </Table.Th>
                  <Table.Th ta="right">Redeemed</Table.Th>
                  <Table.Th ta="right">Undone</Table.Th>
                  <Table.Th ta="right">Net</Table.Th>
                  <Table.Th ta="right">Value</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.map((r) => (
                  <Table.Tr key={`${r.key}-${r.currency}`}>
                    <Table.Td>{groupBy === "day" ? localDate(r.key) : r.key}</Table.Td>
                    <Table.Td ta="right">{r.redeemed}</Table.Td>
                    <Table.Td ta="right">{r.undone}</Table.Td>
                    <Table.Td ta="right">{r.net}</Table.Td>
                    <Table.Td ta="right">{money(r.valueMinor, r.currency)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </ScrollArea>
          {data.length === 0 && <Text c="dimmed">No redemptions in this period.</Text>}
        </>
      )}
    </Stack>
  );
}

interface Revenue {
  earned: Array<{
    locationName: string;
    packageName: string;
    currency: string;
    earnedMinor: number;
    credits: number;
  }>;
  deferred: Array<{
    locationName: string;
    packageName: string;
    currency: string;
    deferredMinor: number;
    credits: number;
  }>;
}

function RevenueTab() {
  const { params, inputs } = usePeriod();
  const { data, error } = useLoad<Revenue>(params ? `/api/v1/reports/revenue${query(params)}` : null);
  const table = (
    rows: Array<{
      locationName: string;
      packageName: string;
      currency: string;
      credits: number;
      amount: number;
    }>,
    label: string,
  ) => (
    <ScrollArea>
      <Table striped miw={520}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Location</Table.Th>
            <Table.Th>Package</Table.Th>
            <Table.Th ta="right">Credits</Table.Th>
            <Table.Th ta="right">{label}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={`${r.locationName}-${r.packageName}-${r.currency}`}>
              <Table.Td>{r.locationName}</Table.Td>
              <Table.Td>{r.packageName}</Table.Td>
              <Table.Td ta="right">{r.credits}</Table.Td>
              <Table.Td ta="right">{money(r.amount, r.currency)}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
  return (
    <Stack>
      <Group align="flex-end">{inputs}</Group>
      {error && <Alert color="red">{error}</Alert>}
      {data && (
        <SimpleGrid cols={{ base: 1, xl: 2 }}>
          <Card withBorder>
            <Title order={4} mb="xs">
              Earned in the period
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              Each credit used earns its share of the package price.
            </Text>
            {data.earned.length ? (
              table(
                data.earned.map((r) => ({ ...r, amount: r.earnedMinor })),
                "Earned",
              )
            ) : (
              <Text c="dimmed">Nothing earned in this period.</Text>
            )}
          </Card>
          <Card withBorder>
            <Title order={4} mb="xs">
              Deferred now
            </Title>
            <Text size="sm" c="dimmed" mb="sm">
              Paid for, not yet delivered: the worth of unused credits on active packages.
            </Text>
            {data.deferred.length ? (
              table(
                data.deferred.map((r) => ({ ...r, amount: r.deferredMinor })),
                "Deferred",
              )
            ) : (
              <Text c="dimmed">Nothing deferred.</Text>
            )}
          </Card>
        </SimpleGrid>
      )}
    </Stack>
  );
}

function ActivityTab() {
  const [action, setAction] = useState<string | null>(null);
  const [staff, setStaff] = useState<Array<{ id: string; name: string }>>([]);
  const [staffId, setStaffId] = useState<string | null>(null);
  useEffect(() => {
    api.get<Array<{ id: string; name: string }>>("/api/v1/staff").then(setStaff, () => {});
  }, []);
  return (
    <Stack>
      <Group>
        <Select
          label="Action"
          placeholder="Every action"
          clearable
          data={Object.entries(ACTION_LABEL).map(([value, label]) => ({ value, label }))}
          value={action}
          onChange={setAction}
          w={200}
        />
        <Select
          label="Staff"
          placeholder="Everyone"
          clearable
          data={staff.map((s) => ({ value: s.id, label: s.name }))}
          value={staffId}
          onChange={setStaffId}
          w={220}
        />
      </Group>
      <ActivityTable filter={{ ...(action ? { action } : {}), ...(staffId ? { staffId } : {}) }} />
    </Stack>
  );
}
