import { DEV_SECRETS } from "../../local/dev-defaults";
import { dynamoDbFaultRule, noAwsFaults, sqsFaultRule } from "../../local/faults/aws-faults";
import { startFaultProxy } from "../../local/faults/fault-proxy";
import { startSoakAgent } from "../../local/faults/soak-agent";
import type { LocalPipelineDescription } from "../../local/pipeline-file";
import { startPipelineProcess } from "../../local/process/pipeline-process";
import { parseSecretList } from "../../shared/secrets/secret-values";
import { agentAnswers, type FaultTargets } from "./faults";
import type { SoakOptions } from "./options";
import { applyBrokenTeam, type BrokenTeam, SOAK_SECRETS } from "./teams";

/** The router's breaker recovery, given explicitly so the soak knows how long an open circuit lasts. */
export const BREAKER_RECOVERY_SECONDS = 30;

export interface SoakHarness extends FaultTargets {
  description: LocalPipelineDescription;
  /** The second team, its agent URL a port nothing listens on. */
  brokenTeam: BrokenTeam;
  output(): string;
  stop(): Promise<void>;
}

/**
 * The pipeline under test as a child process (`npm start` with its router in a restartable process
 * of its own), wired to faults that live here, in the soak's process: the healthy team's agent, and
 * proxies in front of DynamoDB Local (every handler's tables) and of fauxqs (the handlers' queue
 * calls); and a second team whose agent is not there at all. Ingest gets a small queue message
 * limit (`--max-message-bytes`), so the soak's large payloads go through S3 without being huge.
 */
export async function startSoakHarness(options: SoakOptions, random: () => number): Promise<SoakHarness> {
  const { faults, router } = options;
  const agent = await startSoakAgent({
    signingSecrets: parseSecretList(DEV_SECRETS.AGENT_SIGNING_SECRET),
    answer: agentAnswers(faults, router.agentTimeoutMs, random),
  });
  const dynamodbSwitches = { ...noAwsFaults(), throttleRate: faults.dynamodbThrottle };
  const dynamodbProxy = await startFaultProxy(dynamoDbFaultRule(dynamodbSwitches, random));
  const sqsSwitches = noAwsFaults();
  const sqsProxy = await startFaultProxy(sqsFaultRule(sqsSwitches));
  const pipeline = await startPipelineProcess(
    [
      "--router-process",
      "--router-timeout-seconds",
      String(router.timeoutSeconds),
      "--batch-size",
      String(router.batchSize),
      "--router-concurrency",
      String(router.concurrency),
      "--max-receive-count",
      String(router.maxReceiveCount),
      "--handler-sqs-endpoint",
      sqsProxy.url,
      "--handler-dynamodb-endpoint",
      dynamodbProxy.url,
    ],
    {
      // The development secrets only (and the same-id generic sources): the soak signs with them
      // and its agent verifies with them.
      ...Object.fromEntries(Object.keys(DEV_SECRETS).map((name) => [name, ""])),
      GENERIC_WEBHOOK_SECRETS: SOAK_SECRETS.GENERIC_WEBHOOK_SECRETS,
      MAX_MESSAGE_BYTES: String(options.maxMessageBytes),
      AGENT_URL: agent.url,
      AGENT_TIMEOUT_MS: String(router.agentTimeoutMs),
      CIRCUIT_BREAKER_RECOVERY_SECONDS: String(BREAKER_RECOVERY_SECONDS),
      // Every retry logs a warning: only kept when asked for (--log-file).
      POWERTOOLS_LOG_LEVEL: options.logFile ? "WARN" : "ERROR",
      POWERTOOLS_METRICS_DISABLED: "true",
    },
  ).catch(async (error) => {
    await Promise.all([agent.stop(), dynamodbProxy.stop(), sqsProxy.stop()]);
    throw error;
  });
  // Nothing has gone through the proxies yet: no webhook was sent, so the router has had no work.
  dynamodbProxy.setUpstream(pipeline.description.dynamodbEndpoint);
  sqsProxy.setUpstream(pipeline.description.sqsEndpoint);
  const stopAll = async () => {
    await pipeline.stop();
    await Promise.all([agent.stop(), dynamodbProxy.stop(), sqsProxy.stop()]);
  };
  const brokenTeam = await applyBrokenTeam(pipeline.description).catch(async (error) => {
    await stopAll();
    throw error;
  });
  return {
    description: pipeline.description,
    brokenTeam,
    agent,
    dynamodb: { switches: dynamodbSwitches, proxy: dynamodbProxy },
    sqs: { switches: sqsSwitches, proxy: sqsProxy },
    crashRouter: () => process.kill(pipeline.description.pid, "SIGUSR2"),
    output: pipeline.output,
    stop: stopAll,
  };
}
