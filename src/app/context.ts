// What every use case receives: the database, the clock, and who is acting.
import type { Kysely, Transaction } from "kysely";
import { Temporal } from "temporal-polyfill";
import type { Database } from "../db/database.js";
import type { DB } from "../db/schema.js";
import { forbidden } from "../domain/errors.js";
import { type Action, may, type Role } from "../domain/permissions.js";

export type Executor = Kysely<DB> | Transaction<DB>;

export type Clock = () => Temporal.Instant;
export const systemClock: Clock = () => Temporal.Now.instant();

export interface Actor {
  businessId: string;
  staffId: string;
  role: Role;
  /** the working location chosen at sign-in */
  locationId: string;
  /** a customer acting online through a public page: no staff member is the actor */
  online?: true;
}

/** The staff member to record as the actor, or null for the customer acting online. */
export const actorStaffId = (ctx: { actor: Actor }): string | null =>
  ctx.actor.online ? null : ctx.actor.staffId;

export interface App {
  database: Database;
  clock: Clock;
  /** X2: DATABASE_REPLICA_URL, a standby for the heavy reads of reports (src/app/reports.ts) */
  replica?: Database | undefined;
}

export interface Ctx extends App {
  actor: Actor;
}

export function authorize(ctx: Ctx, action: Action): void {
  if (!may(ctx.actor.role, action)) throw forbidden();
}

/** Runs fn in a transaction, or in the caller's transaction when there already is one. */
export async function inTransaction<T>(db: Executor, fn: (tx: Transaction<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<DB>);
  return db.transaction().execute(fn);
}
