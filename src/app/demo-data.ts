// Demo data: a salon with a Budapest (HUF) and a New York (USD) location, one login per role, a
// catalog, templates, and customers whose packages show every status and the seed scenarios. Dates
// are relative to the day it is loaded, so what is meant to be active stays active.
import { Temporal } from "temporal-polyfill";
import type { Role } from "../db/schema.js";
import { sweepEndedClasses } from "../jobs/class-sweep.js";
import { sweepExpiredPackages } from "../jobs/expiry-sweep.js";
import { addMember } from "./accounts/members.js";
import { adjustCredits } from "./adjust-credits.js";
import { bookAppointment } from "./appointments.js";
import {
  cancelEnrolment,
  cancelSession,
  checkoutEnrolment,
  createSession,
  enrol,
  markEnrolmentNoShow,
} from "./classes.js";
import { closeTicket } from "./close-ticket.js";
import type { Actor, App, Ctx } from "./context.js";
import { createItem, createTemplate } from "./manage-catalog.js";
import { createCustomer } from "./manage-customers.js";
import { hashPassword } from "./passwords.js";
import { redeemLine } from "./redeem-credits.js";
import { refundPackage } from "./refund-package.js";
import { sellPackage } from "./sell-package.js";
import { undoMovement } from "./undo-movement.js";

export const DEMO_PASSWORD = "carnet-demo";
export const DEMO_LOGINS: Array<{ email: string; password: string; role: Role }> = [
  { email: "owner@demo.carnet.test", password: DEMO_PASSWORD, role: "owner" },
  { email: "manager@demo.carnet.test", password: DEMO_PASSWORD, role: "manager" },
  { email: "desk@demo.carnet.test", password: DEMO_PASSWORD, role: "front_desk" },
  { email: "practitioner@demo.carnet.test", password: DEMO_PASSWORD, role: "practitioner" },
];
const STAFF_NAMES: Record<Role, string> = {
  owner: "Olga Owner",
  manager: "Márta Manager",
  front_desk: "Dani Desk",
  practitioner: "Petra Practitioner",
};

const EXTRA_CUSTOMERS = [
  "Ágnes Kovács",
  "Bence Nagy",
  "Csilla Tóth",
  "Dávid Szabó",
  "Emese Horváth",
  "Ferenc Varga",
  "Gréta Kiss",
  "Hédi Molnár",
  "István Németh",
  "Judit Farkas",
  "Kata Balogh",
  "László Papp",
  "Olivia Brown",
  "Liam Johnson",
  "Sophia Miller",
  "Noah Davis",
];

export async function loadDemoData(app: App): Promise<{ businessId: string }> {
  const db = app.database.db;
  const now = app.clock();
  const business = await db
    .insertInto("businesses")
    .values({ name: "Carnet Demo Salon & Spa", slug: "demo", reminder_days_before_expiry: 7 })
    .returning("id")
    .executeTakeFirstOrThrow();
  const budapest = await db
    .insertInto("locations")
    .values({
      business_id: business.id,
      name: "Budapest, Andrássy út",
      time_zone: "Europe/Budapest",
      currency: "HUF",
      locale: "hu-HU",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const newYork = await db
    .insertInto("locations")
    .values({
      business_id: business.id,
      name: "New York, 5th Avenue",
      time_zone: "America/New_York",
      currency: "USD",
      locale: "en-US",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const staff: Partial<Record<Role, string>> = {};
  for (const login of DEMO_LOGINS) {
    const { member } = await addMember(db, {
      businessId: business.id,
      name: STAFF_NAMES[login.role],
      email: login.email,
      role: login.role,
      homeLocationId: budapest.id,
      passwordHash,
    });
    staff[login.role] = member.id;
  }

  const actor = (role: Role, locationId = budapest.id): Actor => ({
    businessId: business.id,
    staffId: staff[role]!,
    role,
    locationId,
  });
  const at = (instant: Temporal.Instant, role: Role = "manager", locationId = budapest.id): Ctx => ({
    ...app,
    clock: () => instant,
    actor: actor(role, locationId),
  });
  const daysAgo = (days: number, hour = 11) =>
    now
      .toZonedDateTimeISO("Europe/Budapest")
      .subtract({ days })
      .with({ hour, minute: 0, second: 0, millisecond: 0 })
      .toInstant();
  const owner = at(now, "owner");

  const huf = (forints: number) => forints * 100;
  const usd = (dollars: number) => dollars * 100;
  const item = async (
    kind: "service" | "product" | "class_type",
    name: string,
    hufPrice: number,
    usdPrice: number,
    extra = {},
  ) =>
    (
      await createItem(owner, {
        kind,
        name,
        prices: { HUF: huf(hufPrice), USD: usd(usdPrice) },
        taxRateBp: 2700,
        ...extra,
      })
    ).id;
  const manicure = await item("service", "Manicure", 12_000, 45, { durationMinutes: 45 });
  const pedicure = await item("service", "Pedicure", 15_000, 55, { durationMinutes: 60 });
  const facial = await item("service", "Facial", 22_000, 90, { durationMinutes: 60 });
  const massage = await item("service", "Massage", 25_000, 110, { durationMinutes: 60 });
  const mani_pedi = await item("service", "Mani-pedi", 24_000, 85, { durationMinutes: 90 });
  const yoga = await item("class_type", "Yoga class", 4_000, 25, { durationMinutes: 60 });
  const haircut = await item("class_type", "Haircut Training", 9_000, 40, { durationMinutes: 60 });
  const cuticleOil = await item("product", "Cuticle oil", 4_500, 18, { commissionEligible: true });
  const handCream = await item("product", "Hand cream", 6_000, 24, { commissionEligible: false });
  await item("product", "Staff-only nail file", 0, 0, { sellToClients: false, commissionEligible: false });

  const template = async (input: Parameters<typeof createTemplate>[1]) =>
    (await createTemplate(owner, input)).id;
  const t = {
    manicure5: await template({
      kind: "course",
      name: "5x Manicure",
      prices: { HUF: huf(54_000), USD: usd(200) },
      validity: { kind: "months", count: 6 },
      items: [{ itemId: manicure, quantity: 5 }],
      onlineBookable: true,
    }),
    facial5: await template({
      kind: "course",
      name: "5x Facial",
      prices: { HUF: huf(99_000), USD: usd(400) },
      validity: { kind: "months", count: 6 },
      items: [{ itemId: facial, quantity: 5 }],
    }),
    massage3: await template({
      kind: "course",
      name: "3x Massage",
      prices: { HUF: huf(69_000), USD: usd(300) },
      validity: { kind: "days", count: 90 },
      items: [{ itemId: massage, quantity: 3 }],
    }),
    maniPedi2: await template({
      kind: "course",
      name: "2x Mani-pedi",
      prices: { HUF: huf(44_000), USD: usd(160) },
      validity: { kind: "days", count: 60 },
      items: [{ itemId: mani_pedi, quantity: 2 }],
    }),
    pedicure10: await template({
      kind: "course",
      name: "10x Pedicure",
      prices: { HUF: huf(135_000), USD: usd(500) },
      validity: { kind: "months", count: 12 },
      items: [{ itemId: pedicure, quantity: 10 }],
      commissionBasis: "package_price_per_credit",
    }),
    yoga10: await template({
      kind: "course",
      name: "10-class Yoga pass",
      prices: { HUF: huf(36_000), USD: usd(220) },
      validity: { kind: "months", count: 3 },
      items: [{ itemId: yoga, quantity: 10 }],
      onlineBookable: true,
    }),
    yogaUnlimited: await template({
      kind: "course",
      name: "Yoga month, unlimited",
      prices: { HUF: huf(45_000), USD: usd(260) },
      validity: { kind: "days", count: 30 },
      items: [{ itemId: yoga, quantity: 999 }],
    }),
    haircut5: await template({
      kind: "course",
      name: "5-Haircut Training Package",
      prices: { HUF: huf(40_000), USD: usd(180) },
      validity: { kind: "months", count: 6 },
      items: [{ itemId: haircut, quantity: 5 }],
    }),
    spa: await template({
      kind: "package",
      name: "Spa bundle",
      prices: { HUF: huf(120_000), USD: usd(480) },
      validity: { kind: "months", count: 6 },
      items: [
        { itemId: facial, quantity: 2 },
        { itemId: massage, quantity: 2 },
        { itemId: cuticleOil, quantity: 1 },
        { itemId: handCream, quantity: 1 },
      ],
    }),
    dayPass: await template({
      kind: "package",
      name: "One-day spa pass",
      prices: { HUF: huf(30_000), USD: usd(120) },
      validity: { kind: "one_day" },
      items: [
        { itemId: massage, quantity: 1 },
        { itemId: facial, quantity: 1 },
      ],
    }),
    nyOnly: await template({
      kind: "course",
      name: "NY 3x Mani-pedi",
      prices: { USD: usd(230) },
      validity: { kind: "months", count: 3 },
      items: [{ itemId: mani_pedi, quantity: 3 }],
      locationIds: [newYork.id],
    }),
  };

  const customer = async (name: string, email: string | null, phone: string | null, language?: string) =>
    (await createCustomer(owner, { name, email, phone, language })).id;
  const sell = async (customerId: string, templateId: string, days: number, locationId = budapest.id) =>
    sellPackage(at(daysAgo(days), "front_desk", locationId), {
      customerId,
      templateId,
      purchasedAt: daysAgo(days),
    });
  const redeem = async (
    pkg: Awaited<ReturnType<typeof sell>>,
    lineIndex: number,
    days: number,
    times = 1,
    role: Role = "front_desk",
  ) => {
    const written = [];
    for (let i = 0; i < times; i++) {
      written.push(
        await redeemLine(at(daysAgo(days, 10 + i), role, pkg.locationId), {
          lineId: pkg.lines[lineIndex]!.id,
          packageId: pkg.id,
          quantity: 1,
        }),
      );
    }
    return written;
  };

  // Seed 000/001, scenario 1: her 4th manicure of 5 is today; 3 of 5 used.
  const anna = await customer("Anna Kertész", "anna@example.com", "+36 30 123 4567");
  const annaPkg = await sell(anna, t.manicure5, 90);
  await redeem(annaPkg, 0, 60);
  await redeem(annaPkg, 0, 30);
  await redeem(annaPkg, 0, 10);

  // Seed 001, scenario 2: three active packages, all shown.
  // U2: Bella and Dóra read Carnet's e-mails and their balance page in Hungarian; the business's
  // language (and so everyone else's) stays English.
  const bella = await customer("Bella Fodor", "bella@example.com", "+36 20 555 0101", "hu");
  await redeem(await sell(bella, t.facial5, 40), 0, 20);
  await sell(bella, t.massage3, 25);
  await sell(bella, t.maniPedi2, 5);

  // Seed 002, example 1: deduct 3 → 7/10, redeem 2 → 5/10.
  const clara = await customer("Clara Weiss", "clara@example.com", "+36 70 222 3344");
  const claraPkg = await sell(clara, t.yoga10, 20);
  await adjustCredits(at(daysAgo(15)), {
    lineId: claraPkg.lines[0]!.id,
    packageId: claraPkg.id,
    direction: "deduct",
    quantity: 3,
    reason: "Classes taken before the move to Carnet",
  });
  await redeem(claraPkg, 0, 8);
  await redeem(claraPkg, 0, 4);

  // Seed 002, example 2: add 5 → 15/15, use 1 → 14/15.
  const dora = await customer("Dóra Simon", "dora@example.com", "+36 30 987 6543", "hu");
  const doraPkg = await sell(dora, t.pedicure10, 12);
  await adjustCredits(at(daysAgo(11)), {
    lineId: doraPkg.lines[0]!.id,
    packageId: doraPkg.id,
    direction: "add",
    quantity: 5,
    reason: "Loyalty bonus",
  });
  await redeem(doraPkg, 0, 3);

  // Seed 000, scenario 2: the first service redeemed twice by mistake; the manager undid one.
  const eva = await customer("Éva Lukács", "eva@example.com", "+36 20 444 5566");
  const evaPkg = await sell(eva, t.manicure5, 30);
  const [, mistake] = await redeem(evaPkg, 0, 20, 2);
  await undoMovement(at(daysAgo(19), "manager"), {
    movementId: mistake!.id,
    reason: "Redeemed twice by mistake",
  });

  // Seed 000, scenario 3: expired with 2 unused sessions.
  const fanni = await customer("Fanni Mészáros", "fanni@example.com", "+36 30 777 8899");
  const fanniPkg = await sell(fanni, t.massage3, 120);
  await redeem(fanniPkg, 0, 80);

  // Refunded, unused.
  const gabi = await customer("Gabriella Pintér", "gabi@example.com", "+36 70 111 2233");
  const gabiPkg = await sell(gabi, t.facial5, 14);
  await refundPackage(at(daysAgo(13), "manager"), {
    packageId: gabiPkg.id,
    kind: "money",
    reason: "Moved abroad",
  });

  // Fully used.
  const hanna = await customer("Hanna Bíró", "hanna@example.com", "+36 20 333 4455");
  const hannaPkg = await sell(hanna, t.maniPedi2, 50);
  await redeem(hannaPkg, 0, 40);
  await redeem(hannaPkg, 0, 20);

  // A mixed package with products; UNLIMITED yoga; a one-day pass bought today.
  const ildi = await customer("Ildikó Vass", "ildi@example.com", "+36 30 246 8100");
  const spaPkg = await sell(ildi, t.spa, 21);
  await redeem(spaPkg, 0, 14);
  await redeem(spaPkg, 2, 14);
  const yogaPkg = await sell(ildi, t.yogaUnlimited, 6);
  await redeem(yogaPkg, 0, 5);
  await redeem(yogaPkg, 0, 3);
  await redeem(yogaPkg, 0, 1);
  await redeem(yogaPkg, 0, 0);
  await sell(ildi, t.dayPass, 0);
  const ildiHaircut = await sell(ildi, t.haircut5, 9);
  await redeem(ildiHaircut, 0, 2);
  await redeem(ildiHaircut, 0, 1);

  // New York customers, in dollars.
  const olivia = await customer("Olivia Brooks", "olivia@example.com", "+1 212 555 0142");
  await redeem(await sell(olivia, t.nyOnly, 10, newYork.id), 0, 2);
  const mia = await customer("Mia Chen", "mia@example.com", "+1 646 555 0199");
  await sell(mia, t.manicure5, 4, newYork.id);

  const extra = new Map<string, string>();
  for (const [i, name] of EXTRA_CUSTOMERS.entries()) {
    const email = `${name
      .toLowerCase()
      .normalize("NFD")
      .replace(/[^a-z ]/g, "")
      .replace(" ", ".")}@example.com`;
    const id = await customer(
      name,
      email,
      i < 12
        ? `+36 30 ${String(400_0000 + i * 7919).replace(/(\d{3})(\d{4})/, "$1 $2")}`
        : `+1 917 555 ${String(1000 + i)}`,
    );
    extra.set(name, id);
    if (i % 3 === 0)
      await sell(id, i < 12 ? t.manicure5 : t.yoga10, 10 + i, i < 12 ? budapest.id : newYork.id);
  }

  // A week of appointments around today, in Budapest, some booked from packages.
  const practitioners = [staff.practitioner!, staff.manager!];
  const localAt = (dayOffset: number, hour: number, minute = 0) =>
    now
      .toZonedDateTimeISO("Europe/Budapest")
      .add({ days: dayOffset })
      .with({ hour, minute, second: 0, millisecond: 0 })
      .toInstant();
  const bookings: Array<[string, string, number, number, boolean]> = [
    // customer, service, day offset, hour, from a package
    [eva, manicure, 0, 12, true],
    [bella, massage, 1, 14, true],
    [eva, manicure, 2, 9, true],
    [ildi, facial, 3, 16, true],
    [anna, pedicure, 0, 10, false],
    [dora, pedicure, 0, 15, false],
    [clara, manicure, 0, 13, false],
    [olivia, pedicure, -1, 12, false],
    [hanna, mani_pedi, 1, 10, false],
    [mia, manicure, 4, 11, false],
    [gabi, massage, -2, 15, false],
  ];
  for (const [i, [customerId, itemId, day, hour, fromPackage]] of bookings.entries()) {
    const start = localAt(day, hour, i % 2 === 0 ? 0 : 30);
    await bookAppointment(at(day < 0 ? start.subtract({ hours: 24 }) : now, "front_desk"), {
      customerId,
      staffId: practitioners[i % 2]!,
      startAt: start.toString(),
      services: [{ itemId, usePackage: fromPackage }],
    });
  }

  // Classes in Budapest around today (C1–C7), written through the same use cases as the API: yoga
  // paid with "10-class Yoga pass" credits, attendees paying the price, a paid checkout, a no-show
  // waiting for review, a cancelled booking and a cancelled session. The evening class today keeps
  // attendees "Available in Package" for as long as the day allows.
  async function demoClasses() {
    const kata = extra.get("Kata Balogh")!;
    const laszlo = extra.get("László Papp")!;
    const greta = extra.get("Gréta Kiss")!;
    const bence = extra.get("Bence Nagy")!;
    const hedi = extra.get("Hédi Molnár")!;
    await sell(kata, t.yoga10, 20);
    await sell(laszlo, t.yoga10, 12);
    await sell(greta, t.yoga10, 8);
    const schedule = async (
      itemId: string,
      instructor: Role,
      start: Temporal.Instant,
      minutes: number,
      capacity: number,
    ) =>
      createSession(at(now), {
        itemId,
        locationId: budapest.id,
        instructorId: staff[instructor]!,
        startAt: start.toString(),
        endAt: start.add({ minutes }).toString(),
        capacity,
      });
    // Bookings are made the day before a class that has already happened, now for the others.
    const bookedAt = (c: { startAt: string }) => {
      const start = Temporal.Instant.from(c.startAt);
      return Temporal.Instant.compare(start, now) < 0 ? start.subtract({ hours: 24 }) : now;
    };
    const book = async (c: Awaited<ReturnType<typeof schedule>>, customerId: string) => {
      const view = await enrol(at(bookedAt(c), "front_desk"), c.id, { customerId });
      return view.roster.findLast((r) => r.customer.id === customerId)!.id;
    };

    const yesterday = await schedule(yoga, "practitioner", localAt(-1, 18), 60, 12);
    await book(yesterday, kata);
    await book(yesterday, greta);
    const laszloMissed = await book(yesterday, laszlo);
    const bencePays = await book(yesterday, bence);
    const afterClass = Temporal.Instant.from(yesterday.endAt).add({ minutes: 5 });
    const { ticketId } = await checkoutEnrolment(at(afterClass, "front_desk"), bencePays);
    await closeTicket(at(afterClass, "front_desk"), ticketId, {
      payments: [{ tender: "cash", amountMinor: yesterday.priceMinor }],
    });
    await markEnrolmentNoShow(at(afterClass, "front_desk"), laszloMissed);

    const morning = await schedule(yoga, "practitioner", localAt(0, 7), 60, 10);
    await book(morning, kata);
    await book(morning, ildi);
    const training = await schedule(haircut, "manager", localAt(0, 12), 90, 6);
    await book(training, ildi);
    await book(training, hedi);

    // The evening class: 19:00, or soon after now when the demo is loaded later in the day.
    const local = now.toZonedDateTimeISO("Europe/Budapest");
    const soon = local.add({ minutes: 15 }).round({ smallestUnit: "minute", roundingIncrement: 15 });
    const latest = local.with({ hour: 23, minute: 0, second: 0, millisecond: 0 });
    let evening = local.with({ hour: 19, minute: 0, second: 0, millisecond: 0 });
    if (Temporal.ZonedDateTime.compare(soon, evening) > 0) evening = soon;
    if (Temporal.ZonedDateTime.compare(evening, latest) > 0) evening = latest;
    const endOfDay = local.with({ hour: 23, minute: 59, second: 0, millisecond: 0 });
    const eveningMinutes = Math.min(60, Math.round(evening.until(endOfDay).total("minutes")));
    const tonight = await schedule(yoga, "practitioner", evening.toInstant(), eveningMinutes, 8);
    await book(tonight, laszlo);
    await book(tonight, ildi);
    await book(tonight, bence);
    await cancelEnrolment(at(now, "front_desk"), await book(tonight, kata));

    const tomorrow = await schedule(yoga, "practitioner", localAt(1, 9), 60, 10);
    await book(tomorrow, kata);
    await book(tomorrow, hedi);
    await schedule(yoga, "practitioner", localAt(2, 18), 60, 12);
    const laterTraining = await schedule(haircut, "manager", localAt(3, 17), 90, 6);
    await book(laterTraining, ildi);
    const called = await schedule(yoga, "practitioner", localAt(4, 7), 60, 10);
    await book(called, laszlo);
    await cancelSession(at(now), called.id, "studio closed for maintenance");

    // Classes that ended before now are settled as the server's sweep would settle them.
    await sweepEndedClasses(app, now);
  }

  await demoClasses();

  // Packages that expired meanwhile get their expire movements now, as the server's sweep would.
  await sweepExpiredPackages(db, now);
  return { businessId: business.id };
}
