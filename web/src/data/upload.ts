// O5: the import file sent in one request (the import is all or nothing), with its progress shown:
// the upload's bytes as they leave, then the server's own progress lines (application/x-ndjson:
// {"type":"progress","done","total"} per batch written, then {"type":"result"} or {"type":"error"}).
import i18next from "i18next";
import type { ImportReport } from "../api/types.js";
import { ApiError, csrfHeader } from "../api.js";

export type ImportPhase =
  | { phase: "uploading"; sent: number; size: number }
  | { phase: "checking" }
  | { phase: "writing"; done: number; total: number };

interface Line {
  type: "progress" | "result" | "error";
  done?: number;
  total?: number;
  result?: ImportReport;
  error?: { code: string; message: string; field?: string };
}

/**
 * POST /api/v1/imports with the file. `idempotencyKey` is the same for every retry of one file, so
 * that a retry after a lost answer gets the first import's answer instead of running it again.
 */
export function importWithProgress(
  body: { csv: string; fileName?: string },
  idempotencyKey: string,
  onPhase: (phase: ImportPhase) => void,
): Promise<ImportReport> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/imports");
    xhr.withCredentials = true;
    xhr.setRequestHeader("content-type", "application/json");
    xhr.setRequestHeader("accept", "application/x-ndjson");
    xhr.setRequestHeader("idempotency-key", idempotencyKey);
    for (const [name, value] of Object.entries(csrfHeader())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onPhase({ phase: "uploading", sent: e.loaded, size: e.total });
    };
    xhr.upload.onload = () => onPhase({ phase: "checking" });
    let read = 0;
    let last: Line | undefined;
    /** The lines not read yet: the complete ones, or at the end all of them. */
    const consume = (final: boolean) => {
      const text = xhr.responseText;
      const end = final ? text.length : text.lastIndexOf("\n") + 1;
      if (end <= read) return;
      const fresh = text.slice(read, end);
      read = end;
      for (const l of fresh.split("\n")) {
        if (l.trim() === "") continue;
        last = JSON.parse(l) as Line;
        if (last.type === "progress")
          onPhase({ phase: "writing", done: last.done ?? 0, total: last.total ?? 0 });
      }
    };
    xhr.onprogress = () => {
      if (xhr.status === 200 && isStream(xhr)) consume(false);
    };
    xhr.onerror = () => reject(new TypeError("network"));
    xhr.onload = () => {
      try {
        if (xhr.status !== 200) {
          const e = JSON.parse(xhr.responseText || "{}")?.error ?? {};
          reject(new ApiError(xhr.status, e.code ?? "internal_error", e.message ?? xhr.statusText, e.field));
          return;
        }
        if (!isStream(xhr)) {
          resolve(JSON.parse(xhr.responseText) as ImportReport);
          return;
        }
        consume(true);
        if (last?.type === "result" && last.result) resolve(last.result);
        else if (last?.type === "error" && last.error)
          reject(new ApiError(500, last.error.code, last.error.message, last.error.field));
        else reject(new ApiError(500, "internal_error", i18next.t("cutOff", { ns: "import" })));
      } catch (error) {
        reject(error);
      }
    };
    xhr.send(JSON.stringify(body));
  });
}

const isStream = (xhr: XMLHttpRequest) =>
  (xhr.getResponseHeader("content-type") ?? "").startsWith("application/x-ndjson");
