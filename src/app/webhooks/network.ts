// W3: a webhook leaves the machine only for the registered URL, and only to public addresses. A URL
// whose host resolves to a loopback, private, link-local or otherwise non-public address is refused
// at registration, and the address is checked again at each delivery, on the address the connection
// actually uses (the lookup below is the connection's own), so a name that resolves to a public
// address when registered and to an internal one later (DNS rebinding) is refused too. The operator
// can allow loopback or all non-public addresses with CARNET_WEBHOOK_ALLOW_NETWORKS.
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { BlockList, isIP } from "node:net";
import { invalid } from "../../domain/errors.js";

export interface WebhookNetworkPolicy {
  /** 127.0.0.0/8 and ::1: a receiver on this machine */
  allowLoopback: boolean;
  /** every other non-public address: private networks, link-local, carrier-grade NAT, reserved */
  allowPrivate: boolean;
}

export const PUBLIC_ONLY: WebhookNetworkPolicy = { allowLoopback: false, allowPrivate: false };

/** CARNET_WEBHOOK_ALLOW_NETWORKS: a comma-separated list of `loopback`, `private`; empty = public only. */
export function networkPolicyFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookNetworkPolicy {
  const words = (env.CARNET_WEBHOOK_ALLOW_NETWORKS ?? "")
    .split(",")
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  for (const w of words) {
    if (w !== "loopback" && w !== "private") {
      throw new Error(`CARNET_WEBHOOK_ALLOW_NETWORKS takes "loopback" and "private", not "${w}"`);
    }
  }
  return { allowLoopback: words.includes("loopback"), allowPrivate: words.includes("private") };
}

let chosen: WebhookNetworkPolicy | null = null;

/** The policy in force: the one set by allowWebhookNetworks, else the environment's. */
export function webhookNetworkPolicy(): WebhookNetworkPolicy {
  return chosen ?? networkPolicyFromEnv();
}

/** Sets the policy for this process (null: back to the environment's). */
export function allowWebhookNetworks(policy: WebhookNetworkPolicy | null): void {
  chosen = policy;
}

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

const nonPublic = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8], // "this" network; 0.0.0.0 reaches the machine itself
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) {
  nonPublic.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["64:ff9b::", 96], // NAT64: may reach any IPv4 address, private ones included
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
] as const) {
  nonPublic.addSubnet(net, prefix, "ipv6");
}

/** An IPv4 address written as IPv6 (::ffff:a.b.c.d or ::ffff:xxxx:xxxx), as IPv4; else null. */
function mappedIpv4(address: string): string | null {
  const m = /^::ffff:(.+)$/i.exec(address);
  if (!m) return null;
  const rest = m[1]!;
  if (isIP(rest) === 4) return rest;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(rest);
  if (!hex) return null;
  const hi = Number.parseInt(hex[1]!, 16);
  const lo = Number.parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

export type AddressKind = "public" | "loopback" | "private";

export function addressKind(address: string): AddressKind {
  const v4 = isIP(address) === 4 ? address : mappedIpv4(address);
  if (v4) {
    if (loopback.check(v4, "ipv4")) return "loopback";
    return nonPublic.check(v4, "ipv4") ? "private" : "public";
  }
  if (isIP(address) !== 6) return "private";
  if (loopback.check(address, "ipv6")) return "loopback";
  return nonPublic.check(address, "ipv6") ? "private" : "public";
}

export function addressAllowed(address: string, policy: WebhookNetworkPolicy): boolean {
  const kind = addressKind(address);
  return kind === "public" || (kind === "loopback" ? policy.allowLoopback : policy.allowPrivate);
}

export class RefusedAddressError extends Error {
  constructor(readonly address: string) {
    super(`refused: the address ${address} is not public`);
  }
}

async function resolveAll(hostname: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    ),
  );
}

/** The URL's host without the brackets of an IPv6 literal. */
const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

/**
 * Checks a URL given for an endpoint: http or https, a host, at most 2000 characters, and every
 * address its host resolves to allowed by the policy. Answers the normalised URL.
 */
export async function checkEndpointUrl(text: string, policy: WebhookNetworkPolicy): Promise<string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid("webhook_url_invalid", "The URL is not a valid absolute URL.", "url");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw invalid("webhook_url_invalid", "The URL must start with https:// or http://.", "url");
  if (url.hash) throw invalid("webhook_url_invalid", "The URL cannot have a #fragment.", "url");
  if (url.href.length > 2000)
    throw invalid("webhook_url_invalid", "The URL is longer than 2000 characters.", "url");
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(hostOf(url));
  } catch {
    throw invalid(
      "webhook_url_unresolvable",
      `The host ${url.hostname} does not resolve to an address.`,
      "url",
    );
  }
  const refused = addresses.find((a) => !addressAllowed(a.address, policy));
  if (refused || addresses.length === 0) {
    throw invalid(
      "webhook_url_not_public",
      `The host ${url.hostname} resolves to ${refused?.address ?? "no address"}, which is not a public address.`,
      "url",
    );
  }
  return url.href;
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that resolves the host and refuses the connection when any address
 * it resolves to is not allowed: the check is made on the very addresses the socket connects to.
 */
export function checkedLookup(policy: WebhookNetworkPolicy) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback) => {
    resolveAll(hostname).then(
      (addresses) => {
        const refused = addresses.find((a) => !addressAllowed(a.address, policy));
        if (refused || addresses.length === 0) {
          callback(new RefusedAddressError(refused?.address ?? hostname), options.all ? [] : "");
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, options.all ? [] : ""),
    );
  };
}
