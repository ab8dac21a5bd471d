import { describe, expect, it, vi } from "vitest";
import { generic, UnknownSourceError } from "../../../shared/providers/generic";
import type { RouteMatch } from "../../../shared/providers/provider";
import { SecretNotConfiguredError, SecretReader } from "../../../shared/secrets/secret-reader";
import { signedGenericRequest, TEST_SECRETS } from "../../support/signed-requests";

const route = (source: string): RouteMatch => ({
  provider: "generic",
  route: "/webhooks/generic/{source}",
  source,
});
const now = new Date();
const datadog = TEST_SECRETS.generic.datadog!;
const coralogix = TEST_SECRETS.generic.coralogix!;

describe("generic.loadSecrets", () => {
  const reader = new SecretReader(
    { GENERIC_WEBHOOK_SECRETS: JSON.stringify({ datadog: "one", coralogix: ["old", "new"] }) },
    vi.fn(),
  );

  it("reads the source's own secret, or several", async () => {
    await expect(generic.loadSecrets(reader, route("datadog"))).resolves.toEqual(["one"]);
    await expect(generic.loadSecrets(reader, route("coralogix"))).resolves.toEqual(["old", "new"]);
  });

  it("throws UnknownSourceError for a source not in the map", async () => {
    await expect(generic.loadSecrets(reader, route("splunk"))).rejects.toBeInstanceOf(UnknownSourceError);
    await expect(generic.loadSecrets(reader, route("constructor"))).rejects.toBeInstanceOf(
      UnknownSourceError,
    );
  });

  it("throws SecretNotConfiguredError when GENERIC_WEBHOOK_SECRETS is not set at all", async () => {
    await expect(generic.loadSecrets(new SecretReader({}, vi.fn()), route("datadog"))).rejects.toBeInstanceOf(
      SecretNotConfiguredError,
    );
  });
});

describe("generic.verify", () => {
  it("accepts X-Webhook-Signature: sha256=… computed independently", () => {
    expect(generic.verify(signedGenericRequest("datadog"), [datadog], now)).toEqual({ ok: true });
  });

  it("accepts a static bearer token (case-insensitive scheme)", () => {
    const req = signedGenericRequest("coralogix", { auth: "bearer" });
    expect(req.headers.authorization).toBe(`Bearer ${coralogix}`);
    expect(generic.verify(req, [coralogix], now)).toEqual({ ok: true });
    const lower = { ...req, headers: { ...req.headers, authorization: `bearer   ${coralogix}` } };
    expect(generic.verify(lower, [coralogix], now).ok).toBe(true);
  });

  it("accepts either of two active secrets for both methods", () => {
    expect(generic.verify(signedGenericRequest("datadog"), ["old", datadog], now).ok).toBe(true);
    expect(
      generic.verify(signedGenericRequest("coralogix", { auth: "bearer" }), ["old", coralogix], now).ok,
    ).toBe(true);
  });

  it("refuses a wrong token, a tampered body and the wrong secret", () => {
    const bearer = signedGenericRequest("coralogix", { auth: "bearer", secret: "guess" });
    expect(generic.verify(bearer, [coralogix], now)).toEqual({
      ok: false,
      problem: "the bearer token is not one of this source's secrets",
    });
    const signed = signedGenericRequest("datadog");
    expect(generic.verify({ ...signed, rawBody: Buffer.from("{}") }, [datadog], now).ok).toBe(false);
    expect(generic.verify(signed, ["wrong"], now).ok).toBe(false);
  });

  it("lets the signature win over a bearer token when both are sent", () => {
    const req = signedGenericRequest("datadog", {
      headers: { authorization: `Bearer ${datadog}`, "x-webhook-signature": "sha256=00" },
    });
    expect(generic.verify(req, [datadog], now).ok).toBe(false);
  });

  it("refuses missing credentials and other Authorization schemes", () => {
    const none = signedGenericRequest("datadog", { headers: { "x-webhook-signature": undefined } });
    expect(generic.verify(none, [datadog], now)).toEqual({
      ok: false,
      problem: expect.stringMatching(/missing X-Webhook-Signature/),
    });
    const basic = signedGenericRequest("datadog", {
      headers: {
        "x-webhook-signature": undefined,
        authorization: `Basic ${Buffer.from(`u:${datadog}`).toString("base64")}`,
      },
    });
    expect(generic.verify(basic, [datadog], now)).toEqual({
      ok: false,
      problem: "Authorization must be Bearer <token>",
    });
    const empty = signedGenericRequest("datadog", {
      headers: { "x-webhook-signature": undefined, authorization: "Bearer " },
    });
    expect(generic.verify(empty, [datadog], now).ok).toBe(false);
  });
});

describe("generic.parse", () => {
  it("takes event_type (or type) and the best delivery key available", () => {
    const body = JSON.stringify({ event_type: "alert.fired", id: "a-1", service: "checkout" });
    expect(generic.parse(signedGenericRequest("datadog", { body }), route("datadog"))).toEqual({
      kind: "events",
      events: [
        { eventType: "alert.fired", deliveryKey: "a-1", payload: JSON.parse(body), payloadText: body },
      ],
    });
    const withHeader = signedGenericRequest("datadog", { body, headers: { "x-webhook-id": "hdr-1" } });
    expect(generic.parse(withHeader, route("datadog"))).toMatchObject({ events: [{ deliveryKey: "hdr-1" }] });
    const typed = signedGenericRequest("datadog", { body: '{"type":"metric_alert"}' });
    expect(generic.parse(typed, route("datadog"))).toMatchObject({
      events: [{ eventType: "metric_alert", deliveryKey: expect.stringMatching(/^sha256:/) }],
    });
    const untyped = signedGenericRequest("datadog", { body: "{}" });
    expect(generic.parse(untyped, route("datadog"))).toMatchObject({ events: [{ eventType: "generic" }] });
  });

  it("refuses invalid JSON and wrong content types", () => {
    expect(generic.parse(signedGenericRequest("datadog", { body: "" }), route("datadog"))).toMatchObject({
      statusCode: 400,
    });
    expect(
      generic.parse(signedGenericRequest("datadog", { contentType: "text/plain" }), route("datadog")),
    ).toMatchObject({
      statusCode: 415,
    });
  });
});
