import type { Envelope } from "../envelope/envelope";
import type { EventOutcome } from "../events/event-outcome";
import { pick, str } from "../providers/body";
import type { SlackNotice } from "../slack/slack-notifier";

/**
 * The short notice posted to a Slack channel when the agent will not take an event from it: in the
 * thread of the message that triggered it when the payload names one. Says nothing about the agent's
 * address or answer body, only the status and the ids an operator looks the event up by.
 * Undefined when the event did not come from a Slack channel.
 */
export function slackFailureNotice(
  envelope: Envelope,
  outcome: Omit<EventOutcome, "status">,
  why: "failed" | "dead",
  agentStatus?: number,
): SlackNotice | undefined {
  const channel = envelope.provider === "slack" ? outcome.identifiers?.slack_channel_id : undefined;
  if (!channel) return undefined;
  const p = envelope.payload;
  const threadTs =
    str(pick(p, "event", "thread_ts")) ??
    str(pick(p, "event", "ts")) ??
    str(pick(p, "container", "thread_ts")) ??
    str(pick(p, "container", "message_ts")) ??
    str(pick(p, "message", "ts"));
  const team = outcome.org_id && outcome.team_node_id ? ` for ${outcome.org_id}/${outcome.team_node_id}` : "";
  const reason =
    why === "failed"
      ? `the agent${team} refused it${agentStatus ? ` (HTTP ${agentStatus})` : ""}`
      : `the agent${team} could not take it after ${outcome.attempts} attempts`;
  return {
    channel,
    text: `:warning: Sorry, this request was not handled: ${reason}. Reference: event ${envelope.id}, correlation ${envelope.correlation_id}.`,
    ...(threadTs ? { threadTs } : {}),
  };
}
