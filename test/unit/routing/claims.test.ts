import { describe, expect, it } from "vitest";
import {
  claimPk,
  claimRefsOf,
  PARTITION_KEY_MAX_BYTES,
  unusableLookupKey,
} from "../../../shared/routing/claims";
import { IDENTIFIER_PRIORITY } from "../../../shared/routing/identifiers";

/** The longest value of `kind` whose claim key still fits, in bytes. */
const room = (kind: (typeof IDENTIFIER_PRIORITY)[number]) =>
  PARTITION_KEY_MAX_BYTES - Buffer.byteLength(`CLAIM#${kind}#`);

describe("unusableLookupKey", () => {
  it("accepts ordinary identifiers", () => {
    expect(unusableLookupKey("slack_channel_id", "C0A4967KRBM")).toBeUndefined();
    expect(unusableLookupKey("github_repo", " IncidentFox/Mono-Repo ")).toBeUndefined();
    expect(unusableLookupKey("service", "paiement-é✓")).toBeUndefined();
  });

  it.each(IDENTIFIER_PRIORITY)(
    "%s: accepts a key of exactly 2048 bytes and refuses one byte more",
    (kind) => {
      const fits = "a".repeat(room(kind));
      expect(Buffer.byteLength(claimPk({ kind, value: fits }))).toBe(PARTITION_KEY_MAX_BYTES);
      expect(unusableLookupKey(kind, fits)).toBeUndefined();
      expect(unusableLookupKey(kind, `${fits}a`)).toBe(
        `${kind} is ${room(kind) + 1} bytes; a routing key holds at most ${room(kind)} bytes of a ${kind} ` +
          "(DynamoDB's 2048-byte key limit)",
      );
    },
  );

  it("counts UTF-8 bytes, not characters", () => {
    const kind = "service";
    // 700 characters of 3 bytes each: 2100 bytes.
    expect(unusableLookupKey(kind, "✓".repeat(700))).toMatch(
      /^service is 2100 bytes; a routing key holds at most/,
    );
    expect(unusableLookupKey(kind, "a".repeat(700))).toBeUndefined();
  });

  it("measures the value as it is looked up: trimmed (and lower-cased for GitHub)", () => {
    const kind = "github_repo";
    expect(unusableLookupKey(kind, `   ${"a".repeat(room(kind))}   `)).toBeUndefined();
    expect(unusableLookupKey(kind, "x".repeat(3000))).toBe(
      `github_repo is 3000 bytes; a routing key holds at most ${room(kind)} bytes of a github_repo ` +
        "(DynamoDB's 2048-byte key limit)",
    );
  });

  it("refuses a value that is empty once trimmed", () => {
    expect(unusableLookupKey("slack_channel_id", "")).toBe(
      "slack_channel_id is empty once trimmed, so it names nothing to look up",
    );
    expect(unusableLookupKey("service", " \t\n ")).toMatch(/^service is empty once trimmed/);
  });
});

describe("claimRefsOf", () => {
  it("keeps the usable identifiers of an event, in priority order, and drops the unusable ones", () => {
    expect(
      claimRefsOf({
        service: "payment",
        github_repo: "x".repeat(3000),
        slack_channel_id: "  ",
        pagerduty_service_id: "PXXXXXX",
      }),
    ).toEqual([
      { kind: "pagerduty_service_id", value: "PXXXXXX" },
      { kind: "service", value: "payment" },
    ]);
  });
});
