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
      "EVENT_FILTERS.slack[0]: unknown `label`: a rule has only `event`, `action` (`label` is for GitHub rules only)",
    );
  });

  it("reports every problem at once, under the name it was given", () => {
    const problem = problemOf({ github: [{ event: 1 }], jira: [] });
    expect(problem).toContain("EVENT_FILTERS.github[0].event");
    expect(problem).toContain("EVENT_FILTERS.jira");
    expect(() => parseEventFilters({ slack: [] }, "eventFilters")).toThrow(/^eventFilters.slack: /);
  });
});
