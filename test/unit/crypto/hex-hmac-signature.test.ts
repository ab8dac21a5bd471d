import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signHex, verifyHexSignature } from "../../../shared/crypto/hex-hmac-signature";
import { GENERIC_SIGNATURE } from "../../../shared/providers/generic";
import { GITHUB_SIGNATURE } from "../../../shared/providers/github";
import { JIRA_SIGNATURE } from "../../../shared/providers/jira";
import { PAGERDUTY_SIGNATURE } from "../../../shared/providers/pagerduty";

const hex = (secret: string, body: string | Buffer) =>
  createHmac("sha256", secret).update(body).digest("hex");

describe("signHex", () => {
  it("reproduces GitHub's documented example", () => {
    expect(signHex("It's a Secret to Everybody", "Hello, World!", "sha256=")).toBe(
      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    );
  });

  it("signs raw bytes", () => {
    const body = Buffer.from([0xe2, 0x82, 0xac, 0x00, 0xff]);
    expect(signHex("s", body, "v1=")).toBe(`v1=${hex("s", body)}`);
  });
});

describe("verifyHexSignature: GitHub (X-Hub-Signature-256)", () => {
  const body = Buffer.from("Hello, World!");
  const header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  const secrets = ["It's a Secret to Everybody"];

  it("accepts GitHub's documented vector", () => {
    expect(verifyHexSignature(GITHUB_SIGNATURE, { "x-hub-signature-256": header }, body, secrets)).toEqual({
      ok: true,
    });
  });

  it("accepts upper-case hex digits", () => {
    const upper = `sha256=${header.slice(7).toUpperCase()}`;
    expect(verifyHexSignature(GITHUB_SIGNATURE, { "x-hub-signature-256": upper }, body, secrets).ok).toBe(
      true,
    );
  });

  it("refuses a tampered body", () => {
    const result = verifyHexSignature(
      GITHUB_SIGNATURE,
      { "x-hub-signature-256": header },
      Buffer.from("Hello, World?"),
      secrets,
    );
    expect(result).toEqual({
      ok: false,
      problem: expect.stringMatching(/X-Hub-Signature-256 does not match/),
      mismatch: true,
    });
  });

  it("refuses the wrong secret", () => {
    expect(verifyHexSignature(GITHUB_SIGNATURE, { "x-hub-signature-256": header }, body, ["other"]).ok).toBe(
      false,
    );
  });

  it("accepts either of two active secrets (rotation)", () => {
    expect(
      verifyHexSignature(GITHUB_SIGNATURE, { "x-hub-signature-256": header }, body, [
        "new secret",
        "It's a Secret to Everybody",
      ]).ok,
    ).toBe(true);
  });

  it("names a missing header", () => {
    expect(verifyHexSignature(GITHUB_SIGNATURE, {}, body, secrets)).toEqual({
      ok: false,
      problem: "missing X-Hub-Signature-256 header",
    });
    expect(verifyHexSignature(GITHUB_SIGNATURE, { "x-hub-signature-256": "  " }, body, secrets).ok).toBe(
      false,
    );
  });

  it("does not take the old SHA-1 header instead", () => {
    const sha1 = `sha1=${createHmac("sha1", secrets[0]!).update(body).digest("hex")}`;
    expect(verifyHexSignature(GITHUB_SIGNATURE, { "x-hub-signature": sha1 }, body, secrets).ok).toBe(false);
  });

  it.each([
    "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
    "sha1=abc",
    "v1=abc",
    "sha256",
  ])("names a malformed header %j", (value) => {
    const result = verifyHexSignature(GITHUB_SIGNATURE, { "x-hub-signature-256": value }, body, secrets);
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/must look like sha256=/) });
  });

  it("refuses a truncated digest without throwing", () => {
    expect(
      verifyHexSignature(GITHUB_SIGNATURE, { "x-hub-signature-256": header.slice(0, -2) }, body, secrets).ok,
    ).toBe(false);
  });

  it("refuses the right digest with a digit appended or made non-hex (a lenient hex decoder would drop it)", () => {
    for (const forged of [`${header}0`, `${header.slice(0, -1)}x`, `${header.slice(0, -2)} 0`]) {
      const result = verifyHexSignature(GITHUB_SIGNATURE, { "x-hub-signature-256": forged }, body, secrets);
      expect(result).toEqual({ ok: false, problem: expect.stringMatching(/does not match/) });
    }
  });
});

describe("verifyHexSignature: PagerDuty (several comma-separated v1=)", () => {
  const secret = "pd-secret";
  const body = Buffer.from('{"event":{"id":"01ABC","event_type":"incident.triggered"}}');

  it("accepts a single v1= signature computed independently", () => {
    const header = `v1=${hex(secret, body)}`;
    expect(
      verifyHexSignature(PAGERDUTY_SIGNATURE, { "x-pagerduty-signature": header }, body, [secret]).ok,
    ).toBe(true);
  });

  it("accepts the header when any of several v1= entries matches, in any position", () => {
    for (const header of [
      `v1=${hex("old", body)},v1=${hex(secret, body)}`,
      `v1=${hex(secret, body)}, v1=${hex("old", body)}`,
      `v1=${hex("a", body)}, v1=${hex(secret, body)}, v1=${hex("b", body)}`,
    ]) {
      expect(
        verifyHexSignature(PAGERDUTY_SIGNATURE, { "x-pagerduty-signature": header }, body, [secret]).ok,
      ).toBe(true);
    }
  });

  it("refuses when no entry matches", () => {
    const header = `v1=${hex("a", body)},v1=${hex("b", body)}`;
    expect(
      verifyHexSignature(PAGERDUTY_SIGNATURE, { "x-pagerduty-signature": header }, body, [secret]).ok,
    ).toBe(false);
  });

  it("ignores entries with another scheme version and refuses when only those remain", () => {
    const header = `v0=${hex(secret, body)}`;
    const result = verifyHexSignature(PAGERDUTY_SIGNATURE, { "x-pagerduty-signature": header }, body, [
      secret,
    ]);
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/must look like v1=/) });
    expect(
      verifyHexSignature(
        PAGERDUTY_SIGNATURE,
        { "x-pagerduty-signature": `v2=zzz,v1=${hex(secret, body)}` },
        body,
        [secret],
      ).ok,
    ).toBe(true);
  });
});

describe("verifyHexSignature: Jira (X-Hub-Signature) and generic (X-Webhook-Signature)", () => {
  const body = Buffer.from('{"webhookEvent":"jira:issue_created"}');

  it("reads Jira's header without the -256 suffix", () => {
    const header = `sha256=${hex("jira", body)}`;
    expect(verifyHexSignature(JIRA_SIGNATURE, { "x-hub-signature": header }, body, ["jira"]).ok).toBe(true);
    expect(verifyHexSignature(JIRA_SIGNATURE, { "x-hub-signature-256": header }, body, ["jira"]).ok).toBe(
      false,
    );
  });

  it("reads the generic X-Webhook-Signature header", () => {
    const header = `sha256=${hex("gen", body)}`;
    expect(verifyHexSignature(GENERIC_SIGNATURE, { "x-webhook-signature": header }, body, ["gen"]).ok).toBe(
      true,
    );
  });

  it("does not split a non-rotating header on commas", () => {
    const header = `sha256=${hex("other", body)},sha256=${hex("jira", body)}`;
    expect(verifyHexSignature(JIRA_SIGNATURE, { "x-hub-signature": header }, body, ["jira"]).ok).toBe(false);
  });
});
