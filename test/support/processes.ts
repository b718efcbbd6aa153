// Real server processes for tests that need more than one (concurrency, crashes).
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { type Actor, type App, systemClock } from "../../src/app/context.js";
import { createApiToken } from "../../src/app/staff/api-tokens.js";

const BIN = join(import.meta.dirname, "..", "..", "bin", "carnet.js");

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * A bearer token for server processes: they run on the real clock, and a token made on a test's
 * fake clock (June 2026) may have expired by their time.
 */
export async function tokenForServerProcess(app: App, actor: Actor, name: string): Promise<string> {
  return (await createApiToken({ ...app, clock: systemClock }, actor, name)).token;
}

export async function startServerProcess(
  env: Record<string, string>,
  /** after `serve`, e.g. ["--workers", "3"] */
  args: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, "serve", ...args], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", CARNET_DEMO: "0", LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    // its own process group: on PostgreSQL `serve` is a supervisor with processes of its own, and a
    // crash (SIGKILL) takes them all at once, as a lost machine would
    detached: true,
  });
  let output = "";
  child.stdout?.on("data", (d) => (output += d));
  child.stderr?.on("data", (d) => (output += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = /running at (http:\/\/localhost:\d+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace("localhost", "127.0.0.1"));
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    child,
    output: () => output,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        if (signal === "SIGKILL" && child.pid) {
          try {
            process.kill(-child.pid, "SIGKILL");
            return;
          } catch {}
        }
        child.kill(signal);
      }),
  };
}

export function runCli(
  args: string[],
  env: Record<string, string>,
  /** written to the command's standard input, then closed */
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    });
    if (input !== undefined) child.stdin?.end(input);
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d) => (stdout += d));
    child.stderr?.on("data", (d) => (stderr += d));
    child.on("exit", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
