// L7: the activity log settles a disputed no-show: a no-show's or a cancellation's entry names the
// services booked (the appointment's, or the class) and the package their credit was booked from.
// S3: every endpoint that takes a reason refuses one longer than the limit with a 400 naming the
// field and the limit, and writes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookAppointment, cancelAppointment, markNoShow } from "../../src/app/appointments.js";
import { cancelEnrolment, createSession, enrol, markEnrolmentNoShow } from "../../src/app/classes.js";
import { activityLog } from "../../src/app/history.js";
import { type Api, startApi } from "../support/http.js";
import { type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
});
afterAll(async () => {
  await api.close();
  await s.close();
});

const desk = () => s.as("front_desk");
const entries = async (customerId: string, action: string) =>
  (await activityLog(desk(), { customerId, action, limit: 50 })).items.map((e) => ({
    packageName: e.packageName,
    serviceName: e.serviceName,
  }));

describe("no-shows and cancellations in the activity log (L7, A7, C4)", () => {
  it("an appointment's no-show and cancellation name its service and the package it was booked from", async () => {
    const manicures = await s.template({
      name: "5x Manicure",
      items: [{ itemId: s.items.manicure, quantity: 5 }],
    });
    const sold = await s.sold(manicures);
    const book = (hours: number) =>
      bookAppointment(desk(), {
        customerId: sold.customerId,
        staffId: s.staff.practitioner.staffId,
        startAt: s.clock.now.add({ hours }).toString(),
        services: [{ itemId: s.items.manicure, usePackage: true }],
        allowOverlap: true,
      });
    const missed = await book(2);
    await markNoShow(desk(), missed.id);
    const called = await book(26);
    await cancelAppointment(desk(), called.id, "customer is ill");
    // and one paid from nobody's package: the service alone
    const paid = await bookAppointment(desk(), {
      customerId: sold.customerId,
      staffId: s.staff.practitioner.staffId,
      startAt: s.clock.now.add({ hours: 50 }).toString(),
      services: [{ itemId: s.items.pedicure, usePackage: false }],
      allowOverlap: true,
    });
    await markNoShow(desk(), paid.id);

    expect(await entries(sold.customerId, "no_show")).toEqual([
      { packageName: null, serviceName: "Pedicure" },
      { packageName: "5x Manicure", serviceName: "Manicure" },
    ]);
    expect(await entries(sold.customerId, "cancel")).toEqual([
      { packageName: "5x Manicure", serviceName: "Manicure" },
    ]);
  });

  it("a class no-show and a cancelled class booking name the class and the package", async () => {
    const yoga = await s.template({
      name: "10-class Yoga pass",
      items: [{ itemId: s.items.yoga, quantity: 10 }],
    });
    const sold = await s.sold(yoga);
    const session = async (hours: number) =>
      createSession(s.as("manager"), {
        itemId: s.items.yoga,
        instructorId: s.staff.practitioner.staffId,
        startAt: s.clock.now.add({ hours }).toString(),
        capacity: 5,
      });
    const first = await enrol(desk(), (await session(3)).id, { customerId: sold.customerId });
    await markEnrolmentNoShow(desk(), first.roster[0]!.id);
    const second = await enrol(desk(), (await session(27)).id, { customerId: sold.customerId });
    await cancelEnrolment(desk(), second.roster[0]!.id);

    expect(await entries(sold.customerId, "no_show")).toEqual([
      { packageName: "10-class Yoga pass", serviceName: "Yoga class" },
    ]);
    expect(await entries(sold.customerId, "cancel")).toEqual([
      { packageName: "10-class Yoga pass", serviceName: "Yoga class" },
    ]);
    // the API answers the same
    const res = await api.call(
      "manager",
      "GET",
      `/api/v1/activity?customerId=${sold.customerId}&action=no_show`,
    );
    expect(res.json().items[0]).toMatchObject({
      packageName: "10-class Yoga pass",
      serviceName: "Yoga class",
    });
  });
});

describe("a reason has a length limit (S3)", () => {
  const long = "x".repeat(3_000);
  const some = "00000000-0000-4000-8000-000000000001";
  const endpoints: Array<[string, string]> = [
    ["redeem", `/api/v1/packages/${some}/lines/${some}/redeem`],
    ["redeem an item", `/api/v1/customers/${some}/redemptions`],
    ["undo", `/api/v1/movements/${some}/undo`],
    ["adjust", `/api/v1/packages/${some}/lines/${some}/adjustments`],
    ["extend", `/api/v1/packages/${some}/extend`],
    ["refund a package", `/api/v1/packages/${some}/refund`],
    ["void a ticket", `/api/v1/tickets/${some}/void`],
    ["refund a ticket line", `/api/v1/tickets/${some}/lines/${some}/refund`],
    ["cancel an appointment", `/api/v1/appointments/${some}/cancel`],
    ["cancel a class", `/api/v1/class-sessions/${some}/cancel`],
  ];
  const bodies: Record<string, object> = {
    "redeem an item": { itemId: some },
    adjust: { direction: "add", quantity: 1 },
    extend: { expiresOn: "2030-01-01" },
    "refund a package": { kind: "money" },
  };

  it.each(endpoints)(
    "%s: 3,000 characters are refused, 500 are taken as far as the reason goes",
    async (what, url) => {
      const res = await api.call("owner", "POST", url, { ...bodies[what], reason: long });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.field).toBe("reason");
      expect(res.json().error.message).toMatch(/must be at most 500 characters/);
      // at the limit the reason is valid: whatever answers now is about the (unknown) ids, not the reason
      const atLimit = await api.call("owner", "POST", url, { ...bodies[what], reason: "x".repeat(500) });
      expect(atLimit.json().error?.field).not.toBe("reason");
    },
  );
});
