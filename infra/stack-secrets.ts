import { REGISTRY } from "../shared/providers/registry";

/** A Secrets Manager secret the stack creates (or imports by name). */
export interface StackSecret {
  /** The variable a function reads its ARN from, as `<name>_ARN`. */
  name: string;
  description: string;
  /** Random text until the operator puts the real value, or a JSON object for secrets holding one. */
  placeholder: "random" | "json-object";
}

/**
 * Every secret of the stack: per provider the secret it verifies with and the store of its unsigned
 * handshake's token (Notion's), then the router's agent signing secret and Slack bot token.
 */
export const STACK_SECRETS: readonly StackSecret[] = [
  ...REGISTRY.providers.flatMap(({ secret, unsignedHandshake }): StackSecret[] => [
    { name: secret.name, description: secret.description, placeholder: secret.placeholder ?? "random" },
    ...(unsignedHandshake ? [{ ...unsignedHandshake.store, placeholder: "random" as const }] : []),
  ]),
  {
    name: "AGENT_SIGNING_SECRET",
    description: "Standard Webhooks secret (whsec_…) the router signs agent requests with",
    placeholder: "random",
  },
  {
    name: "SLACK_BOT_TOKEN",
    description: "Slack bot token (xoxb-…) for notices posted on permanent failures",
    placeholder: "random",
  },
];

export const SECRET_NAMES: readonly string[] = STACK_SECRETS.map((s) => s.name);
