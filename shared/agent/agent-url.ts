/**
 * The rule for a team's agent URL, applied when a team is applied and again before every call: the
 * router runs inside the AWS network, so a URL naming a loopback, link-local, private or metadata
 * address would let a team config reach the router's own host, its VPC or its credentials.
 *
 * The check is on the literal host as the WHATWG URL parser normalises it (which also turns
 * `2130706433`, `0x7f.1` and `0177.0.0.1` into `127.0.0.1`). A public name that resolves to a
 * private address is not caught here.
 */

export interface AgentUrlOptions {
  /** The local pipeline (`npm start`): http:// or https:// to 127.0.0.1 or localhost is allowed. */
  allowLocalHttp: boolean;
}

const HOW_TO_FIX = "give the agent's public https:// address, like https://agent.example.com/invoke";
const LOCAL_ONLY =
  "127.0.0.1 and localhost, over http:// or https://, are allowed only in the local pipeline (npm start)";

/** Host names that are a cloud provider's instance metadata service. */
const METADATA_NAMES = new Set(["metadata.google.internal", "metadata"]);

/**
 * Why `url` may not be an agent URL, as a sentence naming the problem and the fix, or undefined when
 * it may. Never throws, and never quotes the URL itself (it may carry a password or a token in its
 * user info or query); only the parsed host is named.
 */
export function agentUrlProblem(url: string, options: AgentUrlOptions): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `the agent URL is not a valid absolute URL: ${HOW_TO_FIX}`;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    return `the agent URL uses ${parsed.protocol}// but agents are called over https:// only: ${HOW_TO_FIX}`;
  }
  if (parsed.username !== "" || parsed.password !== "") {
    return (
      "the agent URL carries a user name or password (user:pass@host), which would end up wherever the " +
      "URL is shown: remove it, and give the team's token as agent.token_secret instead"
    );
  }
  if (options.allowLocalHttp && (parsed.hostname === "127.0.0.1" || parsed.hostname === "localhost")) {
    return undefined;
  }
  const refused = refusedHost(parsed.hostname);
  if (refused) {
    const local = refused.loopback ? `; ${LOCAL_ONLY}` : "";
    return `the agent URL points at ${parsed.hostname}, ${refused.what}: ${HOW_TO_FIX}${local}`;
  }
  if (parsed.protocol === "http:") {
    return `the agent URL uses plain http:// but agents are called over https:// only: ${HOW_TO_FIX}; ${LOCAL_ONLY}`;
  }
  return undefined;
}

interface RefusedHost {
  what: string;
  loopback?: boolean;
}

/** What is wrong with a parsed (normalised, lower-case) host name, or undefined when it is public. */
function refusedHost(hostname: string): RefusedHost | undefined {
  if (hostname.startsWith("[")) return refusedIpv6(hostname.slice(1, -1));
  const ipv4 = parseIpv4(hostname);
  if (ipv4 !== undefined) return refusedIpv4(ipv4);
  // A fully qualified name may end in a dot (`localhost.`): the same host.
  const name = hostname.replace(/\.+$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) {
    return { what: "a loopback name (localhost)", loopback: true };
  }
  if (METADATA_NAMES.has(name)) return { what: "a cloud metadata service name" };
  return undefined;
}

/** `a.b.c.d` as one 32-bit number. */
const ipv4Value = (octets: readonly number[]): number =>
  octets.reduce((value, octet) => value * 256 + octet, 0);

/** The value of a dotted-decimal IPv4 address (the only IPv4 form the URL parser leaves), or undefined. */
function parseIpv4(host: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!match) return undefined;
  const octets = match.slice(1).map(Number);
  return octets.every((o) => o <= 255) ? ipv4Value(octets) : undefined;
}

interface Ipv4Range extends RefusedHost {
  first: number;
  bits: number;
}

const range = (octets: number[], bits: number, what: string, loopback = false): Ipv4Range => ({
  first: ipv4Value(octets),
  bits,
  what,
  ...(loopback ? { loopback } : {}),
});

/** Refused IPv4 ranges, most specific first (the metadata address sits inside link-local). */
const IPV4_RANGES: readonly Ipv4Range[] = [
  range([169, 254, 169, 254], 32, "the cloud metadata address (169.254.169.254)"),
  range([0, 0, 0, 0], 8, "an unspecified address (0.0.0.0/8)"),
  range([127, 0, 0, 0], 8, "a loopback address (127.0.0.0/8)", true),
  range([169, 254, 0, 0], 16, "a link-local address (169.254.0.0/16)"),
  range([10, 0, 0, 0], 8, "a private address (10.0.0.0/8)"),
  range([172, 16, 0, 0], 12, "a private address (172.16.0.0/12)"),
  range([192, 168, 0, 0], 16, "a private address (192.168.0.0/16)"),
  range([100, 64, 0, 0], 10, "a carrier-grade NAT address (100.64.0.0/10)"),
];

function refusedIpv4(address: number): RefusedHost | undefined {
  const hit = IPV4_RANGES.find((r) => {
    const size = 2 ** (32 - r.bits);
    return Math.floor(address / size) === Math.floor(r.first / size);
  });
  return hit ? { what: hit.what, ...(hit.loopback ? { loopback: true } : {}) } : undefined;
}

/**
 * The eight 16-bit groups of an IPv6 address as the URL parser serialises it (lower-case hex,
 * `::` compression, never a dotted IPv4 tail), or undefined.
 */
function parseIpv6(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string | undefined) =>
    part ? part.split(":").map((g) => Number.parseInt(g, 16)) : [];
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  const zeros = halves.length === 2 ? 8 - head.length - tail.length : 0;
  if (zeros < 0) return undefined;
  const all = [...head, ...Array<number>(zeros).fill(0), ...tail];
  return all.length === 8 && all.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? all : undefined;
}

/** The serialised form of EC2's IPv6 instance metadata address. */
const EC2_IPV6_METADATA = "fd00:ec2::254";

function refusedIpv6(text: string): RefusedHost | undefined {
  const groups = parseIpv6(text);
  // The parser accepted it, so this is not expected; refusing keeps the rule closed if it happens.
  if (!groups) return { what: "an IPv6 address this check cannot read" };
  const leadingZeros = groups.findIndex((g) => g !== 0);
  if (leadingZeros === -1) return { what: "the unspecified address (::)" };
  if (leadingZeros === 7 && groups[7] === 1) return { what: "the loopback address (::1)", loopback: true };
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) forms reach the IPv4 address inside.
  if (leadingZeros >= 5 && (groups[5] === 0xffff || groups[5] === 0)) {
    const inner = refusedIpv4(groups[6]! * 0x10000 + groups[7]!);
    if (inner) {
      const form = groups[5] === 0xffff ? "IPv4-mapped" : "IPv4-compatible";
      return { ...inner, what: `an ${form} form of ${inner.what}` };
    }
  }
  if (text === EC2_IPV6_METADATA) return { what: `the cloud metadata address (${EC2_IPV6_METADATA})` };
  const first = groups[0]!;
  if ((first & 0xffc0) === 0xfe80) return { what: "a link-local address (fe80::/10)" };
  if ((first & 0xfe00) === 0xfc00) return { what: "a unique local (private) address (fc00::/7)" };
  return undefined;
}
