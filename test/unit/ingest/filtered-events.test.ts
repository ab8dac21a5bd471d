import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { ingestWebhook } from "../../../shared/ingest/ingest-webhook";
import { envelopeOf } from "../../support/envelopes";
import { testIngestDeps } from "../../support/in-memory-event-queue";
import { SEED_EVENT_FILTERS } from "../../support/seed-event-filters";
import {
  samplePayloads,
  signedGithubEvent,
  signedJiraEvent,
  signedPagerDutyEvent,
  signedSlackEvent,
  toWebhookRequest,
} from "../../support/signed-requests";

async function ingest(event: APIGatewayProxyEventV2) {
  const deps = testIngestDeps({ config: { eventFilters: SEED_EVENT_FILTERS } });
  const result = await ingestWebhook(toWebhookRequest(event), deps);
  return { result, queued: deps.queue.messages };
}

const githubIssue = (action: string, label: string) =>
  signedGithubEvent({
    body: JSON.stringify({ ...samplePayloads.githubIssue(action), label: { name: label } }),
  });

describe("ingestWebhook with EVENT_FILTERS (the seeds' filters)", () => {
  it("queues seed 003's `issues` event labeled `ai:run`", async () => {
    const { result, queued } = await ingest(githubIssue("labeled", "ai:run"));
    expect(result).toMatchObject({ statusCode: 200, outcome: "accepted" });
    expect(queued).toHaveLength(1);
  });

  it("answers 200 ignored, naming the event, and queues nothing for an event no rule matches", async () => {
    for (const [event, reason] of [
      [githubIssue("labeled", "bug"), "filtered: github event issues (labeled, label bug) matches no rule"],
      [
        githubIssue("opened", "ai:run"),
        "filtered: github event issues (opened, label ai:run) matches no rule",
      ],
      [signedGithubEvent({ event: "push" }), "filtered: github event push (labeled, label ai:run)"],
      [
        signedSlackEvent({
          body: JSON.stringify({
            ...samplePayloads.slackMessage(),
            event: { type: "reaction_added", user: "U1", reaction: "eyes" },
          }),
        }),
        "filtered: slack event reaction_added matches no rule",
      ],
    ] as const) {
      const { result, queued } = await ingest(event);
      expect(result).toMatchObject({
        statusCode: 200,
        outcome: "ignored",
        body: { status: "ignored", reason: expect.stringContaining(reason) },
      });
      expect(queued).toHaveLength(0);
    }
  });

  it("forwards everything from a provider the filters leave out", async () => {
    const { result, queued } = await ingest(signedJiraEvent());
    expect(result.outcome).toBe("accepted");
    expect(queued).toHaveLength(1);
  });

  it("queues only the PagerDuty V2 messages that pass, and ignores a body none of whose messages do", async () => {
    const messages = (...events: string[]) =>
      JSON.stringify({
        messages: events.map((event, i) => ({ id: `m-${i}`, event, incident: { id: `I${i}` } })),
      });
    const mixed = await ingest(
      signedPagerDutyEvent({
        body: messages("incident.triggered", "incident.resolved", "incident.acknowledged"),
      }),
    );
    expect(mixed.result).toMatchObject({ statusCode: 200, outcome: "accepted", filtered: 1 });
    expect(mixed.queued.map((m) => envelopeOf(m.body).event_type)).toEqual([
      "incident.triggered",
      "incident.acknowledged",
    ]);

    const none = await ingest(
      signedPagerDutyEvent({ body: messages("incident.resolved", "incident.annotated") }),
    );
    expect(none.result).toMatchObject({
      statusCode: 200,
      outcome: "ignored",
      reason:
        "filtered: none of the 2 pagerduty events (incident.resolved, incident.annotated) matches a rule in EVENT_FILTERS",
    });
    expect(none.queued).toHaveLength(0);
  });

  it("still answers handshakes and refuses bad signatures before filtering", async () => {
    const challenge = await ingest(
      signedSlackEvent({ body: JSON.stringify({ type: "url_verification", challenge: "c" }) }),
    );
    expect(challenge.result).toMatchObject({
      statusCode: 200,
      outcome: "handshake",
      body: { challenge: "c" },
    });
    const unsigned = await ingest(
      signedGithubEvent({ headers: { "x-hub-signature-256": `sha256=${"0".repeat(64)}` } }),
    );
    expect(unsigned.result.statusCode).toBe(401);
  });
});
