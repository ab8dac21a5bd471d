/** The fake GitHub's shape check is only worth its name if it refuses what GitHub would never send. */
import { describe, expect, it } from "vitest";
import { shapeProblems } from "../../support/fake-github/openapi-shapes";

const item = {
  id: 12_000_000_001,
  guid: "0b989ba4-242f-11e5-81e1-c7b6966d2516",
  delivered_at: "2026-12-02T11:00:00Z",
  redelivery: false,
  duration: 0.27,
  status: "OK",
  status_code: 200,
  event: "issues",
  action: "opened",
  installation_id: null,
  repository_id: 1296269,
};

describe("the fake GitHub's OpenAPI shapes", () => {
  it("accepts a documented delivery list, for the App's and a repository's hook", () => {
    expect(shapeProblems("GET", "/app/hook/deliveries", 200, [item, { ...item, action: null }])).toEqual([]);
    expect(shapeProblems("GET", "/repos/{owner}/{repo}/hooks/{hook_id}/deliveries", 200, [item])).toEqual([]);
    expect(
      shapeProblems("POST", "/orgs/{org}/hooks/{hook_id}/deliveries/{delivery_id}/attempts", 202, {}),
    ).toEqual([]);
  });

  it("refuses a missing required field, a wrong type and a date that is no date-time", () => {
    const { action: _, ...noAction } = item;
    expect(shapeProblems("GET", "/app/hook/deliveries", 200, [noAction]).join()).toContain("0.action");
    expect(
      shapeProblems("GET", "/app/hook/deliveries", 200, [{ ...item, status_code: "200" }]).join(),
    ).toContain("status_code");
    expect(
      shapeProblems("GET", "/app/hook/deliveries", 200, [{ ...item, delivered_at: "yesterday" }]).join(),
    ).toContain("delivered_at");
    expect(shapeProblems("GET", "/app/hook/deliveries", 200, item)).not.toEqual([]);
  });

  it("checks an undocumented error status against GitHub's basic error", () => {
    expect(
      shapeProblems("GET", "/app/hook/deliveries", 401, {
        message: "Bad credentials",
        documentation_url: "x",
      }),
    ).toEqual([]);
    expect(shapeProblems("GET", "/app/hook/deliveries", 403, { message: 403 })).not.toEqual([]);
  });

  it("names an endpoint GitHub does not have", () => {
    expect(() => shapeProblems("GET", "/app/hook/nothing", 200, [])).toThrow(
      /has no GET \/app\/hook\/nothing/,
    );
  });
});
