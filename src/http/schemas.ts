// Request shapes shared by the routes. Zod refuses what does not fit, with the field's path.
import { z } from "zod";

export const id = z.uuid({ error: "must be an id (UUID)" });
export const name = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");
export const reason = z
  .string()
  .trim()
  .min(1, "must not be empty")
  .max(500, "must be at most 500 characters");
export const quantity = z
  .number({ error: "must be a whole number" })
  .int("must be a whole number")
  .min(1, "must be at least 1")
  .max(10_000, "must be at most 10000");
export const money = z
  .number({ error: "must be a whole number of minor units" })
  .int("must be a whole number of minor units")
  .min(0, "must not be negative")
  .max(1_000_000_000_000, "is too large");
export const currency = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as HUF or USD");
export const prices = z.record(currency, money);
export const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD");
export const email = z.email("must be an e-mail address").max(254);
export const isoInstant = z.iso.datetime({
  offset: true,
  error: "must be an ISO 8601 date-time with zone offset",
});

export const customerParams = z.object({ customerId: id });
export const packageParams = z.object({ packageId: id });
export const lineParams = z.object({ packageId: id, lineId: id });
export const movementParams = z.object({ movementId: id });
export const itemParams = z.object({ itemId: id });
export const templateParams = z.object({ templateId: id });
