/**
 * Payload texts the soak writes by hand, as senders do: JSON.stringify never produces them, so they
 * show whether the pipeline hands the agent the bytes that were signed or a re-serialised copy.
 * Each keeps the routing identifier it is given at its provider's usual place.
 */

/** Integers no JavaScript number holds: parsed and re-serialised they come back rounded. */
const BIG = "12345678901234567890";

/**
 * Strings that survive only verbatim: emoji (astral characters, refused raw by the local SQS
 * emulator), an escaped astral pair and lone surrogate, a raw U+FFFF (valid JSON, refused raw by
 * SQS), a line separator, and escapes JSON.stringify would write differently.
 */
const AWKWARD_TEXT =
  '🔥 checkout down — naïve café ☕ \\ud83d\\ude80 \\ud800 \uffff \u2028 \\u00e9 \\/ \\"q\\"';

/** A GitHub `pull_request` body: odd spacing (tabs, CRLF, space before colons), keys out of order, big integers. */
export function oddGithubBody(repo: string): string {
  return `{\r\n\t"zz_out_of_order" : -0.0 ,"action" :"opened",
  "number":${BIG},   "pull_request" : { "number" : ${BIG}, "id": 9007199254740993, "ratio": 1.0E+2,
    "title":"${AWKWARD_TEXT}", "state":"open", "labels": [ ] , "draft":false},
  "repository":{"id":1,"name":"mono-repo","full_name":${JSON.stringify(repo)},"private":true},
  "sender":{"login":"octocat"}  }`;
}

/** A generic source's alert: a duplicated key (the last one wins when parsed), nesting, big numbers. */
export function oddGenericBody(id: string, service: string): string {
  return `{ "event_id" : ${JSON.stringify(id)},\r\n "event_type":"alert.triggered",\t"service":${JSON.stringify(service)},
 "count": 98765432109876543210987654321, "threshold": 0.10000000000000000555,
 "labels": {"b":2,"a":1,"a":3}, "summary":"${AWKWARD_TEXT}" }`;
}

/** A Slack `event_callback`, spaced and ordered as no serialiser would, with emoji in the message. */
export function oddSlackEventBody(eventId: string, channel: string, epoch: number): string {
  return `{"event" : {"type":"app_mention", "user":"U0SAMPLE1","text":"<@U0BOT> ${AWKWARD_TEXT} x${BIG}",
 "ts":"${epoch}.000100","channel":${JSON.stringify(channel)},"event_ts":"${epoch}.000100"},
 "type":"event_callback" ,"token":"unused-verification-token","team_id":"T0SAMPLE1","api_app_id":"A0SAMPLE1",
 "event_id":${JSON.stringify(eventId)}, "event_time":${epoch} }`;
}

/** A Slack `block_actions` payload (the JSON inside the form's `payload` field). */
export function oddSlackInteractionPayload(triggerId: string, channel: string, epoch: number): string {
  return `{ "type":"block_actions", "trigger_id":${JSON.stringify(triggerId)},
 "user":{"id":"U0SAMPLE1"} , "channel":{"id":${JSON.stringify(channel)}},
 "container":{"type":"message","channel_id":${JSON.stringify(channel)},"message_ts":"${epoch}.000100"},
 "actions":[{"action_id":"ack","action_ts":"${epoch}.000200","type":"button","value":"${AWKWARD_TEXT}","n":${BIG}}] }`;
}

/** PagerDuty V2 messages, each its own text; the body holds them as written. */
export function pagerDutyV2Messages(ids: readonly [string, string], serviceId: string): [string, string] {
  const service = JSON.stringify(serviceId);
  return [
    `{ "id":${JSON.stringify(ids[0])} , "event":"incident.trigger",
    "incident": { "id":"Q0SOAK1", "number": ${BIG}, "urgency":"high", "service": {"id":${service},"name":"checkout"} } }`,
    `{"event":"incident.acknowledge","id":${JSON.stringify(ids[1])},"incident":{"service":{"id":${service}},"title":"${AWKWARD_TEXT}"}}`,
  ];
}

export const pagerDutyV2Body = (messages: readonly string[]): string =>
  `{ "messages" : [\n  ${messages.join(" ,\n  ")}\n ] }`;

/** A GitHub body with a pull request description of about `bytes` bytes (emoji included). */
export function largeGithubBody(repo: string, bytes: number): string {
  const line = "Checkout p99 above 2 s since the deploy 🔥; rollback pending, see the runbook. ";
  const description = line.repeat(Math.ceil(bytes / Buffer.byteLength(line)));
  return JSON.stringify({
    action: "opened",
    number: 7,
    pull_request: { number: 7, title: "Large description", state: "open", body: description },
    repository: { id: 1, name: "mono-repo", full_name: repo, private: true },
    sender: { login: "octocat" },
  });
}

/** A GitHub body with `depth` levels of nesting under one field (objects and arrays in turn). */
export function deepGithubBody(repo: string, depth: number): string {
  const pairs = Math.ceil(depth / 2);
  const nested = `${'{"n":['.repeat(pairs)}"bottom"${"]}".repeat(pairs)}`;
  return `{"action":"opened","number":8,"pull_request":{"number":8,"title":"Deep","state":"open"},"repository":{"id":1,"name":"mono-repo","full_name":${JSON.stringify(repo)},"private":true},"sender":{"login":"octocat"},"nested":${nested}}`;
}
