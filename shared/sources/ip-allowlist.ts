import { BlockList } from "node:net";
import { type Cidr, ipFamily } from "./cidr";

/**
 * The addresses a source accepts requests from. Node's BlockList does the matching: it compares
 * IPv4-mapped IPv6 addresses (`::ffff:203.0.113.7`) with IPv4 blocks and the other way round, so
 * a dual-stack listener's view of a client matches the same entries as API Gateway's.
 */
export class IpAllowlist {
  private readonly blocks = new BlockList();

  constructor(readonly cidrs: readonly Cidr[]) {
    for (const cidr of cidrs) this.blocks.addSubnet(cidr.address, cidr.prefix, cidr.family);
  }

  /** False for an address that is missing or not an IP literal: an unknown caller is not allowed. */
  allows(ip: string | undefined): boolean {
    if (ip === undefined) return false;
    const family = ipFamily(ip);
    return family !== undefined && this.blocks.check(ip, family);
  }
}

/** A request from outside a source's `allow_ips`: answered 403, nothing verified or queued. */
export class ForbiddenIpError extends Error {
  constructor(
    readonly source: string,
    readonly ip: string | undefined,
  ) {
    super(
      `source '${source}' accepts requests only from the addresses in its allow_ips; ${ip !== undefined && ipFamily(ip) ? `${ip} is not one of them` : "this request's address is unknown"}`,
    );
    this.name = "ForbiddenIpError";
  }
}
