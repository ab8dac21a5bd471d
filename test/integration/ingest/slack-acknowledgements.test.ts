/**
 * Slack interactivity and slash commands are acknowledged the way Bolt's `ack()` does it: an empty
 * 200, no content type (a body would be shown to the user, or read as a view_submission's
 * response_action). The Events API keeps its JSON answers; refusals keep their JSON errors.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { describe, expect, it } from "vitest";
import { createIngestHandler } from "../../../functions/ingest/handler";
import { testIngestDeps } from "../../support/in-memory-event-queue";
import {
  signedSlackCommandEvent,
  signedSlackEvent,
  signedSlackInteractionEvent,
} from "../../support/signed-requests";

async function answer(event: APIGatewayProxyEventV2) {
  const deps = testIngestDeps();
  const response = (await createIngestHandler(() => deps)(event)) as APIGatewayProxyStructuredResultV2;
  return { response, queued: deps.queue.messages.length };
}

const isEmptyAck = (response: APIGatewayProxyStructuredResultV2) => {
  expect(response.statusCode).toBe(200);
  expect(response.body).toBe("");
  expect(Object.keys(response.headers ?? {}).map((h) => h.toLowerCase())).not.toContain("content-type");
};

describe("Slack acknowledgements", () => {
  it("an interaction is queued and acknowledged with an empty 200", async () => {
    const { response, queued } = await answer(signedSlackInteractionEvent());
    isEmptyAck(response);
    expect(queued).toBe(1);
  });

  it("a view_submission too: an empty body closes the modal, a JSON one would be read as a response_action", async () => {
    const { response, queued } = await answer(
      signedSlackInteractionEvent({ type: "view_submission", trigger_id: "t-1", view: { id: "V1" } }),
    );
    isEmptyAck(response);
    expect(queued).toBe(1);
  });

  it("a slash command is queued and acknowledged with an empty 200: no text is shown to the user", async () => {
    const { response, queued } = await answer(signedSlackCommandEvent());
    isEmptyAck(response);
    expect(queued).toBe(1);
  });

  it("ssl_check on the interactions route is an empty 200 too, and not queued", async () => {
    const { response, queued } = await answer(
      signedSlackCommandEvent(undefined, { body: "ssl_check=1&token=x" }),
    );
    isEmptyAck(response);
    expect(queued).toBe(0);
  });

  it("the Events API keeps its JSON answer", async () => {
    const { response, queued } = await answer(signedSlackEvent());
    expect(response.statusCode).toBe(200);
    expect(response.headers).toMatchObject({ "content-type": "application/json" });
    expect(JSON.parse(response.body!)).toMatchObject({ status: "accepted" });
    expect(queued).toBe(1);
  });

  it("a refused interaction keeps its JSON error", async () => {
    const { response, queued } = await answer(signedSlackInteractionEvent(undefined, { secret: "wrong" }));
    expect(response.statusCode).toBe(401);
    expect(response.headers).toMatchObject({ "content-type": "application/json" });
    expect(JSON.parse(response.body!).error).toMatch(/X-Slack-Signature/);
    expect(queued).toBe(0);
  });
});
