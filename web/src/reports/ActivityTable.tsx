// L7: the activity log, newest first, with "load more".
import { Alert, Badge, Button, Group, Loader, ScrollArea, Table, Text } from "@mantine/core";
import { useEffect, useState } from "react";
import { Link } from "react-router";
import { api, plainWords, query } from "../api.js";
import { useMe } from "../auth/session.js";
import { dateTimeIn, MOVEMENT_LABEL } from "../format.js";
import type { ActivityEntry } from "../types.js";

export interface ActivityFilter {
  customerId?: string;
  action?: string;
  staffId?: string;
  from?: string;
  to?: string;
}

/** Every action the activity log records, in the words of the front desk (also the filter's list). */
export const ACTION_LABEL: Record<string, string> = {
  sell: "Sold",
  redeem: "Redeemed",
  undo: "Undone",
  adjust: "Adjusted",
  extend: "Extended",
  refund: "Refunded",
  expire: "Expired",
  book: "Booked",
  enrol: "Enrolled",
  cancel: "Cancelled",
  no_show: "No-show",
  cancel_class: "Class cancelled",
  close_ticket: "Ticket closed",
  void_ticket: "Ticket voided",
  refund_line: "Line refunded",
  change_settings: "Settings changed",
  create_staff: "Staff added",
  create_api_token: "API token made",
  create_location: "Location added",
  create_item: "Item added",
  update_item: "Item changed",
  create_template: "Package template added",
  update_template: "Package template changed",
  retire_template: "Package template retired",
  reactivate_template: "Package template back on sale",
  make_balance_link: "Balance link made",
  end_balance_link: "Balance link ended",
};

/** The business settings, in the words of the Settings page. */
const SETTING_LABEL: Record<string, string> = {
  allowRefundUsedPackages: "Refund packages that were partly used",
  coverZeroPriceItems: "Use package credits for free items",
  redemptionPoint: "When a booked credit counts as used",
  appointmentNoShowPolicy: "No-shows of appointments",
  classNoShowPolicy: "No-shows of classes",
  reminderDaysBeforeExpiry: "Days before expiry for reminders",
  onlineBookingDaysAhead: "Days ahead customers may book",
  onlineBookingMinNoticeMinutes: "Minimum notice (minutes)",
};

const shown = (value: unknown) =>
  value === true
    ? "on"
    : value === false
      ? "off"
      : value === null
        ? "none"
        : String(value).replaceAll("_", " ");

function changesOf(d: Record<string, unknown>, labels: Record<string, string> = {}): string {
  const changes = (d.changes ?? {}) as Record<string, { from: unknown; to: unknown }>;
  return Object.entries(changes)
    .map(([key, c]) =>
      typeof c.to === "object" && c.to !== null
        ? (labels[key] ?? key)
        : `${labels[key] ?? key}: ${shown(c.from)} → ${shown(c.to)}`,
    )
    .join("; ");
}

function describe(e: ActivityEntry): string {
  const d = e.details as Record<string, string | number | undefined>;
  switch (e.action) {
    case "adjust":
      return `${d.direction === "add" ? "+" : "−"}${d.quantity} credit(s)`;
    case "redeem":
      return `${d.quantity ?? 1} credit(s)`;
    case "undo":
      return `${MOVEMENT_LABEL[String(d.undoneKind)] ?? "entry"}, ${d.quantity ?? 1} credit(s) back`;
    case "extend":
      return `${d.from} → ${d.to}`;
    case "refund":
      return `${d.kind === "store_credit" ? "store credit" : "money"}`;
    case "expire":
      return `${d.creditsWrittenOff ?? 0} credit(s) written off`;
    case "change_settings":
      return changesOf(e.details, SETTING_LABEL);
    case "create_staff": {
      const staff = e.details.staff as { name: string; role: string };
      return `${staff.name} (${staff.role.replace("_", " ")})`;
    }
    case "create_location":
      return (e.details.location as { name: string }).name;
    case "create_item":
      return (e.details.item as { name: string }).name;
    case "create_template":
      return (e.details.template as { name: string }).name;
    case "update_item":
    case "update_template":
      return `${d.name}: ${changesOf(e.details)}`;
    case "create_api_token":
    case "retire_template":
    case "reactivate_template":
      return String(d.name ?? "");
    default:
      return "";
  }
}

export function ActivityTable({
  filter,
  showCustomer = true,
}: {
  filter: ActivityFilter;
  showCustomer?: boolean;
}) {
  const me = useMe();
  const [entries, setEntries] = useState<ActivityEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [more, setMore] = useState(false);
  const zone = me.location.timeZone;
  const key = JSON.stringify(filter);

  useEffect(() => {
    setEntries(null);
    const f = JSON.parse(key) as ActivityFilter;
    api.get<ActivityEntry[]>(`/api/v1/activity${query({ ...f, limit: 50 })}`).then(
      (rows) => {
        setEntries(rows);
        setMore(rows.length === 50);
        setError(null);
      },
      (e) => setError(plainWords(e)),
    );
  }, [key]);

  async function loadMore() {
    const last = entries?.[entries.length - 1];
    if (!last) return;
    const rows = await api.get<ActivityEntry[]>(
      `/api/v1/activity${query({ ...filter, limit: 50, before: last.id })}`,
    );
    setEntries((e) => [...(e ?? []), ...rows]);
    setMore(rows.length === 50);
  }

  if (error) return <Alert color="red">{error}</Alert>;
  if (!entries) return <Loader size="sm" />;
  if (entries.length === 0) return <Text c="dimmed">No activity.</Text>;
  return (
    <>
      <ScrollArea>
        <Table striped data-testid="activity-table" miw={640}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When ({zone})</Table.Th>
              <Table.Th>Action</Table.Th>
              {showCustomer && <Table.Th>Customer</Table.Th>}
              <Table.Th>Package</Table.Th>
              <Table.Th>Details</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Staff</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((e) => (
              <Table.Tr key={e.id} data-testid="activity-row" data-action={e.action}>
                <Table.Td>{dateTimeIn(e.occurredAt, zone)}</Table.Td>
                <Table.Td>
                  <Badge variant="light" style={{ minWidth: "max-content" }}>
                    {ACTION_LABEL[e.action] ?? e.action}
                  </Badge>
                </Table.Td>
                {showCustomer && (
                  <Table.Td>
                    {e.customerId ? <Link to={`/customers/${e.customerId}`}>{e.customerName}</Link> : "—"}
                  </Table.Td>
                )}
                <Table.Td>{e.packageName ?? "—"}</Table.Td>
                <Table.Td>{describe(e)}</Table.Td>
                <Table.Td>{e.reason ?? ""}</Table.Td>
                <Table.Td>{e.staffName ?? "System"}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      {more && (
        <Group justify="center" mt="sm">
          <Button variant="default" size="xs" onClick={loadMore}>
            Load more
          </Button>
        </Group>
      )}
    </>
  );
}
