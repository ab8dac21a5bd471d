/** The names this machine's loopback answers to; any other Host is a DNS-rebinding page's. */
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** `localhost:3000` → `localhost`; undefined for anything that is not `host[:port]`. */
function hostName(host: string): string | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]/]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  return match?.[1]?.toLowerCase();
}

export type OriginCheck = { ok: true } | { ok: false; status: 403; error: string };

/**
 * Refuses what a page on another site could make a browser send here: a request whose Host is not
 * this machine's loopback (a rebound DNS name pointing at 127.0.0.1), one whose Origin is another
 * site, and a state-changing request (POST) that does not prove it came from the console's own page
 * by an Origin equal to `http://<Host>`.
 */
export function checkLocalOrigin(
  method: string,
  headers: Readonly<Record<string, string | undefined>>,
): OriginCheck {
  const host = headers.host;
  const name = host === undefined ? undefined : hostName(host);
  if (!host || !name || !LOOPBACK_HOSTS.has(name)) {
    return {
      ok: false,
      status: 403,
      error: `the console answers only on localhost, not on Host '${host ?? ""}': open http://localhost:<port>/_console`,
    };
  }
  const origin = headers.origin;
  const sameOrigin = origin === `http://${host}`;
  if (origin !== undefined && !sameOrigin) {
    return {
      ok: false,
      status: 403,
      error: `requests from ${origin} are refused: use the console's own page`,
    };
  }
  if (method !== "GET" && method !== "HEAD" && !sameOrigin) {
    return {
      ok: false,
      status: 403,
      error: `a ${method} needs an Origin header equal to http://${host} (the console's own page sends it)`,
    };
  }
  return { ok: true };
}
