import { Command } from "commander";
import { ReplayRefusedError, replayEvent } from "../../shared/operations/replay-event";
import { SqsEventQueue } from "../../shared/queue/sqs-event-queue";
import { CliError, EXIT } from "../lib/errors";
import type { CliIO } from "../lib/io";
import { Output } from "../lib/output";
import { withPipeline } from "../lib/pipeline-target";
import { action, type CliContext } from "../lib/program";
import { addTargetOptions, type TargetOptions } from "../lib/target-options";
import { deliveryRecordsOf, eventsTableOf } from "./context";

type ReplayOptions = TargetOptions & { force?: boolean; json?: boolean };

export const replay = (cli: CliContext) =>
  addTargetOptions(
    new Command("replay")
      .summary("put an event's recorded message back on the webhook queue (guarded against duplicates)")
      .description(
        "Sends the event's recorded SQS body back to the webhook queue: the same envelope, event id and " +
          "delivery key, so the router handles it like the original.",
      )
      .argument("<event-id>", "the event's id (the EVENT ID column of events list)")
      .option("--force", "replay even a delivered or retrying event")
      .option("--json", "print the result as JSON"),
    ["eventsTable", "idempotencyTable", "queueUrl"],
  )
    .addHelpText(
      "after",
      `
The idempotency guard still protects the agent:
  - a delivered event is refused: the agent already has it. --force forgets the delivery and sends
    it again (the agent gets a second copy).
  - a retrying event is refused: it is still on the queue. --force queues another copy.
  - failed, dead, unrouted and rejected events (the agent never accepted them) are replayed: their
    delivery's idempotency record (a failed agent answer is remembered like a delivery) is deleted
    first, so the router delivers instead of answering with the remembered result.
  - a delivery key delivered under another event id (a provider retry) is refused without --force.
An event whose body was too large to store cannot be replayed.

Exit codes: 0 queued, 1 refused, unknown event or AWS failure, 2 invalid arguments.`,
    )
    .action(action<ReplayOptions>(cli, (options, [eventId], io) => run(options, eventId!, io)));

async function run(values: ReplayOptions, eventId: string, io: CliIO): Promise<number> {
  const output = new Output(io, values.json ?? false);
  const { result, queueUrl } = await withPipeline(values, io, async (session) => {
    const events = eventsTableOf(session);
    const queueUrl = session.name("queueUrl");
    try {
      const result = await replayEvent(
        {
          events,
          deliveries: () => deliveryRecordsOf(session),
          queue: new SqsEventQueue(queueUrl, session.sqs(queueUrl)),
        },
        eventId!,
        { force: values.force ?? false },
      );
      return { result, queueUrl };
    } catch (error) {
      if (error instanceof ReplayRefusedError) throw new CliError(error.message);
      throw error;
    }
  });
  if (result.warning) output.note(`warning: ${result.warning}`);
  output.result({ ...result, queue_url: queueUrl }, () => {
    const lines = [
      `replayed event ${result.event_id} (was ${result.previous_status}${result.forced ? ", forced" : ""}): ` +
        `its recorded message is back on ${queueUrl}`,
    ];
    if (result.delivery_key) {
      const f = result.forgotten;
      lines.push(
        f
          ? `  delivery ${result.delivery_key}: forgot its idempotency record (${f.status}` +
              `${f.outcome ? `, ${f.outcome}` : ""}${f.agent_status ? `, agent answered ${f.agent_status}` : ""}` +
              ") so the router delivers it again"
          : `  delivery ${result.delivery_key}: no idempotency record, the router delivers it as new`,
      );
    }
    return lines.join("\n");
  });
  return EXIT.ok;
}
