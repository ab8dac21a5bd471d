/**
 * Header names whose values prove who sent a request or grant access: signatures (every provider's
 * is called `…signature…`), tokens, secrets, credentials, cookies. Generic sources name their own
 * signature and token headers, so a name is matched by what it says, not against a fixed list.
 */
const SENSITIVE_NAME =
  /signature|secret|token|auth|api[-_]?key|password|passwd|credential|cookie|session|hmac/i;

export const REDACTED = "[redacted]";

/** Whether a header's value must never be shown. */
export const isSensitiveHeader = (name: string): boolean => SENSITIVE_NAME.test(name);

/** The headers with every signature, secret, token and credential value replaced by `[redacted]`. */
export function redactHeaders(headers: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name] = isSensitiveHeader(name) ? REDACTED : value;
  }
  return out;
}
