import { describe, expect, it } from "vitest";
import { QueueUnavailableError, queueMessageBytes } from "../../../shared/queue/event-queue";

describe("queueMessageBytes", () => {
  it("counts the body's UTF-8 bytes plus each attribute's name, data type and value, as SQS does", () => {
    expect(queueMessageBytes({ body: "é", attributes: {} })).toBe(2);
    // "provider" (8) + "String" (6) + "github" (6) = 20, plus the 3-byte body.
    expect(queueMessageBytes({ body: "abc", attributes: { provider: "github" } })).toBe(23);
  });
});

describe("QueueUnavailableError", () => {
  it("names the cause", () => {
    const error = new QueueUnavailableError(new Error("boom"));
    expect(error.message).toBe("the webhook queue did not accept the message: boom");
    expect(new QueueUnavailableError("text").message).toMatch(/text$/);
  });
});
