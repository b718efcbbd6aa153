// Request shapes shared by the routes. Zod refuses what does not fit, with the field's path.
import { z } from "zod";
import { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from "../app/pages.js";
import {
  BIDI_CONTROL,
  CONTROL,
  CONTROL_BUT_LF,
  INVISIBLE,
  LONE_SURROGATE,
  PHONE_CHARACTERS,
} from "../domain/readable-text.js";

/** Every refusal is `{ error: { code, message, field? } }` (errors.ts; the codes in docs/api.md). */
export const refusal = z
  .object({
    error: z.object({
      code: z.string().describe("stable snake_case code, e.g. invalid_input, forbidden, last_owner"),
      message: z.string(),
      field: z.string().optional().describe("the request field it is about, e.g. prices.HUF or hours.2.end"),
    }),
  })
  .meta({ id: "Error" });
/**
 * The same refusal for a client that sends `Accept: application/problem+json` (RFC 9457). Every
 * route's refusals are declared with both bodies, one per content type (withProblemDocuments in
 * errors.ts), so the document and the serializer know both.
 */
export const problem = z
  .object({
    type: z.string().describe("a URI per code: https://carnet.example/problems/<code>"),
    title: z.string().describe("the status's reason phrase, e.g. Bad Request"),
    status: z.number().int(),
    detail: z.string().describe("what went wrong, as `error.message` says it"),
    code: z.string().describe("the stable snake_case code, as `error.code`"),
    field: z.string().optional().describe("the request field it is about, as `error.field`"),
  })
  .describe("an RFC 9457 problem document")
  .meta({ id: "Problem" });
/** The statuses a refusal comes with, for routes whose refusals need no more words. */
export const refusals = {
  400: refusal.describe("invalid input: the field and the rule"),
  401: refusal.describe("not signed in, or the session or token has ended"),
  403: refusal.describe("the role may not do this"),
  404: refusal.describe("not found in this business"),
  409: refusal.describe("conflicts with the current state"),
} as const;
/** A write's answer to an Idempotency-Key that came before with another request. */
export const keyReused = refusal.describe(
  "idempotency_key_reused: the Idempotency-Key came with another request",
);
/** For the routes with nothing to refuse but an outage of the database. */
export const unavailable = refusal.describe(
  "database_unavailable: the database cannot be reached; try again",
);
/** For the routes limited per address or per e-mail. */
export const rateLimited = refusal.describe("too many requests: Retry-After says when to try again");

/** A signed-in route's refusals: bad input, not signed in, the role, an unknown id. */
export const readRefusals = {
  400: refusals[400],
  401: refusals[401],
  403: refusals[403],
  404: refusals[404],
} as const;
/** A signed-in write's refusals: those of a read, a rule of the ledger, a reused Idempotency-Key. */
export const writeRefusals = { ...readRefusals, 409: refusals[409], 422: keyReused } as const;

/** A body that is not JSON, declared by its content type (CSV, iCalendar, a stream, a file). */
export function textBody(description: string) {
  return z.string().describe(description);
}

/**
 * W2: how every list pages: `limit` rows (default 50, at most 200), and `cursor`, the nextCursor of
 * the page before. Spread into a route's querystring.
 */
export const pageQuery = {
  limit: z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(PAGE_LIMIT_MAX, `must be at most ${PAGE_LIMIT_MAX}`)
    .default(PAGE_LIMIT_DEFAULT)
    .describe(`rows per page: ${PAGE_LIMIT_DEFAULT} unless asked, at most ${PAGE_LIMIT_MAX}`),
  cursor: z
    .string()
    .max(1000, "must be the nextCursor of a previous page of this list")
    .optional()
    .describe("the nextCursor of the previous page; leave out for the first page"),
};

/** W2: a page of a list: its rows, and the cursor of the next page (null on the last). */
export const pageAnswer = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe("pass as cursor for the next page; null on the last page"),
  });

/** A staff member's role (S1). */
export const role = z.enum(["owner", "manager", "front_desk", "practitioner"]).meta({ id: "Role" });

export const id = z.uuid({ error: "must be an id (UUID)" });
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
export const email = z.email("must be an e-mail address").max(254);
/** U2: a language Carnet has words for (a folder of locales/; checked against them by the use case) */
export const language = z.string().regex(/^[a-z]{2,3}$/, "must be a language code such as en or hu");
/** U1: how dates and clocks read at a location: a BCP 47 language and region */
export const locale = z
  .string()
  .regex(/^[a-z]{2,3}-[A-Z]{2}$/, "must be a language and region such as hu-HU or en-US");

// Text people read must show what was typed: the rules and why are in src/domain/readable-text.ts.

function readable(text: z.ZodString, controls: RegExp, controlsMessage: string) {
  return text
    .refine((v) => !controls.test(v), controlsMessage)
    .refine(
      (v) => !BIDI_CONTROL.test(v),
      "must not contain bidirectional override, embedding or isolate characters (U+202A–U+202E, U+2066–U+2069)",
    )
    .refine(
      (v) => !INVISIBLE.test(v),
      "must not contain invisible characters (zero-width space, word joiner, byte order mark)",
    )
    .refine((v) => !LONE_SURROGATE.test(v), "must be well-formed Unicode (it holds a lone surrogate)");
}

/** One line for people to read: a name, a label. */
function oneLine(max: number) {
  return readable(
    z.string().trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`),
    CONTROL,
    "must not contain control characters (line breaks, tabs, NUL …)",
  );
}

/** Text that may run over several lines; CR LF and a lone CR become LF. */
function severalLines(text: z.ZodString, max: number) {
  return readable(
    text.max(max, `must be at most ${max} characters`),
    CONTROL_BUT_LF,
    "must not contain control characters other than line breaks (tabs, NUL …)",
  );
}
const lineBreaks = (v: string) => v.replace(/\r\n?/g, "\n");

export const name = oneLine(200);
/** a location's postal address, on one line as a receipt prints it */
export const postalAddress = oneLine(500);
/** an item's category ("Nails"): free text of the business */
export const category = oneLine(100);
export const reason = severalLines(z.string().overwrite(lineBreaks).trim().min(1, "must not be empty"), 500);
export const notes = severalLines(z.string().overwrite(lineBreaks), 1000);
/** G2: a gift's message, for the receipt and the recipient's e-mail */
export const giftMessage = severalLines(
  z.string().overwrite(lineBreaks).trim().min(1, "must not be empty"),
  500,
);
export const phone = z
  .string()
  .trim()
  .max(40, "must be at most 40 characters")
  .regex(PHONE_CHARACTERS, "may hold digits, spaces and + ( ) - . / only");

// Instants and dates are kept to the years 1970–2199. The epoch is the earliest a client sends
// ("from the beginning"); 2199 leaves room for long validities and end-of-day arithmetic while
// staying far inside what every layer holds: JavaScript dates, Temporal, the drivers' text forms
// (9999-12-31T23:59:59Z plus half an hour is year 10000, which PGlite cannot parse) and
// PostgreSQL. Outside the range is a 400 naming the field, never a database error.
export const EARLIEST_DATE = "1970-01-01";
export const LATEST_DATE = "2199-12-31";
const EARLIEST_MS = Date.parse(`${EARLIEST_DATE}T00:00:00Z`);
const AFTER_LATEST_MS = Date.parse("2200-01-01T00:00:00Z");
const DATE_FORM = /^\d{4}-\d{2}-\d{2}$/;

// The refinements let a value of the wrong form pass: the format check has already said why.
export const localDate = z.iso
  .date({ error: "must be a date written YYYY-MM-DD that exists in the calendar" })
  .refine(
    (v) => !DATE_FORM.test(v) || (v >= EARLIEST_DATE && v <= LATEST_DATE),
    `must be from ${EARLIEST_DATE} to ${LATEST_DATE}`,
  );
export const isoInstant = z.iso
  .datetime({ offset: true, error: "must be an ISO 8601 date-time with zone offset" })
  .refine((v) => {
    const ms = Date.parse(v);
    return Number.isNaN(ms) || (ms >= EARLIEST_MS && ms < AFTER_LATEST_MS);
  }, `must be from ${EARLIEST_DATE}T00:00:00Z to ${LATEST_DATE}T23:59:59.999Z`);

export const customerParams = z.object({ customerId: id });
export const packageParams = z.object({ packageId: id });
export const lineParams = z.object({ packageId: id, lineId: id });
export const movementParams = z.object({ movementId: id });
export const itemParams = z.object({ itemId: id });
export const templateParams = z.object({ templateId: id });

// ---- Answers shared by the routes: what the app's views give (src/app), field for field ----

const int = z.number().int();
/** an instant as the API writes it: ISO 8601 in UTC */
const instant = z.string().describe("an instant, ISO 8601 in UTC");

export const movementKind = z.enum([
  "grant",
  "add",
  "deduct",
  "reserve",
  "release",
  "consume",
  "redeem",
  "restore",
  "expire",
  "unexpire",
  "import",
  "import_used",
  "transfer_out",
  "transfer_in",
]);

/** LineView (src/app/package-view.ts) */
export const packageLineAnswer = z
  .object({
    id: z.string(),
    itemId: z.string(),
    itemKind: z.string(),
    itemName: z.string(),
    retailPriceMinor: int,
    total: int,
    used: int,
    booked: int,
    remaining: int,
    expired: int,
    unlimited: z.boolean().describe("P10: more than 100 credits left; show no count"),
    remainingValueMinor: int.describe("worth of the free credits (refund value, liability)"),
  })
  .meta({ id: "PackageLine" });

/** PackageView (src/app/package-view.ts) */
export const packageAnswer = z
  .object({
    id: z.string(),
    customerId: z.string(),
    templateId: z.string(),
    name: z.string(),
    kind: z.string().describe("course or package"),
    status: z.enum(["active", "fully_used", "expired", "refunded"]).describe("P5"),
    locationId: z.string(),
    timeZone: z.string(),
    currency: z.string(),
    priceMinor: int,
    purchasedAt: instant,
    expiresOn: z.string().nullable().describe("the last day, in the package's time zone"),
    expiresAt: instant.nullable(),
    refundedAt: instant.nullable(),
    refundKind: z.string().nullable().describe("money or store_credit"),
    refundMinor: int.nullable(),
    onlineBookable: z.boolean(),
    commissionBasis: z.string(),
    redeemableLocationIds: z.array(z.string()).nullable().describe("null: every location"),
    pauses: z
      .array(
        z.object({
          id: z.string(),
          startsOn: z.string().describe("the first paused day"),
          endsOn: z.string().describe("the last paused day"),
          startsAt: instant,
          endsAt: instant.describe("the end of the last paused day"),
          days: int,
          reason: z.string(),
        }),
      )
      .describe("G4: no credit is taken for a service on these days; the expiry moved later by them"),
    giftFromCustomerId: z.string().nullable().describe("G2: the customer who gave it, when it was a gift"),
    giftMessage: z.string().nullable(),
    lines: z.array(packageLineAnswer),
  })
  .meta({ id: "Package" });

/** WrittenMovement (src/app/write-movement.ts): one change of a line's counters */
export const movementAnswer = z
  .object({
    id: z.string(),
    kind: movementKind,
    quantity: int,
    valueMinor: int,
    occurredAt: instant,
    packageId: z.string(),
    lineId: z.string(),
    customerId: z.string(),
    itemId: z.string(),
    itemName: z.string(),
    counters: z
      .object({ total: int, used: int, booked: int, remaining: int })
      .describe("the line's counters after the change"),
  })
  .meta({ id: "Movement" });

const person = z.object({ id: z.string(), name: z.string() });

/** AppointmentView (src/app/appointments.ts) */
export const appointmentAnswer = z
  .object({
    id: z.string(),
    locationId: z.string(),
    customer: person,
    staff: person,
    startAt: instant,
    endAt: instant,
    channel: z.enum(["in_store", "online"]),
    status: z.enum(["booked", "checked_in", "completed", "cancelled", "no_show"]),
    notes: z.string().nullable(),
    ticketId: z.string().nullable(),
    fromPackage: z.boolean(),
    services: z.array(
      z.object({
        id: z.string(),
        itemId: z.string(),
        name: z.string(),
        priceMinor: int,
        fromPackage: z
          .object({
            packageLineId: z.string(),
            packageId: z.string(),
            packageName: z.string(),
            sessions: z.string().describe('"5/10 sessions": used and booked of the total, this one included'),
            session: z
              .object({ number: int, total: int, unlimited: z.boolean() })
              .nullable()
              .describe("U1: which session of the line this one is; null when not recorded"),
            state: z.enum(["booked", "used", "released"]),
          })
          .nullable(),
      }),
    ),
  })
  .meta({ id: "Appointment" });

/**
 * The routes of the redemption path serialize their answers with plain JSON.stringify: the answer
 * is already the shape its schema declares (the contract test checks every one), and checking it
 * again through zod on each redemption would cost time the benchmark counts. The schema still
 * declares the answer in the document.
 */
export const plainJsonSerializer = () => (data: unknown) => JSON.stringify(data);
