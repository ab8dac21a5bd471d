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
