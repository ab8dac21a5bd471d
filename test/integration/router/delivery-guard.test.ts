/**
 * The delivery guard against DynamoDB Local, with the idempotency table failing on cue: a delivery
 * the agent has taken must be remembered even if completing its record fails at first (the soak's
 * DynamoDB outages sent such deliveries twice), and must say so when it cannot be.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { DeliveryNotRememberedError, PowertoolsDeliveryGuard } from "../../../shared/router/delivery-guard";
import { DeliveryInProgressError } from "../../../shared/router/router-errors";
import { createRouterTables, dynamoClient } from "./router-fixture";

let endpoint: string;
let tableName: string;

beforeAll(async () => {
  endpoint = inject("dynamoDbEndpoint");
  tableName = (await createRouterTables(dynamoClient(endpoint), "guard")).idempotencyTable;
});

/** A client whose UpdateItem calls fail, as an unreachable DynamoDB's do, while `failing()` says so. */
function failingUpdates(failing: () => boolean) {
  const client = dynamoClient(endpoint, 1);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "UpdateItemCommand" && failing()) throw new Error("read ECONNRESET");
      return next(args);
    },
    { step: "initialize" },
  );
  return client;
}

const guardWith = (client = dynamoClient(endpoint)) =>
  new PowertoolsDeliveryGuard({ tableName, client, expiresAfterSeconds: 3600 });

describe("PowertoolsDeliveryGuard", () => {
  it("keeps completing a sent delivery's record while the table fails, so a later copy is not sent", async () => {
    const key = `slack:Ev${Date.now()}`;
    let sends = 0;
    const send = async () => {
      sends += 1;
      return { outcome: "delivered" };
    };
    let failures = 3;
    const first = await guardWith(failingUpdates(() => failures-- > 0)).once(key, send, () => 10_000);
    expect(first).toEqual({ value: { outcome: "delivered" }, fresh: true });
    const copy = await guardWith().once(key, send, () => 10_000);
    expect(copy).toEqual({ value: { outcome: "delivered" }, fresh: false });
    expect(sends).toBe(1);
  });

  it("says a delivery was not remembered by the deadline, and remembers it in memory until it can", async () => {
    const key = `github:${Date.now()}`;
    let sends = 0;
    const send = async () => {
      sends += 1;
      return { outcome: "delivered" };
    };
    const deadline = Date.now() + 2_500;
    let down = true;
    const guard = guardWith(failingUpdates(() => down));
    const error = await guard.once(key, send, () => deadline - Date.now()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryNotRememberedError);
    expect((error as DeliveryNotRememberedError<object>).value).toEqual({ outcome: "delivered" });
    expect(Date.now()).toBeLessThan(deadline);
    // Elsewhere the key stays in progress; here a copy is answered from memory, table down or not.
    await expect(guardWith().once(key, send, () => 10_000)).rejects.toBeInstanceOf(DeliveryInProgressError);
    const copy = await guard.once(key, send, () => 10_000);
    expect(copy).toEqual({ value: { outcome: "delivered" }, fresh: false });
    // Once the table is back, the next call completes the record for everyone.
    down = false;
    await guard.once(`github:other-${Date.now()}`, send, () => 10_000);
    expect(await guardWith().once(key, send, () => 10_000)).toMatchObject({ fresh: false });
    expect(sends).toBe(2); // the copy of `key` was never sent; the other key was
  });
});
