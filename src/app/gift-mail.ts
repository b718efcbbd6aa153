// G2: the e-mail a gift's recipient gets, in her language: who gave it, the message, what it holds
// and until when. Queued in the sale's transaction (the outbox), so a sale rolled back sends nothing.
import type { Temporal } from "temporal-polyfill";
import type { Executor } from "./context.js";
import { getBusiness } from "./lookups.js";
import { customerLanguage, mailWords } from "./mail-words.js";
import { enqueueMail } from "./outbox.js";

interface Person {
  id: string;
  name: string;
  email: string | null;
  language: string | null;
}

export async function mailGift(
  tx: Executor,
  g: {
    businessId: string;
    recipient: Person;
    giver: Person;
    packageId: string;
    giftMessage: string | undefined;
    at: Temporal.Instant;
  },
): Promise<void> {
  if (!g.recipient.email) return;
  const business = await getBusiness(tx, g.businessId);
  const pkg = await tx
    .selectFrom("customer_packages as p")
    .innerJoin("locations as loc", (j) =>
      j.onRef("loc.business_id", "=", "p.business_id").onRef("loc.id", "=", "p.location_id"),
    )
    .select(["p.name", "p.expires_on", "loc.locale"])
    .where("p.business_id", "=", g.businessId)
    .where("p.id", "=", g.packageId)
    .executeTakeFirstOrThrow();
  const lines = await tx
    .selectFrom("package_lines")
    .select(["item_name", "granted"])
    .where("business_id", "=", g.businessId)
    .where("package_id", "=", g.packageId)
    .orderBy("position")
    .execute();
  const w = mailWords(customerLanguage(g.recipient, business), pkg.locale);
  const words = { giver: g.giver.name, package: pkg.name };
  const text = [
    w.t("gift.dear", { name: g.recipient.name }),
    "",
    w.t("gift.given", words),
    ...(g.giftMessage ? ["", w.t("gift.message", { ...words, message: g.giftMessage })] : []),
    "",
    ...lines.map((l) => w.t("gift.line", { item: l.item_name, count: l.granted })),
    ...(pkg.expires_on ? ["", w.t("gift.until", { date: w.localDate(pkg.expires_on) })] : []),
    "",
    business.name,
  ].join("\n");
  await enqueueMail(tx, {
    businessId: g.businessId,
    dedupeKey: `gift:${g.packageId}`,
    to: g.recipient.email,
    subject: w.t("gift.subject", words),
    text,
    at: g.at,
  });
}
