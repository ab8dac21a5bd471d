/** A short notice in a Slack channel (or thread) about an event the agent could not take. */
export interface SlackNotice {
  channel: string;
  text: string;
  /** Reply in this thread (the message that triggered the event), when known. */
  threadTs?: string;
}

/** The router's port onto Slack. */
export interface SlackNotifier {
  /** Posts the notice; throws when Slack refuses it or cannot be reached (the caller logs it). */
  notify(notice: SlackNotice): Promise<void>;
}
