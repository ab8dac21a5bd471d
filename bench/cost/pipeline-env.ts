import { DEV_SECRETS } from "../../local/dev-defaults";
import type { FunctionFacts } from "./stack-facts";

/** Variables the local pipeline sets itself, or that would point the local handlers at AWS. */
const NOT_COPIED = new Set(["PROVIDER", "NODE_OPTIONS", "SLACK_API_URL", "AGENT_URL", "MAX_RECEIVE_COUNT"]);

/**
 * The handlers' configuration as the template gives it (log level, metrics, limits), so the local
 * pipeline logs and decides as the deployed functions would; the development secrets to sign with;
 * and the trace id Lambda sets when tracing is active (Powertools adds it to every log line).
 */
export function pipelineEnvironment(functions: FunctionFacts[], notes: string[]): Record<string, string> {
  const env: Record<string, string> = {
    ...DEV_SECRETS,
    AGENT_URL: "",
    SLACK_API_URL: "",
    POWERTOOLS_DEV: "false",
    POWERTOOLS_LOG_LEVEL: "INFO",
    POWERTOOLS_METRICS_DISABLED: "false",
  };
  const from = new Map<string, string>();
  for (const fn of functions) {
    for (const [name, value] of Object.entries(fn.env)) {
      if (NOT_COPIED.has(name)) continue;
      if (from.has(name) && env[name] !== value) {
        notes.push(
          `${name} differs between ${from.get(name)} and ${fn.logicalId}: the local run uses ${env[name]}`,
        );
        continue;
      }
      env[name] = value;
      from.set(name, fn.logicalId);
    }
    if (fn.applicationLogLevel) env.AWS_LAMBDA_LOG_LEVEL = fn.applicationLogLevel;
  }
  if (functions.some((fn) => fn.tracing === "Active")) {
    env._X_AMZN_TRACE_ID = "Root=1-674cf3a1-5c1d2e3f4a5b6c7d8e9f0a1b;Parent=3c2b1a0f9e8d7c6b;Sampled=1";
  }
  return env;
}
