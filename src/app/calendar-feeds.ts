// W4: private calendar feeds. A staff member subscribes to their own appointments and the classes
// they teach, a customer to their own appointments and class bookings, by an unguessable link that
// a calendar program fetches every few hours. The link's token is a key to those bookings: only a
// SHA-256 of it is stored, it is shown only when it is made, and making a new one (rotating) ends
// the previous one at once. A wrong, rotated or ended link, or one of a staff member no longer
// active, is simply not found.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import i18next, { type TFunction } from "i18next";
import ical, { ICalCalendarMethod, ICalEventStatus } from "ical-generator";
import { sql } from "kysely";
import { Temporal } from "temporal-polyfill";
import { AppError, notFound } from "../domain/errors.js";
import { toDate } from "../domain/validity.js";
import { logAdminAction } from "./activity.js";
import { type App, actorStaffId, authorize, type Ctx, type Executor } from "./context.js";
import { LANGUAGES, LOCALES_DIR } from "./languages.js";
import { newSecret, sha256 } from "./sign-in.js";

export const feedPath = (token: string) => `/api/v1/feeds/${token}.ics`;

/** The feed covers bookings from this long ago to this far ahead (a subscribed calendar keeps no more). */
export const FEED_DAYS_BACK = 60;
export const FEED_DAYS_AHEAD = 365;

/** Whose feed: a staff member's own, or a customer's. */
export type FeedOwner = { staffId: string } | { customerId: string };

export interface FeedStatus {
  /** whether the person has a link that works */
  active: boolean;
  createdAt: string | null;
}

export interface NewFeed {
  token: string;
  /** the feed's path on this server; the web app puts its own address in front */
  path: string;
  createdAt: string;
}

const ownerColumns = (owner: FeedOwner) =>
  "staffId" in owner
    ? { staff_id: owner.staffId, customer_id: null }
    : { staff_id: null, customer_id: owner.customerId };

async function assertCustomer(db: Executor, businessId: string, customerId: string) {
  const customer = await db
    .selectFrom("customers")
    .select("id")
    .where("business_id", "=", businessId)
    .where("id", "=", customerId)
    .executeTakeFirst();
  if (!customer) throw notFound("customer", "customerId");
}

async function feedStatus(db: Executor, businessId: string, owner: FeedOwner): Promise<FeedStatus> {
  let q = db.selectFrom("calendar_feeds").select("created_at").where("business_id", "=", businessId);
  q =
    "staffId" in owner
      ? q.where("staff_id", "=", owner.staffId)
      : q.where("customer_id", "=", owner.customerId);
  const row = await q.executeTakeFirst();
  return { active: row !== undefined, createdAt: row ? row.created_at.toISOString() : null };
}

/**
 * A new link for the owner, replacing the one before in the same statement: the old token's hash is
 * gone when this commits, so the old link answers 404 from then on, on every server process.
 */
async function makeFeed(ctx: Ctx, owner: FeedOwner, db: Executor): Promise<NewFeed> {
  const token = newSecret();
  const createdAt = toDate(ctx.clock());
  const conflictColumns =
    "staffId" in owner ? (["business_id", "staff_id"] as const) : (["business_id", "customer_id"] as const);
  await db
    .insertInto("calendar_feeds")
    .values({
      business_id: ctx.actor.businessId,
      token_hash: sha256(token),
      ...ownerColumns(owner),
      created_at: createdAt,
      created_by: actorStaffId(ctx),
    })
    .onConflict((oc) =>
      oc.columns([...conflictColumns]).doUpdateSet({
        token_hash: sha256(token),
        created_at: createdAt,
        created_by: actorStaffId(ctx),
      }),
    )
    .execute();
  // L7: who made the link, for whom; never the token
  await logAdminAction(db, ctx, "make_calendar_feed", feedDetails(owner), customerOf(owner));
  return { token, path: feedPath(token), createdAt: createdAt.toISOString() };
}

const feedDetails = (owner: FeedOwner) =>
  "staffId" in owner ? { for: "staff", staffId: owner.staffId } : { for: "customer" };
const customerOf = (owner: FeedOwner) => ("customerId" in owner ? owner.customerId : null);

async function endFeed(ctx: Ctx, owner: FeedOwner, db: Executor): Promise<FeedStatus> {
  let q = db.deleteFrom("calendar_feeds").where("business_id", "=", ctx.actor.businessId);
  q =
    "staffId" in owner
      ? q.where("staff_id", "=", owner.staffId)
      : q.where("customer_id", "=", owner.customerId);
  const ended = await q.executeTakeFirst();
  if (ended.numDeletedRows > 0n) {
    await logAdminAction(db, ctx, "end_calendar_feed", feedDetails(owner), customerOf(owner));
  }
  return { active: false, createdAt: null };
}

// A staff member's own feed: anyone signed in may see, make and end their own, whatever their role.
// A bearer token acts as the staff member who made it.

export async function ownFeedStatus(ctx: Ctx): Promise<FeedStatus> {
  authorize(ctx, "read");
  return feedStatus(ctx.database.db, ctx.actor.businessId, { staffId: ctx.actor.staffId });
}

export async function makeOwnFeed(ctx: Ctx, db: Executor = ctx.database.db): Promise<NewFeed> {
  authorize(ctx, "read");
  return makeFeed(ctx, { staffId: ctx.actor.staffId }, db);
}

export async function endOwnFeed(ctx: Ctx, db: Executor = ctx.database.db): Promise<FeedStatus> {
  authorize(ctx, "read");
  return endFeed(ctx, { staffId: ctx.actor.staffId }, db);
}

// A customer's feed: seeing whether there is one needs what reading the customer needs; making or
// ending one is front desk work, like the balance link (R4).

export async function customerFeedStatus(ctx: Ctx, customerId: string): Promise<FeedStatus> {
  authorize(ctx, "read");
  await assertCustomer(ctx.database.db, ctx.actor.businessId, customerId);
  return feedStatus(ctx.database.db, ctx.actor.businessId, { customerId });
}

export async function makeCustomerFeed(
  ctx: Ctx,
  customerId: string,
  db: Executor = ctx.database.db,
): Promise<NewFeed> {
  authorize(ctx, "manage_customers");
  // The customer's foreign key would refuse another business's id too, but as a 500.
  await assertCustomer(db, ctx.actor.businessId, customerId);
  return makeFeed(ctx, { customerId }, db);
}

export async function endCustomerFeed(
  ctx: Ctx,
  customerId: string,
  db: Executor = ctx.database.db,
): Promise<FeedStatus> {
  authorize(ctx, "manage_customers");
  await assertCustomer(db, ctx.actor.businessId, customerId);
  return endFeed(ctx, { customerId }, db);
}

// ---------------------------------------------------------------------------------------------
// The feed itself

/** One booking as the feed shows it. */
interface FeedRow {
  business_name: string;
  feed_language: string;
  person_name: string;
  is_staff_feed: boolean;
  /** null when the person has no booking in the window */
  uid: string | null;
  title: string;
  start_at: Date;
  end_at: Date;
  cancelled: boolean;
  sequence: number;
  created_at: Date;
  time_zone: string;
  location_name: string;
  location_address: string | null;
  staff_name: string;
  customer_name: string | null;
}

/**
 * The feed's owner and every booking of theirs in the window, in one statement (a calendar program
 * polls it; one indexed query per fetch keeps that cheap). No row: no such feed. One row with a null
 * uid: a feed with nothing in it.
 */
async function feedRows(db: Executor, tokenHash: string, from: Date, to: Date): Promise<FeedRow[]> {
  const result = await sql<FeedRow>`
    WITH feed AS (
      SELECT f.business_id, f.staff_id, f.customer_id, b.name AS business_name,
             coalesce(s.language, c.language, b.language) AS feed_language,
             coalesce(s.name, c.name) AS person_name, f.staff_id IS NOT NULL AS is_staff_feed
        FROM calendar_feeds f
        JOIN businesses b ON b.id = f.business_id
        LEFT JOIN staff s ON s.business_id = f.business_id AND s.id = f.staff_id
        LEFT JOIN customers c ON c.business_id = f.business_id AND c.id = f.customer_id
       WHERE f.token_hash = ${tokenHash} AND (f.staff_id IS NULL OR s.active)
    ),
    appointment AS (
      SELECT a.*
        FROM feed JOIN appointments a ON a.business_id = feed.business_id AND a.staff_id = feed.staff_id
       WHERE a.start_at < ${to} AND a.end_at > ${from}
      UNION ALL
      SELECT a.*
        FROM feed JOIN appointments a ON a.business_id = feed.business_id AND a.customer_id = feed.customer_id
       WHERE a.start_at < ${to} AND a.end_at > ${from}
    ),
    booking AS (
      SELECT 'appointment-' || a.id || '@carnet' AS uid, a.business_id, a.location_id,
             a.staff_id, a.customer_id, a.start_at, a.end_at, a.status = 'cancelled' AS cancelled,
             a.calendar_sequence AS sequence, a.created_at,
             (SELECT string_agg(sv.name, ', ' ORDER BY sv.position)
                FROM appointment_services sv
               WHERE sv.business_id = a.business_id AND sv.appointment_id = a.id) AS title
        FROM appointment a
      UNION ALL
      SELECT 'class-session-' || cs.id || '@carnet', cs.business_id, cs.location_id,
             cs.instructor_id, NULL, cs.start_at, cs.end_at, cs.status = 'cancelled',
             cs.calendar_sequence, cs.created_at, i.name
        FROM feed
        JOIN class_sessions cs ON cs.business_id = feed.business_id AND cs.instructor_id = feed.staff_id
        JOIN items i ON i.business_id = cs.business_id AND i.id = cs.item_id
       WHERE cs.start_at < ${to} AND cs.end_at > ${from}
      UNION ALL
      SELECT 'class-enrolment-' || e.id || '@carnet', cs.business_id, cs.location_id,
             cs.instructor_id, e.customer_id, cs.start_at, cs.end_at,
             e.status = 'cancelled' OR cs.status = 'cancelled',
             cs.calendar_sequence + e.calendar_sequence, e.created_at, i.name
        FROM feed
        JOIN class_enrolments e ON e.business_id = feed.business_id AND e.customer_id = feed.customer_id
        JOIN class_sessions cs ON cs.business_id = e.business_id AND cs.id = e.session_id
        JOIN items i ON i.business_id = cs.business_id AND i.id = cs.item_id
       WHERE cs.start_at < ${to} AND cs.end_at > ${from}
    )
    SELECT feed.business_name, feed.feed_language, feed.person_name, feed.is_staff_feed,
           bk.uid, coalesce(bk.title, '') AS title, bk.start_at, bk.end_at, bk.cancelled, bk.sequence,
           bk.created_at, l.time_zone, l.name AS location_name, l.address AS location_address,
           st.name AS staff_name, cu.name AS customer_name
      FROM feed
      LEFT JOIN booking bk ON true
      LEFT JOIN locations l ON l.business_id = bk.business_id AND l.id = bk.location_id
      LEFT JOIN staff st ON st.business_id = bk.business_id AND st.id = bk.staff_id
      LEFT JOIN customers cu ON cu.business_id = bk.business_id AND cu.id = bk.customer_id
     ORDER BY bk.start_at, bk.uid`.execute(db);
  return result.rows;
}

// The words the feed is written in, from locales/<language>/feeds.json ("ics"), in the language of
// the person who subscribes (theirs, or the business's).
type Resource = { [key: string]: string | Resource };
const words = i18next.createInstance();
void words.init({
  resources: Object.fromEntries(
    LANGUAGES.map((language) => {
      try {
        const file = readFileSync(join(LOCALES_DIR, language, "feeds.json"), "utf8");
        return [language, { feeds: JSON.parse(file) as Resource }];
      } catch {
        return [language, {}];
      }
    }),
  ),
  lng: "en",
  fallbackLng: "en",
  ns: ["feeds"],
  defaultNS: "feeds",
  initAsync: false,
  interpolation: { escapeValue: false },
  returnNull: false,
  returnEmptyString: false,
});

const feedNotFound = () => new AppError("not_found", "feed_not_found", "No such calendar feed.");

/** The feed's token from the last segment of its path (`<token>.ics`); anything else finds nothing. */
export function feedToken(segment: string): string {
  const match = /^([A-Za-z0-9_-]{43})\.ics$/.exec(segment);
  if (!match) throw feedNotFound();
  return match[1]!;
}

/** The iCalendar text of the feed whose token this is (RFC 5545). */
export async function calendarFeed(app: App, token: string): Promise<string> {
  const now = app.clock();
  const from = now.subtract({ hours: 24 * FEED_DAYS_BACK });
  const to = now.add({ hours: 24 * FEED_DAYS_AHEAD });
  const rows = await feedRows(app.database.db, sha256(token), toDate(from), toDate(to));
  const head = rows[0];
  if (!head) throw feedNotFound();
  const t = words.getFixedT(LANGUAGES.includes(head.feed_language) ? head.feed_language : "en", "feeds");
  const calendar = ical({
    prodId: { company: "Carnet", product: "Carnet", language: head.feed_language.toUpperCase() },
    method: ICalCalendarMethod.PUBLISH,
    name: t("ics.calendarName", { business: head.business_name, person: head.person_name }),
    // The zones of the bookings' locations, each with its changes from before the window to after it.
    // The first booking's zone is the calendar's (X-WR-TIMEZONE); each event names its own.
    timezone: {
      name: rows.find((r) => r.uid !== null)?.time_zone ?? null,
      generator: (zone) => vtimezone(zone, from, to.add({ hours: 48 })),
    },
    // Calendar programs that honour it fetch again after this long.
    ttl: 60 * 60,
  });
  for (const row of rows) {
    if (row.uid === null) continue;
    addEvent(calendar, row, now, t);
  }
  // RFC 5545 ends every content line with CRLF, the last one too (the generator leaves it off).
  return `${calendar.toString()}\r\n`;
}

function addEvent(
  calendar: ReturnType<typeof ical>,
  row: FeedRow,
  now: Temporal.Instant,
  t: TFunction<"feeds">,
) {
  const zoned = (at: Date) =>
    Temporal.Instant.fromEpochMilliseconds(at.getTime()).toZonedDateTimeISO(row.time_zone);
  const location = row.location_address ? `${row.location_name}, ${row.location_address}` : row.location_name;
  const summary =
    row.is_staff_feed && row.customer_name
      ? t("ics.staffSummary", { title: row.title, customer: row.customer_name })
      : row.title;
  calendar.createEvent({
    id: row.uid!,
    sequence: row.sequence,
    // DTSTAMP: when this copy of the event was written out
    stamp: toDate(now),
    created: row.created_at,
    start: zoned(row.start_at),
    end: zoned(row.end_at),
    timezone: row.time_zone,
    summary,
    location,
    description: row.is_staff_feed ? null : t("ics.withStaff", { staff: row.staff_name }),
    // A cancelled booking stays in the feed, so that calendars holding it mark it cancelled.
    status: row.cancelled ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
  });
}

// ---------------------------------------------------------------------------------------------
// VTIMEZONE (RFC 5545 3.6.5) from the time zone database Temporal reads: the observance in force
// when the window opens, then one observance per change of offset inside it. Calendar programs
// then place each DTSTART;TZID=… local time by the rules the file itself carries.

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

function offsetText(nanoseconds: number): string {
  const sign = nanoseconds < 0 ? "-" : "+";
  const seconds = Math.round(Math.abs(nanoseconds) / 1e9);
  const text = `${sign}${pad(Math.floor(seconds / 3600))}${pad(Math.floor(seconds / 60) % 60)}`;
  return seconds % 60 ? `${text}${pad(seconds % 60)}` : text;
}

function localText(at: Temporal.PlainDateTime): string {
  return `${pad(at.year, 4)}${pad(at.month)}${pad(at.day)}T${pad(at.hour)}${pad(at.minute)}${pad(at.second)}`;
}

/** The offset in force in the zone at this instant, in nanoseconds. */
const offsetAt = (zone: string, at: Temporal.Instant) => at.toZonedDateTimeISO(zone).offsetNanoseconds;

/** The zone's standard offset in the year: the smaller of its midwinter and midsummer offsets. */
function standardOffset(zone: string, year: number): number {
  const at = (month: number) =>
    offsetAt(zone, Temporal.PlainDateTime.from({ year, month, day: 1 }).toZonedDateTime(zone).toInstant());
  return Math.min(at(1), at(7));
}

function observance(zone: string, onset: Temporal.Instant | null, fromNs: number, toNs: number): string[] {
  // DTSTART is the local time of the change as read before it (in TZOFFSETFROM).
  const start = onset
    ? onset.toZonedDateTimeISO("UTC").toPlainDateTime().add({ nanoseconds: fromNs })
    : Temporal.PlainDateTime.from("1970-01-01T00:00:00");
  const kind = toNs > standardOffset(zone, start.year) ? "DAYLIGHT" : "STANDARD";
  return [
    `BEGIN:${kind}`,
    `DTSTART:${localText(start)}`,
    `TZOFFSETFROM:${offsetText(fromNs)}`,
    `TZOFFSETTO:${offsetText(toNs)}`,
    `END:${kind}`,
  ];
}

export function vtimezone(zone: string, from: Temporal.Instant, to: Temporal.Instant): string {
  const lines = ["BEGIN:VTIMEZONE", `TZID:${zone}`];
  const opening = from.toZonedDateTimeISO(zone);
  const before = opening.getTimeZoneTransition("previous");
  const first = before ? before.toInstant() : null;
  lines.push(
    ...observance(
      zone,
      first,
      first ? offsetAt(zone, first.subtract({ nanoseconds: 1 })) : opening.offsetNanoseconds,
      opening.offsetNanoseconds,
    ),
  );
  for (let next = opening.getTimeZoneTransition("next"); next; next = next.getTimeZoneTransition("next")) {
    const at = next.toInstant();
    if (Temporal.Instant.compare(at, to) > 0) break;
    lines.push(
      ...observance(zone, at, offsetAt(zone, at.subtract({ nanoseconds: 1 })), next.offsetNanoseconds),
    );
  }
  lines.push("END:VTIMEZONE");
  return lines.join("\r\n");
}
