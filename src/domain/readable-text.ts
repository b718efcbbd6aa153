// Text people read on screens and receipts must show what was typed. Refused: control characters
// (a CR LF forges a second line on a receipt), bidirectional embeddings, overrides and isolates
// (U+202E shows "Anna gpj.exe" as "Anna exe.jpg"), invisible characters that play no part in
// writing a name (zero-width space, word joiner, BOM: "An\u200Bna" looks like "Anna"), and lone
// surrogates (not text at all; the drivers would store U+FFFD). Kept: the zero-width joiner and
// non-joiner that Persian, Indic scripts and emoji need, and the direction marks (LRM, RLM, ALM),
// which only say which way a neutral character leans and cannot reorder a run of text.
// The API's request shapes (src/http/schemas.ts) and the import file's cells (O5) use these rules.
export const CONTROL = /[\p{Cc}\u2028\u2029]/u;
export const CONTROL_BUT_LF = /(?!\n)[\p{Cc}\u2028\u2029]/u;
export const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;
export const INVISIBLE = /[\u200b\u2060-\u2064\ufeff]/;
export const LONE_SURROGATE = /\p{Cs}/u;

/** What a phone number may hold. */
export const PHONE_CHARACTERS = /^[0-9+()\-\s./]*$/;

/** Why a one-line text (a name) would not show what was typed, or null when it would. */
export function whyNotReadableLine(text: string): string | null {
  if (CONTROL.test(text)) return "must not contain control characters (line breaks, tabs, NUL …)";
  if (BIDI_CONTROL.test(text)) return "must not contain bidirectional override characters";
  if (INVISIBLE.test(text))
    return "must not contain invisible characters (zero-width space, byte order mark)";
  if (LONE_SURROGATE.test(text)) return "must be well-formed Unicode";
  return null;
}
