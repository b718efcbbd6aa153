// S1: the key an address is counted under, and the words a refusal uses.
import { describe, expect, it } from "vitest";
import { addressKey, TooManyAttempts } from "../../src/app/sign-in-throttle.js";

describe("addressKey", () => {
  it.each([
    { ip: "192.0.2.7", key: "192.0.2.7" },
    { ip: "::ffff:192.0.2.7", key: "192.0.2.7" },
    { ip: "::FFFF:192.0.2.7", key: "192.0.2.7" },
    { ip: "2001:db8:1:2:3:4:5:6", key: "2001:db8:1:2::/64" },
    { ip: "2001:db8:1:2::9", key: "2001:db8:1:2::/64" },
    { ip: "2001:0db8:0001:0002:ffff::1", key: "2001:db8:1:2::/64" },
    { ip: "2001:db8::1", key: "2001:db8:0:0::/64" },
    { ip: "::1", key: "0:0:0:0::/64" },
    { ip: "fe80::1%eth0", key: "fe80:0:0:0::/64" },
    { ip: "64:ff9b::192.0.2.7", key: "64:ff9b:0:0::/64" },
    { ip: "not an address", key: "not an address" },
  ])("$ip is counted as $key", ({ ip, key }) => {
    expect(addressKey(ip)).toBe(key);
  });
});

describe("TooManyAttempts", () => {
  it.each([
    { seconds: 1, words: "1 second" },
    { seconds: 45, words: "45 seconds" },
    { seconds: 60, words: "1 minute" },
    { seconds: 61, words: "2 minutes" },
    { seconds: 900, words: "15 minutes" },
  ])("$seconds s reads as $words", ({ seconds, words }) => {
    const error = new TooManyAttempts(seconds);
    expect(error.message).toBe(`Too many failed sign-ins; try again in ${words}.`);
    expect(error).toMatchObject({
      kind: "rate_limited",
      code: "too_many_attempts",
      retryAfterSeconds: seconds,
    });
  });
});
