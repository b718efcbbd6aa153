// W1: the shapes the API answers with, taken from the types generated from its OpenAPI document
// (schema.gen.ts, written by scripts/api-types.ts). Nothing here is written by hand: a change of
// the server's answers changes these types, and `npm run typecheck` shows each screen it breaks.
import type { components, paths } from "./schema.gen.js";

/** The answers the document names (components.schemas): Package, Ticket, Customer, … */
export type Schemas = components["schemas"];

type Json<R> = R extends { content: { "application/json": infer B } } ? B : never;

/** The JSON answer of a route at a status: `Answer<"/api/v1/setup", "get">`. */
export type Answer<
  P extends keyof paths,
  M extends "get" | "post" | "put" | "patch" | "delete",
  S extends number = 200,
> = paths[P][M] extends { responses: infer R } ? (S extends keyof R ? Json<R[S]> : never) : never;

/** The body a route takes: `Body<"/api/v1/customers", "post">`. */
export type Body<P extends keyof paths, M extends "post" | "put" | "patch" | "delete"> = paths[P][M] extends {
  requestBody?: { content: { "application/json": infer B } };
}
  ? B
  : never;

export type Role = Schemas["Role"];
export type Location = Schemas["Location"];
export type Me = Schemas["Me"];
export type SetupStatus = Answer<"/api/v1/setup", "get">;
export type SignInAnswer = Answer<"/api/v1/auth/sign-in", "post">;
export type Invitation = Schemas["Invitation"];
export type Customer = Schemas["Customer"];
export type CustomerPage = Schemas["CustomerPage"];
export type BalanceLinkMade = Answer<"/api/v1/customers/{customerId}/balance-link", "post", 201>;

export type Package = Schemas["Package"];
export type PackageStatus = Package["status"];
export type Line = Schemas["PackageLine"];
export type UsageEntry = Schemas["UsageEntry"];
/** A change of a line's credits, as a redemption answers it (L1). */
export type Movement = Schemas["Movement"];
export type ActivityEntry = Schemas["ActivityEntry"];

export type Item = Schemas["Item"];
export type Template = Schemas["Template"];

export type Ticket = Schemas["Ticket"];
export type TicketLine = Schemas["TicketLine"];
export type TicketSummary = Schemas["TicketSummary"];

export type Appointment = Schemas["Appointment"];
export type BookingRequest = Schemas["BookingRequest"];

export type ClassSession = Schemas["ClassSession"];
export type RosterEntry = Schemas["RosterEntry"];
export type ReviewEntry = Answer<"/api/v1/class-reviews", "get">[number];

export type Member = Schemas["StaffMember"];
export type WorkingHours = Schemas["WorkingHours"];
export type OpeningHours = Schemas["OpeningHours"];
/** One interval of a week: weekday 1 = Monday … 7 = Sunday; times "HH:MM", the location's local time. */
export type Hours = OpeningHours["hours"][number];
export type ApiToken = Schemas["ApiToken"];
export type ApiTokenMade = Answer<"/api/v1/auth/tokens", "post", 201>;

export type ImportReport = Schemas["ImportReport"];
export type RowError = Schemas["ImportRowError"];
export type ImportPackagePreview = ImportReport["packages"][number];

export type WebhookEndpoint = Schemas["WebhookEndpoint"];
export type WebhookDelivery = Schemas["WebhookDelivery"];
export type CalendarFeed = Schemas["CalendarFeed"];
export type CalendarFeedMade = Schemas["CalendarFeedMade"];

export type Business = Schemas["Business"];
export type BusinessSettings = Business["settings"];
export type TemplatePreview = Schemas["TemplatePreview"];
export type CommissionRate = Schemas["CommissionRate"];
export type BalanceReport = Answer<"/api/v1/reports/balances", "get">;
export type ExpiringReport = Answer<"/api/v1/reports/expiring", "get">;
export type RevenueReport = Answer<"/api/v1/reports/revenue", "get">;
export type ReportSource = Answer<"/api/v1/reports/source", "get">;
export type CommissionReport = Schemas["CommissionReport"];
/** R4: what a customer's balance link shows. */
export type Balance = Answer<"/api/v1/public/balance/{token}", "get">;
export type InvitationLink = Answer<"/api/v1/public/invites/{token}", "get">;
export type SignUpLink = Answer<"/api/v1/public/sign-ups/{token}", "get">;
export type PasswordLink = Answer<"/api/v1/public/password-resets/{token}", "get">;
export type DemoLogins = Answer<"/api/v1/auth/demo-logins", "get">;
