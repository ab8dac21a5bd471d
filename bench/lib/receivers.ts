/**
 * The libraries the ingest function is compared with, receiving the same signed requests: Slack
 * Bolt's AwsLambdaReceiver (an App with a given authorization and an acking listener) and
 * @octokit/webhooks' verifyAndReceive (HMAC check, JSON.parse and a handler; it reads no HTTP
 * event and builds no message). Each is checked to have called its listener before it is timed.
 */
import assert from "node:assert/strict";
import { Webhooks } from "@octokit/webhooks";
import { App, AwsLambdaReceiver, LogLevel } from "@slack/bolt";
import type { SignedRequest } from "./requests";

export type Receive = () => Promise<unknown>;

export function boltReceiver(signingSecret: string) {
  const receiver = new AwsLambdaReceiver({ signingSecret, logLevel: LogLevel.ERROR });
  const app = new App({
    receiver,
    // No call to Slack: the authorization is given, not looked up with auth.test.
    authorize: async () => ({ botToken: "xoxb-bench", botId: "B0BENCH", botUserId: "U0BENCH" }),
    logLevel: LogLevel.ERROR,
  });
  let calls = 0;
  app.event("app_mention", async () => {
    calls++;
  });
  app.action("approve_rollback", async ({ ack }) => {
    calls++;
    await ack();
  });
  const handler = receiver.toHandler();
  return async (request: SignedRequest): Promise<Receive> => {
    const before = calls;
    const response = await handler(request.event, {});
    assert.equal(response.statusCode, 200, `Bolt answered ${response.statusCode} ${response.body}`);
    assert.equal(calls, before + 1, "Bolt did not call the listener");
    return () => handler(request.event, {});
  };
}

export function octokitReceiver(secret: string) {
  const webhooks = new Webhooks({ secret });
  let calls = 0;
  webhooks.on(["issues", "push"], () => {
    calls++;
  });
  return async (request: SignedRequest): Promise<Receive> => {
    const input = {
      id: request.headers["x-github-delivery"]!,
      name: request.headers["x-github-event"]! as "push",
      payload: request.rawBody,
      signature: request.headers["x-hub-signature-256"]!,
    };
    const before = calls;
    await webhooks.verifyAndReceive(input);
    assert.equal(calls, before + 1, "@octokit/webhooks did not call the handler");
    return () => webhooks.verifyAndReceive(input);
  };
}
