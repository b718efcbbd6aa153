import type { TestProject } from "vitest/node";
import { hashPassword } from "../../src/app/passwords.js";
import { PASSWORD } from "./scenario.js";
import { dropStaleTestDatabases, testBackend } from "./test-db.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** PASSWORD hashed at today's cost, once for the whole run (scenario.ts) */
    scenarioPasswordHash: string;
  }
}

export default async function setup(project: TestProject) {
  if (testBackend() === "postgres") await dropStaleTestDatabases();
  // A hash at today's cost takes about a second on a busy test machine: one for the run, not one
  // per test file.
  project.provide("scenarioPasswordHash", await hashPassword(PASSWORD));
}
