// S1 hardening, beyond the happy path in api.test.ts: the failed sign-in rate limit (per e-mail,
// whatever its spelling, across server processes, and per address across e-mails), the cookie's
// flags in each deployment, CSRF on every cookie-authenticated write, sessions that end, paths that
// try to slip past the guard, and sign-in timing that does not tell which e-mails exist.
import type { FastifyInstance, LightMyRequestResponse, RouteOptions } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiToken, MAX_FAILURES_PER_IP } from "../../src/app/sign-in.js";
import { buildServer } from "../../src/http/server.js";
import { PASSWORD, rowCounts, type Scenario, scenario } from "../support/scenario.js";

// Each failed sign-in costs a scrypt on purpose; on a busy machine a burst of them takes a while.
const SCRYPT_HEAVY_MS = 90_000;

let s: Scenario;
let server: FastifyInstance;
const routes: Array<{ method: string; url: string }> = [];

beforeEach(async () => {
  s = await scenario();
  routes.length = 0;
  server = await buildServer(s.app, {
    logger: false,
    secureCookies: false,
    demoLogins: null,
    onRoute: (r: RouteOptions) => {
      for (const method of [r.method].flat()) routes.push({ method, url: r.url });
    },
  });
});
afterEach(async () => {
  await server.close();
  await s.close();
});

const signIn = (
  target: FastifyInstance,
  email: string,
  password: string,
  extra: { ip?: string; headers?: Record<string, string> } = {},
) =>
  target.inject({
    method: "POST",
    url: "/api/v1/auth/sign-in",
    payload: { email, password },
    remoteAddress: extra.ip ?? "127.0.0.1",
    ...(extra.headers ? { headers: extra.headers } : {}),
  });

function sessionOf(res: LightMyRequestResponse) {
  const setCookie = String(res.headers["set-cookie"] ?? "");
  return { setCookie, cookie: setCookie.split(";")[0]!, csrfToken: res.json().csrfToken as string };
}

describe("failed sign-in rate limit", () => {
  it(
    "counts an e-mail whatever its case and spaces, and no cookie is ever set on a refusal",
    async () => {
      const email = s.staff.manager.email;
      const spellings = [email.toUpperCase(), ` ${email} `, email, email.replace(/^m/, "M"), email];
      for (const spelling of spellings) {
        const res = await signIn(server, spelling, "wrong password");
        expect(res.statusCode).toBe(401);
        expect(res.headers["set-cookie"]).toBeUndefined();
      }
      const locked = await signIn(server, email, PASSWORD);
      expect(locked.statusCode).toBe(429);
      expect(locked.json().error.code).toBe("too_many_attempts");
      expect(locked.headers["set-cookie"]).toBeUndefined();
      // Another staff member's e-mail from the same address is not locked by this one.
      expect((await signIn(server, s.staff.owner.email, PASSWORD)).statusCode).toBe(200);
    },
    SCRYPT_HEAVY_MS,
  );

  it(
    "holds across server processes: the count lives in the database",
    async () => {
      const second = await buildServer(s.app, { logger: false, secureCookies: false, demoLogins: null });
      try {
        for (let i = 0; i < 5; i++) {
          const target = i % 2 === 0 ? server : second;
          expect((await signIn(target, s.staff.front_desk.email, `wrong ${i}`)).statusCode).toBe(401);
        }
        expect((await signIn(second, s.staff.front_desk.email, PASSWORD)).statusCode).toBe(429);
        expect((await signIn(server, s.staff.front_desk.email, PASSWORD)).statusCode).toBe(429);
      } finally {
        await second.close();
      }
    },
    SCRYPT_HEAVY_MS,
  );

  it(
    "refuses an address that sprays passwords over many e-mails, and only that address",
    async () => {
      for (let i = 0; i < MAX_FAILURES_PER_IP; i++) {
        const res = await signIn(server, `guess${i}@example.test`, "Summer2026!", { ip: "203.0.113.7" });
        expect(res.statusCode).toBe(401);
      }
      const sprayer = await signIn(server, s.staff.owner.email, PASSWORD, { ip: "203.0.113.7" });
      expect(sprayer.statusCode).toBe(429);
      expect((await signIn(server, s.staff.owner.email, PASSWORD, { ip: "198.51.100.2" })).statusCode).toBe(
        200,
      );
      s.clock.advance({ minutes: 16 });
      expect((await signIn(server, s.staff.owner.email, PASSWORD, { ip: "203.0.113.7" })).statusCode).toBe(
        200,
      );
    },
    SCRYPT_HEAVY_MS,
  );

  it(
    "takes as long for an unknown e-mail as for a known one (no account discovery by timing)",
    async () => {
      const time = async (email: string, i: number) => {
        const started = performance.now();
        const res = await signIn(server, email, `wrong password ${i}`, { ip: `192.0.2.${i}` });
        expect(res.statusCode).toBe(401);
        return performance.now() - started;
      };
      const median = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
      const known: number[] = [];
      const unknown: number[] = [];
      for (let i = 0; i < 4; i++) {
        known.push(await time(s.staff.practitioner.email, i));
        unknown.push(await time(`nobody${i}@example.test`, i + 10));
      }
      // scrypt dominates a known e-mail's answer; an unknown one that skipped it would take a
      // small fraction of that.
      expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
    },
    SCRYPT_HEAVY_MS,
  );
});

describe("the session cookie's flags", () => {
  it("HttpOnly, SameSite=Strict, Path=/, an expiry; Secure only when the request is HTTPS or configured", async () => {
    const plain = sessionOf(await signIn(server, s.staff.owner.email, PASSWORD));
    expect(plain.setCookie).toMatch(/^carnet_session=[A-Za-z0-9_-]{43};/);
    for (const flag of [/HttpOnly/, /SameSite=Strict/, /Path=\//, /Expires=/])
      expect(plain.setCookie).toMatch(flag);
    expect(plain.setCookie).not.toMatch(/Secure/);
    expect(plain.setCookie).not.toMatch(/Domain=/);

    const secure = await buildServer(s.app, { logger: false, secureCookies: true, demoLogins: null });
    const proxied = await buildServer(s.app, {
      logger: false,
      secureCookies: false,
      trustProxy: true,
      demoLogins: null,
    });
    try {
      expect(sessionOf(await signIn(secure, s.staff.owner.email, PASSWORD)).setCookie).toMatch(/; Secure/);
      const behindTls = await signIn(proxied, s.staff.owner.email, PASSWORD, {
        headers: { "x-forwarded-proto": "https" },
      });
      expect(sessionOf(behindTls).setCookie).toMatch(/; Secure/);
      // Without trustProxy a forged header does not make the server believe it is HTTPS, nor with it
      // does plain HTTP.
      const forged = await signIn(server, s.staff.owner.email, PASSWORD, {
        headers: { "x-forwarded-proto": "https" },
      });
      expect(sessionOf(forged).setCookie).not.toMatch(/Secure/);
    } finally {
      await secure.close();
      await proxied.close();
    }
  });

  it("sign-out clears the cookie and ends the session on the server", async () => {
    const session = sessionOf(await signIn(server, s.staff.owner.email, PASSWORD));
    const out = await server.inject({
      method: "POST",
      url: "/api/v1/auth/sign-out",
      headers: { cookie: session.cookie, "x-csrf-token": session.csrfToken },
    });
    expect(out.statusCode).toBe(200);
    expect(String(out.headers["set-cookie"])).toMatch(/carnet_session=;.*Expires=Thu, 01 Jan 1970/);
    const me = await server.inject({
      method: "GET",
      url: "/api/v1/auth/me",
      headers: { cookie: session.cookie },
    });
    expect(me.statusCode).toBe(401);
  });

  it("a session ends after its hours, and a forged or overlong cookie is nobody", async () => {
    const session = sessionOf(await signIn(server, s.staff.owner.email, PASSWORD));
    const me = () =>
      server.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie: session.cookie } });
    expect((await me()).statusCode).toBe(200);
    for (const cookie of [
      `carnet_session=${"A".repeat(43)}`,
      `carnet_session=${"A".repeat(5000)}`,
      "carnet_session=",
    ]) {
      const res = await server.inject({ method: "GET", url: "/api/v1/auth/me", headers: { cookie } });
      expect(res.statusCode).toBe(401);
    }
    s.clock.advance({ hours: 12, seconds: 1 });
    expect((await me()).statusCode).toBe(401);
  });
});

describe("CSRF on cookie-authenticated writes", () => {
  it("every write route refuses a cookie without this session's token, and writes nothing", async () => {
    const session = sessionOf(await signIn(server, s.staff.owner.email, PASSWORD));
    const other = sessionOf(await signIn(server, s.staff.manager.email, PASSWORD));
    const writes = routes.filter(
      (r) =>
        r.url.startsWith("/api/v1/") &&
        !["GET", "HEAD", "OPTIONS"].includes(r.method) &&
        !r.url.startsWith("/api/v1/public/") &&
        r.url !== "/api/v1/auth/sign-in",
    );
    expect(writes.length).toBeGreaterThan(40);
    const before = await rowCounts(s.database);
    const id = "00000000-0000-4000-8000-000000000000";
    for (const route of writes) {
      const url = route.url.replace(/:[A-Za-z]+/g, id);
      for (const token of [undefined, "", "not-the-token", other.csrfToken, session.csrfToken.slice(1)]) {
        const res = await server.inject({
          method: route.method as "POST",
          url,
          headers: { cookie: session.cookie, ...(token !== undefined ? { "x-csrf-token": token } : {}) },
          payload: {},
        });
        expect(res.statusCode, `${route.method} ${route.url} with token ${token}`).toBe(403);
        expect(res.json().error.code).toBe("csrf_failed");
      }
    }
    expect(await rowCounts(s.database)).toEqual(before);
    // The same session with its token gets through the guard (here to a 404 for the unknown id).
    const allowed = await server.inject({
      method: "POST",
      url: `/api/v1/movements/${id}/undo`,
      headers: { cookie: session.cookie, "x-csrf-token": session.csrfToken },
      payload: {},
    });
    expect(allowed.statusCode).toBe(404);
  });

  it("reads with the cookie need no token; a bearer token needs none either", async () => {
    const session = sessionOf(await signIn(server, s.staff.owner.email, PASSWORD));
    const read = await server.inject({
      method: "GET",
      url: "/api/v1/customers",
      headers: { cookie: session.cookie },
    });
    expect(read.statusCode).toBe(200);
    const { token } = await createApiToken(s.app, s.staff.owner, "integration");
    const write = await server.inject({
      method: "POST",
      url: "/api/v1/customers",
      headers: { authorization: `Bearer ${token}` },
      payload: { name: "Integration customer" },
    });
    expect(write.statusCode).toBe(201);
  });

  it("paths that dress up as public ones do not slip past the guard", async () => {
    const before = await rowCounts(s.database);
    for (const url of [
      "/api/v1/public/../customers",
      "/api/v1/public/%2e%2e/customers",
      "/api/v1/auth/sign-in/../../customers",
      "/api/v1/health/../customers",
      "/api/v1//customers",
      "/API/v1/customers",
    ]) {
      const get = await server.inject({ method: "GET", url });
      expect([401, 404], `GET ${url}`).toContain(get.statusCode);
      const post = await server.inject({ method: "POST", url, payload: { name: "Intruder" } });
      expect([401, 404], `POST ${url}`).toContain(post.statusCode);
    }
    expect(await rowCounts(s.database)).toEqual(before);
  });
});
