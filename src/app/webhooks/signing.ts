// W3: secrets and signatures per the Standard Webhooks specification, through its reference library,
// so that any receiver can verify with an existing one: `webhook-signature` is `v1,<base64 of
// HMAC-SHA256(secret, "<webhook-id>.<webhook-timestamp>.<body>")>`, several separated by spaces.
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";

/** A new signing secret: `whsec_` and 32 random bytes in base64, shown to its owner once. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** The `webhook-signature` header: one signature per secret in force (two during a rotation). */
export function signatureHeader(secrets: readonly string[], id: string, at: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(" ");
}
