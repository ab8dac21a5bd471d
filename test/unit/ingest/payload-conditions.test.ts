import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { ingestConfigFromEnv } from "../../../shared/config/ingest-config";
import { ingestWebhook } from "../../../shared/ingest/ingest-webhook";
import { envelopeOf, queuedPayloadText } from "../../support/envelopes";
import { testIngestDeps } from "../../support/in-memory-event-queue";
import { signedGithubEvent, signedPagerDutyEvent, toWebhookRequest } from "../../support/signed-requests";

/** Seed 002's deployments (merged pull requests), and PagerDuty V2 incidents of high urgency only. */
const EVENT_FILTERS = JSON.stringify({
  github: [{ event: "pull_request", action: "closed", where: { "pull_request.merged": true } }],
  pagerduty: [{ event: "incident.trigger", where: { "incident.urgency": ["high", "critical"] } }],
});

async function ingest(event: APIGatewayProxyEventV2) {
  const { eventFilters } = ingestConfigFromEnv({ EVENT_FILTERS });
  const deps = testIngestDeps({ config: { ...(eventFilters ? { eventFilters } : {}) } });
  const result = await ingestWebhook(toWebhookRequest(event), deps);
  return { result, queued: deps.queue.messages };
}

/** Seed 002's example payload, as GitHub writes it, with a 64-bit id only its text keeps exact. */
const pullRequest = (merged: string) =>
  `{"action":"closed","pull_request":{"id":12345678901234567890,"number":42,"title":"Fix memory leak","merged":${merged},"base":{"repo":{"full_name":"org/repo"}}}}`;

describe("ingest with payload conditions in EVENT_FILTERS", () => {
  it("queues seed 002's merged pull request verbatim, big integer included", async () => {
    const body = pullRequest("true");
    const { result, queued } = await ingest(signedGithubEvent({ event: "pull_request", body }));
    expect(result).toMatchObject({ statusCode: 200, outcome: "accepted" });
    expect(queued.map((m) => queuedPayloadText(m.body))).toEqual([body]);
  });

  it("ignores a pull request closed without merging, or with `merged` as text", async () => {
    for (const merged of ["false", '"true"', "null"]) {
      const { result, queued } = await ingest(
        signedGithubEvent({ event: "pull_request", body: pullRequest(merged) }),
      );
      expect(result, merged).toMatchObject({
        statusCode: 200,
        outcome: "ignored",
        reason: "filtered: github event pull_request (closed) matches no rule in EVENT_FILTERS",
      });
      expect(queued).toHaveLength(0);
    }
  });

  it("queues only the PagerDuty V2 messages whose own payload holds the condition", async () => {
    const body = `{"messages":[
      {"id":"m-high","event":"incident.trigger","incident":{"id":"I1","urgency":"high"}},
      {"id":"m-low","event":"incident.trigger","incident":{"id":"I2","urgency":"low"}},
      {"id":"m-none","event":"incident.trigger","incident":{"id":"I3"}},
      {"id":"m-critical","event":"incident.trigger","incident":{"id":"I4","urgency":"critical"}}]}`;
    const { result, queued } = await ingest(signedPagerDutyEvent({ body }));
    expect(result).toMatchObject({ statusCode: 200, outcome: "accepted", filtered: 2 });
    expect(queued.map((m) => envelopeOf(m.body).delivery_key)).toEqual(["m-high", "m-critical"]);
  });

  it("fails at cold start naming the bad path", () => {
    const bad = JSON.stringify({ github: [{ event: "pull_request", where: { "pull_request.merged": {} } }] });
    expect(() => ingestConfigFromEnv({ EVENT_FILTERS: bad })).toThrow(
      /^EVENT_FILTERS\.github\[0\]\.where\["pull_request\.merged"\]: must be a string, number, boolean or null/,
    );
  });
});
