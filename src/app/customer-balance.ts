// R4: a customer's own read-only view of what they have left, reached by an unguessable link.
import { AppError } from "../domain/errors.js";
import type { App } from "./context.js";
import { listLocations } from "./manage-business.js";
import { loadPackages } from "./package-view.js";

export async function customerBalance(app: App, token: string) {
  const db = app.database.db;
  const customer = await db
    .selectFrom("customers as c")
    .innerJoin("businesses as b", "b.id", "c.business_id")
    .select(["c.id", "c.business_id", "c.name", "b.name as business_name"])
    .where("c.balance_token", "=", token)
    .executeTakeFirst();
  // The same answer for a wrong token as for a missing one: nothing to learn by guessing.
  if (!customer) throw new AppError("not_found", "balance_not_found", "This balance link is not valid.");
  const now = app.clock();
  const packages = await loadPackages(db, customer.business_id, { customerId: customer.id }, now);
  const locations = await listLocations(db, customer.business_id);
  return {
    businessName: customer.business_name,
    customerName: customer.name,
    packages: packages
      .filter((p) => p.status === "active")
      .map((p) => ({
        id: p.id,
        name: p.name,
        onlineBookable: p.onlineBookable,
        expiresOn: p.expiresOn,
        timeZone: p.timeZone,
        locationName: locations.find((l) => l.id === p.locationId)?.name ?? null,
        lines: p.lines.map((l) => ({
          id: l.id,
          itemName: l.itemName,
          itemKind: l.itemKind,
          remaining: l.remaining,
          booked: l.booked,
          used: l.used,
          total: l.total,
          unlimited: l.unlimited,
        })),
      })),
  };
}
