// Kysely's view of the tables in migrations/. Kept by hand, next to the SQL it mirrors.
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** a 'YYYY-MM-DD' local date */
type LocalDate = string;
type Json<T> = ColumnType<T, string | T, string | T>;

export type Role = "owner" | "manager" | "front_desk" | "practitioner";
export type ItemKind = "service" | "product" | "class_type";
export type MovementKind =
  | "grant"
  | "add"
  | "deduct"
  | "reserve"
  | "release"
  | "consume"
  | "redeem"
  | "restore"
  | "expire"
  | "unexpire"
  | "import"
  | "import_used"
  | "transfer_out"
  | "transfer_in";
export type RedemptionPoint = "checkout_or_end" | "checkout_only" | "booking";
export type NoShowPolicy = "consume" | "release" | "review";
export type ValidityKind = "days" | "months" | "fixed_date" | "one_day" | "none";
export type CommissionBasis = "item_retail_price" | "package_price_per_credit";
export type Prices = Record<string, number>;

export interface BusinessesTable {
  id: Generated<string>;
  name: string;
  slug: string;
  allow_refund_used_packages: Generated<boolean>;
  cover_zero_price_items: Generated<boolean>;
  redemption_point: Generated<RedemptionPoint>;
  appointment_no_show_policy: Generated<NoShowPolicy>;
  class_no_show_policy: Generated<NoShowPolicy>;
  reminder_days_before_expiry: number | null;
  /** A10: the online booking window (migration 0012) */
  online_booking_days_ahead: Generated<number>;
  online_booking_min_notice_minutes: Generated<number>;
  /** U2: the staff's and customers' language unless they have their own (migration 0018) */
  language: Generated<string>;
  created_at: DefaultTimestamp;
}

export interface LocationsTable {
  business_id: string;
  id: Generated<string>;
  name: string;
  time_zone: string;
  currency: string;
  /** migration 0016 */
  address: string | null;
  /** U1: a BCP 47 tag ('hu-HU'); on insert, from the time zone unless given (migration 0018) */
  locale: Generated<string>;
  created_at: DefaultTimestamp;
}

/** O1: a person (one e-mail, one password) who may be staff of several businesses (migration 0014). */
export interface AccountsTable {
  id: Generated<string>;
  email: string;
  /** null until its person sets one (an owner made on the command line) */
  password_hash: string | null;
  password_changed_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

/** A person's membership of one business; the password is the account's (migration 0014). */
export interface StaffTable {
  business_id: string;
  id: Generated<string>;
  name: string;
  /** the account's e-mail, kept equal to it by a foreign key */
  email: string;
  account_id: string;
  role: Role;
  home_location_id: string;
  active: Generated<boolean>;
  /** U2: null reads in the business's language (migration 0018) */
  language: Generated<string | null>;
  created_at: DefaultTimestamp;
}

/** O2: an e-mailed invitation to join the business (migration 0014). */
export interface StaffInvitationsTable {
  business_id: string;
  id: Generated<string>;
  token_hash: string;
  email: string;
  name: string;
  role: Role;
  home_location_id: string;
  invited_by: string;
  created_at: Timestamp;
  sent_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  accepted_staff_id: string | null;
  cancelled_at: Timestamp | null;
}

/** O2: a one-time link that sets an account's password (migration 0014). */
export interface PasswordResetsTable {
  id: Generated<string>;
  account_id: string;
  token_hash: string;
  purpose: "reset" | "first_password";
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** O1: a business asked for by open sign-up, made when the e-mailed link is opened (migration 0014). */
export interface SignUpRequestsTable {
  id: Generated<string>;
  token_hash: string;
  email: string;
  details: Json<Record<string, unknown>>;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  business_id: string | null;
}

/** Requests to the public account routes counted per fixed window (migration 0014). */
export interface AccountRequestCountsTable {
  bucket: "sign_up_address" | "sign_up_email" | "reset_address" | "reset_email";
  key_hash: string;
  window_start: Timestamp;
  hits: number;
}

/** The first run's one row (migration 0014). */
export interface FirstRunClaimsTable {
  only_one: Generated<boolean>;
  claimed_at: DefaultTimestamp;
}

export interface StaffSessionsTable {
  business_id: string;
  id: string;
  staff_id: string;
  location_id: string;
  csrf_token: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
}

export interface ApiTokensTable {
  business_id: string;
  id: Generated<string>;
  token_hash: string;
  name: string;
  staff_id: string;
  location_id: string;
  created_at: DefaultTimestamp;
  revoked_at: Timestamp | null;
  /** O2 (migration 0015): every token expires; who revoked it; last use, to the minute */
  expires_at: Timestamp;
  revoked_by: string | null;
  last_used_at: Timestamp | null;
}

/** O2: weekly hours in minutes after local midnight, [start, end), ISO weekday (migration 0015). */
interface WeeklyHoursColumns {
  business_id: string;
  location_id: string;
  weekday: number;
  start_minute: number;
  end_minute: number;
}
export interface StaffWorkingHoursTable extends WeeklyHoursColumns {
  staff_id: string;
}
export type LocationOpeningHoursTable = WeeklyHoursColumns;

/** S1: failed sign-ins of one e-mail from one address (src/app/sign-in-throttle.ts). */
export interface SignInThrottlePairsTable {
  email: string;
  address: string;
  failures: number;
  last_failure_at: Timestamp | null;
  last_success_at: Timestamp | null;
}

/** S1: a leaky bucket of failed sign-ins per address, or per e-mail (src/app/sign-in-throttle.ts). */
export interface SignInThrottleBucketTable {
  level: number;
  at: Timestamp;
}

export interface CustomersTable {
  business_id: string;
  id: Generated<string>;
  name: string;
  email: string | null;
  phone: string | null;
  /** R4: a SHA-256 (hex) of the balance link's token; null until staff make a link */
  balance_token_hash: string | null;
  balance_link_created_at: Timestamp | null;
  balance_link_created_by: string | null;
  /** U2: null is the business's language (migration 0018) */
  language: Generated<string | null>;
  created_at: DefaultTimestamp;
}

export interface ItemsTable {
  business_id: string;
  id: Generated<string>;
  kind: ItemKind;
  name: string;
  prices: Json<Prices>;
  tax_rate_bp: Generated<number>;
  duration_minutes: number | null;
  sell_to_clients: Generated<boolean>;
  commission_eligible: Generated<boolean>;
  active: Generated<boolean>;
  /** O3: free text of the business, matched without regard to letter case (migration 0016) */
  category: string | null;
  created_at: DefaultTimestamp;
}

/** O4: a staff member's rate for one item category, or for everything else (category null). */
export interface CommissionRatesTable {
  business_id: string;
  id: Generated<string>;
  staff_id: string;
  category: string | null;
  rate_bp: number;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface PackageTemplatesTable {
  business_id: string;
  id: Generated<string>;
  kind: "course" | "package";
  name: string;
  prices: Json<Prices>;
  validity_kind: ValidityKind;
  validity_count: number | null;
  validity_date: LocalDate | null;
  commission_basis: Generated<CommissionBasis>;
  online_bookable: Generated<boolean>;
  active: Generated<boolean>;
  /** O5: the business's retired template of packages imported by their items alone (migration 0017) */
  holds_imports: Generated<boolean>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface TemplateItemsTable {
  business_id: string;
  template_id: string;
  item_id: string;
  position: number;
  quantity: number;
}

export interface TemplateLocationsTable {
  business_id: string;
  template_id: string;
  location_id: string;
}

export interface ValiditySnapshot {
  kind: ValidityKind;
  count: number | null;
  date: LocalDate | null;
}

/** G4: a pause of a package, as customer_packages.pauses keeps it (migration 0028) */
export interface PauseRecord {
  id: string;
  startsOn: string;
  endsOn: string;
  /** ISO instants: the start of the first day, the end of the last (exclusive), in the package's zone */
  startsAt: string;
  endsAt: string;
  days: number;
  reason: string;
}

export interface CustomerPackagesTable {
  business_id: string;
  id: Generated<string>;
  customer_id: string;
  template_id: string;
  name: string;
  kind: "course" | "package";
  location_id: string;
  time_zone: string;
  currency: string;
  price_minor: number;
  commission_basis: CommissionBasis;
  online_bookable: boolean;
  redeemable_location_ids: string[] | null;
  validity: Json<ValiditySnapshot>;
  purchased_at: Timestamp;
  expires_on: LocalDate | null;
  expires_at: Timestamp | null;
  expiry_swept_at: Timestamp | null;
  refunded_at: Timestamp | null;
  refund_kind: "money" | "store_credit" | null;
  refund_minor: number | null;
  sold_by: string | null;
  sold_on_ticket_line_id: string | null;
  /** O5: the key of the imported file's row(s) it came from; null when sold in Carnet (migration 0017) */
  import_key: string | null;
  /** G2: who paid for it when it was a gift, and the message (migration 0029) */
  gift_from_customer_id: Generated<string | null>;
  gift_message: Generated<string | null>;
  /** G4: its pauses (migration 0028) */
  pauses: ColumnType<PauseRecord[], string | undefined, string>;
  /** G3: the package whose credits a transfer moved into this one (migration 0027) */
  transferred_from_package_id: Generated<string | null>;
  created_at: DefaultTimestamp;
}

export interface PackageLinesTable {
  business_id: string;
  id: Generated<string>;
  package_id: string;
  customer_id: string;
  position: number;
  item_id: string;
  item_kind: ItemKind;
  item_name: string;
  retail_price_minor: number;
  granted: number;
  value_minor: number;
  total: Generated<number>;
  used: Generated<number>;
  booked: Generated<number>;
  expired: Generated<number>;
  refunded: Generated<boolean>;
  /** copied from the package by triggers (migration 0006) so reports read the lines alone */
  package_template_id: Generated<string | null>;
  package_location_id: Generated<string | null>;
  package_currency: Generated<string | null>;
  package_expires_at: Generated<Date | null>;
  package_multi_line: Generated<boolean>;
  /** its package's expiry was written off by the sweep (copied, migration 0026) */
  package_expiry_swept: Generated<boolean>;
}

export interface MovementsTable {
  business_id: string;
  id: Generated<string>;
  seq: Generated<number>;
  package_id: string;
  line_id: string;
  customer_id: string;
  kind: MovementKind;
  quantity: number;
  value_minor: Generated<number>;
  occurred_at: DefaultTimestamp;
  actor_staff_id: string | null;
  location_id: string | null;
  reason: string | null;
  reservation_id: string | null;
  reverses_id: string | null;
  appointment_id: string | null;
  ticket_line_id: string | null;
  class_enrolment_id: string | null;
  total_after: number;
  used_after: number;
  booked_after: number;
}

export interface ActivityLogTable {
  business_id: string;
  id: Generated<string>;
  seq: Generated<number>;
  occurred_at: DefaultTimestamp;
  actor_staff_id: string | null;
  location_id: string | null;
  action: string;
  customer_id: string | null;
  package_id: string | null;
  movement_id: string | null;
  reason: string | null;
  details: Json<Record<string, unknown>>;
}

export interface StoreCreditAccountsTable {
  business_id: string;
  customer_id: string;
  currency: string;
  balance_minor: Generated<number>;
}

export interface StoreCreditMovementsTable {
  business_id: string;
  id: Generated<string>;
  seq: Generated<number>;
  customer_id: string;
  currency: string;
  amount_minor: number;
  kind: "package_refund" | "tender" | "tender_refund" | "adjustment";
  package_id: string | null;
  ticket_id: string | null;
  actor_staff_id: string | null;
  occurred_at: DefaultTimestamp;
  reason: string | null;
}

/** One row per refunded package: the database allows one refund (migration 0010). */
export interface PackageRefundsTable {
  business_id: string;
  package_id: string;
  customer_id: string;
  kind: "money" | "store_credit";
  amount_minor: number;
  currency: string;
  occurred_at: Timestamp;
  actor_staff_id: string | null;
  reason: string | null;
}

export interface IdempotencyKeysTable {
  business_id: string;
  key: string;
  request_hash: string;
  response_status: number;
  response_body: string;
  created_at: DefaultTimestamp;
}

export type TicketStatus = "open" | "closed" | "voided" | "refunded";
export type TicketLineKind = "service" | "product" | "class_type" | "package_sale";

export interface TicketsTable {
  business_id: string;
  id: Generated<string>;
  /** per business, from ticket_counters (migration 0013) */
  number: number;
  /** per business and gap-free, given at close; null while open and when voided */
  receipt_number: number | null;
  location_id: string;
  customer_id: string | null;
  status: Generated<TicketStatus>;
  currency: string;
  time_zone: string;
  opened_by: string;
  opened_at: Timestamp;
  closed_by: string | null;
  closed_at: Timestamp | null;
  voided_at: Timestamp | null;
  void_reason: string | null;
  total_minor: number | null;
  tax_minor: number | null;
  appointment_id: string | null;
}

/** The last ticket and receipt numbers given in each business (migration 0013). */
export interface TicketCountersTable {
  business_id: string;
  kind: "ticket" | "receipt";
  last_number: number;
}

export interface TicketLinesTable {
  business_id: string;
  id: Generated<string>;
  ticket_id: string;
  position: number;
  kind: TicketLineKind;
  item_id: string | null;
  template_id: string | null;
  /** G2: a package sold on this line as a gift to this customer, with its message (0029) */
  gift_to_customer_id: Generated<string | null>;
  gift_message: Generated<string | null>;
  name: string;
  retail_price_minor: number;
  tax_rate_bp: Generated<number>;
  sell_to_clients: Generated<boolean>;
  commission_eligible: Generated<boolean>;
  service_date: LocalDate;
  staff_id: string | null;
  coverage_mode: Generated<"auto" | "paying" | "pinned">;
  pinned_package_line_id: string | null;
  coverage_reason: string | null;
  package_line_id: string | null;
  covered_by_sale_line_id: string | null;
  reservation_id: string | null;
  consumed_movement_id: string | null;
  charged_minor: number | null;
  tax_minor: number | null;
  /** T10: the commission base */
  commission_minor: number | null;
  /** O4: frozen at close (migration 0016) */
  commission_category: string | null;
  commission_rate_bp: number | null;
  commission_amount_minor: number | null;
  sold_package_id: string | null;
  refunded_at: Timestamp | null;
  refunded_minor: number | null;
  appointment_service_id: string | null;
  class_enrolment_id: string | null;
}

export interface TicketPaymentsTable {
  business_id: string;
  id: Generated<string>;
  ticket_id: string;
  tender: "cash" | "card" | "store_credit";
  amount_minor: number;
  occurred_at: Timestamp;
  actor_staff_id: string | null;
  /** U5: the cash handed over, when more than what it paid; the change is the difference (migration 0021) */
  tendered_minor: number | null;
}

export type AppointmentStatus = "booked" | "checked_in" | "completed" | "cancelled" | "no_show";

export interface AppointmentsTable {
  business_id: string;
  id: Generated<string>;
  location_id: string;
  customer_id: string;
  staff_id: string;
  start_at: Timestamp;
  end_at: Timestamp;
  channel: Generated<"in_store" | "online">;
  status: Generated<AppointmentStatus>;
  allow_overlap: Generated<boolean>;
  notes: string | null;
  ticket_id: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  cancelled_at: Timestamp | null;
  /** W4: the calendar feed's SEQUENCE, raised by a trigger (migration 0022) */
  calendar_sequence: Generated<number>;
}

export interface AppointmentServicesTable {
  business_id: string;
  id: Generated<string>;
  appointment_id: string;
  position: number;
  item_id: string;
  name: string;
  price_minor: number;
  package_line_id: string | null;
  reservation_id: string | null;
  consumed_movement_id: string | null;
}

export interface ClassSessionsTable {
  business_id: string;
  id: Generated<string>;
  location_id: string;
  item_id: string;
  instructor_id: string;
  start_at: Timestamp;
  end_at: Timestamp;
  capacity: number;
  status: Generated<"scheduled" | "cancelled">;
  cancelled_at: Timestamp | null;
  created_at: DefaultTimestamp;
  /** W4: the calendar feed's SEQUENCE, raised by a trigger (migration 0022) */
  calendar_sequence: Generated<number>;
}

export interface ClassEnrolmentsTable {
  business_id: string;
  id: Generated<string>;
  session_id: string;
  customer_id: string;
  channel: Generated<"in_store" | "online">;
  status: Generated<"enrolled" | "cancelled" | "no_show">;
  package_line_id: string | null;
  reservation_id: string | null;
  consumed_movement_id: string | null;
  ticket_id: string | null;
  swept_at: Timestamp | null;
  review: "pending" | "consumed" | "released" | null;
  created_at: DefaultTimestamp;
  cancelled_at: Timestamp | null;
  /** W4: the calendar feed's SEQUENCE, raised by a trigger (migration 0022) */
  calendar_sequence: Generated<number>;
}

export interface OutboxTable {
  business_id: string;
  id: Generated<string>;
  dedupe_key: string;
  message_id: string;
  to_address: string;
  subject: string;
  body_text: string;
  status: Generated<"pending" | "sent" | "failed">;
  attempts: Generated<number>;
  next_attempt_at: DefaultTimestamp;
  last_error: string | null;
  created_at: DefaultTimestamp;
  sent_at: Timestamp | null;
  /** the body holds a one-time link: it is replaced once the message is sent or given up */
  body_has_secret: Generated<boolean>;
}

/** W3: an endpoint a business posts its events to (migration 0023). */
export interface WebhookEndpointsTable {
  business_id: string;
  id: Generated<string>;
  url: string;
  description: Generated<string>;
  events: string[];
  secret: string;
  previous_secret: string | null;
  previous_secret_until: Timestamp | null;
  enabled: Generated<boolean>;
  disabled_reason: string | null;
  failing_since: Timestamp | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** W3: something that happened, as the endpoints that wanted it are told (migration 0023). */
export interface WebhookEventsTable {
  business_id: string;
  id: Generated<string>;
  type: string;
  data: ColumnType<Record<string, unknown>, string, string>;
  occurred_at: DefaultTimestamp;
}

/** W3: one event to one endpoint: the outbox row and its delivery log (migration 0023). */
export interface WebhookDeliveriesTable {
  business_id: string;
  id: Generated<string>;
  event_id: string;
  endpoint_id: string;
  status: Generated<"pending" | "delivered" | "failed">;
  attempts: Generated<number>;
  next_attempt_at: DefaultTimestamp;
  created_at: DefaultTimestamp;
  delivered_at: Timestamp | null;
  last_attempt_at: Timestamp | null;
  last_status_code: number | null;
  last_duration_ms: number | null;
  last_response: string | null;
  last_error: string | null;
}

/** A10: a booking asked for online, made only when the e-mailed link is opened (migration 0012). */
export interface OnlineBookingRequestsTable {
  business_id: string;
  id: Generated<string>;
  token_hash: string;
  location_id: string;
  staff_id: string;
  item_id: string;
  start_at: Timestamp;
  name: string;
  email: string;
  phone: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  confirmed_at: Timestamp | null;
  appointment_id: string | null;
  /** U2: the e-mail's language, for the page its link opens; null: the business's (migration 0018) */
  language: Generated<string | null>;
}

/** Requests to public routes counted per fixed window (migration 0012). */
export interface PublicRequestCountsTable {
  business_id: string;
  bucket: "booking_address" | "booking_email";
  key_hash: string;
  window_start: Timestamp;
  hits: number;
}

/** W4: a staff member's or a customer's private calendar feed, by its token's hash (migration 0022). */
export interface CalendarFeedsTable {
  business_id: string;
  id: Generated<string>;
  token_hash: string;
  staff_id: string | null;
  customer_id: string | null;
  created_at: Timestamp;
  created_by: string | null;
}

/** Running sums of the liability summary per group, one row per writing connection (0026). */
export interface LiabilityCountersTable {
  business_id: string;
  location_id: string;
  template_id: string;
  currency: string;
  slot: number;
  single_line_packages: number;
  sessions_owed: number;
  unlimited_lines: number;
  liability_minor: number;
}

/** G3: one line's free credits moved to another customer: the pair of movements (0027). */
export interface CreditTransfersTable {
  business_id: string;
  id: Generated<string>;
  out_movement_id: string;
  in_movement_id: string;
  from_package_id: string;
  to_package_id: string;
  quantity: number;
  value_minor: number;
}

export interface DB {
  staff_working_hours: StaffWorkingHoursTable;
  location_opening_hours: LocationOpeningHoursTable;
  class_sessions: ClassSessionsTable;
  class_enrolments: ClassEnrolmentsTable;
  outbox: OutboxTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  online_booking_requests: OnlineBookingRequestsTable;
  public_request_counts: PublicRequestCountsTable;
  appointments: AppointmentsTable;
  calendar_feeds: CalendarFeedsTable;
  appointment_services: AppointmentServicesTable;
  tickets: TicketsTable;
  ticket_counters: TicketCountersTable;
  ticket_lines: TicketLinesTable;
  ticket_payments: TicketPaymentsTable;
  businesses: BusinessesTable;
  locations: LocationsTable;
  staff: StaffTable;
  accounts: AccountsTable;
  staff_invitations: StaffInvitationsTable;
  password_resets: PasswordResetsTable;
  sign_up_requests: SignUpRequestsTable;
  account_request_counts: AccountRequestCountsTable;
  first_run_claims: FirstRunClaimsTable;
  staff_sessions: StaffSessionsTable;
  api_tokens: ApiTokensTable;
  sign_in_throttle_pairs: SignInThrottlePairsTable;
  sign_in_throttle_addresses: SignInThrottleBucketTable & { address: string };
  sign_in_throttle_emails: SignInThrottleBucketTable & { email: string };
  customers: CustomersTable;
  items: ItemsTable;
  commission_rates: CommissionRatesTable;
  package_templates: PackageTemplatesTable;
  template_items: TemplateItemsTable;
  template_locations: TemplateLocationsTable;
  customer_packages: CustomerPackagesTable;
  package_lines: PackageLinesTable;
  liability_counters: LiabilityCountersTable;
  credit_transfers: CreditTransfersTable;
  movements: MovementsTable;
  activity_log: ActivityLogTable;
  store_credit_accounts: StoreCreditAccountsTable;
  store_credit_movements: StoreCreditMovementsTable;
  package_refunds: PackageRefundsTable;
  idempotency_keys: IdempotencyKeysTable;
}

export type Business = Selectable<BusinessesTable>;
export type Location = Selectable<LocationsTable>;
export type Staff = Selectable<StaffTable>;
export type Customer = Selectable<CustomersTable>;
export type Item = Selectable<ItemsTable>;
export type PackageTemplate = Selectable<PackageTemplatesTable>;
export type CustomerPackageRow = Selectable<CustomerPackagesTable>;
export type PackageLineRow = Selectable<PackageLinesTable>;
export type MovementRow = Selectable<MovementsTable>;
export type NewMovement = Insertable<MovementsTable>;
export type Ticket = Selectable<TicketsTable>;
export type TicketLine = Selectable<TicketLinesTable>;
export type Appointment = Selectable<AppointmentsTable>;
export type AppointmentService = Selectable<AppointmentServicesTable>;
