// The one write path of the ledger. A movement, its counter update and its activity entry go to the
// database as ONE statement: a conditional UPDATE of the line that the database refuses when the
// state moved (too few credits, refunded, expired), feeding the INSERTs. No row back means "refused";
// only then do we read the state and let src/domain say why. The happy path is one round trip, and
// under load less: movements that arrive while the database is busy go together in one statement
// of the same rules (src/app/ledger-batcher.ts).

import { type RawBuilder, sql } from "kysely";
import { Temporal } from "temporal-polyfill";
import { type CompiledStatement, compiledOnce } from "../db/compiled-once.js";
import { PREPARED } from "../db/prepared.js";
import { AppError, conflict, notFound } from "../domain/errors.js";
import {
  type MovementKind,
  movementDelta,
  NEEDS_VALID_PACKAGE,
  refuseTakingCredits,
  TAKES_FREE_CREDITS,
} from "../domain/ledger.js";
import { instantIso, toInstant } from "../domain/validity.js";
import { ledgerBatchSize, ledgerStatements } from "../metrics.js";
import type { Executor } from "./context.js";
import type { IdempotencyClaim } from "./idempotency.js";
import { Batcher, type Outcome } from "./ledger-batcher.js";
import { pauseSpans } from "./lookups.js";
import {
  activityColumns,
  movementColumns,
  packageValidForServiceSql,
  usedCreditsValueSql,
} from "./movement-sql.js";
import type { WebhookEventType } from "./webhooks/events.js";
import { webhookOutboxCtes } from "./webhooks/outbox.js";

export interface MovementInput {
  businessId: string;
  lineId: string;
  /** when given, the line must belong to this package (else: not found) */
  packageId?: string | undefined;
  kind: MovementKind;
  quantity: number;
  /** when the movement is recorded */
  at: Temporal.Instant;
  /** when the service happens (validity is judged then); defaults to `at` */
  serviceAt?: Temporal.Instant | undefined;
  locationId: string | null;
  actorStaffId: string | null;
  reason?: string | null | undefined;
  reservationId?: string | null | undefined;
  reversesId?: string | null | undefined;
  appointmentId?: string | null | undefined;
  ticketLineId?: string | null | undefined;
  classEnrolmentId?: string | null | undefined;
  /** the activity-log entry written with it; null for none */
  activity: { action: string; details?: Record<string, unknown> } | null;
  /** W3: the webhook event the movement is, written in the same statement; absent for none */
  webhook?: WebhookEventType | undefined;
}

export interface WrittenMovement {
  id: string;
  kind: MovementKind;
  quantity: number;
  valueMinor: number;
  occurredAt: Temporal.Instant;
  packageId: string;
  lineId: string;
  customerId: string;
  itemId: string;
  itemName: string;
  counters: { total: number; used: number; booked: number; remaining: number };
}

const MAX_ATTEMPTS = 3;

export async function writeMovement(db: Executor, input: MovementInput): Promise<WrittenMovement> {
  return movementOfAnswer(await writeMovementOnce(db, input, null), input);
}

/**
 * writeMovement that answers with the movement as JSON text, built by the database, and, given the
 * request's Idempotency-Key, stores that text with the key in the same statement: the first answer
 * and every replay are the same bytes. A key already stored fails the statement (see isKeyTaken).
 */
export async function writeMovementOnce(
  db: Executor,
  input: MovementInput,
  claim: IdempotencyClaim | null,
): Promise<string> {
  if (claim && claim.businessId !== input.businessId) {
    throw new Error("an Idempotency-Key is stored under the business of the movement it answers");
  }
  for (let attempt = 1; ; attempt++) {
    const written = await tryWrite(db, input, claim);
    if (written !== null) return written;
    // Refused: find out why from the state as it is now, in the domain's words.
    const refusal = await explainRefusal(db, input);
    if (refusal) throw refusal;
    // The state moved between the two reads in a way that now allows the write: try again.
    if (attempt >= MAX_ATTEMPTS)
      throw conflict("concurrent_update", "The package changed meanwhile; try again.");
  }
}

/** The movement an answer of writeMovementOnce describes. */
export function movementOfAnswer(answer: string, input: MovementInput): WrittenMovement {
  const json = JSON.parse(answer) as Omit<WrittenMovement, "occurredAt">;
  return { ...json, occurredAt: input.at };
}

/** The values of the ledger statement, by name: the statement's text depends only on its shape. */
interface LedgerValues {
  total: number;
  used: number;
  booked: number;
  expired: number;
  businessId: string;
  lineId: string;
  packageId: string | null;
  quantity: number;
  /** instants go as ISO text: the database reads it as cheaply as a Date, and pg need not format one */
  serviceAt: string;
  locationId: string | null;
  kind: MovementKind;
  at: string;
  actorStaffId: string | null;
  reason: string | null;
  reservationId: string | null;
  reversesId: string | null;
  appointmentId: string | null;
  ticketLineId: string | null;
  classEnrolmentId: string | null;
  withActivity: boolean;
  action: string;
  details: string;
  claimKey: string | null;
  claimHash: string | null;
  claimStatus: number;
  webhook: string | null;
}

/** What changes the statement's text (its guards and the worth expression); the rest are values. */
interface LedgerShape {
  kind: MovementKind;
  byPackage: boolean;
  atLocation: boolean;
}

/**
 * How the statement reads its values. One movement: each value is a parameter, `$n::type`. Several
 * movements at once (src/app/ledger-batcher.ts): each parameter is an array of text, one element
 * per movement, unnested into the rows of `req`; the UPDATE reads a value from `req`, and returns
 * it beside the line, so that the statements after it read it from `line`.
 */
interface ValueSource {
  /** the value as the UPDATE of the line reads it */
  read: (name: keyof LedgerValues) => unknown;
  /** the value as the INSERTs after it read it */
  after: (name: keyof LedgerValues) => unknown;
  /** the relations the UPDATE joins beside the package, and what it returns beside the line */
  from: RawBuilder<unknown>;
  returning: RawBuilder<unknown>;
  /** which movement of the statement an answer is: its index among the values */
  index: RawBuilder<unknown>;
  /** the rows of values, before the statement (batches only) */
  prelude: RawBuilder<unknown>;
}

/** The names of a movement's values, in the order a batch sends its arrays. */
const LEDGER_VALUE_NAMES = [
  "total",
  "used",
  "booked",
  "expired",
  "businessId",
  "lineId",
  "packageId",
  "quantity",
  "serviceAt",
  "locationId",
  "kind",
  "at",
  "actorStaffId",
  "reason",
  "reservationId",
  "reversesId",
  "appointmentId",
  "ticketLineId",
  "classEnrolmentId",
  "withActivity",
  "action",
  "details",
  "claimKey",
  "claimHash",
  "claimStatus",
  "webhook",
] as const satisfies ReadonlyArray<keyof LedgerValues>;

function oneMovement(v: (name: keyof LedgerValues) => unknown): ValueSource {
  return { read: v, after: v, from: sql``, returning: sql``, index: sql`0`, prelude: sql`` };
}

/** `v(name)` is the array of that value, one element (as text) per movement. */
function severalMovements(v: (name: keyof LedgerValues | "index") => unknown): ValueSource {
  const column = (name: string) => sql.raw(`"v_${name}"`);
  const names = ["index", ...LEDGER_VALUE_NAMES] as const;
  return {
    read: (name) => sql`req.${column(name)}`,
    after: (name) => sql`line.${column(name)}`,
    from: sql`, req`,
    returning: sql`, req.*`,
    index: sql`line."v_index"::int`,
    prelude: sql`req AS (
      SELECT * FROM unnest(${sql.join(names.map((name) => sql`${v(name)}::text[]`))})
          AS req(${sql.join(names.map(column))})
    ),`,
  };
}

function ledgerStatement(shape: LedgerShape, values: ValueSource) {
  const { kind } = shape;
  const { read: v, after: a } = values;
  // Every value is cast the same way wherever it appears, so that it is sent once
  // (src/db/compiled-once.ts).
  const guards = [sql`l.business_id = ${v("businessId")}::uuid`, sql`l.id = ${v("lineId")}::uuid`];
  if (shape.byPackage) guards.push(sql`l.package_id = ${v("packageId")}::uuid`);
  // A refunded package's money went back: nothing may add to it, take from it, or give a used
  // credit back to it.
  if (TAKES_FREE_CREDITS.has(kind) || kind === "add" || kind === "restore" || kind === "transfer_in")
    guards.push(sql`NOT l.refunded`);
  if (TAKES_FREE_CREDITS.has(kind)) guards.push(sql`l.total - l.used - l.booked >= ${v("quantity")}::int`);
  if (kind === "release" || kind === "consume") guards.push(sql`l.booked >= ${v("quantity")}::int`);
  if (kind === "restore") guards.push(sql`l.used >= ${v("quantity")}::int`);
  if (kind === "unexpire") guards.push(sql`l.expired >= ${v("quantity")}::int`);
  if (NEEDS_VALID_PACKAGE.has(kind)) {
    guards.push(
      ...packageValidForServiceSql(
        sql`${v("serviceAt")}::timestamptz`,
        shape.atLocation ? sql`${v("locationId")}::uuid` : null,
      ),
    );
  }
  const usesCredits = movementDelta(kind, 1).used !== 0;
  // G3: a transfer carries the worth of the credits its bucket lost or gained (the top ones)
  const movesBucket = kind === "transfer_out" || kind === "transfer_in";
  const value = usesCredits
    ? usedCreditsValueSql("line", sql`(line.used - ${a("used")}::int)`, sql`line.used`)
    : movesBucket
      ? usedCreditsValueSql("line", sql`(line.total - ${a("total")}::int)`, sql`line.total`)
      : sql<number>`0`;
  // Each movement is of another line (the batcher sees to it), so a movement finds its line, and the
  // values it came with, by the line's id.
  return sql`${PREPARED}
    WITH ${values.prelude} line AS (
      UPDATE package_lines l
         SET total = l.total + ${v("total")}::int, used = l.used + ${v("used")}::int,
             booked = l.booked + ${v("booked")}::int, expired = l.expired + ${v("expired")}::int
        FROM customer_packages p${values.from}
       WHERE p.business_id = l.business_id AND p.id = l.package_id AND ${sql.join(guards, sql` AND `)}
   RETURNING l.*${values.returning}
    ), mv AS (
      INSERT INTO movements ${movementColumns}
      SELECT line.business_id, line.package_id, line.id, line.customer_id, ${a("kind")}::text,
             ${a("quantity")}::int, ${value}, ${a("at")}::timestamptz, ${a("actorStaffId")}::uuid,
             ${a("locationId")}::uuid, ${a("reason")}::text, ${a("reservationId")}::uuid, ${a("reversesId")}::uuid,
             ${a("appointmentId")}::uuid, ${a("ticketLineId")}::uuid, ${a("classEnrolmentId")}::uuid,
             line.total, line.used, line.booked
        FROM line
   RETURNING id, value_minor, package_id, line_id, customer_id, total_after, used_after, booked_after
    ), act AS (
      INSERT INTO activity_log ${activityColumns}
      SELECT ${a("businessId")}::uuid, ${a("at")}::timestamptz, ${a("actorStaffId")}::uuid, ${a("locationId")}::uuid,
             ${a("action")}::text, mv.customer_id, mv.package_id, mv.id, ${a("reason")}::text, ${a("details")}::jsonb
        FROM mv JOIN line ON line.id = mv.line_id WHERE ${a("withActivity")}::boolean
    ), answer AS (
      SELECT ${values.index} AS ord,
             json_build_object('id', mv.id, 'kind', ${a("kind")}::text, 'quantity', ${a("quantity")}::int,
             'valueMinor', mv.value_minor, 'occurredAt', ${a("at")}::text, 'packageId', mv.package_id,
             'lineId', mv.line_id, 'customerId', mv.customer_id, 'itemId', line.item_id,
             'itemName', line.item_name, 'counters', json_build_object('total', mv.total_after,
             'used', mv.used_after, 'booked', mv.booked_after,
             'remaining', mv.total_after - mv.used_after - mv.booked_after))::text AS body,
             ${a("businessId")}::uuid AS business_id, ${a("claimKey")}::text AS claim_key,
             ${a("claimHash")}::text AS claim_hash, ${a("claimStatus")}::int AS claim_status
        FROM mv JOIN line ON line.id = mv.line_id
    ), idem AS (
      INSERT INTO idempotency_keys (business_id, key, request_hash, response_status, response_body)
      SELECT business_id, claim_key, claim_hash, claim_status, body FROM answer WHERE claim_key IS NOT NULL
    ), webhook_source AS (
      SELECT ${a("businessId")}::uuid AS business_id, ${a("webhook")}::text AS type, ${a("at")}::timestamptz AS occurred_at,
             jsonb_build_object('movementId', mv.id, 'kind', ${a("kind")}::text, 'quantity', ${a("quantity")}::int,
             'packageId', mv.package_id, 'lineId', mv.line_id, 'customerId', mv.customer_id,
             'itemId', line.item_id, 'reversesId', ${a("reversesId")}::uuid,
             'appointmentId', ${a("appointmentId")}::uuid, 'ticketLineId', ${a("ticketLineId")}::uuid,
             'classEnrolmentId', ${a("classEnrolmentId")}::uuid, 'counters', jsonb_build_object(
             'total', mv.total_after, 'used', mv.used_after, 'booked', mv.booked_after,
             'remaining', mv.total_after - mv.used_after - mv.booked_after)) AS data
        FROM mv JOIN line ON line.id = mv.line_id WHERE ${a("webhook")}::text IS NOT NULL
    ), ${webhookOutboxCtes("webhook_source")}
    SELECT ord, body FROM answer`;
}

interface LedgerAnswer {
  ord: number;
  body: string;
}

/** The values of several movements: each name's array, one element (as text) per movement. */
type LedgerArrays = Record<keyof LedgerValues | "index", Array<string | null>>;

function shapeKey(shape: LedgerShape) {
  return `${shape.kind}:${shape.byPackage ? 1 : 0}:${shape.atLocation ? 1 : 0}`;
}

/** The statement of each shape, reading its values from `source`, built and compiled once. */
function statementPerShape<V extends object>(
  source: (v: (name: keyof V & string) => unknown) => ValueSource,
) {
  const statements = new Map<string, CompiledStatement<V, LedgerAnswer>>();
  return (shape: LedgerShape) => {
    const key = shapeKey(shape);
    let statement = statements.get(key);
    if (!statement) {
      statement = compiledOnce<V, LedgerAnswer>((v) => ledgerStatement(shape, source(v)));
      statements.set(key, statement);
    }
    return statement;
  };
}

const ledgerStatementOf = statementPerShape<LedgerValues>(oneMovement);
const batchStatementOf = statementPerShape<LedgerArrays>(severalMovements);

/** A value as an element of a batch's text array. */
function asText(value: unknown): string | null {
  return value === null || value === undefined ? null : String(value);
}

/**
 * The movements of one shape, each of another line, written by one statement: the answer's JSON
 * text of each, in their order, null where the database refused it.
 */
async function writeMovementsAtOnce(
  db: Executor,
  shape: LedgerShape,
  batch: LedgerValues[],
): Promise<Array<string | null>> {
  const arrays = { index: batch.map((_, i) => String(i)) } as LedgerArrays;
  for (const name of LEDGER_VALUE_NAMES) arrays[name] = batch.map((values) => asText(values[name]));
  ledgerStatements.inc({ shape: "batch" });
  ledgerBatchSize.observe(batch.length);
  const result = await db.executeQuery(batchStatementOf(shape)(db, arrays));
  const bodies: Array<string | null> = batch.map(() => null);
  for (const row of result.rows) bodies[Number(row.ord)] = row.body;
  return bodies;
}

/** The answer's JSON text, or null when the database refused the write. */
async function tryWrite(
  db: Executor,
  m: MovementInput,
  claim: IdempotencyClaim | null,
): Promise<string | null> {
  const d = movementDelta(m.kind, m.quantity);
  const at = instantIso(m.at);
  // A literal with every property named (no spread): V8 builds it from one template, where a spread
  // followed by 25 more properties took ≈4 % of the samples of a profile of the quick redeem (issue 7).
  const values: LedgerValues = {
    total: d.total,
    used: d.used,
    booked: d.booked,
    expired: d.expired,
    businessId: m.businessId,
    lineId: m.lineId,
    packageId: m.packageId ?? null,
    quantity: m.quantity,
    serviceAt: m.serviceAt ? instantIso(m.serviceAt) : at,
    locationId: m.locationId,
    kind: m.kind,
    at,
    actorStaffId: m.actorStaffId,
    reason: m.reason ?? null,
    reservationId: m.reservationId ?? null,
    reversesId: m.reversesId ?? null,
    appointmentId: m.appointmentId ?? null,
    ticketLineId: m.ticketLineId ?? null,
    classEnrolmentId: m.classEnrolmentId ?? null,
    withActivity: m.activity !== null,
    action: m.activity?.action ?? "",
    details: JSON.stringify(m.activity?.details ?? {}),
    claimKey: claim?.key ?? null,
    claimHash: claim?.hash ?? null,
    claimStatus: claim?.status ?? 0,
    webhook: m.webhook ?? null,
  };
  const shape: LedgerShape = {
    kind: m.kind,
    byPackage: Boolean(m.packageId),
    atLocation: Boolean(m.locationId),
  };
  const written = db.isTransaction
    ? writeOneMovement(db, shape, values)
    : ledgerBatcherOf(db).write(shapeKey(shape), `${values.businessId}/${values.lineId}`, { shape, values });
  return written.catch((error: unknown) => {
    throw translateConstraint(error) ?? error;
  });
}

/** Ledger statements at a time outside transactions, by default (CARNET_LEDGER_IN_FLIGHT). */
const DEFAULT_LEDGER_IN_FLIGHT = 2;
const LEDGER_MAX_BATCH = 64;

interface QueuedMovement {
  shape: LedgerShape;
  values: LedgerValues;
}

const batchers = new WeakMap<Executor, Batcher<QueuedMovement, string | null>>();

function ledgerBatcherOf(db: Executor) {
  return batchers.get(db) ?? configureLedgerWrites(db, {});
}

/**
 * How the ledger's writes outside transactions on this database are grouped
 * (src/app/ledger-batcher.ts): at most `inFlight` statements at a time. Set once, at start.
 */
export function configureLedgerWrites(db: Executor, options: { inFlight?: number | undefined }) {
  const batcher = new Batcher<QueuedMovement, string | null>(
    (_group, movements) => flushMovements(db, movements),
    { inFlight: options.inFlight ?? DEFAULT_LEDGER_IN_FLIGHT, maxBatch: LEDGER_MAX_BATCH },
  );
  batchers.set(db, batcher);
  return batcher;
}

/** Writes queued movements of one shape, each of another line: alone, or all in one statement. */
async function flushMovements(
  db: Executor,
  movements: QueuedMovement[],
): Promise<Array<Outcome<string | null>>> {
  const { shape } = movements[0]!;
  if (movements.length === 1)
    return [{ ok: true, value: await writeOneMovement(db, shape, movements[0]!.values) }];
  try {
    const bodies = await writeMovementsAtOnce(
      db,
      shape,
      movements.map((m) => m.values),
    );
    return bodies.map((value) => ({ ok: true, value }));
  } catch (error) {
    if (!isOneWritesFault(error)) throw error;
    // One write's own fault (an Idempotency-Key already used, say) failed them all: each alone
    // now, so that only that one fails, with its own error.
    const outcomes: Array<Outcome<string | null>> = [];
    for (const m of movements) {
      outcomes.push(
        await writeOneMovement(db, shape, m.values).then(
          (value) => ({ ok: true as const, value }),
          (error: unknown) => ({ ok: false as const, error }),
        ),
      );
    }
    return outcomes;
  }
}

/**
 * An error a single write of a batch can cause: a unique key taken, a value the database refuses,
 * a deadlock or serialization failure with another transaction. Not a lost or slow database: that
 * fails every write of the batch at once, without trying each again.
 */
function isOneWritesFault(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^(22|23|40)/.test(code);
}

/** One movement, by its own statement: the answer's JSON text, or null when refused. */
async function writeOneMovement(
  db: Executor,
  shape: LedgerShape,
  values: LedgerValues,
): Promise<string | null> {
  ledgerStatements.inc({ shape: "one" });
  ledgerBatchSize.observe(1);
  const result = await db.executeQuery(ledgerStatementOf(shape)(db, values));
  return result.rows[0]?.body ?? null;
}

const creditStaysUsed = () =>
  conflict(
    "package_refunded",
    "This package was refunded: its used credits stay used, and nothing comes back to it.",
  );

/**
 * Gives a used credit back with a restore, as part of a larger action (a cancellation), unless its
 * package was refunded meanwhile: then the credit stays used and the action goes on. False then.
 */
export async function restoreUnlessRefunded(
  db: Executor,
  input: Omit<MovementInput, "kind">,
): Promise<boolean> {
  try {
    await writeMovement(db, { ...input, kind: "restore" });
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === "package_refunded") return false;
    throw error;
  }
}

/** Unique indexes that guard the ledger, in the caller's words. */
export function translateConstraint(error: unknown): AppError | null {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e.code !== "23505") return null;
  const name = e.constraint ?? e.message ?? "";
  if (name.includes("movements_one_resolution")) {
    return conflict("reservation_already_resolved", "This booking's credit was already used or released.");
  }
  if (name.includes("movements_one_reversal")) {
    return conflict("already_undone", "This movement was already undone.");
  }
  return null;
}

async function explainRefusal(db: Executor, m: MovementInput): Promise<AppError | null> {
  const row = await db
    .selectFrom("package_lines as l")
    .innerJoin("customer_packages as p", (j) =>
      j.onRef("p.business_id", "=", "l.business_id").onRef("p.id", "=", "l.package_id"),
    )
    .select([
      "l.package_id",
      "l.total",
      "l.used",
      "l.booked",
      "l.expired",
      "l.refunded",
      "p.purchased_at",
      "p.expires_at",
      "p.redeemable_location_ids",
      "p.pauses",
    ])
    .where("l.business_id", "=", m.businessId)
    .where("l.id", "=", m.lineId)
    .executeTakeFirst();
  if (!row || (m.packageId && row.package_id !== m.packageId)) return notFound("package_line", "lineId");
  const pkg = {
    refundedAt: row.refunded ? Temporal.Instant.fromEpochMilliseconds(0) : null,
    purchasedAt: toInstant(row.purchased_at),
    expiresAt: row.expires_at ? toInstant(row.expires_at) : null,
    redeemableLocationIds: row.redeemable_location_ids,
    pauses: pauseSpans(row.pauses),
  };
  if (m.kind === "add" && row.refunded) return conflict("package_refunded", "This package was refunded.");
  if (m.kind === "restore" && row.refunded) return creditStaysUsed();
  const refusal = refuseTakingCredits(pkg, row, {
    kind: m.kind,
    quantity: m.quantity,
    serviceAt: m.serviceAt ?? m.at,
    locationId: m.locationId,
  });
  if (refusal) return refusal;
  if ((m.kind === "release" || m.kind === "consume") && row.booked < m.quantity) {
    return conflict("nothing_booked", "No credit of this line is booked.");
  }
  if (m.kind === "restore" && row.used < m.quantity)
    return conflict("nothing_to_restore", "No used credit to restore.");
  if (m.kind === "unexpire" && row.expired < m.quantity)
    return conflict("nothing_expired", "No expired credit.");
  return null;
}
