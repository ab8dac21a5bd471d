import { describe, expect, it } from "vitest";
import { jira } from "../../../shared/providers/jira";
import type { RouteMatch } from "../../../shared/providers/provider";
import {
  hexBodySignature,
  samplePayloads,
  signedJiraRequest,
  TEST_SECRETS,
} from "../../support/signed-requests";

const route: RouteMatch = { provider: "jira", route: "/webhooks/jira" };
const now = new Date();

describe("jira.verify", () => {
  it("accepts X-Hub-Signature: sha256=… computed independently", () => {
    expect(jira.verify(signedJiraRequest(), [TEST_SECRETS.jira], now)).toEqual({ ok: true });
  });

  it("does not read GitHub's X-Hub-Signature-256 instead", () => {
    const req = signedJiraRequest({ body: "{}" });
    const moved = {
      ...req,
      headers: {
        "x-hub-signature-256": hexBodySignature(TEST_SECRETS.jira, "{}"),
        "content-type": "application/json",
      },
    };
    expect(jira.verify(moved, [TEST_SECRETS.jira], now)).toEqual({
      ok: false,
      problem: "missing X-Hub-Signature header",
    });
  });

  it("refuses a tampered body and the wrong secret, accepts two active secrets", () => {
    const req = signedJiraRequest();
    expect(jira.verify({ ...req, rawBody: Buffer.from("{}") }, [TEST_SECRETS.jira], now).ok).toBe(false);
    expect(jira.verify(req, ["wrong"], now).ok).toBe(false);
    expect(jira.verify(req, ["wrong", TEST_SECRETS.jira], now).ok).toBe(true);
  });
});

describe("jira.parse", () => {
  it("takes webhookEvent as the type and X-Atlassian-Webhook-Identifier as delivery key", () => {
    const payload = samplePayloads.jiraIssueCreated();
    const req = signedJiraRequest({ identifier: "jira-123", body: JSON.stringify(payload) });
    expect(jira.parse(req, route)).toEqual({
      kind: "events",
      events: [
        {
          eventType: "jira:issue_created",
          deliveryKey: "jira-123",
          payload,
          payloadText: JSON.stringify(payload),
        },
      ],
    });
  });

  it("keys on the body's hash without the identifier header: identical for an identical redelivery", () => {
    const body = JSON.stringify(samplePayloads.jiraIssueCreated());
    const a = jira.parse(
      signedJiraRequest({ body, headers: { "x-atlassian-webhook-identifier": undefined } }),
      route,
    );
    const b = jira.parse(
      signedJiraRequest({ body, headers: { "x-atlassian-webhook-identifier": undefined } }),
      route,
    );
    const keyOf = (o: typeof a) => (o.kind === "events" ? o.events[0]!.deliveryKey : "");
    expect(keyOf(a)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(keyOf(a)).toBe(keyOf(b));
  });

  it("refuses invalid JSON and wrong content types", () => {
    expect(jira.parse(signedJiraRequest({ body: "x" }), route)).toMatchObject({ statusCode: 400 });
    expect(
      jira.parse(signedJiraRequest({ contentType: "application/x-www-form-urlencoded" }), route),
    ).toMatchObject({
      statusCode: 415,
    });
  });
});
