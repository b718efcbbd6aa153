// G4: a manager pauses a package from a date to a date (holiday, injury, pregnancy). No credit is
// taken for a service on a paused day (the ledger refuses it with package_paused, and FIFO passes
// the package over); the expiry moves later by the paused days when the pause is set, and back by
// the days given back when it is cut short, so the expiry sweep and the reminders follow it. Bookings
// already made inside the pause must be moved or cancelled first. Pauses are package attributes,
// not credit movements: the activity log and the webhooks carry them.
import { randomUUID } from "node:crypto";
import { Temporal } from "temporal-polyfill";
import type { PauseRecord } from "../db/schema.js";
import { conflict, invalid } from "../domain/errors.js";
import {
  fromExpiryDate,
  isExpiredAt,
  localDate,
  parseLocalDate,
  toDate,
  toInstant,
} from "../domain/validity.js";
import { logActivity } from "./activity.js";
import { authorize, type Ctx, type Executor, inTransaction } from "./context.js";
import { getPackageRow } from "./lookups.js";
import { loadPackage, type PackageView } from "./package-view.js";
import { enqueueWebhookEvent, packageEventData } from "./webhooks/outbox.js";

/** A pause longer than a year is a refund or a new package, not a pause. */
export const MAX_PAUSE_DAYS = 366;

const startOfDay = (date: Temporal.PlainDate, zone: string) =>
  date.toZonedDateTime({ timeZone: zone }).toInstant();
const iso = (instant: Temporal.Instant) => new Date(instant.epochMilliseconds).toISOString();
const daysBetween = (a: Temporal.PlainDate, b: Temporal.PlainDate) => a.until(b, { largestUnit: "day" }).days;

function pauseRecord(
  id: string,
  startsOn: Temporal.PlainDate,
  endsOn: Temporal.PlainDate,
  zone: string,
  reason: string,
): PauseRecord {
  return {
    id,
    startsOn: startsOn.toString(),
    endsOn: endsOn.toString(),
    startsAt: iso(startOfDay(startsOn, zone)),
    endsAt: iso(startOfDay(endsOn.add({ days: 1 }), zone)),
    days: daysBetween(startsOn, endsOn) + 1,
    reason,
  };
}

/**
 * Stores the package's pauses and moves its expiry by `days` (later when positive; none stays
 * none); returns the new expiry, or null when it did not move.
 */
async function savePauses(
  tx: Executor,
  pkg: { business_id: string; id: string; expires_on: string | null; time_zone: string },
  pauses: PauseRecord[],
  days: number,
) {
  const expiry =
    pkg.expires_on === null || days === 0
      ? null
      : fromExpiryDate(Temporal.PlainDate.from(pkg.expires_on).add({ days }), pkg.time_zone);
  await tx
    .updateTable("customer_packages")
    .set({
      pauses: JSON.stringify(pauses),
      ...(expiry ? { expires_on: expiry.expiresOn, expires_at: toDate(expiry.expiresAt!) } : {}),
    })
    .where("business_id", "=", pkg.business_id)
    .where("id", "=", pkg.id)
    .execute();
  return expiry;
}

export async function pausePackage(
  ctx: Ctx,
  input: { packageId: string; startsOn: string; endsOn: string; reason: string },
  db: Executor = ctx.database.db,
): Promise<PackageView> {
  authorize(ctx, "pause_package");
  const businessId = ctx.actor.businessId;
  const startsOn = parseLocalDate(input.startsOn, "startsOn");
  const endsOn = parseLocalDate(input.endsOn, "endsOn");
  const reason = input.reason.trim();
  if (reason.length === 0) throw invalid("reason_required", "Say why the package is paused.", "reason");
  if (Temporal.PlainDate.compare(endsOn, startsOn) < 0)
    throw invalid("pause_ends_before_start", "The last paused day must not be before the first.", "endsOn");
  if (daysBetween(startsOn, endsOn) + 1 > MAX_PAUSE_DAYS)
    throw invalid("pause_too_long", `A pause lasts at most ${MAX_PAUSE_DAYS} days.`, "endsOn");
  const now = ctx.clock();
  return inTransaction(db, async (tx) => {
    // Locked: a redemption waits, then sees the pause in its own statement's guard.
    const pkg = await getPackageRow(tx, businessId, input.packageId, "packageId", { forUpdate: true });
    if (pkg.refunded_at)
      throw conflict("package_refunded", "A refunded package cannot be paused.", "packageId");
    if (isExpiredAt(pkg.expires_at ? toInstant(pkg.expires_at) : null, now))
      throw conflict("package_expired", "An expired package cannot be paused; extend it first.", "packageId");
    if (Temporal.PlainDate.compare(startsOn, localDate(now, pkg.time_zone)) < 0)
      throw conflict("pause_in_past", "A pause starts today or later.", "startsOn");
    const pause = pauseRecord(randomUUID(), startsOn, endsOn, pkg.time_zone, reason);
    const overlapping = pkg.pauses.find((p) => p.startsOn <= pause.endsOn && pause.startsOn <= p.endsOn);
    if (overlapping)
      throw conflict(
        "pause_overlaps",
        `The package is already paused from ${overlapping.startsOn} to ${overlapping.endsOn}.`,
        "startsOn",
      );
    await refuseBookingsInside(tx, businessId, pkg.id, pause);
    const pauses = [...pkg.pauses, pause].sort((a, b) => a.startsOn.localeCompare(b.startsOn));
    const expiry = await savePauses(tx, pkg, pauses, pause.days);
    await logActivity(tx, {
      businessId,
      at: now,
      actorStaffId: ctx.actor.staffId,
      locationId: ctx.actor.locationId,
      action: "pause",
      customerId: pkg.customer_id,
      packageId: pkg.id,
      reason,
      details: {
        startsOn: pause.startsOn,
        endsOn: pause.endsOn,
        days: pause.days,
        expiresOn: { from: pkg.expires_on, to: expiry?.expiresOn ?? pkg.expires_on },
      },
    });
    const paused = await loadPackage(tx, businessId, pkg.id, now);
    await enqueueWebhookEvent(tx, {
      businessId,
      type: "package.paused",
      data: packageEventData(paused, { pause, previousExpiresOn: pkg.expires_on }),
      at: now,
    });
    return paused;
  });
}

/**
 * Cuts a pause short: the package is usable again from `resumeOn` (today unless said), and the
 * expiry moves back by the days given back. A pause not yet begun is taken away whole.
 */
export async function endPause(
  ctx: Ctx,
  input: { packageId: string; pauseId: string; resumeOn?: string | undefined; reason?: string | undefined },
  db: Executor = ctx.database.db,
): Promise<PackageView> {
  authorize(ctx, "pause_package");
  const businessId = ctx.actor.businessId;
  const now = ctx.clock();
  return inTransaction(db, async (tx) => {
    const pkg = await getPackageRow(tx, businessId, input.packageId, "packageId", { forUpdate: true });
    const pause = pkg.pauses.find((p) => p.id === input.pauseId);
    if (!pause) throw conflict("pause_not_found", "This package has no such pause.", "pauseId");
    if (pkg.refunded_at)
      throw conflict("package_refunded", "A refunded package cannot be changed.", "packageId");
    const today = localDate(now, pkg.time_zone);
    const resumeOn = input.resumeOn === undefined ? today : parseLocalDate(input.resumeOn, "resumeOn");
    if (Temporal.PlainDate.compare(resumeOn, today) < 0)
      throw conflict("resume_in_past", "A pause can be ended from today on, not before.", "resumeOn");
    const endsOn = Temporal.PlainDate.from(pause.endsOn);
    if (Temporal.PlainDate.compare(resumeOn, endsOn) > 0)
      throw conflict("pause_already_over", `The pause ends on ${pause.endsOn} anyway.`, "resumeOn");
    const startsOn = Temporal.PlainDate.from(pause.startsOn);
    const cutTo =
      Temporal.PlainDate.compare(resumeOn, startsOn) <= 0
        ? null
        : pauseRecord(pause.id, startsOn, resumeOn.subtract({ days: 1 }), pkg.time_zone, pause.reason);
    const givenBack = pause.days - (cutTo?.days ?? 0);
    const pauses = pkg.pauses.flatMap((p) => (p.id !== pause.id ? [p] : cutTo ? [cutTo] : []));
    const expiry = await savePauses(tx, pkg, pauses, -givenBack);
    await logActivity(tx, {
      businessId,
      at: now,
      actorStaffId: ctx.actor.staffId,
      locationId: ctx.actor.locationId,
      action: "pause_end",
      customerId: pkg.customer_id,
      packageId: pkg.id,
      reason: input.reason?.trim() || null,
      details: {
        startsOn: pause.startsOn,
        endsOn: { from: pause.endsOn, to: cutTo?.endsOn ?? null },
        daysGivenBack: givenBack,
        expiresOn: { from: pkg.expires_on, to: expiry?.expiresOn ?? pkg.expires_on },
      },
    });
    const resumed = await loadPackage(tx, businessId, pkg.id, now);
    await enqueueWebhookEvent(tx, {
      businessId,
      type: "package.resumed",
      data: packageEventData(resumed, {
        pauseId: pause.id,
        resumeOn: resumeOn.toString(),
        daysGivenBack: givenBack,
      }),
      at: now,
    });
    return resumed;
  });
}

/** Credits booked on this package (appointments, class places) for a time inside the pause. */
async function refuseBookingsInside(tx: Executor, businessId: string, packageId: string, pause: PauseRecord) {
  const inside = await tx
    .selectFrom("movements as m")
    .leftJoin("appointments as a", (j) =>
      j.onRef("a.business_id", "=", "m.business_id").onRef("a.id", "=", "m.appointment_id"),
    )
    .leftJoin("class_enrolments as e", (j) =>
      j.onRef("e.business_id", "=", "m.business_id").onRef("e.id", "=", "m.class_enrolment_id"),
    )
    .leftJoin("class_sessions as cs", (j) =>
      j.onRef("cs.business_id", "=", "e.business_id").onRef("cs.id", "=", "e.session_id"),
    )
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("m.business_id", "=", businessId)
    .where("m.package_id", "=", packageId)
    .where("m.kind", "=", "reserve")
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("movements as r")
            .select("r.id")
            .whereRef("r.business_id", "=", "m.business_id")
            .whereRef("r.reservation_id", "=", "m.id"),
        ),
      ),
    )
    .where((eb) =>
      eb.and([
        eb(eb.fn.coalesce("a.start_at", "cs.start_at"), ">=", new Date(pause.startsAt)),
        eb(eb.fn.coalesce("a.start_at", "cs.start_at"), "<", new Date(pause.endsAt)),
      ]),
    )
    .executeTakeFirstOrThrow();
  if (Number(inside.n) > 0)
    throw conflict(
      "package_booked_in_pause",
      `${inside.n} booking(s) use this package between ${pause.startsOn} and ${pause.endsOn}; move or cancel them first.`,
      "startsOn",
    );
}
