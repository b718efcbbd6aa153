// W3: which addresses a webhook may be posted to, by policy.
import { describe, expect, it } from "vitest";
import {
  addressAllowed,
  addressKind,
  checkEndpointUrl,
  networkPolicyFromEnv,
  PUBLIC_ONLY,
} from "../../src/app/webhooks/network.js";

describe("W3: webhook addresses", () => {
  it.each([
    { address: "93.184.215.14", kind: "public" },
    { address: "8.8.8.8", kind: "public" },
    { address: "2606:4700:4700::1111", kind: "public" },
    { address: "127.0.0.1", kind: "loopback" },
    { address: "127.5.6.7", kind: "loopback" },
    { address: "::1", kind: "loopback" },
    { address: "::ffff:127.0.0.1", kind: "loopback" },
    { address: "::ffff:7f00:1", kind: "loopback" },
    { address: "0.0.0.0", kind: "private" },
    { address: "10.0.0.1", kind: "private" },
    { address: "172.16.0.1", kind: "private" },
    { address: "172.31.255.255", kind: "private" },
    { address: "172.32.0.1", kind: "public" },
    { address: "192.168.1.1", kind: "private" },
    { address: "100.64.0.1", kind: "private" },
    { address: "169.254.169.254", kind: "private" },
    { address: "224.0.0.1", kind: "private" },
    { address: "255.255.255.255", kind: "private" },
    { address: "::", kind: "private" },
    { address: "fd12:3456::1", kind: "private" },
    { address: "fe80::1", kind: "private" },
    { address: "::ffff:10.0.0.1", kind: "private" },
    { address: "64:ff9b::a00:1", kind: "private" },
  ])("$address is $kind", ({ address, kind }) => {
    expect(addressKind(address)).toBe(kind);
    expect(addressAllowed(address, PUBLIC_ONLY)).toBe(kind === "public");
  });

  it("the operator's policy allows loopback, private networks, or both", () => {
    const loopback = networkPolicyFromEnv({ CARNET_WEBHOOK_ALLOW_NETWORKS: "loopback" });
    expect(addressAllowed("127.0.0.1", loopback)).toBe(true);
    expect(addressAllowed("10.0.0.1", loopback)).toBe(false);
    const both = networkPolicyFromEnv({ CARNET_WEBHOOK_ALLOW_NETWORKS: "loopback, private" });
    expect(addressAllowed("10.0.0.1", both)).toBe(true);
    expect(networkPolicyFromEnv({})).toEqual(PUBLIC_ONLY);
    expect(() => networkPolicyFromEnv({ CARNET_WEBHOOK_ALLOW_NETWORKS: "everything" })).toThrow(/loopback/);
  });

  it("a URL must be http(s), without a fragment, on an allowed address", async () => {
    await expect(checkEndpointUrl("https://93.184.215.14/hook", PUBLIC_ONLY)).resolves.toBe(
      "https://93.184.215.14/hook",
    );
    for (const [url, code] of [
      ["not a url", "webhook_url_invalid"],
      ["ftp://93.184.215.14/", "webhook_url_invalid"],
      ["https://93.184.215.14/#x", "webhook_url_invalid"],
      ["http://127.0.0.1:8080/", "webhook_url_not_public"],
      ["http://[::ffff:169.254.169.254]/", "webhook_url_not_public"],
    ] as const) {
      await expect(checkEndpointUrl(url, PUBLIC_ONLY), url).rejects.toMatchObject({ code, field: "url" });
    }
  });
});
