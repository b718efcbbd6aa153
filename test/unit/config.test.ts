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
