// Configuration from the environment (README, Configuration): what is accepted, and what is refused
// at start-up with the variable named.
import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { DEFAULT_POOL_SIZE } from "../../src/db/database.js";

describe("CARNET_DB_POOL_SIZE", () => {
  it("is absent by default, and the database then opens twice the cores and one more", () => {
    expect(loadConfig({}).poolSize).toBeUndefined();
    expect(DEFAULT_POOL_SIZE).toBe(2 * availableParallelism() + 1);
  });

  it("takes a whole number of connections", () => {
    expect(loadConfig({ CARNET_DB_POOL_SIZE: "12" }).poolSize).toBe(12);
    expect(loadConfig({ CARNET_DB_POOL_SIZE: "" }).poolSize).toBeUndefined();
  });

  it.each(["0", "-3", "2.5", "eight", "1001"])("refuses %s, naming the variable", (value) => {
    expect(() => loadConfig({ CARNET_DB_POOL_SIZE: value })).toThrow(
      /CARNET_DB_POOL_SIZE must be a whole number/,
    );
  });
});

describe("CARNET_LEDGER_IN_FLIGHT", () => {
  it("is absent by default, and takes a whole number of statements", () => {
    expect(loadConfig({}).ledgerInFlight).toBeUndefined();
    expect(loadConfig({ CARNET_LEDGER_IN_FLIGHT: "3" }).ledgerInFlight).toBe(3);
  });

  it.each(["0", "-1", "1.5", "two", "65"])("refuses %s, naming the variable", (value) => {
    expect(() => loadConfig({ CARNET_LEDGER_IN_FLIGHT: value })).toThrow(
      /CARNET_LEDGER_IN_FLIGHT must be a whole number from 1 to 64/,
    );
  });
});

describe("PORT", () => {
  it("refuses what is not a port, naming the variable", () => {
    expect(() => loadConfig({ PORT: "70000" })).toThrow(/PORT must be a port number/);
  });
});

describe("CARNET_TRUST_PROXY", () => {
  it("is off by default: X-Forwarded-For is ignored", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ CARNET_TRUST_PROXY: "" }).trustProxy).toBe(false);
    expect(loadConfig({ CARNET_TRUST_PROXY: "0" }).trustProxy).toBe(false);
  });

  it("takes the number of proxies in front of Carnet", () => {
    expect(loadConfig({ CARNET_TRUST_PROXY: "1" }).trustProxy).toBe(1);
    expect(loadConfig({ CARNET_TRUST_PROXY: "2" }).trustProxy).toBe(2);
  });

  it("takes a comma-separated list of proxy addresses and CIDR ranges", () => {
    expect(loadConfig({ CARNET_TRUST_PROXY: "10.0.0.5, 10.1.0.0/16,fd00::/8, ::1" }).trustProxy).toEqual([
      "10.0.0.5",
      "10.1.0.0/16",
      "fd00::/8",
      "::1",
    ]);
    expect(loadConfig({ CARNET_TRUST_PROXY: "loopback, uniquelocal" }).trustProxy).toEqual([
      "loopback",
      "uniquelocal",
    ]);
  });

  it.each(["true", "TRUE", "yes", "on"])(
    "refuses %s, which would trust any client, saying what to write",
    (value) => {
      expect(() => loadConfig({ CARNET_TRUST_PROXY: value })).toThrow(
        /CARNET_TRUST_PROXY=.* would believe any client's X-Forwarded-For.*number of proxies.*addresses/s,
      );
    },
  );

  it.each(["banana", "10.0.0.0/33", "10.0.0.1,,", "300.1.1.1", "-1", "1.5", "1000"])(
    "refuses %s, naming the variable",
    (value) => {
      expect(() => loadConfig({ CARNET_TRUST_PROXY: value })).toThrow(/CARNET_TRUST_PROXY/);
    },
  );
});

describe("HOST, and demo mode", () => {
  it("in demo mode (the embedded database's default) listens on loopback only", () => {
    expect(loadConfig({})).toMatchObject({ demo: true, host: "127.0.0.1" });
    expect(loadConfig({ DATABASE_URL: "postgres://db/carnet", CARNET_DEMO: "1" })).toMatchObject({
      demo: true,
      host: "127.0.0.1",
    });
  });

  it("listens on every interface outside demo mode", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://db/carnet" })).toMatchObject({
      demo: false,
      host: "0.0.0.0",
    });
    expect(loadConfig({ CARNET_DEMO: "0" })).toMatchObject({ demo: false, host: "0.0.0.0" });
  });

  it("an explicit HOST wins, demo or not", () => {
    expect(loadConfig({ HOST: "0.0.0.0" })).toMatchObject({ demo: true, host: "0.0.0.0" });
    expect(loadConfig({ HOST: "10.0.0.2", CARNET_DEMO: "0" }).host).toBe("10.0.0.2");
  });
});

describe("CARNET_PUBLIC_URL", () => {
  it("is absent by default, and taken without its trailing slash", () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ CARNET_PUBLIC_URL: "https://book.salon.example/" }).publicUrl).toBe(
      "https://book.salon.example",
    );
  });

  it("refuses what is not an http(s) address, naming the variable", () => {
    expect(() => loadConfig({ CARNET_PUBLIC_URL: "book.salon.example" })).toThrow(/CARNET_PUBLIC_URL/);
    expect(() => loadConfig({ CARNET_PUBLIC_URL: "javascript:alert(1)" })).toThrow(/https:\/\//);
  });
});
