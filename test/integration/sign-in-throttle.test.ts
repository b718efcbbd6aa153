// S1: the failed sign-in limits, claimed straight against the database (no password checks, so the
// long runs stay fast): the pair's doubling delays and their cap, forgetting, racing claims, giving
// claims back on success, and pruning. The attacks through the server are in sign-in-hardening.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ADDRESS_BUCKET,
  type Claim,
  claimSignInAttempt,
  EMAIL_BUCKET,
  FREE_FAILURES_PER_PAIR,
  pruneSignInThrottle,
  settleSuccessfulSignIn,
  TooManyAttempts,
} from "../../src/app/sign-in-throttle.js";
import { type Scenario, scenario } from "../support/scenario.js";

let s: Scenario;
// The first scenario in a worker builds the database template: slow on a busy machine.
beforeEach(async () => {
  s = await scenario();
}, 120_000);
afterEach(() => s?.close());

const claim = (email: string, ip: string) => claimSignInAttempt(s.database.db, email, ip, s.clock.now);

/** the claim, or the seconds it was told to wait */
const attempt = (email: string, ip: string): Promise<Claim | number> =>
  claim(email, ip).catch((error: unknown) => {
    if (error instanceof TooManyAttempts) return error.retryAfterSeconds;
    throw error;
  });

const rows = async () => ({
  pairs: await s.database.db.selectFrom("sign_in_throttle_pairs").selectAll().execute(),
  addresses: await s.database.db.selectFrom("sign_in_throttle_addresses").selectAll().execute(),
  emails: await s.database.db.selectFrom("sign_in_throttle_emails").selectAll().execute(),
});

describe("S1 one e-mail from one address", () => {
  it("5 free failures, then the delays begin: 1 s, 2 s, 4 s", async () => {
    for (let i = 0; i < FREE_FAILURES_PER_PAIR; i++)
      expect(typeof (await attempt("a@x.test", "192.0.2.1"))).toBe("object");
    for (const delay of [1, 2, 4]) {
      expect(await attempt("a@x.test", "192.0.2.1")).toBe(delay);
      s.clock.advance({ seconds: delay });
      expect(typeof (await attempt("a@x.test", "192.0.2.1"))).toBe("object");
    }
  });

  it.each([
    { failures: 4, delay: 0 },
    { failures: 5, delay: 1 },
    { failures: 6, delay: 2 },
    { failures: 10, delay: 32 },
    { failures: 14, delay: 512 },
    { failures: 15, delay: 900 },
    { failures: 40, delay: 900 },
    { failures: 100_000, delay: 900 },
  ])(
    "after $failures failures the next attempt waits $delay s (capped at 15 minutes)",
    async ({ failures, delay }) => {
      await claim("a@x.test", "192.0.2.1");
      await s.database.db
        .updateTable("sign_in_throttle_pairs")
        .set({ failures, last_failure_at: new Date(s.clock.now.epochMilliseconds) })
        .execute();
      if (delay === 0) {
        expect(typeof (await attempt("a@x.test", "192.0.2.1"))).toBe("object");
        return;
      }
      expect(await attempt("a@x.test", "192.0.2.1")).toBe(delay);
      s.clock.advance({ milliseconds: delay * 1000 - 1 });
      expect(await attempt("a@x.test", "192.0.2.1")).toBe(1);
      s.clock.advance({ milliseconds: 1 });
      expect(typeof (await attempt("a@x.test", "192.0.2.1"))).toBe("object");
    },
  );

  it("40 racing claims: exactly the free ones are granted, and the count says so", {
    timeout: 90_000,
  }, async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => attempt("race@x.test", "192.0.2.9")));
    expect(results.filter((r) => typeof r === "object")).toHaveLength(FREE_FAILURES_PER_PAIR);
    expect(results.filter((r) => r === 1)).toHaveLength(40 - FREE_FAILURES_PER_PAIR);
    const { pairs, addresses, emails } = await rows();
    expect(pairs.map((p) => p.failures)).toEqual([FREE_FAILURES_PER_PAIR]);
    expect(addresses.map((a) => a.level)).toEqual([FREE_FAILURES_PER_PAIR]);
    expect(emails.map((e) => e.level)).toEqual([FREE_FAILURES_PER_PAIR]);
  });

  it("failures are forgotten a day after the last one", async () => {
    for (let i = 0; i < FREE_FAILURES_PER_PAIR; i++) await claim("a@x.test", "192.0.2.1");
    expect(await attempt("a@x.test", "192.0.2.1")).toBe(1);
    s.clock.advance({ hours: 24 });
    for (let i = 0; i < FREE_FAILURES_PER_PAIR; i++)
      expect(typeof (await attempt("a@x.test", "192.0.2.1"))).toBe("object");
    expect(await attempt("a@x.test", "192.0.2.1")).toBe(1);
  });

  it("an IPv6 client is one client across its /64", async () => {
    for (let i = 0; i < FREE_FAILURES_PER_PAIR; i++) await claim("a@x.test", `2001:db8:7:8::${i + 1}`);
    expect(await attempt("a@x.test", "2001:db8:7:8:ffff:1:2:3")).toBe(1);
    expect(typeof (await attempt("a@x.test", "2001:db8:7:9::1"))).toBe("object");
  });
});

describe("S1 a success", () => {
  it("clears the pair's failures and gives the buckets their claim back", async () => {
    for (let i = 0; i < FREE_FAILURES_PER_PAIR - 1; i++) await claim("a@x.test", "192.0.2.1");
    await settleSuccessfulSignIn(s.database.db, await claim("a@x.test", "192.0.2.1"), s.clock.now);
    const { pairs, addresses, emails } = await rows();
    expect(pairs).toMatchObject([{ failures: 0, last_success_at: new Date(s.clock.now.epochMilliseconds) }]);
    expect(addresses.map((a) => a.level)).toEqual([FREE_FAILURES_PER_PAIR - 1]);
    expect(emails.map((e) => e.level)).toEqual([FREE_FAILURES_PER_PAIR - 1]);
    for (let i = 0; i < FREE_FAILURES_PER_PAIR; i++)
      expect(typeof (await attempt("a@x.test", "192.0.2.1"))).toBe("object");
  });

  it("makes the address a known one: the e-mail's bucket is no longer charged from it", async () => {
    const first = await claim("a@x.test", "192.0.2.1");
    expect(first.chargedEmail).toBe(true);
    await settleSuccessfulSignIn(s.database.db, first, s.clock.now);
    expect((await claim("a@x.test", "192.0.2.1")).chargedEmail).toBe(false);
    expect((await claim("a@x.test", "192.0.2.2")).chargedEmail).toBe(true);
    s.clock.advance({ hours: 91 * 24 });
    expect((await claim("a@x.test", "192.0.2.1")).chargedEmail).toBe(true);
  });
});

describe("S1 the buckets", () => {
  it("an address takes 20 failures at once over any e-mails, then one per 45 s", async () => {
    for (let i = 0; i < ADDRESS_BUCKET.burst; i++) await claim(`e${i}@x.test`, "192.0.2.1");
    expect(await attempt("another@x.test", "192.0.2.1")).toBe(45);
    s.clock.advance({ seconds: 44 });
    expect(await attempt("another@x.test", "192.0.2.1")).toBe(1);
    s.clock.advance({ seconds: 1 });
    expect(typeof (await attempt("another@x.test", "192.0.2.1"))).toBe("object");
  });

  it("an e-mail takes 20 failures from unknown addresses, then one per 3 minutes", async () => {
    for (let i = 0; i < EMAIL_BUCKET.burst / 4; i++)
      for (let j = 0; j < 4; j++) await claim("owner@x.test", `192.0.2.${10 + i}`);
    expect(await attempt("owner@x.test", "198.51.100.1")).toBe(180);
    s.clock.advance({ seconds: 180 });
    expect(typeof (await attempt("owner@x.test", "198.51.100.1"))).toBe("object");
  });
});

describe("S1 pruning", () => {
  it("forgets drained buckets and old pairs, and keeps an address the e-mail signed in from for 90 days", async () => {
    await settleSuccessfulSignIn(s.database.db, await claim("owner@x.test", "192.0.2.1"), s.clock.now);
    await claim("owner@x.test", "203.0.113.5");
    await claim("someone@x.test", "203.0.113.5");
    // the known address's bucket got its one claim back, so it is empty already
    expect(await pruneSignInThrottle(s.database.db, s.clock.now)).toBe(1);
    s.clock.advance({ hours: 1 });
    // every bucket has drained; the failed pairs are still remembered
    expect(await pruneSignInThrottle(s.database.db, s.clock.now)).toBe(3);
    s.clock.advance({ hours: 24 });
    expect(await pruneSignInThrottle(s.database.db, s.clock.now)).toBe(2);
    expect((await rows()).pairs).toMatchObject([{ email: "owner@x.test", address: "192.0.2.1" }]);
    s.clock.advance({ hours: 90 * 24 });
    expect(await pruneSignInThrottle(s.database.db, s.clock.now)).toBe(1);
    expect(await rows()).toEqual({ pairs: [], addresses: [], emails: [] });
  });
});
