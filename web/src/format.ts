// Money and dates as the location shows them: Intl with the location's currency and zone.
const moneyFormats = new Map<string, Intl.NumberFormat>();

export function money(minor: number, currency: string): string {
  let f = moneyFormats.get(currency);
  if (!f) {
    f = new Intl.NumberFormat(currency === "HUF" ? "hu-HU" : "en-US", {
      style: "currency",
      currency,
      maximumFractionDigits: currency === "HUF" ? 0 : 2,
    });
    moneyFormats.set(currency, f);
  }
  // Minor units: both HUF and USD have two (ISO 4217).
  return f.format(minor / 100);
}

export function dateIn(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone,
  }).format(new Date(iso));
}

export function dateTimeIn(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone,
  }).format(new Date(iso));
}

/** A local date 'YYYY-MM-DD' as the people there read it. */
export function localDate(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "short",
    year: "numeric",
    timeZone: "UTC",
  }).format(new Date(Date.UTC(y!, m! - 1, d!)));
}

export const STATUS_LABEL: Record<string, string> = {
  active: "Active",
  fully_used: "Fully Used",
  expired: "Expired",
  refunded: "Refunded",
};
export const STATUS_COLOR: Record<string, string> = {
  active: "green",
  fully_used: "gray",
  expired: "orange",
  refunded: "red",
};

export const ROLE_LABEL: Record<string, string> = {
  owner: "Owner",
  manager: "Manager",
  front_desk: "Front desk",
  practitioner: "Practitioner",
};

export const MOVEMENT_LABEL: Record<string, string> = {
  grant: "Purchased",
  add: "Credits added",
  deduct: "Credits deducted",
  reserve: "Booked",
  release: "Booking released",
  consume: "Used (booking)",
  redeem: "Redeemed",
  restore: "Undo",
  expire: "Expired",
  unexpire: "Expiry extended",
};
