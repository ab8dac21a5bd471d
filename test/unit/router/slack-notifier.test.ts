import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SlackWebApiNotifier } from "../../../shared/adapters/http/slack-web-api-notifier";
import { type FakeSlack, startFakeSlack } from "../../integration/router/fake-slack";

describe("SlackWebApiNotifier", () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  beforeEach(() => {
    slack.posts.length = 0;
    slack.answer(200, { ok: true });
  });
  afterAll(() => slack.close());

  const notifier = () =>
    new SlackWebApiNotifier({
      apiUrl: `${slack.apiUrl}/`,
      botToken: async () => "xoxb-test-token",
      timeoutMs: 1000,
    });

  it("posts chat.postMessage with the bot token, in the thread when given", async () => {
    await notifier().notify({ channel: "C0A4967KRBM", text: "hello", threadTs: "1700000000.000100" });
    expect(slack.posts).toHaveLength(1);
    expect(slack.posts[0]!.path).toBe("/api/chat.postMessage");
    expect(slack.posts[0]!.headers.authorization).toBe("Bearer xoxb-test-token");
    expect(slack.posts[0]!.json).toMatchObject({
      channel: "C0A4967KRBM",
      text: "hello",
      thread_ts: "1700000000.000100",
    });
  });

  it("throws on Slack's {ok: false}", async () => {
    slack.answer(200, { ok: false, error: "channel_not_found" });
    await expect(notifier().notify({ channel: "C1", text: "x" })).rejects.toThrow("channel_not_found");
  });

  it("throws on an HTTP error, without the token in the message", async () => {
    slack.answer(500, { ok: false });
    const error = await notifier()
      .notify({ channel: "C1", text: "x" })
      .catch((e: Error) => e);
    expect(String(error)).toContain("HTTP 500");
    expect(String(error)).not.toContain("xoxb");
  });
});
