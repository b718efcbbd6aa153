import { dropStaleTestDatabases, testBackend } from "./test-db.js";

export default async function setup() {
  if (testBackend() === "postgres") await dropStaleTestDatabases();
}
