import { vi } from "vitest";
import type { FetchSecret } from "../../shared/secrets/secret-reader";

/**
 * Secrets Manager as SecretReader sees it (its FetchSecret), for tests of when it reads: values by
 * ARN that the test changes as an operator would, every read counted (`fetch.mock.calls`). An Error
 * as a value is thrown, as a failed read. `hold()` keeps the reads that start next in flight until
 * `release()`, so a test can ask while one is pending.
 */
export function fakeSecretStore(values: Record<string, string | Error>) {
  const current = new Map(Object.entries(values));
  let held: (() => void)[] | undefined;
  const fetch = vi.fn<FetchSecret>(async (arn) => {
    if (held) await new Promise<void>((release) => held?.push(release));
    const value = current.get(arn);
    if (value instanceof Error) throw value;
    return value;
  });
  return {
    fetch,
    /** Reads of `arn` so far. */
    reads: (arn: string) => fetch.mock.calls.filter(([asked]) => asked === arn).length,
    set(arn: string, value: string | Error) {
      current.set(arn, value);
    },
    hold() {
      held = [];
    },
    release() {
      const waiting = held ?? [];
      held = undefined;
      for (const release of waiting) release();
    },
  };
}

/** What Secrets Manager throws when it throttles (its name is all the pipeline may report). */
export const throttled = () => Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
