import type { WebhookRequest } from "../http/webhook-request";
import type { Provider } from "../providers/provider";
import type { HandshakeTokens } from "./handshake-tokens";

export type UnsignedHandshakeAnswer =
  | { kind: "kept"; reason: string }
  | { kind: "invalid"; problem: string }
  | { kind: "rate_limited"; problem: string }
  | { kind: "unavailable"; problem: string };

/**
 * The provider's unsigned handshake, if this request is one: its token kept for the operator, or
 * why not. Undefined for every other request, which goes on to verification. No answer or problem
 * holds the token.
 */
export async function answerUnsignedHandshake(
  provider: Provider,
  req: WebhookRequest,
  tokens: HandshakeTokens | undefined,
  now: Date,
): Promise<UnsignedHandshakeAnswer | undefined> {
  const handshake = provider.unsignedHandshake;
  const read = handshake?.read(req);
  if (!handshake || !read) return undefined;
  if ("problem" in read) return { kind: "invalid", problem: read.problem };
  const { name } = handshake.store;
  if (!tokens) {
    return {
      kind: "unavailable",
      problem: `nowhere to keep the ${provider.name} handshake token: set ${name}_ARN (Secrets Manager) or ${name}_FILE (a local file)`,
    };
  }
  try {
    const kept = await tokens.keep(name, read.token, now);
    if (kept === "rate_limited") {
      return {
        kind: "rate_limited",
        problem: `too many ${provider.name} verification requests: retry in a minute`,
      };
    }
    return { kind: "kept", reason: `${provider.name} verification token kept in ${name}` };
  } catch (error) {
    // The adapter's error names the store's failure; its message is not trusted to be token-free.
    return { kind: "unavailable", problem: `cannot write ${name}: ${(error as Error).name}` };
  }
}
