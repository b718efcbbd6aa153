// A Carnet server of a browser test's own, on a fresh embedded database, for stories that must not
// start from the shared demo server (an empty installation with demo mode off, open sign-up).
// Mail is appended to a log file of its own; `mails()` reads it back.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..", "..");

export interface OwnServer {
  url: string;
  /** the mail log as text (empty until something was sent) */
  mails(): string;
  stop(): Promise<void>;
}

export async function startOwnServer(env: Record<string, string> = {}): Promise<OwnServer> {
  const dir = mkdtempSync(join(tmpdir(), "carnet-e2e-own-"));
  const mailLog = join(dir, "mail.log");
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, "bin", "carnet.js"), "serve"], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      CARNET_DATA_DIR: join(dir, "data"),
      CARNET_DEMO: "0",
      CARNET_MAIL_LOG: mailLog,
      DATABASE_URL: "",
      SMTP_HOST: "",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stderr?.on("data", (d) => {
    out += d;
  });
  const started = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${out}`)), 180_000);
    child.stdout?.on("data", (d) => {
      out += d;
      const match = /running at (http:\/\/localhost:\d+)/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace("localhost", "127.0.0.1"));
      }
    });
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}:\n${out}`)));
  });
  return {
    url: started,
    mails: () => (existsSync(mailLog) ? readFileSync(mailLog, "utf8") : ""),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
