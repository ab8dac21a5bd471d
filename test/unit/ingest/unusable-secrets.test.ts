import { createHmac } from "node:crypto";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import { testIngestDeps } from "../../support/in-memory-event-queue";
import { spyOnObservability } from "../../support/observability-spies";
import {
  signedGenericEvent,
  signedGithubEvent,
  signedIncidentioEvent,
  signedJiraEvent,
  signedPagerDutyEvent,
  signedSlackEvent,
  unixSeconds,
} from "../../support/signed-requests";
import { expectNoSecretIn } from "../secrets/secret-fragments";

let spies: ReturnType<typeof spyOnObservability>;
beforeEach(() => {
  spies = spyOnObservability();
});
afterEach(() => {
  spies.restore();
});

/** Secret material that must never show: each case's value is built around it. */
const MATERIAL = "Zq7xK9pWm2Rt5yU8";

interface Case {
  value: string;
  /** What the log line must say is wrong (it always names the secret first). */
  problem: RegExp;
  /** What must not show, in whole or in any 4-character part. */
  secrets: string[];
  /** Public placeholder text, made of words the errors use: it must not show in whole. */
  placeholder?: true;
}

const plainCases = (name: string): Case[] => [
  { value: "   ", problem: /is empty/, secrets: [] },
  { value: "[]", problem: /is an empty JSON array/, secrets: [] },
  { value: '[""]', problem: /\[0\] is empty/, secrets: [] },
  { value: '["", " "]', problem: /\[0\] is empty/, secrets: [] },
  { value: `["${MATERIAL}",""]`, problem: /\[1\] is empty/, secrets: [MATERIAL] },
  {
    value: `["${MATERIAL}"`,
    problem: /is not valid JSON \(syntax error at character \d+\)/,
    secrets: [MATERIAL],
  },
  { value: `["${MATERIAL}",]`, problem: /is not valid JSON/, secrets: [MATERIAL] },
  { value: `[${MATERIAL}]`, problem: /is not valid JSON/, secrets: [MATERIAL] },
  { value: `["${MATERIAL}",42]`, problem: /\[1\] must be a string, not number/, secrets: [MATERIAL] },
  { value: `<${name} secret>`, problem: /still holds a placeholder/, secrets: [], placeholder: true },
];

const standardWebhooksCases: Case[] = [
  { value: "whsec_…", problem: /is not a usable Standard Webhooks secret/, secrets: [], placeholder: true },
  { value: "whsec_", problem: /is not a usable Standard Webhooks secret/, secrets: [] },
  {
    value: "whsec_<base64 key the agent verifies with>",
    problem: /is not a usable Standard Webhooks secret/,
    secrets: [],
    placeholder: true,
  },
  { value: `whsec_${MATERIAL}Q`, problem: /is not a usable Standard Webhooks secret/, secrets: [MATERIAL] },
  {
    value: `whsec_${MATERIAL}!!==`,
    problem: /is not a usable Standard Webhooks secret/,
    secrets: [MATERIAL],
  },
  { value: `["whsec_${MATERIAL}", "whsec_"]`, problem: /\[1\] is not a usable/, secrets: [MATERIAL] },
  { value: " \n ", problem: /is empty/, secrets: [] },
  { value: "[]", problem: /is an empty JSON array/, secrets: [] },
  { value: '[""]', problem: /\[0\] is empty/, secrets: [] },
  { value: `["whsec_${MATERIAL}"`, problem: /is not valid JSON/, secrets: [MATERIAL] },
];

const genericCases: Case[] = [
  { value: '{"datadog":""}', problem: /\["datadog"\] is empty/, secrets: [] },
  { value: '{"datadog":"  "}', problem: /\["datadog"\] is empty/, secrets: [] },
  { value: '{"datadog":null}', problem: /\["datadog"\] must be a string, not null/, secrets: [] },
  { value: '{"datadog":42}', problem: /\["datadog"\] must be a string, not number/, secrets: [] },
  { value: '{"datadog":{"a":"b"}}', problem: /\["datadog"\] must be a string, not object/, secrets: [] },
  { value: '{"datadog":[]}', problem: /\["datadog"\] is an empty JSON array/, secrets: [] },
  { value: `{"datadog":["${MATERIAL}",""]}`, problem: /\["datadog"\]\[1\] is empty/, secrets: [MATERIAL] },
  {
    value: '{"datadog":"<hmac secret>"}',
    problem: /\["datadog"\] still holds a placeholder/,
    secrets: [],
    placeholder: true,
  },
  { value: `{"datadog":"${MATERIAL}"`, problem: /is not valid JSON \(syntax error/, secrets: [MATERIAL] },
  { value: `{"datadog":${MATERIAL}}`, problem: /is not valid JSON/, secrets: [MATERIAL] },
  { value: `["${MATERIAL}"]`, problem: /must be a JSON object .* not an array/, secrets: [MATERIAL] },
  { value: "  ", problem: /is empty/, secrets: [] },
];

const providers: Array<{ name: string; event: () => APIGatewayProxyEventV2; cases: Case[] }> = [
  { name: "SLACK_SIGNING_SECRET", event: () => signedSlackEvent(), cases: plainCases("Slack") },
  { name: "GITHUB_WEBHOOK_SECRET", event: () => signedGithubEvent(), cases: plainCases("GitHub") },
  { name: "PAGERDUTY_WEBHOOK_SECRET", event: () => signedPagerDutyEvent(), cases: plainCases("PagerDuty") },
  { name: "JIRA_WEBHOOK_SECRET", event: () => signedJiraEvent(), cases: plainCases("Jira") },
  { name: "INCIDENTIO_WEBHOOK_SECRET", event: () => signedIncidentioEvent(), cases: standardWebhooksCases },
  { name: "GENERIC_WEBHOOK_SECRETS", event: () => signedGenericEvent("datadog"), cases: genericCases },
];

describe("ingest with an unusable secret", () => {
  for (const { name, event, cases } of providers) {
    it(`answers 503 naming ${name}, quoting none of it, for every malformed value`, async () => {
      for (const { value, problem, secrets, placeholder } of cases) {
        spies.restore();
        spies = spyOnObservability();
        const deps = testIngestDeps({ env: { [name]: value } });
        const response = await createIngestHandler(() => deps)(event());
        expect(response.statusCode, value).toBe(503);
        expect(response.headers).toMatchObject({ "retry-after": "30" });
        expect(deps.queue.messages).toHaveLength(0);
        const logs = spies.logText();
        expect(logs, value).toContain(`"problem":"cannot read the `);
        const logged = JSON.parse(logs.split("\n").at(-1)!)[1].problem as string;
        expect(logged.slice(logged.indexOf(name)), value).toMatch(new RegExp(`^${name}\\S* `));
        expect(logged, value).toMatch(problem);
        for (const text of [logs, response.body ?? "", JSON.stringify(response.headers)]) {
          expectNoSecretIn(text, secrets);
          if (placeholder) expect(text).not.toContain(value.replace(/^\{"datadog":"(.*)"\}$/, "$1"));
        }
      }
    });
  }

  it("refuses the empty-key signature anyone can make for the README's `whsec_…` placeholder", async () => {
    const now = new Date();
    const body = '{"event_type":"public_incident.incident_created_v2"}';
    const forged = createHmac("sha256", Buffer.alloc(0))
      .update(`msg_forged.${unixSeconds(now)}.${body}`)
      .digest("base64");
    const deps = testIngestDeps({ env: { INCIDENTIO_WEBHOOK_SECRET: "whsec_…" } });
    const response = await createIngestHandler(() => deps)(
      signedIncidentioEvent({
        body,
        now,
        id: "msg_forged",
        headers: { "webhook-signature": `v1,${forged}` },
      }),
    );
    expect(response.statusCode).toBe(503);
    expect(deps.queue.messages).toHaveLength(0);
    expect(spies.logText()).toContain(
      "INCIDENTIO_WEBHOOK_SECRET is not a usable Standard Webhooks secret: after whsec_ it must be base64 of at least 1 byte",
    );
  });

  it("answers again as soon as the secret is fixed", async () => {
    const env = { GITHUB_WEBHOOK_SECRET: "[]" };
    const deps = testIngestDeps({ env });
    const handler = createIngestHandler(() => deps);
    expect((await handler(signedGithubEvent())).statusCode).toBe(503);
    deps.secrets = testIngestDeps().secrets;
    expect((await handler(signedGithubEvent())).statusCode).toBe(200);
  });

  it("keeps every other generic source working when one source's entry is unusable", async () => {
    const secrets = '{"datadog":"","coralogix":"coralogix-static-token-123"}';
    const deps = testIngestDeps({ env: { GENERIC_WEBHOOK_SECRETS: secrets } });
    const handler = createIngestHandler(() => deps);
    expect((await handler(signedGenericEvent("datadog"))).statusCode).toBe(503);
    expect((await handler(signedGenericEvent("coralogix", { auth: "bearer" }))).statusCode).toBe(200);
    expect((await handler(signedGenericEvent("unlisted"))).statusCode).toBe(404);
  });
});
