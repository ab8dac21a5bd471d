import { describe, expect, it } from "vitest";
import { DEFAULT_FIELDS } from "../../../shared/sources/default-fields";
import { parseGenericSources } from "../../../shared/sources/source-config";
import { sourceEventFields, sourceIdentifiers } from "../../../shared/sources/source-event";

const config = (source: unknown) =>
  parseGenericSources(JSON.stringify({ src: { scheme: "bearer", ...(source as object) } })).get("src")!;
const raw = Buffer.from("{}");

describe("sourceEventFields with today's defaults", () => {
  it("takes event_type, else type, else generic", () => {
    expect(sourceEventFields(DEFAULT_FIELDS, { event_type: "a", type: "b" }, {}, raw).eventType).toBe("a");
    expect(sourceEventFields(DEFAULT_FIELDS, { type: "b" }, {}, raw).eventType).toBe("b");
    expect(sourceEventFields(DEFAULT_FIELDS, {}, {}, raw).eventType).toBe("generic");
  });

  it("takes x-webhook-id, idempotency-key, event_id, id, else the body's hash", () => {
    const body = { event_id: "e", id: "i" };
    expect(
      sourceEventFields(DEFAULT_FIELDS, body, { "x-webhook-id": "w", "idempotency-key": "k" }, raw)
        .deliveryKey,
    ).toBe("w");
    expect(sourceEventFields(DEFAULT_FIELDS, body, { "idempotency-key": "k" }, raw).deliveryKey).toBe("k");
    expect(sourceEventFields(DEFAULT_FIELDS, body, {}, raw).deliveryKey).toBe("e");
    expect(sourceEventFields(DEFAULT_FIELDS, { id: "i" }, {}, raw).deliveryKey).toBe("i");
    expect(sourceEventFields(DEFAULT_FIELDS, {}, {}, raw).deliveryKey).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("routes by the conventional top-level fields", () => {
    expect(
      sourceIdentifiers(
        DEFAULT_FIELDS,
        { service: " checkout ", team_name: "otel", github_repo: "acme/app" },
        {},
      ),
    ).toEqual({ service: "checkout", coralogix_team_name: "otel", github_repo: "acme/app" });
  });
});

describe("sourceEventFields where a source says", () => {
  const grafana = config({
    event_type: "status",
    delivery_key: [{ header: "x-request-id" }, "groupKey"],
    identifiers: { service: "commonLabels.service", pagerduty_service_id: "alerts[0].labels.pd_service" },
  });
  const body = {
    status: "firing",
    groupKey: '{}:{alertname="HighLatency"}',
    commonLabels: { service: "checkout" },
    alerts: [{ labels: { pd_service: "PSVC1" } }],
    service: "not-this-one",
  };

  it("reads nested paths, array items and headers", () => {
    expect(sourceEventFields(grafana, body, {}, raw)).toEqual({
      eventType: "firing",
      deliveryKey: '{}:{alertname="HighLatency"}',
    });
    expect(sourceEventFields(grafana, body, { "x-request-id": "r-1" }, raw).deliveryKey).toBe("r-1");
    expect(sourceIdentifiers(grafana, body, {})).toEqual({
      service: "checkout",
      pagerduty_service_id: "PSVC1",
    });
  });

  it("falls back to generic and the body's hash when the places are missing or hold no text", () => {
    const fields = sourceEventFields(grafana, { status: { nested: true }, groupKey: 3.5 }, {}, raw);
    expect(fields.eventType).toBe("generic");
    expect(fields.deliveryKey).toMatch(/^sha256:/);
    expect(sourceIdentifiers(grafana, { commonLabels: { service: ["x"] }, alerts: [] }, {})).toEqual({});
  });

  it("takes integer ids as text, but not ones beyond 2^53 that would collide", () => {
    const numbered = config({ delivery_key: "incident.id" });
    expect(sourceEventFields(numbered, { incident: { id: 4711 } }, {}, raw).deliveryKey).toBe("4711");
    const big = JSON.parse('{"incident":{"id":12345678901234567890}}');
    expect(sourceEventFields(numbered, big, {}, raw).deliveryKey).toMatch(/^sha256:/);
  });

  it("reads identifiers from headers too", () => {
    const byHeader = config({ identifiers: { coralogix_team_name: { header: "x-coralogix-team" } } });
    expect(sourceIdentifiers(byHeader, {}, { "x-coralogix-team": "otel-demo" })).toEqual({
      coralogix_team_name: "otel-demo",
    });
  });

  it("passes huge values through whole (the router skips identifiers too long to look up)", () => {
    const huge = "s".repeat(500_000);
    expect(sourceIdentifiers(grafana, { commonLabels: { service: huge } }, {}).service).toHaveLength(500_000);
    expect(sourceEventFields(grafana, { status: huge }, {}, raw).eventType).toBe(huge);
  });
});
