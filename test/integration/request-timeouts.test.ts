// S3 against a listening server and raw sockets: a client that trickles its request (a byte at a
// time, or one header line at a time) to hold a socket open is cut off with 408 once the request
// bound passes, while a slow but reasonable client is served and a download that takes longer than
// that bound still arrives whole: the bound is on receiving the request, not on sending the answer.
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/app/sign-in.js";
import { buildServer, HTTP_TIMEOUTS } from "../../src/http/server.js";
import { rowCounts, type Scenario, scenario } from "../support/scenario.js";

// The production bounds are tens of seconds; the same mechanism is tried here with short ones.
const BOUNDS = { requestMs: 3_000, headersMs: 1_000, idleMs: 10_000, keepAliveMs: 5_000, checkEveryMs: 100 };
// Room for a loaded machine, less than the gap between the two bounds.
const SLACK_MS = 1_500;

let s: Scenario;
let server: FastifyInstance;
let port: number;
let token: string;

beforeAll(async () => {
  s = await scenario();
  token = (await createApiToken(s.app, s.staff.owner, "timeouts")).token;
  server = await buildServer(s.app, {
    logger: false,
    secureCookies: false,
    demoLogins: null,
    timeouts: BOUNDS,
  });
  // A download that lasts half as long again as the request bound, a chunk every 300 ms.
  server.get("/test/slow-download", async (_req, reply) => {
    async function* chunks() {
      for (let i = 0; i < 15; i++) {
        yield `chunk ${i}\n`;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
    const { Readable } = await import("node:stream");
    return reply.header("content-type", "text/plain").send(Readable.from(chunks()));
  });
  await server.listen({ port: 0, host: "127.0.0.1" });
  port = (server.server.address() as { port: number }).port;
}, 60_000);
afterAll(async () => {
  await server?.close();
  await s?.close();
});

interface Exchange {
  socket: Socket;
  /** everything the server sent, once it closed the connection or the deadline passed */
  answer: Promise<{ text: string; closedAfterMs: number | null }>;
}

function open(deadlineMs: number): Exchange {
  const socket = connect(port, "127.0.0.1");
  const started = Date.now();
  let text = "";
  socket.setEncoding("utf8");
  socket.on("data", (d) => (text += d));
  socket.on("error", () => {});
  const answer = new Promise<{ text: string; closedAfterMs: number | null }>((resolve) => {
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ text, closedAfterMs: null });
    }, deadlineMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
  });
  return { socket, answer };
}

/** Writes the pieces one by one with a pause between them, until the server closes the socket. */
async function trickle(socket: Socket, pieces: string[], pauseMs: number) {
  await once(socket, "connect");
  for (const piece of pieces) {
    if (socket.destroyed || !socket.writable) return;
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

function statusOf(text: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
}

function errorOf(text: string): { code: string; message: string } {
  return JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).error;
}

describe("request timeouts (S3)", () => {
  it("a body trickled one byte at a time is cut off with 408 request_timeout, and nothing is written", async () => {
    const before = await rowCounts(s.database);
    const body = JSON.stringify({ name: "Trickling Tom".padEnd(150, ".") });
    const head =
      "POST /api/v1/customers HTTP/1.1\r\nHost: carnet.test\r\nContent-Type: application/json\r\n" +
      `Authorization: Bearer ${token}\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { socket, answer } = open(BOUNDS.requestMs + SLACK_MS * 3);
    void trickle(socket, [head, ...body], 200);
    const { text, closedAfterMs } = await answer;
    expect(closedAfterMs, `the socket was still open: ${text}`).not.toBeNull();
    expect(closedAfterMs).toBeLessThan(BOUNDS.requestMs + SLACK_MS);
    expect(statusOf(text), text).toBe(408);
    expect(errorOf(text)).toEqual({ code: "request_timeout", message: expect.any(String) });
    expect(await rowCounts(s.database)).toEqual(before);
  });

  it("headers trickled one line at a time are cut off with 408 once the header bound passes", async () => {
    const lines = ["GET /api/v1/health HTTP/1.1\r\n", "Host: carnet.test\r\n"];
    for (let i = 0; i < 40; i++) lines.push(`X-Slow-${i}: ${i}\r\n`);
    const { socket, answer } = open(BOUNDS.requestMs + SLACK_MS * 3);
    void trickle(socket, lines, 150);
    const { text, closedAfterMs } = await answer;
    expect(closedAfterMs, `the socket was still open: ${text}`).not.toBeNull();
    expect(closedAfterMs).toBeLessThan(BOUNDS.headersMs + SLACK_MS);
    expect(statusOf(text), text).toBe(408);
    expect(errorOf(text).code).toBe("request_timeout");
  });

  it("a connection that sends nothing is closed once the header bound passes", async () => {
    const { answer } = open(BOUNDS.requestMs + SLACK_MS * 3);
    const { text, closedAfterMs } = await answer;
    expect(closedAfterMs, "the socket was still open").not.toBeNull();
    expect(closedAfterMs).toBeLessThan(BOUNDS.headersMs + SLACK_MS);
    expect(statusOf(text), text).toBe(408);
  });

  it("a slow but reasonable client, its body in three pieces, is served", async () => {
    const body = JSON.stringify({ name: "Patient Petra" });
    const head =
      "POST /api/v1/customers HTTP/1.1\r\nHost: carnet.test\r\nContent-Type: application/json\r\n" +
      `Authorization: Bearer ${token}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
    const { socket, answer } = open(BOUNDS.requestMs + SLACK_MS * 3);
    const third = Math.ceil(body.length / 3);
    void trickle(
      socket,
      [head, body.slice(0, third), body.slice(third, 2 * third), body.slice(2 * third)],
      300,
    );
    const { text } = await answer;
    expect(statusOf(text), text).toBe(201);
    expect(text).toContain("Patient Petra");
  });

  it("a download that lasts longer than the request bound arrives whole", async () => {
    const { socket, answer } = open(15_000);
    void trickle(
      socket,
      ["GET /test/slow-download HTTP/1.1\r\nHost: carnet.test\r\nConnection: close\r\n\r\n"],
      0,
    );
    const { text, closedAfterMs } = await answer;
    expect(statusOf(text), text).toBe(200);
    expect(closedAfterMs).toBeGreaterThan(BOUNDS.requestMs);
    for (let i = 0; i < 15; i++) expect(text).toContain(`chunk ${i}\n`);
  });

  it("what Node's HTTP parser refuses is answered in the error shape with a stable code", async () => {
    const garbage = open(5_000);
    void trickle(garbage.socket, ["NOT HTTP AT ALL\r\n\r\n"], 0);
    const bad = await garbage.answer;
    expect(statusOf(bad.text), bad.text).toBe(400);
    expect(errorOf(bad.text).code).toBe("bad_request");

    const huge = open(5_000);
    void trickle(
      huge.socket,
      [`GET /api/v1/health HTTP/1.1\r\nHost: carnet.test\r\nX-Big: ${"x".repeat(20_000)}\r\n\r\n`],
      0,
    );
    const big = await huge.answer;
    expect(statusOf(big.text), big.text).toBe(431);
    expect(errorOf(big.text).code).toBe("headers_too_large");
  });

  it("the server's own bounds: 30 s for a request, 10 s for its headers, 60 s of silence, 72 s of keep-alive", async () => {
    expect(HTTP_TIMEOUTS).toEqual({
      requestMs: 30_000,
      headersMs: 10_000,
      idleMs: 60_000,
      keepAliveMs: 72_000,
      checkEveryMs: 1_000,
    });
    const plain = await buildServer(s.app, { logger: false, secureCookies: false, demoLogins: null });
    try {
      await plain.listen({ port: 0, host: "127.0.0.1" });
      expect(plain.server.requestTimeout).toBe(30_000);
      expect(plain.server.headersTimeout).toBe(10_000);
      expect(plain.server.timeout).toBe(60_000);
      expect(plain.server.keepAliveTimeout).toBe(72_000);
    } finally {
      await plain.close();
    }
  });
});
