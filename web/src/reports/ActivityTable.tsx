// L7: the activity log, newest first, with "load more". A no-show or a cancellation shows the
// services booked and the package their credit came from, so a disputed no-show can be settled here;
// a reason wraps inside its column, however long (the server keeps it to 500 characters).
import { Alert, Badge, Loader, ScrollArea, Table, Text } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import type { TFunction } from "i18next";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { ActivityEntry } from "../api/types.js";
import { plainWords } from "../api.js";
import { useMe } from "../auth/session.js";
import { currentFormatLocale, dateTimeIn, localDate, localDateRange, money } from "../format.js";
import { pagedQuery } from "../pages.js";
import { LoadMore } from "../shell/LoadMore.js";
import phone from "./phone-table.module.css";

export interface ActivityFilter {
  customerId?: string;
  action?: string;
  staffId?: string;
  from?: string;
  to?: string;
}

/** An entry of the log; for a no-show or a cancellation the services that were booked. */
type Entry = ActivityEntry & { serviceName?: string | null };

/** Every action the activity log records (the filter's list); their words are reports.json's action.*. */
export const ACTIONS = [
  "sell",
  "redeem",
  "undo",
  "adjust",
  "extend",
  "refund",
  "transfer_out",
  "transfer_in",
  "transfer_undo",
  "pause",
  "pause_end",
  "expire",
  "book",
  "enrol",
  "cancel",
  "no_show",
  "cancel_class",
  "close_ticket",
  "void_ticket",
  "refund_line",
  "import_packages",
  "change_settings",
  "create_business",
  "create_location",
  "update_location",
  "set_opening_hours",
  "create_staff",
  "invite_staff",
  "resend_staff_invitation",
  "cancel_staff_invitation",
  "accept_staff_invitation",
  "change_staff_role",
  "deactivate_staff",
  "reactivate_staff",
  "set_working_hours",
  "set_commission_rate",
  "remove_commission_rate",
  "create_api_token",
  "revoke_api_token",
  "create_item",
  "update_item",
  "create_template",
  "update_template",
  "retire_template",
  "reactivate_template",
  "make_balance_link",
  "end_balance_link",
  "export_business",
  "export_customer",
  "make_calendar_feed",
  "end_calendar_feed",
  "create_webhook_endpoint",
  "update_webhook_endpoint",
  "delete_webhook_endpoint",
  "rotate_webhook_secret",
] as const;

/** The action in words; an action this screen does not know yet, as its code. */
export function actionLabel(t: TFunction<"reports">, action: string): string {
  return (ACTIONS as readonly string[]).includes(action)
    ? t(`action.${action}`)
    : action.replaceAll("_", " ");
}

const SETTINGS = [
  "allowRefundUsedPackages",
  "coverZeroPriceItems",
  "redemptionPoint",
  "appointmentNoShowPolicy",
  "classNoShowPolicy",
  "reminderDaysBeforeExpiry",
  "onlineBookingDaysAhead",
  "onlineBookingMinNoticeMinutes",
];

function shown(t: TFunction<"reports">, value: unknown): string {
  if (value === true) return t("details.on");
  if (value === false) return t("details.off");
  if (value === null) return t("details.none");
  return String(value).replaceAll("_", " ");
}

function changesOf(t: TFunction<"reports">, d: Record<string, unknown>, settings = false): string {
  const changes = (d.changes ?? {}) as Record<string, { from: unknown; to: unknown }>;
  const label = (key: string) => (settings && SETTINGS.includes(key) ? t(`setting.${key}`) : key);
  return Object.entries(changes)
    .map(([key, c]) =>
      typeof c.to === "object" && c.to !== null
        ? label(key)
        : t("details.change", { what: label(key), from: shown(t, c.from), to: shown(t, c.to) }),
    )
    .join("; ");
}

/** What happened to the credit of a no-show, by the policy it was marked under. */
const NO_SHOW_OUTCOME: Record<string, string> = {
  consume: "details.noShowUsed",
  release: "details.noShowReleased",
  review: "details.noShowReview",
};

/** A local date of the log, as people read it; anything else as it is. */
const dayOf = (v: unknown): string =>
  typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) ? localDate(v) : String(v ?? "—");

/** G4: ", valid until 5 Mar 2027 (was 19 Feb 2027)" as the expiry moved; nothing when it never expires. */
function expiryMove(t: TFunction<"reports">, moved: unknown): string {
  const m = moved as { from?: string | null; to?: string | null } | undefined;
  if (!m?.to) return "";
  return m.from && m.from !== m.to
    ? t("details.expiryMoved", { from: dayOf(m.from), to: dayOf(m.to) })
    : t("details.expiryStays", { to: dayOf(m.to) });
}

function describe(t: TFunction<"reports">, e: Entry): string {
  const d = e.details as Record<string, string | number | undefined>;
  const n = (v: unknown) => Number(v ?? 1);
  switch (e.action) {
    case "sell":
      return typeof d.giftFrom === "string" ? t("details.giftFrom", { name: d.giftFrom }) : "";
    case "pause":
      return (
        t("details.paused", {
          count: Number(d.days ?? 0),
          range: localDateRange(String(d.startsOn), String(d.endsOn), true),
        }) + expiryMove(t, e.details.expiresOn)
      );
    case "pause_end": {
      const ends = e.details.endsOn as { from?: string; to?: string | null } | undefined;
      const given = Number(d.daysGivenBack ?? 0);
      const words = ends?.to
        ? t("details.pauseEnded", {
            count: given,
            range: localDateRange(String(d.startsOn), ends.to, true),
          })
        : t("details.pauseRemoved", {
            count: given,
            range: localDateRange(String(d.startsOn), String(ends?.from ?? d.startsOn), true),
          });
      return words + expiryMove(t, e.details.expiresOn);
    }
    case "adjust":
      return d.direction === "add"
        ? t("details.added", { count: n(d.quantity) })
        : t("details.deducted", { count: n(d.quantity) });
    case "redeem":
      return t("details.credits", { count: n(d.quantity) });
    case "undo":
      return t("details.undone", {
        what: t(`movement.${String(d.undoneKind)}`, { ns: "common", defaultValue: String(d.undoneKind) }),
        count: n(d.quantity),
      });
    case "extend":
      return t("details.extended", { from: d.from, to: d.to });
    case "refund":
      return d.kind === "store_credit" ? t("details.refundStoreCredit") : t("details.refundMoney");
    case "transfer_out":
    case "transfer_in": {
      const credits = Array.isArray(e.details.credits)
        ? (e.details.credits as Array<{ item: string; quantity: number }>)
        : [];
      return t(e.action === "transfer_out" ? "details.transferOut" : "details.transferIn", {
        credits: new Intl.ListFormat(currentFormatLocale(), { type: "conjunction" }).format(
          credits.map((c) => t("details.itemCredits", { count: c.quantity, item: c.item })),
        ),
        amount:
          typeof d.valueMinor === "number" && d.currency ? money(d.valueMinor, String(d.currency)) : "—",
      });
    }
    case "transfer_undo":
      return t("details.transferUndone", { count: Number(d.credits ?? 0) });
    case "expire":
      return t("details.writtenOff", { count: Number(d.creditsWrittenOff ?? 0) });
    case "no_show": {
      const outcome = e.packageName && d.policy ? NO_SHOW_OUTCOME[String(d.policy)] : null;
      return [e.serviceName, outcome ? t(outcome) : e.packageName ? null : t("details.noPackage")]
        .filter(Boolean)
        .join(" · ");
    }
    case "cancel":
      return [e.serviceName, e.packageName ? t("details.creditBack") : null].filter(Boolean).join(" · ");
    case "enrol":
      return e.serviceName ?? "";
    case "cancel_class":
      return [e.serviceName, t("details.attendees", { count: Number(d.attendees ?? 0) })]
        .filter(Boolean)
        .join(" · ");
    case "change_settings":
      return changesOf(t, e.details, true);
    case "create_staff": {
      const staff = e.details.staff as { name: string; role: string };
      return `${staff.name} (${t(`roles.${staff.role}`, { ns: "common", defaultValue: staff.role })})`;
    }
    case "create_location":
      return (e.details.location as { name: string }).name;
    case "create_item":
      return (e.details.item as { name: string }).name;
    case "create_template":
      return (e.details.template as { name: string }).name;
    case "update_item":
    case "update_template":
    case "update_location":
      return `${d.name}: ${changesOf(t, e.details)}`;
    case "create_api_token":
    case "retire_template":
    case "reactivate_template":
    case "export_customer":
      return String(d.name ?? "");
    default:
      return "";
  }
}

/** G3: a transfer's other customer, one click away (the entry names only the customer it is about). */
function OtherCustomer({ entry }: { entry: Entry }) {
  const { t } = useTranslation("reports");
  const other =
    entry.action === "transfer_out"
      ? entry.details.toCustomerId
      : entry.action === "transfer_in"
        ? entry.details.fromCustomerId
        : null;
  if (typeof other !== "string") return null;
  return (
    <>
      {" · "}
      <Link to={`/customers/${other}`} data-testid="activity-other-customer">
        {t(entry.action === "transfer_out" ? "details.toWhom" : "details.fromWhom")}
      </Link>
    </>
  );
}

export function ActivityTable({
  filter,
  showCustomer = true,
}: {
  filter: ActivityFilter;
  showCustomer?: boolean;
}) {
  const { t } = useTranslation("reports");
  const me = useMe();
  const zone = me.location.timeZone;
  const log = useInfiniteQuery({
    queryKey: ["activity", filter],
    // W2: a page at a time, "Show more" for the next
    ...pagedQuery<Entry>("/api/v1/activity", { ...filter }),
    // the log is read when it is opened: a change made elsewhere a moment ago is in it
    refetchOnMount: "always",
  });

  if (log.error) return <Alert color="red">{plainWords(log.error)}</Alert>;
  if (log.isPending) return <Loader size="sm" aria-label={t("activity.loading")} />;
  const entries = log.data.pages.flatMap((page) => page.items);
  if (entries.length === 0) return <Text c="dimmed">{t("activity.empty")}</Text>;
  const columns = {
    when: t("activity.when", { zone }),
    action: t("activity.action"),
    customer: t("activity.customer"),
    package: t("activity.package"),
    details: t("activity.details"),
    reason: t("activity.reason"),
    staff: t("activity.staff"),
  };
  return (
    <>
      <ScrollArea type="auto">
        <Table striped data-testid="activity-table" miw={720} className={phone.table}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{columns.when}</Table.Th>
              <Table.Th>{columns.action}</Table.Th>
              {showCustomer && <Table.Th>{columns.customer}</Table.Th>}
              <Table.Th>{columns.package}</Table.Th>
              <Table.Th>{columns.details}</Table.Th>
              <Table.Th>{columns.reason}</Table.Th>
              <Table.Th>{columns.staff}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((e) => (
              <Table.Tr key={e.id} data-testid="activity-row" data-action={e.action}>
                <Table.Td style={{ whiteSpace: "nowrap" }}>{dateTimeIn(e.occurredAt, zone)}</Table.Td>
                <Table.Td>
                  {/* never cut to "UNDO…": the badge is as wide as its word */}
                  <Badge
                    variant="light"
                    data-testid="activity-action"
                    styles={{
                      root: { maxWidth: "none", overflow: "visible", flexShrink: 0 },
                      label: { overflow: "visible", textOverflow: "clip" },
                    }}
                  >
                    {actionLabel(t, e.action)}
                  </Badge>
                </Table.Td>
                {showCustomer && (
                  <Table.Td data-label={columns.customer}>
                    {e.customerId ? <Link to={`/customers/${e.customerId}`}>{e.customerName}</Link> : "—"}
                  </Table.Td>
                )}
                <Table.Td data-label={columns.package} data-testid="activity-package">
                  {e.packageName ?? "—"}
                </Table.Td>
                <Table.Td data-label={columns.details} data-wide data-testid="activity-details">
                  {describe(t, e)}
                  <OtherCustomer entry={e} />
                </Table.Td>
                <Table.Td
                  data-label={e.reason ? columns.reason : undefined}
                  data-wide
                  data-testid="activity-reason"
                >
                  {e.reason && (
                    // a cell takes no max-width: the block inside it does, and the words wrap in it
                    <div
                      style={{
                        whiteSpace: "pre-wrap",
                        overflowWrap: "anywhere",
                        minWidth: "8rem",
                        maxWidth: "24rem",
                      }}
                    >
                      {e.reason}
                    </div>
                  )}
                </Table.Td>
                <Table.Td
                  data-label={columns.staff}
                  data-testid="activity-staff"
                  style={{ whiteSpace: "nowrap" }}
                >
                  {e.staffName ?? t("activity.system")}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea>
      <LoadMore list={log} testId="activity-more" />
    </>
  );
}
