// The demo logins' password is published (on the sign-in page and in the README): wherever they can
// sign in, the operator is told so in a frame that stands out from the log lines around it.
import { DEMO_LOGINS, DEMO_PASSWORD } from "./app/demo-data.js";

const OWNER = DEMO_LOGINS.find((l) => l.role === "owner")?.email ?? DEMO_LOGINS[0]?.email;

export const isLoopback = (host: string) =>
  host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);

function framed(edge: string, lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length));
  const rule = edge.repeat(width + 2 * (edge.length + 2));
  const side = `${edge}${edge}`;
  return [rule, ...lines.map((l) => `${side} ${l.padEnd(width)} ${side}`), rule].join("\n");
}

/** At start in demo mode: loud, and louder when anyone on the network can reach the server. */
export function demoModeWarning(host: string): string {
  if (isLoopback(host)) {
    return framed("#", [
      "DEMO MODE: demo logins with a known password are enabled",
      `(${OWNER} / ${DEMO_PASSWORD}, and one for each role).`,
      `Listening on ${host} only: reachable from this computer alone.`,
      "For a real business: CARNET_DEMO=0 and an empty database.",
    ]);
  }
  return framed("!", [
    `DEMO MODE ON THE NETWORK (HOST=${host}): ANYONE who can reach this server`,
    `can sign in as the owner with a known password (${OWNER} / ${DEMO_PASSWORD}).`,
    "Leave HOST unset to keep the demo on this computer, or set CARNET_DEMO=0.",
  ]);
}

/** At start outside demo mode, when the database still holds a demo login with its published password. */
export function demoLoginsLiveWarning(host: string, emails: string[]): string {
  return framed(isLoopback(host) ? "#" : "!", [
    `WARNING: demo logins with a known password (${DEMO_PASSWORD}) can sign in:`,
    emails.join(", "),
    isLoopback(host)
      ? `Listening on ${host} only.`
      : `Listening on ${host}: ANYONE who can reach this server can sign in as them.`,
    "Deactivate these staff or change their passwords.",
  ]);
}

/** `carnet seed`, before it creates the demo staff. */
export function seedWarning(where: string): string {
  return framed("!", [
    "WARNING: carnet seed creates staff logins with a known password",
    `(${OWNER} / ${DEMO_PASSWORD}, and one for each role)`,
    `in ${where}.`,
    "Anyone who can reach a Carnet on this database can sign in as the owner.",
    "Seed only a database for trying Carnet out, never a real business's.",
  ]);
}
