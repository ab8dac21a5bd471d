import { describe, expect, it } from "vitest";
import { REDACTED, redactHeaders } from "../../../../local/console/redact-headers";

describe("redactHeaders", () => {
  it("hides every provider's signature, tokens, credentials and cookies", () => {
    const sensitive = [
      "x-hub-signature-256",
      "x-hub-signature",
      "x-slack-signature",
      "x-pagerduty-signature",
      "webhook-signature",
      "x-notion-signature",
      "x-webhook-signature",
      "authorization",
      "proxy-authorization",
      "x-coralogix-token",
      "x-api-key",
      "x-shared-secret",
      "cookie",
      "X-Custom-HMAC",
    ];
    const headers = Object.fromEntries(sensitive.map((name) => [name, `sha256=${name}-value`]));
    const redacted = redactHeaders(headers);
    for (const name of sensitive) expect(redacted[name], name).toBe(REDACTED);
    expect(JSON.stringify(redacted)).not.toContain("-value");
  });

  it("keeps the headers that say what arrived", () => {
    const headers = {
      "user-agent": "GitHub-Hookshot/abc",
      "content-type": "application/json",
      "x-github-event": "pull_request",
      "x-github-delivery": "5a1e314d",
      "x-slack-request-timestamp": "1700000000",
    };
    expect(redactHeaders(headers)).toEqual(headers);
  });

  it("drops absent values", () => {
    expect(redactHeaders({ a: undefined, b: "1" })).toEqual({ b: "1" });
  });
});
