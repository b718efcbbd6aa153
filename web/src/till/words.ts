// The till's words that several screens say alike: tenders, ticket statuses, and which package a line
// draws from (T7), in the screen's language (U2) from the parts the server sends.
import type { TFunction } from "i18next";
import type { Ticket, TicketLine } from "../api/types.js";

export type Tender = "cash" | "card" | "store_credit";
export const TENDERS: Tender[] = ["cash", "card", "store_credit"];

export const tenderName = (t: TFunction<"till">, tender: string): string =>
  TENDERS.includes(tender as Tender) ? t(`tender.${tender as Tender}`) : tender;

export const statusName = (t: TFunction<"till">, status: Ticket["status"]): string => t(`status.${status}`);

export const STATUS_COLOR: Record<Ticket["status"], string> = {
  open: "blue",
  closed: "green",
  voided: "gray",
  refunded: "red",
};

/** "from 5x Manicure, 3 of 5 used", "PACKAGE USED (#4/UNLIMITED)", or null when not covered. */
export function coverageLabel(t: TFunction<"till">, line: TicketLine): string | null {
  const c = line.coverage;
  if (c.packageName && c.count !== null && c.total !== null)
    return c.unlimited
      ? t("coverage.unlimited", { n: c.count })
      : t("coverage.from", { package: c.packageName, used: c.count, total: c.total });
  if (c.bySaleLineId) return t("coverage.soldHere", { package: c.saleName ?? t("coverage.thisSale") });
  return null;
}

/** G2: "Gift for Cili Tóth — “For your back”", or null when the line is no gift. */
export function giftLabel(t: TFunction<"till">, line: TicketLine): string | null {
  if (!line.gift) return null;
  return line.gift.message
    ? t("gift.forWithMessage", { name: line.gift.toName, message: line.gift.message })
    : t("gift.for", { name: line.gift.toName });
}

/** Why a line is or is not covered, by the server's stable reason code. */
export function coverageReason(t: TFunction<"till">, line: TicketLine): string | null {
  const reason = line.coverage.reason;
  if (!reason) return null;
  return t(`reasons.${reason}`, { defaultValue: line.coverage.explanation ?? "" }) || null;
}

/** Money in a number field: whole forints, cents for dollars. */
export const decimalsOf = (currency: string) => (currency === "HUF" ? 0 : 2);

/** A number field's value (major units) in minor units; null when empty or not a number. */
export function toMinor(value: string | number): number | null {
  if (value === "" || value === null) return null;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? Math.round(n * 100) : null;
}
