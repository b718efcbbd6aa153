// An SMTP server inside a test: it records what it accepted, and can be told to refuse. Mail goes
// out through nodemailer over a real SMTP conversation, as in production.
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface Received {
  envelopeTo: string[];
  headers: Record<string, string>;
  body: string;
}

export type Mode = "accept" | "reject-4xx" | "reject-5xx";

export interface TestSmtp {
  port: number;
  received: Received[];
  refused: number;
  mode: Mode;
  delayMs: number;
  close(): Promise<void>;
}

export function parseMessage(raw: string, envelopeTo: string[]): Received {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, " ");
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n")) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.slice(split + 4);
  const encoding = headers["content-transfer-encoding"]?.toLowerCase();
  if (encoding === "quoted-printable") {
    const bytes = body
      .replace(/=\r\n/g, "")
      .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => `%${hex}`)
      .replace(/%(?![0-9A-F]{2})/gi, "%25");
    body = decodeURIComponent(bytes);
  } else if (encoding === "base64") {
    body = Buffer.from(body, "base64").toString("utf8");
  }
  return { envelopeTo, headers, body: body.replace(/\r\n/g, "\n") };
}

export async function startSmtp(): Promise<TestSmtp> {
  const state = { received: [] as Received[], refused: 0, mode: "accept" as Mode, delayMs: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const finish = () => {
          if (state.mode !== "accept") {
            state.refused++;
            const error = new Error(
              state.mode === "reject-4xx" ? "mailbox busy, try later" : "transaction failed",
            ) as Error & { responseCode: number };
            error.responseCode = state.mode === "reject-4xx" ? 451 : 554;
            return callback(error);
          }
          state.received.push(
            parseMessage(
              Buffer.concat(chunks).toString("utf8"),
              session.envelope.rcptTo.map((r) => r.address),
            ),
          );
          callback();
        };
        if (state.delayMs > 0) setTimeout(finish, state.delayMs);
        else finish();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return Object.assign(state, {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
