import { describe, expect, it } from "vitest";
import { filterEvents, filteredReason, matchesRule } from "../../../shared/filters/filter-events";
import type { WebhookEvent } from "../../../shared/providers/provider";

const github = (eventType: string, action?: string, label?: string): WebhookEvent => ({
  eventType,
  ...(action ? { action } : {}),
  deliveryKey: "d",
  payload: { action, ...(label ? { label: { name: label } } : {}) },
  payloadText: "{}",
});

describe("matchesRule", () => {
  const aiRun = { event: "issues", action: "labeled", label: "ai:run" };

  it("matches seed 003's rule: issues, labeled, with the ai:run label only", () => {
    expect(matchesRule(aiRun, github("issues", "labeled", "ai:run"))).toBe(true);
    expect(matchesRule(aiRun, github("issues", "labeled", "bug"))).toBe(false);
    expect(matchesRule(aiRun, github("issues", "opened"))).toBe(false);
    expect(matchesRule(aiRun, github("pull_request", "labeled", "ai:run"))).toBe(false);
    // Case-sensitive, as seed 003 says: `AI:RUN` is another label.
    expect(matchesRule(aiRun, github("issues", "labeled", "AI:RUN"))).toBe(false);
  });

  it("matches any action and label when the rule names none", () => {
    expect(matchesRule({ event: "pull_request" }, github("pull_request", "opened"))).toBe(true);
    expect(matchesRule({ event: "pull_request" }, github("pull_request"))).toBe(true);
    expect(matchesRule({ event: "issues", action: "opened" }, github("issues"))).toBe(false);
  });
});

/** An event whose payload is `text` parsed, as a provider hands it over (the text kept verbatim). */
const eventOf = (eventType: string, text: string, action?: string): WebhookEvent => ({
  eventType,
  ...(action ? { action } : {}),
  deliveryKey: "d",
  payload: JSON.parse(text),
  payloadText: text,
});

describe("matchesRule: payload conditions", () => {
  // Seed 002: a deployment is a pull request closed and merged.
  const merged = { event: "pull_request", action: "closed", where: { "pull_request.merged": true } };
  const pr = (merged: unknown) =>
    eventOf(
      "pull_request",
      JSON.stringify({ action: "closed", pull_request: { id: 123, number: 42, merged } }),
      "closed",
    );

  it("matches seed 002's merged pull requests, and not a closed unmerged one", () => {
    expect(matchesRule(merged, pr(true))).toBe(true);
    expect(matchesRule(merged, pr(false))).toBe(false);
  });

  it('compares by JSON type and value: `"true"` is not `true`, `1` is not `"1"`, `0` is not `false`', () => {
    expect(matchesRule(merged, pr("true"))).toBe(false);
    expect(matchesRule(merged, pr(1))).toBe(false);
    const numbered = { event: "pull_request", where: { "pull_request.number": 42 } };
    expect(matchesRule(numbered, eventOf("pull_request", '{"pull_request":{"number":42}}'))).toBe(true);
    expect(matchesRule(numbered, eventOf("pull_request", '{"pull_request":{"number":42.0}}'))).toBe(true);
    expect(matchesRule(numbered, eventOf("pull_request", '{"pull_request":{"number":"42"}}'))).toBe(false);
    const off = { event: "x", where: { flag: false } };
    expect(matchesRule(off, eventOf("x", '{"flag":0}'))).toBe(false);
    expect(matchesRule(off, eventOf("x", '{"flag":""}'))).toBe(false);
    expect(matchesRule(off, eventOf("x", '{"flag":false}'))).toBe(true);
  });

  it("matches null only where the payload holds null: a missing path is not null", () => {
    const unassigned = { event: "issues", where: { "issue.assignee": null } };
    expect(matchesRule(unassigned, eventOf("issues", '{"issue":{"assignee":null}}'))).toBe(true);
    expect(matchesRule(unassigned, eventOf("issues", '{"issue":{}}'))).toBe(false);
    expect(matchesRule(unassigned, eventOf("issues", "{}"))).toBe(false);
  });

  it("never matches a missing path, or a path through something that is not an object", () => {
    expect(matchesRule(merged, eventOf("pull_request", '{"action":"closed"}', "closed"))).toBe(false);
    expect(matchesRule(merged, eventOf("pull_request", '{"pull_request":null}', "closed"))).toBe(false);
    expect(matchesRule(merged, eventOf("pull_request", '{"pull_request":"merged"}', "closed"))).toBe(false);
    expect(matchesRule(merged, eventOf("pull_request", '{"pull_request":[{"merged":true}]}', "closed"))).toBe(
      false,
    );
    // Inherited members are not the payload's: `constructor` is missing from `{}`.
    const inherited = { event: "x", where: { "a.constructor": "y" } };
    expect(matchesRule(inherited, eventOf("x", '{"a":{}}'))).toBe(false);
  });

  it("compares only scalars: an object or array found at the path matches nothing", () => {
    const rule = { event: "x", where: { a: "b" } };
    expect(matchesRule(rule, eventOf("x", '{"a":["b"]}'))).toBe(false);
    expect(matchesRule(rule, eventOf("x", '{"a":{"b":"b"}}'))).toBe(false);
  });

  it("takes a list as any of its values", () => {
    const rule = { event: "issues", where: { action: ["opened", "reopened"] } };
    expect(matchesRule(rule, eventOf("issues", '{"action":"opened"}'))).toBe(true);
    expect(matchesRule(rule, eventOf("issues", '{"action":"reopened"}'))).toBe(true);
    expect(matchesRule(rule, eventOf("issues", '{"action":"closed"}'))).toBe(false);
    const mixed = { event: "x", where: { v: [1, "1", true, null] } };
    for (const v of ["1", '"1"', "true", "null"])
      expect(matchesRule(mixed, eventOf("x", `{"v":${v}}`))).toBe(true);
    for (const v of ["2", '"true"', "false", '"null"']) {
      expect(matchesRule(mixed, eventOf("x", `{"v":${v}}`))).toBe(false);
    }
  });

  it("requires every path to hold, beside the rule's event, action and label", () => {
    const rule = {
      event: "issues",
      action: "labeled",
      label: "ai:run",
      where: { "repository.full_name": "acme/checkout", "issue.state": "open" },
    };
    const issue = (state: string, repo = "acme/checkout") =>
      eventOf(
        "issues",
        JSON.stringify({ label: { name: "ai:run" }, issue: { state }, repository: { full_name: repo } }),
        "labeled",
      );
    expect(matchesRule(rule, issue("open"))).toBe(true);
    expect(matchesRule(rule, issue("closed"))).toBe(false);
    expect(matchesRule(rule, issue("open", "acme/other"))).toBe(false);
  });

  it("follows array indices", () => {
    const rule = { event: "issues", where: { "issue.labels[1].name": "bug", "matrix[0][1]": 2 } };
    const text = '{"issue":{"labels":[{"name":"ai:run"},{"name":"bug"}]},"matrix":[[1,2]]}';
    expect(matchesRule(rule, eventOf("issues", text))).toBe(true);
    expect(
      matchesRule(rule, eventOf("issues", '{"issue":{"labels":[{"name":"bug"}]},"matrix":[[1,2]]}')),
    ).toBe(false);
    expect(
      matchesRule({ event: "issues", where: { "issue.labels[5].name": "bug" } }, eventOf("issues", text)),
    ).toBe(false);
  });

  it("cannot be fooled by a big integer the payload held: rounded ids are not matched", () => {
    // 2^53 + 1 parses to 2^53; a rule may only name integers a double holds exactly.
    const rule = { event: "x", where: { id: 9007199254740991 } };
    expect(matchesRule(rule, eventOf("x", '{"id":9007199254740991}'))).toBe(true);
    expect(matchesRule(rule, eventOf("x", '{"id":9007199254740993}'))).toBe(false);
    expect(matchesRule(rule, eventOf("x", '{"id":12345678901234567890}'))).toBe(false);
    // Other fields of a payload with big integers are matched as usual.
    const other = { event: "x", where: { "user.login": "octocat" } };
    expect(matchesRule(other, eventOf("x", '{"id":12345678901234567890,"user":{"login":"octocat"}}'))).toBe(
      true,
    );
  });

  it("reads paths from one PagerDuty V2 message, each message on its own", () => {
    const body = `{"messages":[
      {"id":"m1","event":"incident.trigger","incident":{"id":"I1","urgency":"high","service":{"id":"PSVC1"}}},
      {"id":"m2","event":"incident.trigger","incident":{"id":"I2","urgency":"low","service":{"id":"PSVC1"}}}]}`;
    const messages = (JSON.parse(body) as { messages: unknown[] }).messages.map(
      (message): WebhookEvent => ({
        eventType: "incident.trigger",
        deliveryKey: String((message as { id: string }).id),
        payload: message,
        payloadText: JSON.stringify(message),
      }),
    );
    const high = [{ event: "incident.trigger", where: { "incident.urgency": "high" } }];
    const split = filterEvents(high, messages);
    expect(split.forwarded.map((e) => e.deliveryKey)).toEqual(["m1"]);
    expect(split.filtered.map((e) => e.deliveryKey)).toEqual(["m2"]);
  });
});

describe("filterEvents", () => {
  it("forwards everything when the provider has no rules", () => {
    const events = [github("issues", "opened"), github("push")];
    expect(filterEvents(undefined, events)).toEqual({ forwarded: events, filtered: [] });
  });

  it("splits a request's events into forwarded and filtered (PagerDuty V2 bodies hold several)", () => {
    const trigger: WebhookEvent = {
      eventType: "incident.trigger",
      deliveryKey: "1",
      payload: {},
      payloadText: "{}",
    };
    const resolve: WebhookEvent = {
      eventType: "incident.resolve",
      deliveryKey: "2",
      payload: {},
      payloadText: "{}",
    };
    expect(filterEvents([{ event: "incident.trigger" }], [trigger, resolve])).toEqual({
      forwarded: [trigger],
      filtered: [resolve],
    });
  });
});

describe("filteredReason", () => {
  it("says what one filtered event was", () => {
    expect(filteredReason("github", [github("issues", "labeled", "bug")])).toBe(
      "filtered: github event issues (labeled, label bug) matches no rule in EVENT_FILTERS",
    );
    expect(
      filteredReason("slack", [
        { eventType: "reaction_added", deliveryKey: "k", payload: {}, payloadText: "{}" },
      ]),
    ).toBe("filtered: slack event reaction_added matches no rule in EVENT_FILTERS");
  });

  it("summarises several, each kind once", () => {
    const events = ["incident.resolve", "incident.resolve", "incident.annotate"].map(
      (eventType): WebhookEvent => ({ eventType, deliveryKey: eventType, payload: {}, payloadText: "{}" }),
    );
    expect(filteredReason("pagerduty", events)).toBe(
      "filtered: none of the 3 pagerduty events (incident.resolve, incident.annotate) matches a rule in EVENT_FILTERS",
    );
  });
});
