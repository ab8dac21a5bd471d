import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  makeIdempotent,
} from "@aws-lambda-powertools/idempotency";
import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context } from "aws-lambda";
import { IDEMPOTENCY_TABLE } from "../config/resources";
import { DeliveryInProgressError } from "./router-errors";

/** What `once` answers: the send's result, and whether it ran now (`fresh`) or was remembered. */
export interface Guarded<T> {
  value: T;
  fresh: boolean;
}

/**
 * The router's port onto idempotency: `send` runs at most once per key within the window. A repeat
 * gets the remembered result; a copy arriving while another is being sent gets DeliveryInProgressError;
 * a send that throws is forgotten so a later delivery may try again; a result that could not be
 * remembered (the table unreachable until the invocation's deadline) gets DeliveryNotRememberedError.
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

/**
 * `send` ran and returned `value`, but the idempotency record could not be completed in time: the key
 * stays "in progress" until that expires, and a copy handled after then would be sent again.
 */
export class DeliveryNotRememberedError<T> extends Error {
  constructor(
    key: string,
    readonly value: T,
    cause: unknown,
  ) {
    super(`delivery ${key} was sent but could not be remembered: ${(cause as Error)?.message ?? cause}`, {
      cause,
    });
    this.name = "DeliveryNotRememberedError";
  }
}

/** Completing a record is retried until this much of the invocation is left (the outcome is still to be recorded). */
const REMEMBER_DEADLINE_MARGIN_MS = 1_000;
const REMEMBER_FIRST_DELAY_MS = 100;
const REMEMBER_MAX_DELAY_MS = 1_000;

/** The key prefix in the idempotency table: fixed, so renaming the function does not forget deliveries. */
export const KEY_PREFIX = "webhook-router";

/**
 * Powertools Idempotency on a DynamoDB table. The in-progress record expires with the invocation's
 * remaining time, so a copy left in progress by a crashed or timed-out invocation is retaken later.
 */
export class PowertoolsDeliveryGuard implements DeliveryGuard {
  private readonly persistence: DynamoDBPersistenceLayer;
  /**
   * Deliveries sent but not remembered in the table before their invocation's deadline, by key. A
   * copy of one (a provider's resend) handled here is answered from memory, and every later call
   * first tries to complete their records: otherwise a copy arriving once the in-progress record
   * has expired would be sent again (the soak's longer DynamoDB outages did that).
   */
  private readonly unremembered = new Map<string, object>();
  private completing: Promise<void> | undefined;

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
    if (this.unremembered.size > 0) {
      this.completing ??= this.completeUnremembered().finally(() => {
        this.completing = undefined;
      });
      await this.completing;
      const value = this.unremembered.get(key);
      if (value) return { value: value as T, fresh: false };
    }
    // One config per call: it carries this invocation's remaining time (the persistence layer keeps
    // the static settings from the first call, which are the same every time).
    const config = new IdempotencyConfig({
      eventKeyJmesPath: "key",
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: this.options.expiresAfterSeconds,
    });
    config.registerLambdaContext({ getRemainingTimeInMillis: remainingTimeMs } as Context);
    let fresh = false;
    let sent: { value: T } | undefined;
    const guarded = makeIdempotent(
      async (_payload: { key: string }): Promise<T> => {
        fresh = true;
        const value = await send();
        sent = { value };
        return value;
      },
      { persistenceStore: this.persistence, config, keyPrefix: KEY_PREFIX },
    );
    try {
      const value = await guarded({ key });
      return { value, fresh };
    } catch (error) {
      if (error instanceof IdempotencyAlreadyInProgressError) throw new DeliveryInProgressError(key);
      // Sent, but Powertools' one attempt to complete the record failed (the soak's DynamoDB outages
      // showed it): given up now, the key would be sent again once its in-progress record expires.
      if (!sent) throw error;
      const { value } = sent;
      return { value: await this.remember(key, value, error, remainingTimeMs), fresh: true };
    }
  }

  /** Completes the record of a sent key, retrying with backoff while the invocation has time. */
  private async remember<T extends object>(
    key: string,
    value: T,
    firstError: unknown,
    remainingTimeMs: () => number,
  ): Promise<T> {
    let lastError = firstError;
    for (let delay = REMEMBER_FIRST_DELAY_MS; ; delay = Math.min(delay * 2, REMEMBER_MAX_DELAY_MS)) {
      if (remainingTimeMs() < REMEMBER_DEADLINE_MARGIN_MS + delay) {
        this.unremembered.set(key, value);
        throw new DeliveryNotRememberedError(key, value, lastError);
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        await this.saveSuccess(key, value);
        return value;
      } catch (error) {
        lastError = error;
      }
    }
  }

  /** One pass over the unremembered deliveries; stops at the first failure (the table is still down). */
  private async completeUnremembered(): Promise<void> {
    for (const [key, value] of this.unremembered) {
      try {
        await this.saveSuccess(key, value);
      } catch {
        return;
      }
      this.unremembered.delete(key);
    }
  }

  /** The same unconditional update Powertools makes, on the key it configured for KEY_PREFIX. */
  private saveSuccess(key: string, value: object): Promise<void> {
    return this.persistence.saveSuccess(
      { key },
      value as Parameters<DynamoDBPersistenceLayer["saveSuccess"]>[1],
    );
  }
}
