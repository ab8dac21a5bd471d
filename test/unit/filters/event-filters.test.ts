import { describe, expect, it } from "vitest";
import { EventFiltersError, parseEventFilters } from "../../../shared/filters/event-filters";
import { SEED_EVENT_FILTERS as SEED_FILTERS } from "../../support/seed-event-filters";

const problemOf = (raw: unknown) => {
  try {
    parseEventFilters(raw);
    return "accepted";
  } catch (error) {
    expect(error).toBeInstanceOf(EventFiltersError);
    return (error as Error).message;
  }
};

describe("parseEventFilters", () => {
  it("reads the seeds' filters from JSON text or from a parsed value", () => {
    expect(parseEventFilters(JSON.stringify(SEED_FILTERS))).toEqual(SEED_FILTERS);
    expect(parseEventFilters(SEED_FILTERS)).toEqual(SEED_FILTERS);
    expect(parseEventFilters("{}")).toEqual({});
  });

  it("names the bad path and what is wrong with it", () => {
    expect(problemOf("{not json")).toMatch(/^EVENT_FILTERS is not valid JSON/);
    expect(problemOf("[]")).toBe("EVENT_FILTERS: must be a JSON object of provider → rules");
    expect(problemOf({ githb: [{ event: "issues" }] })).toMatch(
      /^EVENT_FILTERS: unknown provider `githb`: use slack, github, /,
    );
    expect(problemOf({ github: {} })).toBe("EVENT_FILTERS.github: must be an array of rules");
    expect(problemOf({ github: [] })).toMatch(/^EVENT_FILTERS.github: must hold at least one rule/);
    expect(problemOf({ github: [{}] })).toMatch(/^EVENT_FILTERS.github\[0\].event: is required/);
    expect(problemOf({ github: [{ event: "" }] })).toMatch(
      /^EVENT_FILTERS.github\[0\].event: must not be empty/,
    );
    expect(problemOf({ github: [{ event: "issues", action: 3 }] })).toMatch(
      /^EVENT_FILTERS.github\[0\].action: must be a string/,
    );
    expect(problemOf({ github: [{ event: "issues", lable: "ai:run" }] })).toMatch(
      /^EVENT_FILTERS.github\[0\]: unknown `lable`: a rule has only `event`, `action`, `label`/,
    );
  });

  it("allows `label` in GitHub rules only", () => {
    expect(problemOf({ slack: [{ event: "message", label: "x" }] })).toBe(
      "EVENT_FILTERS.slack[0]: unknown `label`: a rule has only `event`, `action`, `where` (`label` is for GitHub rules only)",
    );
  });

  it("reports every problem at once, under the name it was given", () => {
    const problem = problemOf({ github: [{ event: 1 }], jira: [] });
    expect(problem).toContain("EVENT_FILTERS.github[0].event");
    expect(problem).toContain("EVENT_FILTERS.jira");
    expect(() => parseEventFilters({ slack: [] }, "eventFilters")).toThrow(/^eventFilters.slack: /);
  });

  it("reads payload conditions: seed 002's merged pull requests, lists meaning any of, every JSON scalar", () => {
    const filters = {
      github: [
        { event: "pull_request", action: "closed", where: { "pull_request.merged": true } },
        { event: "issues", where: { action: ["opened", "reopened"], "labels[0].name": "bug" } },
      ],
      pagerduty: [
        { event: "incident.trigger", where: { "incident.urgency": "high", "incident.number": 42 } },
      ],
      generic: [{ event: "alert.fired", where: { severity: ["p1", "p2"], resolved: null, ratio: 0.5 } }],
    };
    expect(parseEventFilters(JSON.stringify(filters))).toEqual(filters);
    expect(parseEventFilters(filters)).toEqual(filters);
  });

  it("names the bad payload path, quoted, and what is wrong with it", () => {
    const rule = (where: unknown) => ({ github: [{ event: "pull_request", where }] });
    const cases: Array<[unknown, string]> = [
      [
        { "pull_request.merged": {} },
        'EVENT_FILTERS.github[0].where["pull_request.merged"]: must be a string, number, boolean or null, or a non-empty array of them (any of)',
      ],
      [
        { "pull_request.merged": [] },
        'EVENT_FILTERS.github[0].where["pull_request.merged"]: must be a string, number, boolean or null, or a non-empty array of them (any of), not an empty array',
      ],
      [
        { action: ["opened", ["closed"]] },
        'EVENT_FILTERS.github[0].where["action"][1]: must be a string, number, boolean or null, or a non-empty array of them (any of)',
      ],
      [
        // As EVENT_FILTERS text carries it: parsed, it is already rounded.
        JSON.parse('{"pull_request.id": 12345678901234567890}'),
        'EVENT_FILTERS.github[0].where["pull_request.id"]: is an integer beyond ±2^53, which cannot be compared exactly: filter on another field',
      ],
      [
        { "pull_request..merged": true },
        'EVENT_FILTERS.github[0].where["pull_request..merged"]: is not a payload path (an empty name): write names joined by dots, each optionally followed by [index] (`labels[0].name`)',
      ],
      [{ "": true }, 'EVENT_FILTERS.github[0].where[""]: is not a payload path (an empty name)'],
      [
        { ".merged": true },
        'EVENT_FILTERS.github[0].where[".merged"]: is not a payload path (an empty name)',
      ],
      [
        { "labels[x].name": "bug" },
        'EVENT_FILTERS.github[0].where["labels[x].name"]: is not a payload path (`labels[x]`)',
      ],
      [
        { "labels[01].name": "bug" },
        'EVENT_FILTERS.github[0].where["labels[01].name"]: is not a payload path (`labels[01]`)',
      ],
      [{ "[0].name": "bug" }, 'EVENT_FILTERS.github[0].where["[0].name"]: is not a payload path (`[0]`)'],
      [{ "labels]": "bug" }, 'EVENT_FILTERS.github[0].where["labels]"]: is not a payload path (`labels]`)'],
      [
        {},
        "EVENT_FILTERS.github[0].where: must hold at least one payload path (leave `where` out to match any payload)",
      ],
      [
        [{ "pull_request.merged": true }],
        "EVENT_FILTERS.github[0].where: must be an object of payload path → value (or array of values)",
      ],
      [
        "pull_request.merged",
        "EVENT_FILTERS.github[0].where: must be an object of payload path → value (or array of values)",
      ],
      [null, "EVENT_FILTERS.github[0].where: must be an object of payload path → value (or array of values)"],
    ];
    for (const [where, problem] of cases) {
      const found = problemOf(rule(where));
      // One bad path, one problem: the message is that problem alone.
      expect(found.startsWith(problem) && !found.includes("; "), `${JSON.stringify(where)} → ${found}`).toBe(
        true,
      );
    }
  });

  it("reports every bad payload path at once", () => {
    const problem = problemOf({
      slack: [{ event: "message", where: { "event.channel": ["C1", {}], "event..user": "U1" } }],
    });
    expect(problem).toContain('EVENT_FILTERS.slack[0].where["event.channel"][1]: must be');
    expect(problem).toContain('EVENT_FILTERS.slack[0].where["event..user"]: is not a payload path');
  });
});
