import { afterEach, describe, expect, it, vi } from "vitest";
import { generic, UnknownSourceError } from "../../../shared/providers/generic";
import type { RouteMatch } from "../../../shared/providers/provider";
import { SecretNotConfiguredError, SecretReader } from "../../../shared/secrets/secret-reader";
import { UnusableSecretError } from "../../../shared/secrets/unusable-secret-error";
import { ForbiddenIpError } from "../../../shared/sources/ip-allowlist";
import { SourceConfigError } from "../../../shared/sources/source-config";
import { signedGenericRequest, TEST_SECRETS } from "../../support/signed-requests";
import { basic, hmac, sourceRequest } from "../sources/requests";

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
      mismatch: true,
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
        {
          eventType: "alert.fired",
          deliveryKey: "a-1",
          payload: JSON.parse(body),
          payloadText: body,
          identifiers: { service: "checkout" },
        },
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

describe("generic with GENERIC_WEBHOOK_SOURCES", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });
  const configure = (sources: unknown) => vi.stubEnv("GENERIC_WEBHOOK_SOURCES", JSON.stringify(sources));
  const secrets = (map: Record<string, unknown>) =>
    new SecretReader({ GENERIC_WEBHOOK_SECRETS: JSON.stringify(map) }, vi.fn());

  it("verifies a listed source by its own scheme only, any other source as before", () => {
    configure({ legacy: { scheme: "shared-secret" } });
    const shared = sourceRequest({ source: "legacy", headers: { "x-webhook-secret": "s" } });
    expect(generic.verify(shared, ["s"], now)).toEqual({ ok: true });
    const bearer = sourceRequest({ source: "legacy", headers: { authorization: "Bearer s" } });
    expect(generic.verify(bearer, ["s"], now).ok).toBe(false);
    // The same bearer request to a source the configuration does not list keeps today's behaviour.
    expect(generic.verify({ ...bearer, path: "/webhooks/generic/other" }, ["s"], now)).toEqual({ ok: true });
  });

  it("finds the source from a path with a trailing slash", () => {
    configure({ legacy: { scheme: "shared-secret" } });
    const req = sourceRequest({ source: "legacy", headers: { "x-webhook-secret": "s" } });
    expect(generic.verify({ ...req, path: "/webhooks/generic/legacy/" }, ["s"], now)).toEqual({ ok: true });
  });

  it("throws ForbiddenIpError for an address outside allow_ips", () => {
    configure({ jira: { scheme: "query-token", allow_ips: ["10.0.0.0/8"] } });
    const req = sourceRequest({ source: "jira", query: { token: "t" }, sourceIp: "192.0.2.1" });
    expect(() => generic.verify(req, ["t"], now)).toThrow(ForbiddenIpError);
    expect(generic.verify({ ...req, sourceIp: "10.0.0.1" }, ["t"], now)).toEqual({ ok: true });
  });

  it("parses the event type and delivery key where the source says", () => {
    configure({ grafana: { scheme: "hmac-sha256", event_type: "status", delivery_key: "groupKey" } });
    const body = '{"status":"firing","groupKey":"gk-1","event_type":"ignored","id":"ignored"}';
    expect(generic.parse(sourceRequest({ source: "grafana", body }), route("grafana"))).toEqual({
      kind: "events",
      events: [{ eventType: "firing", deliveryKey: "gk-1", payload: JSON.parse(body), payloadText: body }],
    });
  });

  it("keeps today's defaults for a listed source that names no fields", () => {
    configure({ grafana: { scheme: "bearer" } });
    const body = '{"type":"t","event_id":"e"}';
    expect(generic.parse(sourceRequest({ source: "grafana", body }), route("grafana"))).toMatchObject({
      events: [{ eventType: "t", deliveryKey: "e" }],
    });
  });

  it("fails every request on a bad configuration, naming the source and field", async () => {
    configure({ datadog: { scheme: "hmac-sha256", allow_ips: ["10.0.0.300/8"] } });
    const reader = secrets({ datadog: "one" });
    await expect(generic.loadSecrets(reader, route("datadog"))).rejects.toThrow(
      new SourceConfigError(
        'GENERIC_WEBHOOK_SOURCES.datadog.allow_ips[0]: "10.0.0.300/8" is not a CIDR (e.g. 203.0.113.0/24 or 2001:db8::/32)',
      ),
    );
    // Any source: the configuration as a whole is unusable.
    await expect(generic.loadSecrets(reader, route("other"))).rejects.toBeInstanceOf(SourceConfigError);
  });

  it("refuses a basic source's secret that is not user:password, without quoting it", async () => {
    configure({ opsgenie: { scheme: "basic" } });
    const error = await Promise.resolve(
      generic.loadSecrets(secrets({ opsgenie: ["user:pw", "no-colon-secret"] }), route("opsgenie")),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnusableSecretError);
    expect((error as Error).message).toBe(
      "GENERIC_WEBHOOK_SECRETS.opsgenie[1] must be user:password for a basic source",
    );
    await expect(generic.loadSecrets(secrets({ opsgenie: "user:pw" }), route("opsgenie"))).resolves.toEqual([
      "user:pw",
    ]);
    const req = sourceRequest({ source: "opsgenie", headers: { authorization: basic("user:pw") } });
    expect(generic.verify(req, ["user:pw"], now)).toEqual({ ok: true });
  });

  it("still needs the source's secret: a listed source without one is unknown", async () => {
    configure({ grafana: { scheme: "hmac-sha256" } });
    await expect(generic.loadSecrets(secrets({}), route("grafana"))).rejects.toBeInstanceOf(
      UnknownSourceError,
    );
  });

  it("never puts a query token into what it returns", () => {
    configure({ jira: { scheme: "query-token", allow_ips: ["203.0.113.0/24"] } });
    const token = "qt-7f3a9c1e5b";
    const good = sourceRequest({ source: "jira", query: { token } });
    const results = [
      generic.verify(good, [token], now),
      generic.verify(sourceRequest({ source: "jira", query: { token: `${token}x` } }), [token], now),
      generic.parse(good, route("jira")),
    ];
    for (const result of results) expect(JSON.stringify(result)).not.toContain(token.slice(3));
  });

  it("verifies a configured hmac source with a custom header", () => {
    configure({ grafana: { scheme: "hmac-sha256", header: "X-Grafana-Signature", prefix: "" } });
    const body = '{"status":"firing"}';
    const req = sourceRequest({
      source: "grafana",
      body,
      headers: { "x-grafana-signature": hmac("g", body) },
    });
    expect(generic.verify(req, ["g"], now)).toEqual({ ok: true });
  });
});
