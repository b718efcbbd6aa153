// Configuration comes from the environment only (documented in the README).
import { isIP } from "node:net";
import { isAbsolute, join } from "node:path";
import { PROJECT_ROOT } from "./paths.js";

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** X2: DATABASE_REPLICA_URL, a standby the reports read from (src/app/reports.ts) */
  replicaUrl: string | undefined;
  /** CARNET_DB_POOL_SIZE: connections to the PostgreSQL server (see DEFAULT_POOL_SIZE) */
  poolSize: number | undefined;
  /** CARNET_LEDGER_IN_FLIGHT: ledger statements at a time outside transactions (src/app/ledger-batcher.ts) */
  ledgerInFlight: number | undefined;
  dataDir: string;
  demo: boolean;
  secureCookies: boolean;
  /** CARNET_TRUST_PROXY: whose X-Forwarded-For to believe (src/http/proxy-trust.ts) */
  trustProxy: TrustProxy;
  /** CARNET_PUBLIC_URL: the web app's address as customers reach it, for links in e-mails */
  publicUrl: string | undefined;
  /** CARNET_SIGNUP=open: further businesses may sign up from the sign-in page (a hosted Carnet) */
  signUpOpen: boolean;
  logLevel: string;
  /** X4: where Prometheus scrapes (src/http/routes/metrics.ts); off unless a port or a token is set */
  metrics: {
    /** CARNET_METRICS_PORT: a port of its own for /metrics, on CARNET_METRICS_HOST (default loopback) */
    port: number | undefined;
    host: string;
    /** CARNET_METRICS_TOKEN: /metrics on the public port, for `Authorization: Bearer <token>` only */
    token: string | undefined;
  };
  /** X1: automatic backups (src/ops/backup.ts), off unless CARNET_BACKUP_DIR is set */
  backup: {
    dir: string | undefined;
    /** CARNET_BACKUP_KEEP: the newest this many are kept (default 7) */
    keep: number;
    /** CARNET_BACKUP_EVERY_HOURS: one backup this often (default 24) */
    everyHours: number;
  };
  mail: {
    host: string | undefined;
    port: number | undefined;
    user: string | undefined;
    pass: string | undefined;
    secure: boolean;
    /** SMTP_TLS_INSECURE: accept the SMTP server's certificate unchecked (a self-signed relay) */
    tlsInsecure: boolean;
    from: string;
    /** without SMTP_HOST, mail is appended here instead of sent */
    logFile: string;
  };
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  return ["1", "true", "yes", "on"].includes(value.toLowerCase());
}

/** A whole number from 1 to max, or undefined when the variable is absent or empty. */
function wholeNumber(env: NodeJS.ProcessEnv, name: string, max: number): number | undefined {
  const text = env[name];
  if (!text) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}, not ${text}`);
  return value;
}

function replicaUrl(env: NodeJS.ProcessEnv, databaseUrl: string | undefined): string | undefined {
  const url = env.DATABASE_REPLICA_URL || undefined;
  if (url && !databaseUrl) throw new Error("DATABASE_REPLICA_URL needs DATABASE_URL (the primary) as well");
  return url;
}

/** A token short enough to guess would open the figures to anyone: 24 characters at least. */
function metricsToken(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (text.length < 24) throw new Error("CARNET_METRICS_TOKEN must be 24 characters or more");
  return text;
}

/**
 * Off, the number of proxies in front of Carnet (each appends the address it saw to
 * X-Forwarded-For), or the proxies' addresses and CIDR ranges (also proxy-addr's names loopback,
 * linklocal, uniquelocal).
 */
export type TrustProxy = false | number | string[];

const MAX_PROXY_HOPS = 10;
const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

function trustProxy(text: string | undefined): TrustProxy {
  const value = (text ?? "").trim();
  if (["", "0", "false", "no", "off"].includes(value.toLowerCase())) return false;
  if (["true", "yes", "on"].includes(value.toLowerCase())) {
    // It meant "believe every X-Forwarded-For": any client could then choose the address that
    // sign-in limits count it under, or have someone else's counted.
    throw new Error(
      `CARNET_TRUST_PROXY=${value} would believe any client's X-Forwarded-For header. Write the number of proxies in front of Carnet (1 for one reverse proxy) or their addresses, comma-separated (e.g. 10.0.0.5 or 10.0.0.0/8).`,
    );
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > MAX_PROXY_HOPS)
      throw new Error(
        `CARNET_TRUST_PROXY must be a number of proxies from 1 to ${MAX_PROXY_HOPS}, not ${value}`,
      );
    return hops;
  }
  const entries = value.split(",").map((e) => e.trim());
  const wrong = entries.find((e) => !isProxyAddress(e));
  if (wrong !== undefined)
    throw new Error(
      `CARNET_TRUST_PROXY must be a number of proxies or a comma-separated list of their addresses or CIDR ranges; "${wrong}" is neither (in ${value})`,
    );
  return entries;
}

/** An http(s) address without a trailing slash, or undefined when the variable is absent. */
function publicUrl(text: string | undefined): string | undefined {
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `CARNET_PUBLIC_URL must be the web app's address, such as https://book.salon.example, not ${text}`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new Error(`CARNET_PUBLIC_URL must start with https:// (or http://), not ${text}`);
  return text.replace(/\/+$/, "");
}

/** CARNET_SIGNUP: `open` lets anyone sign a business up; off (empty, `closed`, `off`) by default. */
function signUp(text: string | undefined): boolean {
  const value = (text ?? "").trim().toLowerCase();
  if (value === "open") return true;
  if (["", "closed", "off", "0", "false", "no"].includes(value)) return false;
  throw new Error(`CARNET_SIGNUP must be "open" or "closed", not ${text}`);
}

/** Demo logins have a published password: demo mode stays on this computer unless HOST says otherwise. */
export const DEMO_HOST = "127.0.0.1";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${env.PORT}`);
  const poolSize = wholeNumber(env, "CARNET_DB_POOL_SIZE", 1000);
  const ledgerInFlight = wholeNumber(env, "CARNET_LEDGER_IN_FLIGHT", 64);
  // Demo data is on by default with the embedded database, off with a server.
  const demo = flag(env.CARNET_DEMO, databaseUrl === undefined);
  // The demo keeps its data apart from a real business's, so that `CARNET_DEMO=0 npm start` after a
  // demo opens on an empty installation ("Create your business"), not on the demo salon.
  const dataDir = env.CARNET_DATA_DIR || join(".carnet", demo ? "demo" : "data");
  return {
    port,
    host: env.HOST || (demo ? DEMO_HOST : "0.0.0.0"),
    databaseUrl,
    replicaUrl: replicaUrl(env, databaseUrl),
    poolSize,
    ledgerInFlight,
    dataDir: isAbsolute(dataDir) ? dataDir : join(PROJECT_ROOT, dataDir),
    demo,
    secureCookies: flag(env.CARNET_SECURE_COOKIES, false),
    trustProxy: trustProxy(env.CARNET_TRUST_PROXY),
    publicUrl: publicUrl(env.CARNET_PUBLIC_URL),
    signUpOpen: signUp(env.CARNET_SIGNUP),
    logLevel: env.LOG_LEVEL || "info",
    metrics: {
      port: wholeNumber(env, "CARNET_METRICS_PORT", 65535),
      host: env.CARNET_METRICS_HOST || DEMO_HOST,
      token: metricsToken(env.CARNET_METRICS_TOKEN),
    },
    backup: {
      dir: env.CARNET_BACKUP_DIR
        ? isAbsolute(env.CARNET_BACKUP_DIR)
          ? env.CARNET_BACKUP_DIR
          : join(PROJECT_ROOT, env.CARNET_BACKUP_DIR)
        : undefined,
      keep: wholeNumber(env, "CARNET_BACKUP_KEEP", 10_000) ?? 7,
      everyHours: wholeNumber(env, "CARNET_BACKUP_EVERY_HOURS", 24 * 366) ?? 24,
    },
    mail: {
      host: env.SMTP_HOST || undefined,
      port: env.SMTP_PORT ? Number(env.SMTP_PORT) : undefined,
      user: env.SMTP_USER || undefined,
      pass: env.SMTP_PASS || undefined,
      secure: flag(env.SMTP_SECURE, false),
      tlsInsecure: flag(env.SMTP_TLS_INSECURE, false),
      from: env.CARNET_MAIL_FROM || "Carnet <no-reply@carnet.invalid>",
      logFile:
        env.CARNET_MAIL_LOG ||
        join(isAbsolute(dataDir) ? dataDir : join(PROJECT_ROOT, dataDir), "..", "mail.log"),
    },
  };
}
