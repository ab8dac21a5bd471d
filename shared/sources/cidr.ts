import { isIPv4, isIPv6 } from "node:net";

export type IpFamily = "ipv4" | "ipv6";

/** One address block: a network address and how many leading bits of it are fixed. */
export interface Cidr {
  address: string;
  prefix: number;
  family: IpFamily;
}

/** The family of a literal address, or undefined. Zone ids (`fe80::1%eth0`) are not addresses here. */
export function ipFamily(text: string): IpFamily | undefined {
  if (isIPv4(text)) return "ipv4";
  if (isIPv6(text) && !text.includes("%")) return "ipv6";
  return undefined;
}

const PREFIX = /^(0|[1-9][0-9]{0,2})$/;

/**
 * `203.0.113.0/24`, `2001:db8::/32`, or a bare address (one host: /32 or /128). Host bits set
 * below the prefix are ignored, as routers do. Undefined for anything else, so the caller can say
 * which entry is wrong.
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf("/");
  const address = slash === -1 ? text : text.slice(0, slash);
  const family = ipFamily(address);
  if (!family) return undefined;
  const max = family === "ipv4" ? 32 : 128;
  if (slash === -1) return { address, prefix: max, family };
  const prefixText = text.slice(slash + 1);
  if (!PREFIX.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= max ? { address, prefix, family } : undefined;
}
