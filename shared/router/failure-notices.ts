import type { EventOutcome } from "../events/event-outcome";
import { pick, str } from "../providers/body";
import type { SlackNotice } from "../slack/slack-notifier";
import type { RoutedRecord } from "./routing-decision";

/** Why the agent did not take an event, for the notice's wording. */
export type FailureKind = "failed" | "dead";

/** The message a Slack-born event came from, so the notice can reply in its thread. */
function triggeringThread(payload: unknown): string | undefined {
  return (
    str(pick(payload, "event", "thread_ts")) ??
    str(pick(payload, "event", "ts")) ??
    str(pick(payload, "container", "thread_ts")) ??
    str(pick(payload, "container", "message_ts")) ??
    str(pick(payload, "message", "ts"))
  );
}

function noticeText(outcome: Omit<EventOutcome, "status">, why: FailureKind, agentStatus?: number): string {
  const team = outcome.org_id && outcome.team_node_id ? ` for ${outcome.org_id}/${outcome.team_node_id}` : "";
  const reason =
    why === "failed"
      ? `the agent${team} refused it${agentStatus ? ` (HTTP ${agentStatus})` : ""}`
      : `the agent${team} could not take it after ${outcome.attempts} attempts`;
  const what = outcome.provider ? `${outcome.provider} ${outcome.event_type ?? "event"}` : "event";
  return `:warning: Sorry, this ${what} was not handled: ${reason}. Reference: event ${outcome.event_id}, correlation ${outcome.correlation_id ?? "unknown"}.`;
}

/**
 * Seed 000: an event the agent will not take is reported to the team. A notice goes to the team's
 * `notify.slack_channel` for events of every provider, and a Slack-born event is also answered in
 * its own channel (in the thread of the message that triggered it). Says nothing about the agent's
 * address or answer body, only the status and the ids an operator looks the event up by.
 */
export function failureNotices(routed: RoutedRecord, why: FailureKind, agentStatus?: number): SlackNotice[] {
  const { outcome, destination } = routed;
  const text = noticeText(outcome, why, agentStatus);
  const notices: SlackNotice[] = [];
  const origin = outcome.provider === "slack" ? outcome.identifiers?.slack_channel_id : undefined;
  if (origin) {
    const threadTs = triggeringThread(routed.payload);
    notices.push({ channel: origin, text, ...(threadTs ? { threadTs } : {}) });
  }
  const teamChannel = destination?.notifyChannel;
  if (teamChannel && teamChannel !== origin) notices.push({ channel: teamChannel, text });
  return notices;
}
