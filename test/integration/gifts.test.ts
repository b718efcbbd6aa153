// G2: a package sold to one customer for another. The recipient owns it (she books and redeems it;
// its liability sits with it), the payer is remembered with the message, the receipt's line prints
// it, and the recipient is e-mailed in her language. At the till the payer's ticket sells it and it
// covers nothing of the payer's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTicket } from "../../src/app/close-ticket.js";
import { addTicketLine, openTicket } from "../../src/app/edit-ticket.js";
import { createCustomer } from "../../src/app/manage-customers.js";
import { redeemLine } from "../../src/app/redeem-credits.js";
import { sellPackage } from "../../src/app/sell-package.js";
import { type Api, startApi } from "../support/http.js";
import { type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
let api: Api;
let template: string;
beforeAll(async () => {
  s = await scenario();
  api = await startApi(s);
  template = await s.template({
    name: "5x Massage",
    items: [{ itemId: s.items.massage, quantity: 5 }],
    prices: { HUF: 50_000 },
    validity: { kind: "days", count: 90 },
  });
});
afterAll(async () => {
  await api?.close();
  await s?.close();
});

const mailTo = (address: string) =>
  s.database.db.selectFrom("outbox").selectAll().where("to_address", "=", address).execute();

describe("gifts (G2)", () => {
  it("sold for another customer: hers to use, the payer and the message kept, an e-mail in her language", async () => {
    const anna = await s.customer("Anna Kertész");
    const bea = (
      await createCustomer(s.as("front_desk"), {
        name: "Bea Szabó",
        email: "bea@example.test",
        language: "hu",
      })
    ).id;
    const gift = await sellPackage(s.as("front_desk"), {
      customerId: bea,
      templateId: template,
      giftFromCustomerId: anna,
      giftMessage: "Boldog születésnapot!",
    });
    expect(gift).toMatchObject({
      customerId: bea,
      giftFromCustomerId: anna,
      giftMessage: "Boldog születésnapot!",
    });
    await redeemLine(s.as("front_desk"), { lineId: gift.lines[0]!.id, quantity: 1 });
    const [mail] = await mailTo("bea@example.test");
    expect(mail?.subject).toBe("Ajándék Anna Kertész részéről: 5x Massage");
    expect(mail?.body_text).toContain("„Boldog születésnapot!”");
    expect(mail?.body_text).toContain("Massage: 5 alkalom");

    await expect(
      sellPackage(s.as("front_desk"), { customerId: anna, templateId: template, giftFromCustomerId: anna }),
    ).rejects.toMatchObject({ code: "gift_to_self", field: "giftFromCustomerId" });
    await expect(
      sellPackage(s.as("front_desk"), { customerId: anna, templateId: template, giftMessage: "hi" }),
    ).rejects.toMatchObject({ code: "gift_message_without_payer" });
  });

  it("at the till: the payer's ticket sells it to the recipient; it covers none of the payer's lines", async () => {
    const anna = await s.customer("Anna Kertész");
    const cili = (await createCustomer(s.as("front_desk"), { name: "Cili Tóth", email: "cili@example.test" }))
      .id;
    const open = await openTicket(s.as("front_desk"), { customerId: anna });
    await addTicketLine(s.as("front_desk"), open.id, {
      templateId: template,
      giftToCustomerId: cili,
      giftMessage: "For your back",
    });
    const t = await addTicketLine(s.as("front_desk"), open.id, { itemId: s.items.massage });
    const massage = t.lines.find((l) => l.kind === "service")!;
    expect(massage.covered).toBe(false);
    expect(t.lines.find((l) => l.kind === "package_sale")!.gift).toEqual({
      toCustomerId: cili,
      toName: "Cili Tóth",
      message: "For your back",
    });
    const due = t.totals.dueMinor;
    const closed = await closeTicket(s.as("front_desk"), open.id, {
      payments: [{ tender: "card", amountMinor: due }],
    });
    const sale = closed.lines.find((l) => l.kind === "package_sale")!;
    const pkg = await api.call("front_desk", "GET", `/api/v1/packages/${sale.soldPackageId}`);
    expect(pkg.json()).toMatchObject({
      customerId: cili,
      giftFromCustomerId: anna,
      giftMessage: "For your back",
    });
    expect((await mailTo("cili@example.test"))[0]?.subject).toBe("A gift from Anna Kertész: 5x Massage");

    await expect(
      addTicketLine(s.as("front_desk"), (await openTicket(s.as("front_desk"), { customerId: anna })).id, {
        itemId: s.items.massage,
        giftToCustomerId: cili,
      }),
    ).rejects.toMatchObject({ code: "gift_needs_package" });
  });

  it("over HTTP: a gift sale names a bad payer field", async () => {
    const bea = await s.customer("Bea Szabó");
    const bad = await api.call("front_desk", "POST", `/api/v1/customers/${bea}/packages`, {
      templateId: template,
      giftFromCustomerId: "anna",
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ field: "giftFromCustomerId" });
  });
});
