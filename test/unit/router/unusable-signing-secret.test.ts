import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { firstSecret } from "../../../functions/router/router-deps-from-env";
import { HttpAgentClient } from "../../../shared/adapters/http/http-agent-client";
import { SecretReader } from "../../../shared/secrets/secret-reader";
import { UnusableSecretError } from "../../../shared/secrets/unusable-secret-error";
import { type LocalAgentServer, startLocalAgentServer } from "../agent/local-agent-server";
import { expectNoSecretIn } from "../secrets/secret-fragments";
import { failedIds, fakeDeps, recordOf, route, slackEnvelope } from "./router-fakes";

const MATERIAL = "Zq7xK9pWm2Rt5yU8";

/** Values of AGENT_SIGNING_SECRET that hold no key, and what in them must never show. */
const UNUSABLE: Array<{ value: string; secrets: string[] }> = [
  { value: "whsec_…", secrets: [] },
  { value: "whsec_", secrets: [] },
  { value: `whsec_${MATERIAL}Q`, secrets: [MATERIAL] },
  { value: "  ", secrets: [] },
  { value: "[]", secrets: [] },
  { value: '["", ""]', secrets: [] },
  { value: `["whsec_${MATERIAL}"`, secrets: [MATERIAL] },
];

let server: LocalAgentServer;
const clients: HttpAgentClient[] = [];
beforeAll(async () => {
  server = await startLocalAgentServer();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  server.calls.length = 0;
  vi.restoreAllMocks();
});
afterAll(() => server.close());

const clientSigningWith = (value: string) => {
  const client = new HttpAgentClient({
    timeoutMs: 1_000,
    signingSecret: firstSecret(new SecretReader({ AGENT_SIGNING_SECRET: value }), "AGENT_SIGNING_SECRET"),
    allowLocalHttp: true,
  });
  clients.push(client);
  return client;
};

const call = { body: "{}", webhookId: "evt-1", correlationId: "req-1" };

describe("an unusable AGENT_SIGNING_SECRET", () => {
  it("makes the signing secret reject naming it, so the agent client sends nothing", async () => {
    for (const { value, secrets } of UNUSABLE) {
      const error = await clientSigningWith(value)
        .deliver({ ...call, url: server.url })
        .catch((e: unknown) => e);
      expect(error, value).toBeInstanceOf(UnusableSecretError);
      expect((error as Error).message, value).toMatch(/^AGENT_SIGNING_SECRET\S* /);
      expectNoSecretIn((error as Error).message, secrets);
    }
    expect(server.calls).toHaveLength(0);
  });

  it("defers the event as retrying with that reason: our configuration, not the event's fault", async () => {
    for (const { value, secrets } of UNUSABLE) {
      const f = fakeDeps({ agent: clientSigningWith(value) });
      const envelope = slackEnvelope();
      const record = recordOf(envelope);
      expect(failedIds(await route(f.deps, [record])), value).toEqual([record.messageId]);
      const outcome = f.events.last(envelope.id);
      expect(outcome, value).toMatchObject({ status: "retrying" });
      expect(outcome!.last_error, value).toMatch(/AGENT_SIGNING_SECRET\S* (is|must)/);
      expect(f.visibility.changes).toHaveLength(1);
      expect(f.slack.notices).toHaveLength(0);
      // Nothing was sent, so the key is given up: the next receive may send at once.
      expect(
        [...f.guard.claims.values()].every((c) => c.until === 0),
        value,
      ).toBe(true);
      const logged = JSON.stringify(f.lines);
      expect(logged).toContain("AGENT_SIGNING_SECRET");
      for (const text of [logged, outcome!.last_error ?? ""]) expectNoSecretIn(text, secrets);
    }
  });

  it("signs again as soon as the value is fixed", async () => {
    const env: NodeJS.ProcessEnv = { AGENT_SIGNING_SECRET: "whsec_" };
    const signingSecret = firstSecret(new SecretReader(env), "AGENT_SIGNING_SECRET");
    await expect(signingSecret()).rejects.toThrow(/^AGENT_SIGNING_SECRET is not a usable/);
    env.AGENT_SIGNING_SECRET = `whsec_${Buffer.from("fixed agent key").toString("base64")}`;
    await expect(signingSecret()).resolves.toBe(env.AGENT_SIGNING_SECRET);
  });
});
