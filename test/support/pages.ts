// W2: a paged list read through the API in a test, and the refusals every list shares.
import { expect } from "vitest";
import type { Role } from "../../src/db/schema.js";
import type { Api } from "./http.js";

export interface ReadPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every page of `url` (its query included) as `role`, from after `cursor` or from the first. */
export async function everyPage<T, P extends ReadPage<T> = ReadPage<T>>(
  api: Api,
  role: Role,
  url: string,
  cursor: string | null = null,
): Promise<P[]> {
  const pages: P[] = [];
  const join = url.includes("?") ? "&" : "?";
  do {
    const res = await api.call(
      role,
      "GET",
      cursor ? `${url}${join}cursor=${encodeURIComponent(cursor)}` : url,
    );
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as P;
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 100);
  return pages;
}

/** A cursor made by hand of these parts: a list must refuse one it did not give. */
export const forgedCursor = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString("base64url");

/**
 * A limit outside 1-200 or not whole, and cursors the list did not give (garbage, another shape,
 * `forged` ones such as another list's), each answer 400 naming the field: "querystring.limit" as the
 * schema names it, "cursor" as the list does.
 */
export async function expectPageRefusals(api: Api, role: Role, url: string, forged: unknown[][] = []) {
  const join = url.includes("?") ? "&" : "?";
  const cases: Array<[string, string]> = [
    ["limit=0", "limit"],
    ["limit=201", "limit"],
    ["limit=abc", "limit"],
    ["limit=2.5", "limit"],
    ["cursor=not-a-cursor", "cursor"],
    [`cursor=${forgedCursor(["x", 1])}`, "cursor"],
    ...forged.map((parts): [string, string] => [`cursor=${forgedCursor(parts)}`, "cursor"]),
  ];
  for (const [query, field] of cases) {
    const res = await api.call(role, "GET", `${url}${join}${query}`);
    expect(res.statusCode, `${url} ${query}`).toBe(400);
    expect(res.json().error.field, `${url} ${query}`).toMatch(new RegExp(`(^|\\.)${field}$`));
  }
}
