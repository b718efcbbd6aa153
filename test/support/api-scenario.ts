// A fresh scenario and the real server's API for every test of a file, and what API tests ask of
// them: the staff roles, the business's slug (its public pages' address).
import { afterEach, beforeEach } from "vitest";
import type { Role } from "../../src/db/schema.js";
import { type Api, startApi } from "./http.js";
import { type Scenario, scenario } from "./scenario.js";

export const ROLES: readonly Role[] = ["owner", "manager", "front_desk", "practitioner"];

/**
 * Before each test of the calling file, a new scenario and its API (handed to `use`); after it, both
 * closed.
 */
export function scenarioWithApiEach(use: (s: Scenario, api: Api) => void): void {
  let s: Scenario | undefined;
  let api: Api | undefined;
  // The first scenario builds the migrated template database: slow on a shared, busy machine.
  beforeEach(async () => {
    s = await scenario();
    api = await startApi(s);
    use(s, api);
  }, 180_000);
  afterEach(async () => {
    await api?.close();
    await s?.close();
    api = undefined;
    s = undefined;
  });
}

/** The scenario business's slug, as its public booking pages are addressed. */
export async function businessSlug(s: Pick<Scenario, "database" | "businessId">): Promise<string> {
  const business = await s.database.db
    .selectFrom("businesses")
    .select("slug")
    .where("id", "=", s.businessId)
    .executeTakeFirstOrThrow();
  return business.slug;
}
