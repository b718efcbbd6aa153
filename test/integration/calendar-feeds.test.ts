// W4: private calendar feeds against the real server, read back as a calendar program reads them
// (ical.js, with only the VTIMEZONE the feed itself carries to place local times). A staff member's
// feed holds their appointments and the classes they teach, a customer's their own bookings; each
// booking keeps one UID, its SEQUENCE rises when its time, staff or cancellation changes and not
// otherwise, a cancelled one stays in the feed as CANCELLED, and times stay at the location's wall
// clock across a change of summer time. The link's token is the only key: rotating or ending it,
// or a wrong one, answers 404, and no log line carries it.
import { createHash } from "node:crypto";
import ICAL from "ical.js";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { scenarioWithApiEach } from "../support/api-scenario.js";
import { databaseGoneAway, withCapturedLog } from "../support/captured-log.js";
import { type Api, startApi } from "../support/http.js";
import { addBusiness, type Scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
scenarioWithApiEach((scenario, started) => {
  s = scenario;
  api = started;
});

// ---------------------------------------------------------------------------------------------
// Story builders

async function ok<T = Record<string, unknown>>(
  res: Promise<{ statusCode: number; body: string; json(): unknown }>,
  status = 200,
): Promise<T> {
  const r = await res;
  expect(r.statusCode, r.body).toBe(status);
  return r.json() as T;
}

const customer = async (name: string, on: Api = api) =>
  (await ok<{ id: string }>(on.call("front_desk", "POST", "/api/v1/customers", { name }), 201)).id;

/** an instant from a wall-clock time at a zone: local("2027-03-28T10:00", "Europe/Budapest") */
const local = (wallClock: string, zone: string) =>
  Temporal.PlainDateTime.from(wallClock).toZonedDateTime(zone).toInstant();

async function book(
  customerId: string,
  locationId: string,
  startAt: Temporal.Instant,
  options: { staffId?: string; item?: string; on?: Api; scenario?: Pick<Scenario, "staff" | "items"> } = {},
) {
  const sc = options.scenario ?? s;
  const res = await ok<{ id: string }>(
    (options.on ?? api).call("front_desk", "POST", "/api/v1/appointments", {
      customerId,
      staffId: options.staffId ?? sc.staff.practitioner.staffId,
      locationId,
      startAt: startAt.toString(),
      services: [{ itemId: options.item ?? sc.items.manicure }],
      allowOverlap: true,
    }),
    201,
  );
  return res.id;
}

/** A new link to the caller's own feed; returns the feed's path. */
const ownFeed = async (
  role: "practitioner" | "owner" | "manager" | "front_desk" = "practitioner",
  on = api,
) => (await ok<{ path: string }>(on.call(role, "POST", "/api/v1/auth/me/calendar-feed"), 201)).path;
const customerFeed = async (customerId: string) =>
  (
    await ok<{ path: string }>(
      api.call("front_desk", "POST", `/api/v1/customers/${customerId}/calendar-feed`),
      201,
    )
  ).path;

/** The feed as a calendar program fetches it: no session, no token header. */
async function fetchFeed(path: string) {
  const res = await api.call(null, "GET", path);
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers["content-type"]).toBe("text/calendar; charset=utf-8");
  return { text: res.body, calendar: parse(res.body) };
}

interface Parsed {
  uid: string;
  sequence: number;
  status: string;
  summary: string;
  start: ICAL.Time;
  end: ICAL.Time;
}

function parse(text: string) {
  const root = new ICAL.Component(ICAL.parse(text));
  const events: Parsed[] = root.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      sequence: event.sequence,
      status: String(vevent.getFirstPropertyValue("status")),
      summary: event.summary,
      start: event.startDate,
      end: event.endDate,
    };
  });
  const zones = root.getAllSubcomponents("vtimezone").map((z) => String(z.getFirstPropertyValue("tzid")));
  return { root, events, zones, byUid: (uid: string) => events.find((e) => e.uid === uid) };
}

const offsetOf = (t: ICAL.Time) => t.utcOffset() / 3600;

// ---------------------------------------------------------------------------------------------

describe("W4: calendar feeds", () => {
  it("a week across the change to summer time keeps 10:00 local, with the right UTC offset, in Budapest (28 March 2027) and New York (14 March 2027)", async () => {
    const anna = await customer("Anna Kertész");
    const weeks = [
      {
        zone: "Europe/Budapest",
        location: s.budapest,
        first: "2027-03-25",
        change: "2027-03-28",
        before: 1,
        after: 2,
      },
      {
        zone: "America/New_York",
        location: s.newYork,
        first: "2027-03-11",
        change: "2027-03-14",
        before: -5,
        after: -4,
      },
    ];
    const booked = new Map<string, { zone: string; day: string; at: Temporal.Instant; offset: number }>();
    for (const week of weeks) {
      for (let i = 0; i < 7; i++) {
        const day = Temporal.PlainDate.from(week.first).add({ days: i }).toString();
        const at = local(`${day}T10:00`, week.zone);
        const id = await book(anna, week.location, at);
        const offset = day < week.change ? week.before : week.after;
        booked.set(`appointment-${id}@carnet`, { zone: week.zone, day, at, offset });
      }
    }
    const { text, calendar } = await fetchFeed(await ownFeed());

    // Every line ends in CRLF, none is longer than 75 octets (RFC 5545 3.1), each zone is described.
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.replace(/\r\n/g, "").includes("\n")).toBe(false);
    for (const line of text.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(calendar.zones.sort()).toEqual(["America/New_York", "Europe/Budapest"]);

    expect(calendar.events).toHaveLength(14);
    for (const [uid, want] of booked) {
      const event = calendar.byUid(uid);
      expect(event, uid).toBeDefined();
      expect(text).toContain(`DTSTART;TZID=${want.zone}:${want.day.replaceAll("-", "")}T100000`);
      expect(event!.start.zone?.tzid, uid).toBe(want.zone);
      expect([event!.start.toString(), offsetOf(event!.start)], `${want.zone} ${want.day}`).toEqual([
        `${want.day}T10:00:00`,
        want.offset,
      ]);
      // the instant the calendar program computes from the feed's own VTIMEZONE is the booked one
      expect(event!.start.toUnixTime()).toBe(want.at.epochMilliseconds / 1000);
      expect(event!.end.toUnixTime() - event!.start.toUnixTime()).toBe(30 * 60);
      expect(event!.status).toBe("CONFIRMED");
      expect(event!.summary).toContain("Manicure");
      expect(event!.summary).toContain("Anna Kertész");
    }
  });

  it("UIDs stay the same across fetches; SEQUENCE rises with a reschedule, a change of staff and a cancellation, not with a check-in, an edit of the customer or a move to the same time; a cancelled booking stays as CANCELLED", async () => {
    const anna = await customer("Anna Kertész");
    const at = (day: string) => local(`2026-06-${day}T10:00`, "Europe/Budapest");
    const moved = await book(anna, s.budapest, at("10"));
    const cancelled = await book(anna, s.budapest, at("11"));
    const checkedIn = await book(anna, s.budapest, at("12"));
    const sameTime = await book(anna, s.budapest, at("15"));
    const handedOver = await book(anna, s.budapest, at("16"));
    const path = await ownFeed();
    const first = (await fetchFeed(path)).calendar;
    const uid = (id: string) => `appointment-${id}@carnet`;
    expect(first.events.map((e) => e.sequence)).toEqual([0, 0, 0, 0, 0]);
    const again = (await fetchFeed(path)).calendar;
    expect(again.events.map((e) => e.uid)).toEqual(first.events.map((e) => e.uid));

    await ok(
      api.call("front_desk", "PATCH", `/api/v1/appointments/${moved}`, { startAt: at("13").toString() }),
    );
    await ok(api.call("front_desk", "POST", `/api/v1/appointments/${cancelled}/cancel`, {}));
    // what changes nothing a calendar shows
    await ok(api.call("front_desk", "POST", `/api/v1/appointments/${checkedIn}/check-in`));
    await ok(api.call("front_desk", "PATCH", `/api/v1/customers/${anna}`, { phone: "+36 1 234 5678" }));
    await ok(
      api.call("front_desk", "PATCH", `/api/v1/appointments/${sameTime}`, { startAt: at("15").toString() }),
    );
    // a booking handed to another staff member leaves this feed, and rises in the other's
    await ok(
      api.call("front_desk", "PATCH", `/api/v1/appointments/${handedOver}`, {
        startAt: at("16").toString(),
        staffId: s.staff.manager.staffId,
      }),
    );

    const after = (await fetchFeed(path)).calendar;
    expect(after.events.map((e) => e.uid).sort()).toEqual(
      [moved, cancelled, checkedIn, sameTime].map(uid).sort(),
    );
    expect(after.byUid(uid(moved))).toMatchObject({ sequence: 1, status: "CONFIRMED" });
    expect(after.byUid(uid(moved))!.start.toString()).toBe("2026-06-13T10:00:00");
    expect(after.byUid(uid(cancelled))).toMatchObject({ sequence: 1, status: "CANCELLED" });
    expect(after.byUid(uid(checkedIn))).toMatchObject({ sequence: 0, status: "CONFIRMED" });
    expect(after.byUid(uid(sameTime))).toMatchObject({ sequence: 0, status: "CONFIRMED" });
    const managers = (await fetchFeed(await ownFeed("manager"))).calendar;
    expect(managers.events.map((e) => [e.uid, e.sequence])).toEqual([[uid(handedOver), 1]]);

    // Fetching twice more changes nothing either.
    const later = (await fetchFeed(path)).calendar;
    expect(later.events.map((e) => [e.uid, e.sequence, e.status])).toEqual(
      after.events.map((e) => [e.uid, e.sequence, e.status]),
    );
  });

  it("a customer's feed holds only their own appointments and class bookings; the instructor's holds the class; cancelling the enrolment or the class raises its SEQUENCE", async () => {
    const anna = await customer("Anna Kertész");
    const bea = await customer("Bea Nagy");
    const annas = await book(anna, s.budapest, local("2026-06-10T10:00", "Europe/Budapest"));
    const beas = await book(bea, s.budapest, local("2026-06-10T11:00", "Europe/Budapest"));
    const session = await ok<{ id: string }>(
      api.call("owner", "POST", "/api/v1/class-sessions", {
        itemId: s.items.yoga,
        instructorId: s.staff.practitioner.staffId,
        locationId: s.budapest,
        startAt: local("2026-06-12T18:00", "Europe/Budapest").toString(),
        capacity: 10,
      }),
      201,
    );
    const enrolled = async (customerId: string) => {
      const view = await ok<{ roster: Array<{ id: string; customer: { id: string } }> }>(
        api.call("front_desk", "POST", `/api/v1/class-sessions/${session.id}/enrolments`, { customerId }),
        201,
      );
      return view.roster.find((e) => e.customer.id === customerId)!.id;
    };
    const annasClass = await enrolled(anna);
    const beasClass = await enrolled(bea);

    const annaPath = await customerFeed(anna);
    const feed = (await fetchFeed(annaPath)).calendar;
    expect(feed.events.map((e) => e.uid)).toEqual([
      `appointment-${annas}@carnet`,
      `class-enrolment-${annasClass}@carnet`,
    ]);
    expect(feed.events.map((e) => e.summary)).toEqual(["Manicure", "Yoga class"]);
    const text = (await fetchFeed(annaPath)).text;
    for (const other of [beas, beasClass, "Bea Nagy"]) expect(text).not.toContain(other);

    const instructor = (await fetchFeed(await ownFeed())).calendar;
    expect(instructor.events.map((e) => e.uid)).toEqual([
      `appointment-${annas}@carnet`,
      `appointment-${beas}@carnet`,
      `class-session-${session.id}@carnet`,
    ]);

    await ok(api.call("front_desk", "POST", `/api/v1/class-enrolments/${annasClass}/cancel`));
    const afterCancel = (await fetchFeed(annaPath)).calendar.byUid(`class-enrolment-${annasClass}@carnet`);
    expect(afterCancel).toMatchObject({ sequence: 1, status: "CANCELLED" });

    // Bea's place stands until the business cancels the class itself.
    const beaPath = await customerFeed(bea);
    expect((await fetchFeed(beaPath)).calendar.byUid(`class-enrolment-${beasClass}@carnet`)).toMatchObject({
      sequence: 0,
      status: "CONFIRMED",
    });
    await ok(api.call("owner", "POST", `/api/v1/class-sessions/${session.id}/cancel`, {}));
    expect((await fetchFeed(beaPath)).calendar.byUid(`class-enrolment-${beasClass}@carnet`)).toMatchObject({
      sequence: 1,
      status: "CANCELLED",
    });
    expect(
      (await fetchFeed(await ownFeed())).calendar.byUid(`class-session-${session.id}@carnet`),
    ).toMatchObject({
      sequence: 1,
      status: "CANCELLED",
    });
  });

  it("rotating gives a new link and the old one answers 404 at once; ending it too; wrong links answer 404 and say nothing", async () => {
    const anna = await customer("Anna Kertész");
    await book(anna, s.budapest, local("2026-06-10T10:00", "Europe/Budapest"));
    const before = await ok(api.call("practitioner", "GET", "/api/v1/auth/me/calendar-feed"));
    expect(before).toEqual({ active: false, createdAt: null });
    const old = await ownFeed();
    expect(old).toMatch(/^\/api\/v1\/feeds\/[A-Za-z0-9_-]{43}\.ics$/);
    await fetchFeed(old);
    expect(await ok(api.call("practitioner", "GET", "/api/v1/auth/me/calendar-feed"))).toMatchObject({
      active: true,
    });
    const rotated = await ownFeed();
    expect(rotated).not.toBe(old);
    // The store keeps one row per person, with a SHA-256 of the token and never the token itself.
    const stored = await s.database.db.selectFrom("calendar_feeds").selectAll().execute();
    const tokenOf = (path: string) => path.slice("/api/v1/feeds/".length, -".ics".length);
    expect(stored.map((f) => [f.staff_id, f.token_hash])).toEqual([
      [s.staff.practitioner.staffId, createHash("sha256").update(tokenOf(rotated)).digest("hex")],
    ]);
    expect(JSON.stringify(stored)).not.toContain(tokenOf(rotated));
    expect((await api.call(null, "GET", old)).statusCode).toBe(404);
    expect((await fetchFeed(rotated)).calendar.events).toHaveLength(1);

    const ended = await ok(api.call("practitioner", "DELETE", "/api/v1/auth/me/calendar-feed"));
    expect(ended).toEqual({ active: false, createdAt: null });
    expect((await api.call(null, "GET", rotated)).statusCode).toBe(404);

    const token = rotated.slice("/api/v1/feeds/".length, -".ics".length);
    const wrong = [
      `/api/v1/feeds/${"A".repeat(43)}.ics`,
      `/api/v1/feeds/${token}`,
      `/api/v1/feeds/${token}.ics.ics`,
      `/api/v1/feeds/${token.slice(1)}.ics`,
      "/api/v1/feeds/.ics",
      `/api/v1/feeds/${"x".repeat(90)}.ics`,
      "/api/v1/feeds/%00.ics",
    ];
    for (const url of wrong) {
      const res = await api.call(null, "GET", url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toEqual({
        error: { code: "feed_not_found", message: "No such calendar feed." },
      });
    }

    // A staff member who leaves takes their feed with them.
    const again = await ownFeed();
    await ok(api.call("owner", "POST", `/api/v1/staff/${s.staff.practitioner.staffId}/deactivate`));
    expect((await api.call(null, "GET", again)).statusCode).toBe(404);
  });

  it("a customer's link is made by the front desk and up, seen by whoever reads the customer, and belongs to one business", async () => {
    const anna = await customer("Anna Kertész");
    await book(anna, s.budapest, local("2026-06-10T10:00", "Europe/Budapest"));
    const url = `/api/v1/customers/${anna}/calendar-feed`;
    expect((await api.call("practitioner", "POST", url)).statusCode).toBe(403);
    expect(await ok(api.call("practitioner", "GET", url))).toEqual({ active: false, createdAt: null });
    const path = (await ok<{ path: string }>(api.call("manager", "POST", url), 201)).path;
    expect(await ok(api.call("practitioner", "GET", url))).toMatchObject({ active: true });
    expect((await api.call("practitioner", "DELETE", url)).statusCode).toBe(403);

    // Another business: its staff cannot reach this customer, and its feeds hold nothing of ours.
    const b = await addBusiness(s.database, s.clock, "Other Salon");
    const other = await startApi(b);
    try {
      for (const method of ["GET", "POST", "DELETE"] as const)
        expect((await other.call("owner", method, url)).statusCode, method).toBe(404);
      const bea = await customer("Bea Nagy", other);
      await book(bea, b.budapest, local("2026-06-10T10:00", "Europe/Budapest"), { on: other, scenario: b });
      const theirs = (
        await ok<{ path: string }>(
          other.call("front_desk", "POST", `/api/v1/customers/${bea}/calendar-feed`),
          201,
        )
      ).path;
      const theirStaff = await ownFeed("practitioner", other);
      for (const feed of [theirs, theirStaff]) {
        const { text, calendar } = await fetchFeed(feed);
        expect(calendar.events).toHaveLength(1);
        expect(text).not.toContain("Anna Kertész");
        expect(text).not.toContain(anna);
      }
      expect((await fetchFeed(path)).text).not.toContain("Bea Nagy");
    } finally {
      await other.close();
    }

    expect(await ok(api.call("front_desk", "DELETE", url))).toEqual({ active: false, createdAt: null });
    expect((await api.call(null, "GET", path)).statusCode).toBe(404);
  });

  it("the feed speaks the subscriber's language and covers 60 days back to a year ahead", async () => {
    const anna = await customer("Anna Kertész");
    await ok(api.call("front_desk", "PATCH", `/api/v1/customers/${anna}`, { language: "hu" }));
    const inside = [
      await book(anna, s.budapest, s.clock.now.subtract({ hours: 24 * 59 })),
      await book(anna, s.budapest, s.clock.now.add({ hours: 24 * 364 })),
    ];
    const outside = [
      await book(anna, s.budapest, s.clock.now.subtract({ hours: 24 * 61 })),
      await book(anna, s.budapest, s.clock.now.add({ hours: 24 * 366 })),
    ];
    const { text, calendar } = await fetchFeed(await customerFeed(anna));
    expect(calendar.events.map((e) => e.uid)).toEqual(inside.map((id) => `appointment-${id}@carnet`));
    for (const id of outside) expect(text).not.toContain(id);
    const description = calendar.root.getFirstSubcomponent("vevent")!.getFirstPropertyValue("description");
    expect(description).toBe(`Szakember: ${s.staff.practitioner.role} of Salon`);
  });

  it("request and error logs never carry a feed's token", async () => {
    const path = await ownFeed();
    const token = path.slice("/api/v1/feeds/".length, -".ics".length);
    const log = await withCapturedLog(async (lines, build) => {
      const server = await build(s.app);
      for (const url of [path, `${path}?x=1`, `/api/v1/%66eeds/${token}.ics`, `/api/v1/feeds/${token}`])
        await server.inject({ method: "GET", url });
      const broken = databaseGoneAway(s.app, "getExecutor");
      const crashed = await (await build(broken)).inject({ method: "GET", url: path });
      expect(crashed.statusCode).toBe(500);
      return lines.join("");
    });
    expect(log).toContain("the database went away");
    expect(log).toContain("[redacted]");
    for (let i = 0; i + 12 <= token.length; i++) expect(log).not.toContain(token.slice(i, i + 12));
  });
});
