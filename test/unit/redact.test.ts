// R4, A10: what the request log writes for a URL. A token after /balance/, /booking-requests/ or
// /confirm-booking/, however it is spelt, and any token-like path segment, is replaced; every other
// URL is logged as sent.
import { describe, expect, it } from "vitest";
import { REDACTED, redactText, redactUrl } from "../../src/http/redact.js";

const TOKEN = "pkdsIph38XOm5xXCoI4DcZZ_dvRbFNzlPGXK8f63B5E";
const ID = "0b5e0a4e-6d55-4c7e-9a63-2f1c1f4d6a11";

describe("redactUrl", () => {
  it.each([
    { url: `/api/v1/public/balance/${TOKEN}`, logged: `/api/v1/public/balance/${REDACTED}` },
    {
      url: `/api/v1/public/balance/${TOKEN}/bookings`,
      logged: `/api/v1/public/balance/${REDACTED}/bookings`,
    },
    {
      url: `/api/v1/public/balance/${TOKEN}?from=mail`,
      logged: `/api/v1/public/balance/${REDACTED}?from=mail`,
    },
    { url: `/balance/${TOKEN}`, logged: `/balance/${REDACTED}` },
    { url: `/confirm-booking/${TOKEN}`, logged: `/confirm-booking/${REDACTED}` },
    {
      url: `/api/v1/public/booking-requests/${TOKEN}/confirm`,
      logged: `/api/v1/public/booking-requests/${REDACTED}/confirm`,
    },
    // Spelt otherwise, as the router would still read it.
    { url: `/api/v1/public/%62alance/${TOKEN}`, logged: `/api/v1/public/balance/${REDACTED}` },
    { url: `/api/v1/public/BALANCE/${TOKEN}`, logged: `/api/v1/public/BALANCE/${REDACTED}` },
    { url: `/balance/%${TOKEN.charCodeAt(0).toString(16)}${TOKEN.slice(1)}`, logged: `/balance/${REDACTED}` },
    { url: `/balance/short-but-still-a-key`, logged: `/balance/${REDACTED}` },
    // A token-like segment anywhere, or in the query.
    { url: `/somewhere/${TOKEN}/else`, logged: `/somewhere/${REDACTED}/else` },
    { url: `/api/v1/health?t=${TOKEN}`, logged: `/api/v1/health?t=${REDACTED}` },
  ])("$url → $logged", ({ url, logged }) => {
    expect(redactUrl(url)).toBe(logged);
  });

  it.each([
    "/api/v1/health",
    `/api/v1/customers/${ID}/balance-link`,
    "/api/v1/reports/balances?status=all",
    `/api/v1/customers?q=${encodeURIComponent("Dóra")}`,
    "/api/v1/customers/%E0%A4%A",
  ])("%s is logged as sent", (url) => {
    expect(redactUrl(url)).toBe(url);
  });
});

describe("redactText", () => {
  it("replaces token paths and token-like words in an error message", () => {
    expect(redactText(`GET /api/v1/public/balance/${TOKEN} failed`)).toBe(
      `GET /api/v1/public/balance/${REDACTED} failed`,
    );
    expect(redactText(`token ${TOKEN} was refused`)).toBe(`token ${REDACTED} was refused`);
    expect(redactText("the database went away")).toBe("the database went away");
  });
});
