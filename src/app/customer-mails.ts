// U2: e-mails to customers (and to people booking online), in their language, with dates, clocks and
// money as the location's people read them (U1). The expiry reminder is beside its job
// (src/jobs/expiry-reminders.ts); account mails are in accounts/mails.ts.
import { toInstant } from "../domain/validity.js";
import type { MailWords } from "./mail-words.js";

/** C7: a class the customer booked is cancelled by the business. */
export function classCancelledMail(
  w: MailWords,
  c: { className: string; startAt: Date; timeZone: string; reason: string | undefined; restored: boolean },
  customerName: string,
  businessName: string,
): { subject: string; text: string } {
  const at = {
    class: c.className,
    date: w.localDate(localDateIn(c.startAt, c.timeZone)),
    time: w.time(c.startAt, c.timeZone),
  };
  return {
    subject: w.t("classCancelled.subject", at),
    text:
      `${w.t("classCancelled.dear", { name: customerName })}\n\n` +
      (c.reason
        ? w.t("classCancelled.sorryWithReason", { ...at, reason: c.reason })
        : w.t("classCancelled.sorry", at)) +
      (c.restored ? `\n${w.t("classCancelled.creditBack")}` : "") +
      `\n\n${businessName}`,
  };
}

/** A10: the link that books what was asked online. The name the caller typed is left out. */
export function bookingConfirmationMail(
  w: MailWords,
  b: {
    businessName: string;
    service: string;
    staff: string;
    location: string;
    timeZone: string;
    start: Date;
    minutes: number;
    priceMinor: number;
    currency: string;
    linkMinutes: number;
    link: string;
  },
): { subject: string; text: string } {
  const business = { business: b.businessName };
  return {
    subject: w.t("bookingConfirmation.subject", business),
    text:
      `${w.t("bookingConfirmation.hello")}\n\n${w.t("bookingConfirmation.please", business)}\n\n` +
      `  ${w.t("bookingConfirmation.what", { service: b.service, staff: b.staff })}\n` +
      `  ${w.t("bookingConfirmation.when", { when: w.dateTime(b.start, b.timeZone), location: b.location })}\n` +
      `  ${w.t("bookingConfirmation.price", { count: b.minutes, price: w.money(b.priceMinor, b.currency) })}\n\n` +
      `${w.t("bookingConfirmation.confirmWithin", { count: b.linkMinutes })}\n${b.link}\n\n` +
      `${w.t("bookingConfirmation.notHeld")}\n\n${b.businessName}\n`,
  };
}

/** The local date 'YYYY-MM-DD' of an instant in a zone. */
const localDateIn = (at: Date, timeZone: string): string =>
  toInstant(at).toZonedDateTimeISO(timeZone).toPlainDate().toString();
