import { describe, expect, it } from "vitest";
import { ipFamily, parseCidr } from "../../../shared/sources/cidr";
import { IpAllowlist } from "../../../shared/sources/ip-allowlist";

const allow = (...cidrs: string[]) => new IpAllowlist(cidrs.map((c) => parseCidr(c)!));

describe("parseCidr", () => {
  it("reads IPv4 and IPv6 blocks and bare addresses", () => {
    expect(parseCidr("203.0.113.0/24")).toEqual({ address: "203.0.113.0", prefix: 24, family: "ipv4" });
    expect(parseCidr("2001:db8::/32")).toEqual({ address: "2001:db8::", prefix: 32, family: "ipv6" });
    expect(parseCidr("198.51.100.7")).toEqual({ address: "198.51.100.7", prefix: 32, family: "ipv4" });
    expect(parseCidr("::1")).toEqual({ address: "::1", prefix: 128, family: "ipv6" });
    expect(parseCidr("::ffff:10.0.0.0/104")).toMatchObject({ family: "ipv6", prefix: 104 });
  });

  it("takes the edge masks /0, /32 and /128", () => {
    expect(parseCidr("0.0.0.0/0")?.prefix).toBe(0);
    expect(parseCidr("10.0.0.1/32")?.prefix).toBe(32);
    expect(parseCidr("::/0")?.prefix).toBe(0);
    expect(parseCidr("2001:db8::1/128")?.prefix).toBe(128);
  });

  it.each([
    "10.0.0.300/8",
    "10.0.0.0/33",
    "2001:db8::/129",
    "10.0.0.0/",
    "10.0.0.0/-1",
    "10.0.0.0/08",
    "10.0.0.0/8/8",
    "10.0.0.0/ 8",
    " 10.0.0.0/8",
    "010.0.0.1",
    "10.0.0",
    "fe80::1%eth0",
    "example.com/24",
    "",
    "/24",
    "1".repeat(100_000),
  ])("refuses %j", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it("tells address families apart, refusing zone ids", () => {
    expect(ipFamily("192.0.2.1")).toBe("ipv4");
    expect(ipFamily("2001:db8::1")).toBe("ipv6");
    expect(ipFamily("fe80::1%eth0")).toBeUndefined();
    expect(ipFamily("not-an-ip")).toBeUndefined();
  });
});

describe("IpAllowlist", () => {
  it("matches IPv4 addresses inside a block and refuses those outside", () => {
    const list = allow("10.0.0.0/8", "203.0.113.7");
    expect(list.allows("10.255.0.1")).toBe(true);
    expect(list.allows("203.0.113.7")).toBe(true);
    expect(list.allows("203.0.113.8")).toBe(false);
    expect(list.allows("11.0.0.1")).toBe(false);
  });

  it("matches IPv6 addresses in any spelling", () => {
    const list = allow("2001:db8::/32");
    expect(list.allows("2001:db8:ffff::1")).toBe(true);
    expect(list.allows("2001:DB8:0000:0000::1")).toBe(true);
    expect(list.allows("2001:db9::1")).toBe(false);
  });

  it("compares IPv4-mapped IPv6 addresses with IPv4 blocks, and the other way round", () => {
    expect(allow("10.0.0.0/8").allows("::ffff:10.1.2.3")).toBe(true);
    expect(allow("10.0.0.0/8").allows("::ffff:11.1.2.3")).toBe(false);
    expect(allow("::ffff:10.0.0.0/104").allows("10.0.0.9")).toBe(true);
  });

  it("keeps edge masks exact: /32 and /128 one host, /0 its whole family", () => {
    expect(allow("192.0.2.1/32").allows("192.0.2.2")).toBe(false);
    expect(allow("2001:db8::1/128").allows("2001:db8::1")).toBe(true);
    expect(allow("2001:db8::1/128").allows("2001:db8::2")).toBe(false);
    expect(allow("0.0.0.0/0").allows("198.51.100.1")).toBe(true);
    expect(allow("0.0.0.0/0").allows("2001:db8::1")).toBe(false);
  });

  it("ignores host bits below the prefix, as routers do", () => {
    expect(allow("10.9.9.9/8").allows("10.0.0.1")).toBe(true);
  });

  it("refuses a missing, malformed or zoned address rather than guessing", () => {
    const list = allow("0.0.0.0/0", "::/0");
    expect(list.allows(undefined)).toBe(false);
    expect(list.allows("")).toBe(false);
    expect(list.allows("not-an-ip")).toBe(false);
    expect(list.allows("10.0.0.1, 10.0.0.2")).toBe(false);
    expect(list.allows("fe80::1%eth0")).toBe(false);
  });
});
