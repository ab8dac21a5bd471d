import { afterEach, describe, expect, it, vi } from "vitest";
import type { WebhookRequest } from "../../../shared/http/webhook-request";
import { verifyRequest } from "../../../shared/ingest/verify-request";
import { matchRoute, PROVIDERS } from "../../../shared/providers/registry";
import { SecretReader } from "../../../shared/secrets/secret-reader";
import { fakeSecretStore, throttled } from "../../support/fake-secret-store";
import {
  signedGenericRequest,
  signedIncidentioRequest,
  signedSlackRequest,
  TEST_SECRETS,
} from "../../support/signed-requests";

const SLACK = "arn:slack";
const GENERIC = "arn:generic";
const INCIDENTIO = "arn:incidentio";
const NEW_SLACK_SECRET = "a-slack-secret-added-for-rotation";

/** A warm function's reader over the store, its cache already filled with the values given. */
async function warmReader(values: Record<string, string>) {
  const store = fakeSecretStore(values);
  const reader = new SecretReader(
    {
      SLACK_SIGNING_SECRET_ARN: SLACK,
      GENERIC_WEBHOOK_SECRETS_ARN: GENERIC,
      INCIDENTIO_WEBHOOK_SECRET_ARN: INCIDENTIO,
      SECRETS_CACHE_SECONDS: "3600",
    },
    store.fetch,
  );
  if (values[SLACK]) await reader.read("SLACK_SIGNING_SECRET");
  if (values[GENERIC]) await reader.read("GENERIC_WEBHOOK_SECRETS");
  if (values[INCIDENTIO]) await reader.read("INCIDENTIO_WEBHOOK_SECRET");
  return { store, reader };
}

/** verifyRequest's answer as it gives it: a value, or a promise where it had to wait. */
const answer = (req: WebhookRequest, reader: SecretReader, now = new Date()) => {
  const route = matchRoute(req.path)!;
  return verifyRequest(PROVIDERS[route.provider], req, route, reader, now);
};

/** The answer awaited, as ingest awaits it. */
const verify = async (req: WebhookRequest, reader: SecretReader, now = new Date()) =>
  answer(req, reader, now);

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("verifyRequest", () => {
  it("accepts a request signed with a secret added after the cache was filled, reading the secret once more", async () => {
    const { store, reader } = await warmReader({ [SLACK]: TEST_SECRETS.slack });
    store.set(SLACK, JSON.stringify([TEST_SECRETS.slack, NEW_SLACK_SECRET]));
    await expect(verify(signedSlackRequest({ secret: NEW_SLACK_SECRET }), reader)).resolves.toBeUndefined();
    expect(store.reads(SLACK)).toBe(2);
    // The old secret still verifies, from the cache.
    await expect(verify(signedSlackRequest(), reader)).resolves.toBeUndefined();
    expect(store.reads(SLACK)).toBe(2);
  });

  it("answers at once, without a promise, a request that verifies with the secret held; a re-read or first read is awaited", async () => {
    const { store, reader } = await warmReader({ [SLACK]: TEST_SECRETS.slack });
    expect(answer(signedSlackRequest(), reader)).toBeUndefined();
    const guess = answer(signedSlackRequest({ secret: "a-guess" }), reader);
    expect(guess).toBeInstanceOf(Promise);
    await expect(guess).resolves.toMatchObject({ statusCode: 401, reason: "bad_signature" });
    const cold = new SecretReader({ SLACK_SIGNING_SECRET_ARN: SLACK }, store.fetch);
    const first = answer(signedSlackRequest(), cold);
    expect(first).toBeInstanceOf(Promise);
    await expect(first).resolves.toBeUndefined();
  });

  it("accepts a Standard Webhooks request signed with a newly added secret", async () => {
    const added = "whsec_bmV3IGluY2lkZW50LmlvIGtleQ==";
    const { store, reader } = await warmReader({ [INCIDENTIO]: TEST_SECRETS.incidentio });
    store.set(INCIDENTIO, JSON.stringify([added]));
    await expect(verify(signedIncidentioRequest({ secret: added }), reader)).resolves.toBeUndefined();
  });

  it("answers a bad signature 401 after one re-read, and the next ones without reading again", async () => {
    const { store, reader } = await warmReader({ [SLACK]: TEST_SECRETS.slack });
    const refusals = [];
    for (let i = 0; i < 20; i++)
      refusals.push(await verify(signedSlackRequest({ secret: "a-guess" }), reader));
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({
        statusCode: 401,
        reason: "bad_signature",
        problem: expect.stringMatching(/does not match/),
      });
    }
    // What the re-read found, for the log: the same value first, then none asked for a minute.
    expect(refusals.map((r) => r && "reread" in r && r.reread)).toEqual([
      "unchanged",
      ...Array(19).fill("too_soon"),
    ]);
    expect(store.reads(SLACK)).toBe(2);
  });

  it("says the re-read found a newer value when the request still matches none of its secrets", async () => {
    const { store, reader } = await warmReader({ [SLACK]: TEST_SECRETS.slack });
    store.set(SLACK, JSON.stringify([TEST_SECRETS.slack, NEW_SLACK_SECRET]));
    await expect(verify(signedSlackRequest({ secret: "a-guess" }), reader)).resolves.toMatchObject({
      statusCode: 401,
      reread: "newer",
    });
  });

  it("answers 401 with the cached value kept when the re-read fails", async () => {
    const { store, reader } = await warmReader({ [SLACK]: TEST_SECRETS.slack });
    store.set(SLACK, throttled());
    const refusal = await verify(signedSlackRequest({ secret: "a-guess" }), reader);
    expect(refusal).toMatchObject({ statusCode: 401, reason: "bad_signature", reread: "failed" });
    expect(JSON.stringify(refusal)).not.toMatch(/Throttl|Rate exceeded/);
    await expect(verify(signedSlackRequest(), reader)).resolves.toBeUndefined();
  });

  it("re-reads nothing for a stale timestamp, a missing header or a malformed signature", async () => {
    const { store, reader } = await warmReader({ [SLACK]: TEST_SECRETS.slack });
    store.set(SLACK, NEW_SLACK_SECRET);
    const stale = signedSlackRequest({ secret: NEW_SLACK_SECRET, now: new Date(Date.now() - 600_000) });
    const unsigned = signedSlackRequest({ headers: { "x-slack-signature": undefined } });
    const malformed = signedSlackRequest({ headers: { "x-slack-signature": "v0=not-hex" } });
    for (const req of [stale, unsigned, malformed]) {
      const refusal = await verify(req, reader);
      expect(refusal).toMatchObject({ statusCode: 401, reason: "bad_signature" });
      expect(refusal).not.toHaveProperty("reread");
    }
    expect(store.reads(SLACK)).toBe(1);
  });

  it("re-reads nothing for an address outside a source's allow_ips", async () => {
    vi.stubEnv(
      "GENERIC_WEBHOOK_SOURCES",
      JSON.stringify({ datadog: { scheme: "hmac-sha256", allow_ips: ["198.51.100.0/24"] } }),
    );
    const { store, reader } = await warmReader({ [GENERIC]: JSON.stringify(TEST_SECRETS.generic) });
    await expect(verify(signedGenericRequest("datadog"), reader)).resolves.toMatchObject({
      statusCode: 403,
      reason: "forbidden_ip",
    });
    expect(store.reads(GENERIC)).toBe(1);
  });

  it("accepts a generic source added to GENERIC_WEBHOOK_SECRETS after the cache was filled", async () => {
    const { store, reader } = await warmReader({ [GENERIC]: JSON.stringify(TEST_SECRETS.generic) });
    store.set(GENERIC, JSON.stringify({ ...TEST_SECRETS.generic, grafana: "grafana-secret" }));
    await expect(
      verify(signedGenericRequest("grafana", { secret: "grafana-secret" }), reader),
    ).resolves.toBeUndefined();
    await expect(verify(signedGenericRequest("nagios"), reader)).resolves.toMatchObject({
      statusCode: 404,
      reason: "unknown_route",
    });
    expect(store.reads(GENERIC)).toBe(2);
  });

  it("answers 503 naming the secret when the re-read finds a value no key can be made of", async () => {
    const { store, reader } = await warmReader({ [SLACK]: TEST_SECRETS.slack });
    store.set(SLACK, "[]");
    await expect(verify(signedSlackRequest({ secret: "a-guess" }), reader)).resolves.toEqual({
      statusCode: 503,
      problem: expect.stringMatching(/SLACK_SIGNING_SECRET is an empty JSON array/),
    });
  });

  it("answers 503 as before when no value can be read at all", async () => {
    const { store, reader } = await warmReader({});
    store.set(SLACK, throttled());
    await expect(verify(signedSlackRequest(), reader)).resolves.toEqual({
      statusCode: 503,
      problem: "cannot read the slack secret: Rate exceeded",
    });
  });
});
