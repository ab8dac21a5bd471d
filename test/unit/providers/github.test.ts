import { describe, expect, it, vi } from "vitest";
import { filterEvents } from "../../../shared/filters/filter-events";
import { lowerCaseHeaders } from "../../../shared/http/webhook-request";
import { pick } from "../../../shared/providers/body";
import { github } from "../../../shared/providers/github";
import type { RouteMatch } from "../../../shared/providers/provider";
import {
  hexBodySignature,
  samplePayloads,
  signedGithubRequest,
  TEST_SECRETS,
} from "../../support/signed-requests";

const route: RouteMatch = { provider: "github", route: "/webhooks/github" };
const now = new Date();

describe("github.verify", () => {
  it("accepts GitHub's documented vector", () => {
    const req = signedGithubRequest({
      body: "Hello, World!",
      headers: {
        "x-hub-signature-256": "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
      },
    });
    expect(github.verify(req, ["It's a Secret to Everybody"], now)).toEqual({ ok: true });
  });

  it("accepts a signature computed independently over a JSON body", () => {
    expect(github.verify(signedGithubRequest(), [TEST_SECRETS.github], now).ok).toBe(true);
  });

  it("finds X-Hub-Signature-256 whatever its case", () => {
    const req = signedGithubRequest({ body: "{}" });
    const mixed = {
      ...req,
      headers: lowerCaseHeaders({ "X-Hub-Signature-256": hexBodySignature(TEST_SECRETS.github, "{}") }),
    };
    expect(github.verify(mixed, [TEST_SECRETS.github], now).ok).toBe(true);
  });

  it("refuses a tampered body, the wrong secret and a missing header", () => {
    const req = signedGithubRequest();
    expect(
      github.verify({ ...req, rawBody: Buffer.from(`${req.rawBody} `) }, [TEST_SECRETS.github], now).ok,
    ).toBe(false);
    expect(github.verify(req, ["wrong"], now).ok).toBe(false);
    expect(
      github.verify(
        signedGithubRequest({ headers: { "x-hub-signature-256": undefined } }),
        [TEST_SECRETS.github],
        now,
      ),
    ).toEqual({
      ok: false,
      problem: "missing X-Hub-Signature-256 header",
    });
  });

  it("accepts either of two active secrets", () => {
    expect(github.verify(signedGithubRequest(), ["rotated-in", TEST_SECRETS.github], now).ok).toBe(true);
  });
});

describe("github.parse", () => {
  it("takes the event name from X-GitHub-Event, the action from the body, X-GitHub-Delivery as delivery key", () => {
    const payload = samplePayloads.githubIssue("labeled");
    const req = signedGithubRequest({
      event: "issues",
      delivery: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
      body: JSON.stringify(payload),
    });
    expect(github.parse(req, route)).toEqual({
      kind: "events",
      events: [
        {
          eventType: "issues",
          action: "labeled",
          deliveryKey: "72d3162e-cc78-11e3-81ab-4c9367dc0958",
          payload,
          payloadText: JSON.stringify(payload),
        },
      ],
    });
  });

  it("has no action for events without one", () => {
    const req = signedGithubRequest({ event: "push", body: '{"ref":"refs/heads/main"}' });
    const outcome = github.parse(req, route);
    expect(outcome.kind === "events" && outcome.events[0]).not.toHaveProperty("action");
  });

  it("answers ping without queueing", () => {
    const req = signedGithubRequest({
      event: "ping",
      body: '{"zen":"Keep it logically awesome.","hook_id":1}',
    });
    expect(github.parse(req, route)).toMatchObject({ kind: "ignore", reason: expect.stringMatching(/ping/) });
  });

  it("reads the form content type's payload field", () => {
    const payload = samplePayloads.githubIssue("opened");
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const req = signedGithubRequest({ body, contentType: "application/x-www-form-urlencoded" });
    expect(github.parse(req, route)).toMatchObject({
      kind: "events",
      events: [{ action: "opened", payload, payloadText: JSON.stringify(payload) }],
    });
  });

  it("refuses a missing X-GitHub-Event or X-GitHub-Delivery with 400", () => {
    expect(github.parse(signedGithubRequest({ headers: { "x-github-event": undefined } }), route)).toEqual({
      kind: "invalid",
      statusCode: 400,
      problem: "missing X-GitHub-Event header",
    });
    expect(github.parse(signedGithubRequest({ headers: { "x-github-delivery": undefined } }), route)).toEqual(
      {
        kind: "invalid",
        statusCode: 400,
        problem: "missing X-GitHub-Delivery header",
      },
    );
  });

  it("refuses invalid JSON, an empty body and wrong content types", () => {
    expect(github.parse(signedGithubRequest({ body: "{" }), route)).toMatchObject({ statusCode: 400 });
    expect(github.parse(signedGithubRequest({ body: "" }), route)).toMatchObject({ statusCode: 400 });
    expect(github.parse(signedGithubRequest({ contentType: "text/plain" }), route)).toMatchObject({
      statusCode: 415,
    });
  });

  it("reads the action as JSON.parse would, escapes decoded, the last repetition kept", () => {
    const req = signedGithubRequest({ event: "issues", body: '{"action":"closed","action":"\\u006fpened"}' });
    const outcome = github.parse(req, route);
    expect(outcome.kind === "events" && outcome.events[0]!.action).toBe("opened");
  });

  it("refuses a body that is not a JSON object with the position of the syntax error", () => {
    expect(github.parse(signedGithubRequest({ body: '{"action": "opened",}' }), route)).toMatchObject({
      kind: "invalid",
      statusCode: 400,
      problem: "the request body is not valid JSON (syntax error at character 20)",
    });
    expect(github.parse(signedGithubRequest({ body: '["action"]' }), route)).toMatchObject({
      kind: "invalid",
      statusCode: 400,
      problem: "the request body must be a JSON object",
    });
    expect(github.parse(signedGithubRequest({ event: "ping", body: "{" }), route)).toMatchObject({
      statusCode: 400,
    });
  });

  it("parses a JSON body only when a filter reads inside the payload", () => {
    const payload = samplePayloads.githubIssue("labeled");
    const req = signedGithubRequest({ event: "issues", body: JSON.stringify(payload) });
    const parse = vi.spyOn(JSON, "parse");
    try {
      const outcome = github.parse(req, route);
      const [event] = outcome.kind === "events" ? outcome.events : [];
      expect(parse.mock.calls.some(([text]) => text === req.bodyText)).toBe(false);
      const bug = { event: "issues", action: "labeled", label: pick(payload, "label", "name") as string };
      expect(filterEvents([bug], [event!]).forwarded).toEqual([event]);
      expect(filterEvents([{ ...bug, label: "other" }], [event!]).filtered).toEqual([event]);
      expect(event!.payload).toEqual(payload);
    } finally {
      parse.mockRestore();
    }
  });

  it("accepts application/json; charset=utf-8", () => {
    expect(
      github.parse(signedGithubRequest({ contentType: "application/json; charset=utf-8" }), route).kind,
    ).toBe("events");
  });
});
