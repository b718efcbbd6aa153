// X1: a running server on the embedded database answers on a Unix socket beside its data folder
// (`.carnet/data.sock` for `.carnet/data`), reachable by the same user only. `carnet backup` asks
// it for a backup there; every other command, and a second server, find it and refuse to open the
// folder a server holds (two processes on one embedded database would corrupt it).
import { createHash } from "node:crypto";
import { chmodSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Database } from "../db/database.js";
import { embeddedArchive } from "./backup.js";

/** Unix socket paths are limited to about 100 bytes: a long folder's socket goes to the temp folder. */
export function controlSocketPath(dataDir: string): string {
  const beside = `${dataDir.replace(/\/+$/, "")}.sock`;
  if (Buffer.byteLength(beside) <= 100) return beside;
  return join(tmpdir(), `carnet-${createHash("sha256").update(dataDir).digest("hex").slice(0, 16)}.sock`);
}

function ask(
  socketPath: string,
  method: string,
  path: string,
): Promise<{ status: number; body: Buffer } | null> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path, timeout: 120_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      // no socket, or one left by a server that is gone
      if (error.code === "ENOENT" || error.code === "ECONNREFUSED") resolve(null);
      else reject(error);
    });
    req.on("timeout", () => req.destroy(new Error("the running server did not answer in time")));
    req.end();
  });
}

/** Whether a server holds the embedded database in `dataDir` now. */
export async function serverHolds(dataDir: string): Promise<boolean> {
  return (await ask(controlSocketPath(dataDir), "GET", "/")) !== null;
}

/** A backup made by the server that holds `dataDir`, or null when no server holds it. */
export async function backupFromServer(dataDir: string): Promise<Buffer | null> {
  const answer = await ask(controlSocketPath(dataDir), "POST", "/backup");
  if (answer === null) return null;
  if (answer.status !== 200)
    throw new Error(`the running server could not back up: ${answer.body.toString()}`);
  return answer.body;
}

/** Listens on the data folder's socket; the answer stops listening. */
export async function serveControl(database: Database, dataDir: string): Promise<() => Promise<void>> {
  const path = controlSocketPath(dataDir);
  if (await serverHolds(dataDir)) throw new Error(`another Carnet server holds ${dataDir}`);
  rmSync(path, { force: true }); // left by a server that ended without a word
  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/") {
      res.writeHead(200, { "content-type": "text/plain" }).end(`carnet ${process.pid}\n`);
      return;
    }
    if (req.method === "POST" && req.url === "/backup") {
      embeddedArchive(database).then(
        (bytes) => res.writeHead(200, { "content-type": "application/gzip" }).end(bytes),
        (error: Error) => res.writeHead(500, { "content-type": "text/plain" }).end(error.message),
      );
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, resolve);
  });
  chmodSync(path, 0o600);
  server.unref();
  return () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}
