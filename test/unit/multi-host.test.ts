// X2: a primary and its standbys in one DATABASE_URL, read as libpq reads it.
import { describe, expect, it } from "vitest";
import { parseHostList } from "../../src/db/multi-host.js";

describe("a URL of several hosts (X2)", () => {
  it("reads each host, and the URL of the first for the other settings", () => {
    expect(
      parseHostList("postgres://u:p@a:5432,b:5433/carnet?target_session_attrs=read-write&sslmode=disable"),
    ).toEqual({
      hosts: [
        { host: "a", port: 5432 },
        { host: "b", port: 5433 },
      ],
      firstUrl: "postgres://u:p@a:5432/carnet?sslmode=disable",
      readWrite: true,
    });
    expect(parseHostList("postgres://u@a:5432/carnet")).toBeNull();
    expect(() => parseHostList("postgres://u@a:x,b/carnet")).toThrow(/host\[:port\]/);
    expect(() => parseHostList("postgres://u@a,b/carnet?target_session_attrs=standby")).toThrow(
      /target_session_attrs/,
    );
  });

  it("takes bracketed IPv6 hosts, and a port-less host's default port", () => {
    expect(parseHostList("postgresql://u@[::1]:6432,db2/carnet")?.hosts).toEqual([
      { host: "::1", port: 6432 },
      { host: "db2", port: 5432 },
    ]);
    expect(parseHostList("postgresql://u@[::1]:6432,db2/carnet")?.firstUrl).toBe(
      "postgresql://u@[::1]:6432/carnet",
    );
  });
});
