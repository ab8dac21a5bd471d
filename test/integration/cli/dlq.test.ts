/**
 * `dlq list` and `dlq redrive` against fauxqs, which has no native message move task: redrive moves
 * the messages itself (receive, send, delete). A SendMessage made to fail midway must leave that one
 * message in the dead-letter queue, move every other one exactly once, and exit non-zero.
 */
import { PurgeQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Envelope } from "../../../shared/envelope/envelope";
import { githubEnvelope, slackEnvelope } from "../../unit/router/router-fakes";
import { sendBodies } from "../router/router-fixture";
import { json, type OpsFixture, stackFree, startOpsFixture } from "./ops-fixture";

let fx: OpsFixture;

beforeAll(async () => {
  fx = await startOpsFixture("dlq");
});

afterAll(async () => {
  await fx?.stop();
});

afterEach(() => {
  vi.restoreAllMocks();
});

const dlq = (args: string[], options?: Parameters<OpsFixture["cli"]>[1]) => fx.cli(["dlq", ...args], options);

const sorted = (values: string[]) => [...values].sort();

/** Empties both queues, then puts these messages (with ingest's attributes) on the dead-letter queue. */
async function deadLetters(messages: Array<Envelope | string>) {
  await fx.sqs.send(new PurgeQueueCommand({ QueueUrl: fx.queueUrl }));
  await fx.sqs.send(new PurgeQueueCommand({ QueueUrl: fx.dlqUrl }));
  await sendBodies(fx.sqs, fx.dlqUrl, messages);
  return messages.map((m) => (typeof m === "string" ? m : JSON.stringify(m)));
}

/** Makes the `n`th SendMessage of any SQS client in this process fail, as a throttled or failing SQS would. */
function failNthSend(n: number) {
  const send = SQSClient.prototype.send;
  let sends = 0;
  vi.spyOn(SQSClient.prototype, "send").mockImplementation(function (this: SQSClient, ...args: unknown[]) {
    if (args[0] instanceof SendMessageCommand && ++sends === n) {
      return Promise.reject(
        Object.assign(new Error("SendMessage failed on purpose"), { name: "InternalError" }),
      );
    }
    return (send as (...a: unknown[]) => Promise<unknown>).apply(this, args);
  } as never);
}

describe("dlq list", () => {
  let bodies: string[];
  const slack = slackEnvelope({}, "C0DLQIT");
  const github = githubEnvelope("acme/dlq-it");

  beforeEach(async () => {
    bodies = await deadLetters([
      slack,
      github,
      ...Array.from({ length: 11 }, () => slackEnvelope()),
      "not json",
    ]);
  });

  it("peeks without consuming: every message stays in the dead-letter queue, visible", async () => {
    const result = await dlq(["list"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain(
      `peek (nothing consumed) at ${fx.dlqUrl}: 14 message(s) shown, about 14 in the queue`,
    );
    const lines = result.stdout.split("\n");
    expect(lines.find((l) => l.startsWith("EVENT ID"))).toMatch(
      /^EVENT ID\s+PROVIDER\s+EVENT TYPE\s+DELIVERY KEY\s+RECEIVES\s+AGE\s+SENT$/,
    );
    expect(lines.find((l) => l.startsWith(github.id))).toMatch(
      new RegExp(`^${github.id}\\s+github\\s+issues\\s+${github.delivery_key}\\s+1\\s+\\d+s\\s+\\d{4}-`),
    );
    expect(lines.find((l) => l.startsWith(slack.id))).toMatch(/\s+slack\s+app_mention\s+/);
    expect(result.stdout).toMatch(/\(no envelope\) message \S+\s+-\s+-\s+-\s+1/);

    const state = fx.sqsEmulator.server.inspectQueue(fx.dlqUrl.split("/").pop()!)!;
    expect(state.messages.inflight).toHaveLength(0);
    expect(sorted(fx.bodies(fx.dlqUrl))).toEqual(sorted(bodies));
    // Peeking again sees them all again.
    expect(json<{ messages: unknown[] }>(await dlq(["list", "--json"])).messages).toHaveLength(14);
  });

  it("--max limits the peek; --json carries the details", async () => {
    const data = json<{ peek: boolean; approximate_count: number; messages: Array<Record<string, unknown>> }>(
      await dlq(["list", "--max", "3", "--json"]),
    );
    expect(data.peek).toBe(true);
    expect(data.approximate_count).toBe(14);
    expect(data.messages).toHaveLength(3);
    expect(data.messages[0]).toMatchObject({
      event_id: slack.id,
      provider: "slack",
      event_type: "app_mention",
      delivery_key: slack.delivery_key,
      receive_count: 1,
    });
    expect(typeof data.messages[0]!.age_seconds).toBe("number");
    expect(fx.bodies(fx.dlqUrl)).toHaveLength(14);
  });

  it("finds the endpoint from an emulator's queue URL, and reports an empty queue", async () => {
    await deadLetters([]);
    const result = await dlq(["list"], { env: { DEAD_LETTER_QUEUE_URL: fx.dlqUrl } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("the dead-letter queue is empty");
  });
});

describe("dlq redrive", () => {
  it("moves every message back with its attributes, falling back from the native move task", async () => {
    const envelopes = [slackEnvelope(), githubEnvelope("acme/dlq-it"), slackEnvelope()];
    const bodies = await deadLetters(envelopes);
    const result = await dlq(["redrive"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      "the SQS endpoint has no message move task (InvalidAction: Unknown action: StartMessageMoveTask): moving messages with receive, send, delete",
    );
    expect(result.stdout).toContain(`moved 3 message(s) from ${fx.dlqUrl} to ${fx.queueUrl}; 0 failed`);
    expect(fx.bodies(fx.dlqUrl)).toEqual([]);
    expect(sorted(fx.bodies(fx.queueUrl))).toEqual(sorted(bodies));
    const moved = fx.sqsEmulator.server.inspectQueue(fx.queueUrl.split("/").pop()!)!.messages
      .ready as unknown as Array<{
      body: string;
      messageAttributes: Record<string, { StringValue?: string }>;
    }>;
    const github = moved.find((m) => m.body === bodies[1])!;
    expect(github.messageAttributes).toMatchObject({
      provider: { StringValue: "github" },
      delivery_key: { StringValue: envelopes[1]!.delivery_key },
    });
  });

  it("leaves a message whose send failed in the dead-letter queue, moves all others once, and exits 1", async () => {
    const envelopes = Array.from({ length: 13 }, (_, i) =>
      i % 3 ? slackEnvelope() : githubEnvelope("acme/dlq-it"),
    );
    const bodies = await deadLetters(envelopes);
    failNthSend(3);
    const result = await dlq(["redrive"]);
    vi.restoreAllMocks();

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`moved 12 message(s) from ${fx.dlqUrl} to ${fx.queueUrl}; 1 failed`);
    expect(result.stdout).toMatch(
      /not moved \(still in the dead-letter queue\): \S+: SendMessage failed on purpose/,
    );
    expect(result.stdout).toContain("run dlq redrive again once the cause is fixed");
    expect(stackFree(result.stderr)).toBe(true);

    const left = fx.bodies(fx.dlqUrl);
    expect(left).toHaveLength(1);
    const failedId = /not moved \(still in the dead-letter queue\): (\S+):/.exec(result.stdout)![1]!;
    expect(JSON.parse(left[0]!).id).toBe(failedId);
    const onQueue = fx.bodies(fx.queueUrl);
    expect(new Set(onQueue).size).toBe(onQueue.length); // nothing duplicated
    expect(sorted([...onQueue, ...left])).toEqual(sorted(bodies)); // nothing lost

    // The failed one is visible again at once: the next redrive moves it.
    const again = json<{ ok: boolean; moved: number; failed: unknown[] }>(await dlq(["redrive", "--json"]));
    expect(again).toMatchObject({ ok: true, method: "receive-send-delete", moved: 1, failed: [] });
    expect(fx.bodies(fx.dlqUrl)).toEqual([]);
    expect(sorted(fx.bodies(fx.queueUrl))).toEqual(sorted(bodies));
  });

  it("--max-per-second paces the moves", async () => {
    await deadLetters([slackEnvelope(), slackEnvelope(), slackEnvelope(), slackEnvelope()]);
    const started = Date.now();
    const result = await dlq(["redrive", "--max-per-second", "4"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("moved 4 message(s)");
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    const bad = await dlq(["redrive", "--max-per-second", "0"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--max-per-second must be a whole number from 1 to 500");
  });

  it("names missing configuration, a missing queue and an unreachable endpoint", async () => {
    const unset = await dlq(["redrive"], { env: { QUEUE_URL: fx.queueUrl } });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain(
      "error: no dead-letter queue: pass --dlq-url URL, set DEAD_LETTER_QUEUE_URL",
    );
    const noSource = await dlq(["redrive"], { env: { DEAD_LETTER_QUEUE_URL: fx.dlqUrl } });
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toContain("error: no webhook queue: pass --queue-url URL, set QUEUE_URL");
    const missing = await dlq(["list", "--dlq-url", fx.dlqUrl.replace(/[^/]+$/, "no-such-queue")]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /error: queue \S+no-such-queue was not found at http:\/\/127\.0\.0\.1:\d+/,
    );
    const down = await dlq(["list", "--sqs-endpoint", "http://127.0.0.1:9"]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("error: cannot reach SQS at http://127.0.0.1:9");
    expect(stackFree(down.stderr)).toBe(true);
  });
});
