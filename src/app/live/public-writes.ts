// U4: a write made through a public link (a customer booking online, a person accepting an
// invitation) has no signed-in business: the link's token says which business it changed.

import type { App } from "../context.js";
import { sha256 } from "../sign-in.js";

export type PublicWrite = "booking_request" | "balance_link" | "invitation";

export async function businessOfPublicWrite(
  app: App,
  kind: PublicWrite,
  token: string,
): Promise<string | null> {
  const db = app.database.db;
  const hash = sha256(token);
  const row =
    kind === "booking_request"
      ? await db
          .selectFrom("online_booking_requests")
          .select("business_id")
          .where("token_hash", "=", hash)
          .executeTakeFirst()
      : kind === "balance_link"
        ? await db
            .selectFrom("customers")
            .select("business_id")
            .where("balance_token_hash", "=", hash)
            .executeTakeFirst()
        : await db
            .selectFrom("staff_invitations")
            .select("business_id")
            .where("token_hash", "=", hash)
            .executeTakeFirst();
  return row?.business_id ?? null;
}
