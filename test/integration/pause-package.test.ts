// G4: a manager pauses a package from a date to a date: no credit is taken for a service on a
// paused day (package_paused, and FIFO passes it over), bookings inside the pause must go first, the
// expiry moves later by the paused days and back by the days an early end gives back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookAppointment } from "../../src/app/appointments.js";
import { activityLog } from "../../src/app/history.js";
import { endPause, pausePackage } from "../../src/app/pause-package.js";
import { redeemItemFifo, redeemLine } from "../../src/app/redeem-credits.js";
import { refundPackage } from "../../src/app/refund-package.js";
import { verifyLedger } from "../../src/app/verify-ledger.js";
import { sweepExpiredPackages } from "../../src/jobs/expiry-sweep.js";
import { type Api, startApi } from "../support/http.js";
import { lineCounters, type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
let template: string;
beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
  // sold on 1 June 2026 in Budapest: the last day is 30 August
  template = await s.template({
    name: "5x Manicure",
    items: [{ itemId: s.items.manicure, quantity: 5 }],
    validity: { kind: "days", count: 90 },
  });
});
afterAll(async () => {
  await api?.close();
  await s?.close();
});

const budapest = (local: string) => s.clock.setLocal(local, "Europe/Budapest");

describe("pause (G4)", () => {
  it("no credit on a paused day; the expiry moves later by the paused days; FIFO takes another package", async () => {
    budapest("2026-06-01T10:00");
    const a = await s.sold(template);
    expect((await lineCounters(s.database, a.lineId)).total).toBe(5);
    const paused = await pausePackage(s.as("manager"), {
      packageId: a.packageId,
      startsOn: "2026-06-10",
      endsOn: "2026-06-19",
      reason: "holiday",
    });
    expect(paused.expiresOn).toBe("2026-09-09");
    expect(paused.pauses).toEqual([
      expect.objectContaining({ startsOn: "2026-06-10", endsOn: "2026-06-19", days: 10, reason: "holiday" }),
    ]);
    // the first paused day begins at midnight in Budapest
    budapest("2026-06-09T23:59");
    await redeemLine(s.as("front_desk"), { lineId: a.lineId, quantity: 1 });
    budapest("2026-06-10T00:00");
    await expect(redeemLine(s.as("front_desk"), { lineId: a.lineId, quantity: 1 })).rejects.toMatchObject({
      code: "package_paused",
    });
    await expect(
      redeemItemFifo(s.as("front_desk"), { customerId: a.customerId, itemId: s.items.manicure, quantity: 1 }),
    ).rejects.toMatchObject({ code: "package_paused" });
    // a second package of hers is used instead, though bought later
    const b = await s.sold(template, { customerId: a.customerId });
    const m = await redeemItemFifo(s.as("front_desk"), {
      customerId: a.customerId,
      itemId: s.items.manicure,
      quantity: 1,
    });
    expect(m.packageId).toBe(b.packageId);
    // a booking on a paused day is refused too
    await expect(
      bookAppointment(s.as("front_desk"), {
        customerId: a.customerId,
        staffId: s.staff.practitioner.staffId,
        startAt: "2026-06-18T08:00:00Z",
        services: [{ itemId: s.items.manicure, usePackage: true, packageLineId: a.lineId }],
      }),
    ).rejects.toMatchObject({ code: "package_paused" });
    budapest("2026-06-20T00:00");
    await redeemLine(s.as("front_desk"), { lineId: a.lineId, quantity: 1 });
    // the sweep follows the moved expiry: nothing to write off on 31 August
    budapest("2026-08-31T12:00");
    await sweepExpiredPackages(s.database.db, s.clock.now);
    expect((await lineCounters(s.database, a.lineId)).expired).toBe(0);
    await redeemLine(s.as("front_desk"), { lineId: a.lineId, quantity: 1 });
    expect((await verifyLedger(s.database.db)).mismatches).toEqual([]);
    const log = await activityLog(s.as("manager"), { packageId: a.packageId, limit: 20 });
    expect(log.items.map((e) => e.action)).toContain("pause");
  });

  it("ended early: usable from that day, the expiry moves back by the days given back; one not begun goes whole", async () => {
    budapest("2026-06-01T10:00");
    const a = await s.sold(template);
    const p = await pausePackage(s.as("manager"), {
      packageId: a.packageId,
      startsOn: "2026-06-10",
      endsOn: "2026-06-19",
      reason: "injury",
    });
    budapest("2026-06-12T09:00");
    const ended = await endPause(s.as("manager"), { packageId: a.packageId, pauseId: p.pauses[0]!.id });
    expect(ended.pauses).toEqual([
      expect.objectContaining({ startsOn: "2026-06-10", endsOn: "2026-06-11", days: 2 }),
    ]);
    expect(ended.expiresOn).toBe("2026-09-01");
    await redeemLine(s.as("front_desk"), { lineId: a.lineId, quantity: 1 });
    await expect(
      endPause(s.as("manager"), { packageId: a.packageId, pauseId: p.pauses[0]!.id }),
    ).rejects.toMatchObject({ code: "pause_already_over" });

    const later = await pausePackage(s.as("manager"), {
      packageId: a.packageId,
      startsOn: "2026-07-01",
      endsOn: "2026-07-31",
      reason: "pregnancy",
    });
    expect(later.expiresOn).toBe("2026-10-02");
    const gone = await endPause(s.as("manager"), {
      packageId: a.packageId,
      pauseId: later.pauses[1]!.id,
      reason: "plans changed",
    });
    expect(gone.pauses).toHaveLength(1);
    expect(gone.expiresOn).toBe("2026-09-01");
  });

  it("refuses what would not make sense, and writes nothing", async () => {
    budapest("2026-06-01T10:00");
    const a = await s.sold(template);
    const pause = (
      input: Partial<Parameters<typeof pausePackage>[1]>,
      role: "manager" | "front_desk" = "manager",
    ) =>
      pausePackage(s.as(role), {
        packageId: a.packageId,
        startsOn: "2026-06-10",
        endsOn: "2026-06-12",
        reason: "r",
        ...input,
      });
    await expect(pause({}, "front_desk")).rejects.toMatchObject({ code: "forbidden" });
    await expect(pause({ endsOn: "2026-06-09" })).rejects.toMatchObject({
      code: "pause_ends_before_start",
      field: "endsOn",
    });
    await expect(pause({ startsOn: "2026-05-31" })).rejects.toMatchObject({ code: "pause_in_past" });
    await expect(pause({ endsOn: "2027-06-12" })).rejects.toMatchObject({ code: "pause_too_long" });
    await expect(pause({ reason: " " })).rejects.toMatchObject({ code: "reason_required" });
    await bookAppointment(s.as("front_desk"), {
      customerId: a.customerId,
      staffId: s.staff.practitioner.staffId,
      startAt: "2026-06-11T08:00:00Z",
      services: [{ itemId: s.items.manicure, usePackage: true, packageLineId: a.lineId }],
    });
    await expect(pause({})).rejects.toMatchObject({ code: "package_booked_in_pause" });
    await pause({ startsOn: "2026-06-20", endsOn: "2026-06-25" });
    await expect(pause({ startsOn: "2026-06-25", endsOn: "2026-06-30" })).rejects.toMatchObject({
      code: "pause_overlaps",
    });
    const b = await s.sold(template);
    await refundPackage(s.as("manager"), { packageId: b.packageId, kind: "money" });
    await expect(pause({ packageId: b.packageId })).rejects.toMatchObject({ code: "package_refunded" });
    budapest("2026-12-01T10:00");
    await expect(
      pause({ packageId: (await s.sold(template)).packageId, startsOn: "2026-12-05", endsOn: "2026-12-06" }),
    ).resolves.toMatchObject({ expiresOn: "2027-03-03" });
    await expect(pause({ startsOn: "2026-12-05", endsOn: "2026-12-06" })).rejects.toMatchObject({
      code: "package_expired",
    });
  });

  it("over HTTP: the package answer carries the pause; a bad date gets a 400 naming the field", async () => {
    budapest("2026-06-01T10:00");
    const a = await s.sold(template);
    const bad = await api.call("manager", "POST", `/api/v1/packages/${a.packageId}/pauses`, {
      startsOn: "10/06/2026",
      endsOn: "2026-06-12",
      reason: "holiday",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ field: "startsOn" });
    const ok = await api.call("manager", "POST", `/api/v1/packages/${a.packageId}/pauses`, {
      startsOn: "2026-06-10",
      endsOn: "2026-06-12",
      reason: "holiday",
    });
    expect(ok.statusCode).toBe(200);
    const pauseId = ok.json().pauses[0].id as string;
    const view = await api.call("front_desk", "GET", `/api/v1/packages/${a.packageId}`);
    expect(view.json().pauses[0]).toMatchObject({ startsOn: "2026-06-10", days: 3 });
    const forbidden = await api.call(
      "front_desk",
      "POST",
      `/api/v1/packages/${a.packageId}/pauses/${pauseId}/end`,
      {},
    );
    expect(forbidden.statusCode).toBe(403);
    const ended = await api.call(
      "manager",
      "POST",
      `/api/v1/packages/${a.packageId}/pauses/${pauseId}/end`,
      {},
    );
    expect(ended.statusCode).toBe(200);
    expect(ended.json().pauses).toEqual([]);
  });
});
