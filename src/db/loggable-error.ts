// What of an error may go into a log. Database errors carry the statement and its values (PGlite
// adds `query` and `params`; both drivers may add `detail` and `where`), and their messages quote
// values ("relation \"…\" does not exist"). Values are customers' data: the log keeps the kind,
// the SQLSTATE, the place in the code and the route, and each quoted part of the message is left
// out.
const QUOTED = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g;

export function loggableError(error: unknown): Record<string, unknown> {
  const e = (error ?? {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    stack?: unknown;
    routine?: unknown;
  };
  const message = String(e.message ?? error).replace(QUOTED, '"…"');
  const frames = typeof e.stack === "string" ? e.stack.split("\n").filter((l) => /^\s+at /.test(l)) : [];
  return {
    type: typeof e.name === "string" ? e.name : typeof error,
    ...(typeof e.code === "string" ? { code: e.code } : {}),
    ...(typeof e.routine === "string" ? { routine: e.routine } : {}),
    message,
    stack: [`${String(e.name ?? "Error")}: ${message}`, ...frames].join("\n"),
  };
}
