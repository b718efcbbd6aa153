// The shapes the API answers with (see /api/openapi.json).
export type Role = "owner" | "manager" | "front_desk" | "practitioner";
export type PackageStatus = "active" | "fully_used" | "expired" | "refunded";

export interface Location {
  id: string;
  name: string;
  timeZone: string;
  currency: string;
  /** O3: a postal address, or null */
  address?: string | null;
  /** U1: how dates, clocks and numbers read there (a BCP 47 tag: "hu-HU", "en-US") */
  locale: string;
}

export interface Me {
  /** U2: language is the staff member's own choice, or null for the business's */
  staff: { id: string; name: string; role: Role; language: string | null };
  business: { id: string; name: string; settings: Record<string, unknown>; language: string };
  location: Location;
  locations: Location[];
  permissions: string[];
  csrfToken: string | null;
  /** the signed-in person (sessions only): their e-mail and the businesses they work for (O1) */
  account: { email: string; businesses: Array<{ id: string; name: string }> } | null;
}

/** O1: whether this Carnet waits for its first business, and whether sign-up is open. */
export interface SetupStatus {
  firstRun: boolean;
  signUpOpen: boolean;
}

/** O1: a sign-in answer: signed in, or the businesses to choose from. */
export type SignInAnswer =
  | { signedIn: true; csrfToken: string; expiresAt: string; me: Me; customers?: CustomerPage }
  | { signedIn: false; businesses: Array<{ id: string; name: string }> };

/** O2: an open invitation to join as staff. */
export interface Invitation {
  id: string;
  name: string;
  email: string;
  role: Role;
  homeLocationId: string;
  status: "pending" | "expired";
  invitedAt: string;
  sentAt: string;
  expiresAt: string;
}

export interface Customer {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  /** when staff last made the customer's balance link (R4); null: no link. The token is never sent again. */
  balanceLinkCreatedAt: string | null;
  createdAt: string;
  /** U2: the language of the customer's e-mails and balance page; null: the business's */
  language: string | null;
}

/** A page of the customer list (W2): pass nextCursor as cursor for the next; total counts every match. */
export interface CustomerPage {
  items: Customer[];
  nextCursor: string | null;
  total: number;
}

export interface Line {
  id: string;
  itemId: string;
  itemKind: string;
  itemName: string;
  retailPriceMinor: number;
  total: number;
  used: number;
  booked: number;
  remaining: number;
  expired: number;
  unlimited: boolean;
  remainingValueMinor: number;
}

export interface Package {
  id: string;
  customerId: string;
  templateId: string;
  name: string;
  kind: string;
  status: PackageStatus;
  locationId: string;
  timeZone: string;
  currency: string;
  priceMinor: number;
  purchasedAt: string;
  expiresOn: string | null;
  expiresAt: string | null;
  refundedAt: string | null;
  refundKind: string | null;
  refundMinor: number | null;
  lines: Line[];
}

export interface UsageEntry {
  id: string;
  kind: string;
  quantity: number;
  occurredAt: string;
  itemName: string;
  staffName: string | null;
  reason: string | null;
  appointmentId: string | null;
  ticketLineId: string | null;
  classEnrolmentId: string | null;
  undone: boolean;
  undoable: boolean;
  after: { total: number; used: number; booked: number; remaining: number };
}

export interface Template {
  id: string;
  kind: string;
  name: string;
  prices: Record<string, number>;
  validity: { kind: string; count: number | null; date: string | null };
  items: Array<{
    itemId: string;
    itemName: string;
    quantity: number;
    itemKind?: string;
    itemActive?: boolean;
  }>;
  locationIds: string[];
  active: boolean;
  commissionBasis?: "item_retail_price" | "package_price_per_credit";
  onlineBookable?: boolean;
  /** packages sold from it; they keep what they were sold with */
  soldCount?: number;
}

export interface ActivityEntry {
  id: string;
  occurredAt: string;
  action: string;
  reason: string | null;
  details: Record<string, unknown>;
  customerId: string | null;
  customerName: string | null;
  packageId: string | null;
  packageName: string | null;
  staffName: string | null;
}

export interface TicketLine {
  id: string;
  position: number;
  kind: "service" | "product" | "class_type" | "package_sale";
  itemId: string | null;
  templateId: string | null;
  name: string;
  retailPriceMinor: number;
  taxRateBp: number;
  serviceDate: string;
  staffId: string | null;
  staffName: string | null;
  coverageMode: "auto" | "paying" | "pinned";
  covered: boolean;
  coverage: {
    packageLineId: string | null;
    packageId: string | null;
    packageName: string | null;
    bySaleLineId: string | null;
    reason: string | null;
    explanation: string | null;
    label: string | null;
    /** U2: the label's parts: the k-th credit of n, or of an unlimited line; a sale on this ticket */
    count: number | null;
    total: number | null;
    unlimited: boolean;
    saleName: string | null;
  };
  priceMinor: number;
  taxMinor: number;
  commissionMinor: number | null;
  soldPackageId: string | null;
  refundedAt: string | null;
  refundedMinor: number | null;
}

export interface Ticket {
  id: string;
  number: number;
  /** consecutive in the business; null until the ticket is closed, and when it is voided */
  receiptNumber: number | null;
  status: "open" | "closed" | "voided" | "refunded";
  locationId: string;
  locationName: string;
  currency: string;
  timeZone: string;
  customer: { id: string; name: string } | null;
  openedAt: string;
  closedAt: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  lines: TicketLine[];
  totals: { dueMinor: number; taxMinor: number; paidMinor: number; refundedMinor: number };
  /** tenderedMinor: the cash handed over when the change was given (U5) */
  payments: Array<{ tender: string; amountMinor: number; tenderedMinor: number | null; occurredAt: string }>;
}

export interface Item {
  id: string;
  kind: "service" | "product" | "class_type";
  name: string;
  prices: Record<string, number>;
  active: boolean;
  sellToClients: boolean;
  /** O3 */
  category?: string | null;
  durationMinutes?: number | null;
  taxRateBp?: number;
  commissionEligible?: boolean;
}

export interface Appointment {
  id: string;
  locationId: string;
  customer: { id: string; name: string };
  staff: { id: string; name: string };
  startAt: string;
  endAt: string;
  channel: "in_store" | "online";
  status: "booked" | "checked_in" | "completed" | "cancelled" | "no_show";
  notes: string | null;
  ticketId: string | null;
  fromPackage: boolean;
  services: Array<{
    id: string;
    itemId: string;
    name: string;
    priceMinor: number;
    fromPackage: null | {
      packageLineId: string;
      packageId: string;
      packageName: string;
      sessions: string;
      /** U1: this is session `number` of `total` (no total to show when unlimited) */
      session: { number: number; total: number; unlimited: boolean } | null;
      state: "booked" | "used" | "released";
    };
  }>;
}

/** A new balance link (R4): the only answer that carries its token. */
export interface BalanceLinkMade {
  token: string;
  path: string;
  createdAt: string;
}

/** An online booking request (A10), as its e-mailed link shows it. */
export interface BookingRequest {
  status: "awaiting_confirmation" | "confirmed";
  businessName: string;
  name: string;
  email: string;
  phone: string | null;
  service: { id: string; name: string; durationMinutes: number; priceMinor: number; currency: string };
  staff: { id: string; name: string };
  location: { id: string; name: string; timeZone: string; locale: string };
  startAt: string;
  endAt: string;
  confirmBy: string;
  /** U2: the language the page speaks (its e-mail's) */
  language: string;
}
