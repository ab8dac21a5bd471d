import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { IDEMPOTENCY_TABLE } from "../config/resources";
import { DeliveryInProgressError } from "./retry-later";

/** What `once` answers: the send's result, and whether it ran now (`fresh`) or was remembered. */
export interface Guarded<T> {
  value: T;
  fresh: boolean;
}

/**
 * The router's port onto idempotency: `send` runs at most once per key within the window. A repeat
 * gets the remembered result; a copy arriving while another is being sent gets DeliveryInProgressError;
 * a send that throws is forgotten so a later delivery may try again.
 */
export interface DeliveryGuard {
  once<T extends object>(
    key: string,
    send: () => Promise<T>,
    remainingTimeMs: () => number,
  ): Promise<Guarded<T>>;
}

export interface PowertoolsDeliveryGuardOptions {
  tableName: string;
  client?: DynamoDBClient;
  expiresAfterSeconds: number;
}

/** The key prefix in the idempotency table: fixed, so renaming the function does not forget deliveries. */
export const KEY_PREFIX = "webhook-router";

/**
 * Powertools Idempotency on a DynamoDB table. The in-progress record expires with the invocation's
 * remaining time, so a copy left in progress by a crashed or timed-out invocation is retaken later.
 */
export class PowertoolsDeliveryGuard implements DeliveryGuard {
  private readonly persistence: DynamoDBPersistenceLayer;

  constructor(private readonly options: PowertoolsDeliveryGuardOptions) {
    this.persistence = new DynamoDBPersistenceLayer({
      tableName: options.tableName,
      keyAttr: IDEMPOTENCY_TABLE.partitionKey,
      expiryAttr: IDEMPOTENCY_TABLE.ttlAttribute,
      ...(options.client ? { awsSdkV3Client: options.client } : {}),
    });
  }

  async once<T extends object>(
    key: string,
    send: () => Promise<T>,
    remainingTimeMs: () => number,
  ): Promise<Guarded<T>> {
    // One config per call: it carries this invocation's remaining time (the persistence layer keeps
    // the static settings from the first call, which are the same every time).
    const config = new IdempotencyConfig({
      eventKeyJmesPath: "key",
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: this.options.expiresAfterSeconds,
    });
    config.registerLambdaContext({ getRemainingTimeInMillis: remainingTimeMs } as Context);
    let fresh = false;
    const guarded = makeIdempotent(
      async (_payload: { key: string }): Promise<T> => {
        fresh = true;
        return send();
      },
      { persistenceStore: this.persistence, config, keyPrefix: KEY_PREFIX },
    );
    try {
      const value = await guarded({ key });
      return { value, fresh };
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) throw new DeliveryInProgressError(key);
      throw error;
    }
  }
}
