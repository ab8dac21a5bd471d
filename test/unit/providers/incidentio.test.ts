import { describe, expect, it } from "vitest";
import { incidentio } from "../../../shared/providers/incidentio";
import type { RouteMatch } from "../../../shared/providers/provider";
import {
  samplePayloads,
  signedIncidentioRequest,
  standardWebhookSignature,
  TEST_SECRETS,
} from "../../support/signed-requests";

const route: RouteMatch = { provider: "incidentio", route: "/webhooks/incidentio" };

describe("incidentio.verify", () => {
  it("accepts a Standard Webhooks signature computed independently with the whsec_ key", () => {
    const req = signedIncidentioRequest();
    expect(incidentio.verify(req, [TEST_SECRETS.incidentio], req.receivedAt)).toEqual({ ok: true });
  });

  it("accepts the svix-* header names", () => {
    const req = signedIncidentioRequest({ headerPrefix: "svix" });
    expect(req.headers["svix-signature"]).toBeDefined();
    expect(req.headers["webhook-signature"]).toBeUndefined();
    expect(incidentio.verify(req, [TEST_SECRETS.incidentio], req.receivedAt).ok).toBe(true);
  });

  it("accepts a match anywhere in the space-separated list", () => {
    const req = signedIncidentioRequest({
      extraSignatures: [standardWebhookSignature("whsec_cmV0aXJlZA==", "x", 1, "y"), "v1,bm90IGl0"],
    });
    expect(req.headers["webhook-signature"]!.split(" ")).toHaveLength(3);
    expect(incidentio.verify(req, [TEST_SECRETS.incidentio], req.receivedAt).ok).toBe(true);
  });

  it("accepts either of two active secrets", () => {
    const req = signedIncidentioRequest({ secret: "whsec_bmV3LXNlY3JldC1rZXk=" });
    expect(
      incidentio.verify(req, [TEST_SECRETS.incidentio, "whsec_bmV3LXNlY3JldC1rZXk="], req.receivedAt).ok,
    ).toBe(true);
  });

  it("refuses the wrong secret and stale or future timestamps", () => {
    const req = signedIncidentioRequest();
    expect(incidentio.verify(req, ["whsec_d3Jvbmc="], req.receivedAt).ok).toBe(false);
    const sixMinutes = 6 * 60 * 1000;
    expect(
      incidentio.verify(req, [TEST_SECRETS.incidentio], new Date(req.receivedAt.getTime() + sixMinutes)).ok,
    ).toBe(false);
    expect(
      incidentio.verify(req, [TEST_SECRETS.incidentio], new Date(req.receivedAt.getTime() - sixMinutes)).ok,
    ).toBe(false);
  });
});

describe("incidentio.parse", () => {
  it("queues the event with webhook-id as delivery key and event_type", () => {
    const payload = samplePayloads.incidentioAlert();
    const req = signedIncidentioRequest({ id: "msg_2abc", body: JSON.stringify(payload) });
    expect(incidentio.parse(req, route)).toEqual({
      kind: "events",
      events: [
        {
          eventType: "public_alert.alert_created_v1",
          deliveryKey: "msg_2abc",
          payload,
          payloadText: JSON.stringify(payload),
        },
      ],
    });
  });

  it("takes svix-id as delivery key under Svix's header names", () => {
    const req = signedIncidentioRequest({ id: "msg_svix", headerPrefix: "svix" });
    expect(incidentio.parse(req, route)).toMatchObject({ events: [{ deliveryKey: "msg_svix" }] });
  });

  it("refuses a body without event_type, invalid JSON and wrong content types", () => {
    expect(incidentio.parse(signedIncidentioRequest({ body: '{"x":1}' }), route)).toMatchObject({
      kind: "invalid",
      statusCode: 400,
      problem: expect.stringMatching(/event_type/),
    });
    expect(incidentio.parse(signedIncidentioRequest({ body: "{]" }), route)).toMatchObject({
      statusCode: 400,
    });
    expect(incidentio.parse(signedIncidentioRequest({ contentType: "text/html" }), route)).toMatchObject({
      statusCode: 415,
    });
  });
});
