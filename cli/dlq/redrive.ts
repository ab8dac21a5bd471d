import { Command } from "commander";
import { redriveDeadLetters } from "../../shared/operations/dead-letter-queue";
import { EXIT } from "../lib/errors";
import type { CliIO } from "../lib/io";
import { Output } from "../lib/output";
import { withPipeline } from "../lib/pipeline-target";
import { action, type CliContext } from "../lib/program";
import { addTargetOptions, type TargetOptions } from "../lib/target-options";
import { parseCount } from "../lib/time";

/** SQS's limit for a message move task. */
const MAX_PER_SECOND = 500;

type RedriveOptions = TargetOptions & { maxPerSecond?: string; wait?: boolean; json?: boolean };

export const redrive = (cli: CliContext) =>
  addTargetOptions(
    new Command("redrive")
      .summary("move every dead-letter message back to the webhook queue")
      .description(
        "Moves the dead-letter queue's messages back to the webhook queue, where the router handles them " +
          "again (its idempotency guard keeps the agent from getting anything twice). Fix the cause first: " +
          "`dlq list` and `events show <id>` say why they died.",
      )
      .option(
        "--max-per-second <n>",
        `move at most N messages a second (1 to ${MAX_PER_SECOND}; default: as fast as SQS allows)`,
      )
      .option("--no-wait", "start the native move task and return without waiting for it")
      .option("--json", "print the result as JSON"),
    ["deadLetterQueueUrl", "queueUrl"],
  )
    .addHelpText(
      "after",
      `
Uses SQS's native message move task (StartMessageMoveTask) and waits for it to finish. Where the
endpoint has none (the local emulator), moves the messages itself: receive, send a copy with the
same body and attributes, and delete only once the send succeeded. A message whose send fails stays
in the dead-letter queue (visible again after a short hold) and is reported.

Exit codes: 0 all moved, 1 some message was not moved (or the move task failed) or an SQS failure,
2 invalid arguments.`,
    )
    .action(action<RedriveOptions>(cli, (options, _args, io) => run(options, io)));

async function run(values: RedriveOptions, io: CliIO): Promise<number> {
  const maxPerSecond =
    values.maxPerSecond !== undefined
      ? parseCount(values.maxPerSecond, "--max-per-second", 1, MAX_PER_SECOND)
      : undefined;
  const output = new Output(io, values.json ?? false);
  const { result, from, to } = await withPipeline(values, io, async (session) => {
    const from = session.name("deadLetterQueueUrl");
    const to = session.name("queueUrl");
    const result = await redriveDeadLetters({
      sqs: session.sqs(from),
      deadLetterQueueUrl: from,
      queueUrl: to,
      ...(maxPerSecond ? { maxPerSecond } : {}),
      wait: values.wait !== false,
      onFallback: (reason) =>
        output.note(
          `the SQS endpoint has no message move task (${reason}): moving messages with receive, send, delete`,
        ),
    });
    return { result, from, to };
  });
  const ok =
    result.method === "move-task"
      ? result.status === "COMPLETED" || result.status === "RUNNING"
      : result.failed.length === 0 && result.not_deleted.length === 0;
  output.result({ ok, from, to, ...result }, () => {
    if (result.method === "move-task") {
      if (result.status === "RUNNING") {
        return `started message move task ${result.task_handle} from ${from} to ${to} (not waiting; see the SQS console or run again later)`;
      }
      return [
        `message move task ${result.status.toLowerCase()}: moved ${result.moved}` +
          (result.to_move !== undefined ? ` of ${result.to_move}` : "") +
          ` message(s) from ${from} to ${to}`,
        ...(result.failure_reason ? [`  failure: ${result.failure_reason}`] : []),
      ].join("\n");
    }
    const lines = [
      `moved ${result.moved} message(s) from ${from} to ${to}; ${result.failed.length} failed` +
        (result.not_deleted.length ? `; ${result.not_deleted.length} copied but not deleted` : ""),
    ];
    for (const f of result.failed) {
      lines.push(
        `  not moved (still in the dead-letter queue): ${f.event_id ?? `message ${f.message_id}`}: ${f.error}`,
      );
    }
    for (const f of result.not_deleted) {
      lines.push(
        `  copied but not deleted (it will be moved again; the idempotency guard stops a second delivery): ` +
          `${f.event_id ?? `message ${f.message_id}`}: ${f.error}`,
      );
    }
    if (!ok) lines.push("run dlq redrive again once the cause is fixed to move the rest");
    return lines.join("\n");
  });
  return ok ? EXIT.ok : EXIT.failure;
}
