// Configuration comes from the environment only (documented in the README).
import { isAbsolute, join } from "node:path";
import { PROJECT_ROOT } from "./paths.js";

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /** CARNET_DB_POOL_SIZE: connections to the PostgreSQL server (see DEFAULT_POOL_SIZE) */
  poolSize: number | undefined;
  /** CARNET_LEDGER_IN_FLIGHT: ledger statements at a time outside transactions (src/app/ledger-batcher.ts) */
  ledgerInFlight: number | undefined;
  dataDir: string;
  demo: boolean;
  secureCookies: boolean;
  trustProxy: boolean;
  logLevel: string;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || undefined;
  const dataDir = env.CARNET_DATA_DIR || join(".carnet", "data");
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not ${env.PORT}`);
  const poolSize = wholeNumber(env, "CARNET_DB_POOL_SIZE", 1000);
  const ledgerInFlight = wholeNumber(env, "CARNET_LEDGER_IN_FLIGHT", 64);
  return {
    port,
    host: env.HOST || "0.0.0.0",
    databaseUrl,
    poolSize,
    ledgerInFlight,
    dataDir: isAbsolute(dataDir) ? dataDir : join(PROJECT_ROOT, dataDir),
    // Demo data is on by default with the embedded database, off with a server.
    demo: flag(env.CARNET_DEMO, databaseUrl === undefined),
    secureCookies: flag(env.CARNET_SECURE_COOKIES, false),
    trustProxy: flag(env.CARNET_TRUST_PROXY, false),
    logLevel: env.LOG_LEVEL || "info",
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
