// zod/mini: read at every ingest cold start, so the bundle stays small.
import * as z from "zod/mini";
import { PROVIDER_NAMES, type ProviderName } from "../providers/provider";
import { conditionProblems, type PayloadConditions } from "./payload-conditions";

/**
 * Which events a provider forwards: an event is queued when at least one of its provider's rules
 * matches it. A provider with no entry forwards everything.
 *
 * - `event`: the event type (GitHub's `X-GitHub-Event`, Slack's `event.type`, PagerDuty's
 *   `event_type` (V3) or `event` (V2 message), incident.io's `event_type`, Jira's `webhookEvent`,
 *   a generic sender's `event_type`/`type`).
 * - `action` (optional): the payload's `action` (GitHub: `opened`, `labeled`, …).
 * - `label` (optional, GitHub only): the label a `labeled`/`unlabeled` event is about (`label.name`).
 * - `where` (optional): payload path → value, or a list of values meaning any of them; every path
 *   must hold (`{"pull_request.merged": true}`).
 */
export interface EventRule {
  event: string;
  action?: string;
  label?: string;
  where?: PayloadConditions;
}

export type EventFilters = Partial<Record<ProviderName, EventRule[]>>;

export class EventFiltersError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EventFiltersError";
  }
}

const text = (what: string) =>
  z
    .string({
      error: (issue) => `${issue.input === undefined ? "is required" : "must be a string"}: ${what}`,
    })
    .check(z.minLength(1, `must not be empty: ${what}`));

const quoted = (keys: readonly string[]) => keys.map((k) => `\`${k}\``).join(", ");
const rule = (shape: Record<string, z.ZodMiniType>) => {
  const keys = `a rule has only ${quoted(Object.keys(shape))}`;
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return `must be a rule object: ${keys}`;
      const githubOnly = issue.keys.includes("label") ? " (`label` is for GitHub rules only)" : "";
      return `unknown ${quoted(issue.keys)}: ${keys}${githubOnly}`;
    },
  });
};
const rules = (shape: Record<string, z.ZodMiniType>) =>
  z.optional(
    z
      .array(rule(shape), { error: "must be an array of rules" })
      .check(z.minLength(1, "must hold at least one rule (leave the provider out to forward everything)")),
  );

/**
 * Built on first use, not at import: PROVIDER_NAMES comes from the registry, which may still be
 * loading when a module it imports (through its providers) imports this one, and most functions
 * never read EVENT_FILTERS, so building it would only cost their cold start.
 */
let schema: z.ZodMiniType | undefined;
const eventFiltersSchema = () => (schema ??= buildEventFiltersSchema());

function buildEventFiltersSchema() {
  const where = z.optional(
    z.unknown().check(
      z.superRefine((value, ctx) => {
        for (const { path, message } of conditionProblems(value)) {
          ctx.addIssue({ code: "custom", message, path, input: value });
        }
      }),
    ),
  );

  const ruleShape = {
    event: text("the event type to forward"),
    action: z.optional(text("the payload's action")),
  };
  return z.strictObject(
    Object.fromEntries(
      PROVIDER_NAMES.map((provider) => [
        provider,
        // Only GitHub events carry a label to match on.
        rules(
          provider === "github"
            ? { ...ruleShape, label: z.optional(text("the label's name")), where }
            : { ...ruleShape, where },
        ),
      ]),
    ),
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `unknown provider ${quoted(issue.keys)}: use ${PROVIDER_NAMES.join(", ")}`
          : "must be a JSON object of provider → rules",
    },
  );
}

/** `EVENT_FILTERS.github[0].where["pull_request.merged"]`: a payload path is quoted, for it holds dots. */
const pathOf = (name: string, path: readonly PropertyKey[]) =>
  name +
  path
    .map((p, i) => {
      if (typeof p === "number") return `[${p}]`;
      return path[i - 1] === "where" ? `[${JSON.stringify(p)}]` : `.${String(p)}`;
    })
    .join("");

/**
 * Validates filters given as JSON text (an environment variable, `-c eventFilters=…`) or as a value
 * already parsed (`cdk.json`). Throws EventFiltersError naming every bad path under `name`.
 */
export function parseEventFilters(raw: unknown, name = "EVENT_FILTERS"): EventFilters {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new EventFiltersError(`${name} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const result = eventFiltersSchema().safeParse(value);
  if (!result.success) {
    throw new EventFiltersError(
      result.error.issues.map((issue) => `${pathOf(name, issue.path)}: ${issue.message}`).join("; "),
    );
  }
  return result.data as EventFilters;
}
