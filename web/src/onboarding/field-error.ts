// A server error as a form shows it: next to the field it names (the server's `field`), or above the
// form when it names none, or one the form does not have.
import { ApiError, plainWords } from "../api.js";

export interface FormError {
  text: string;
  field?: string;
}

const sentence = (words: string) => {
  const text = words.trim().replace(/^./, (c) => c.toUpperCase());
  return /[.!?]$/.test(text) ? text : `${text}.`;
};

export function formError(error: unknown): FormError {
  if (error instanceof ApiError && error.field) {
    // "owner.password: must be at least 10 characters" → "Must be at least 10 characters."
    const prefix = `${error.field}: `;
    const words =
      error.code === "invalid_input" && error.message.startsWith(prefix)
        ? error.message.slice(prefix.length)
        : plainWords(error);
    return { text: sentence(words), field: error.field };
  }
  return { text: plainWords(error) };
}

/** The error for `field`, and whether the form's alert shows the error instead (no field of its own). */
export function errorHelpers(error: FormError | null, fields: readonly string[]) {
  return {
    at: (field: string) => (error?.field === field ? error.text : undefined),
    general: error && (!error.field || !fields.includes(error.field)) ? error.text : null,
  };
}
