// S1 and the demo: demo logins have a published password, so a server in demo mode listens on this
// computer only unless the operator says otherwise, and says so loudly at start; `carnet seed` warns
// that it creates staff with known passwords.
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { runCli, startServerProcess } from "../support/processes.js";
import { createTestDatabase, databaseUrlOf, testBackend } from "../support/test-db.js";

let database: Database | undefined;
let dataDir: string | undefined;
/** the environment of an operator who starts Carnet without choosing HOST */
let env: Record<string, string>;

beforeAll(async () => {
  if (testBackend() === "postgres") {
    database = await createTestDatabase();
    const url = await databaseUrlOf(database);
    env = { DATABASE_URL: url, CARNET_DEMO: "1", HOST: "" };
  } else {
    // the default start: embedded database in a folder, demo mode by default
    dataDir = mkdtempSync(join(tmpdir(), "carnet-demo-"));
    env = { DATABASE_URL: "", CARNET_DATA_DIR: dataDir, CARNET_DEMO: "", HOST: "" };
  }
}, 60_000);

afterAll(async () => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  await database?.close();
});

/** Whether a TCP connection to host:port is accepted. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 3000 });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });

const networkAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === "IPv4" && !a.internal)?.address;

describe("S1 demo logins are not published to the network", () => {
  it("`carnet seed` warns that it creates staff with a known password", async () => {
    const seeded = await runCli(["seed"], env);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stderr).toMatch(/WARNING/);
    expect(seeded.stderr).toMatch(/known password/);
    expect(seeded.stderr).toContain("carnet-demo");
  }, 120_000);

  it("a demo server started without HOST listens on loopback only and warns loudly", async () => {
    const server = await startServerProcess(env);
    try {
      const port = Number(new URL(server.url).port);
      expect(server.output()).toMatch(/DEMO MODE/);
      expect(server.output()).toMatch(/known password/);
      expect(server.output()).toMatch(/127\.0\.0\.1 only/);
      expect(await accepts("127.0.0.1", port)).toBe(true);
      if (networkAddress) expect(await accepts(networkAddress, port)).toBe(false);
      const signIn = await fetch(`${server.url}/api/v1/auth/sign-in`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "owner@demo.carnet.test", password: "carnet-demo" }),
      });
      expect(signIn.status).toBe(200);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it("an operator who asks for every interface gets it, with a louder warning", async () => {
    const server = await startServerProcess({ ...env, HOST: "0.0.0.0" });
    try {
      const port = Number(new URL(server.url).port);
      expect(server.output()).toMatch(/DEMO MODE/);
      expect(server.output()).toMatch(/ANYONE who can reach/);
      if (networkAddress) expect(await accepts(networkAddress, port)).toBe(true);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it("a server outside demo mode still warns while the database holds demo logins with their password", async () => {
    const server = await startServerProcess({ ...env, CARNET_DEMO: "0", HOST: "127.0.0.1" });
    try {
      expect(server.output()).not.toMatch(/DEMO MODE/);
      expect(server.output()).toMatch(/demo logins with a known password \(carnet-demo\) can sign in/);
      expect(server.output()).toContain("owner@demo.carnet.test");
    } finally {
      await server.stop();
    }
  }, 120_000);
});
