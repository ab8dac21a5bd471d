import { Command } from "commander";
import { peekMessages, summariseDeadLetter } from "../../shared/operations/dead-letter-queue";
import { EXIT } from "../lib/errors";
import type { CliIO } from "../lib/io";
import { Output, renderTable } from "../lib/output";
import { withPipeline } from "../lib/pipeline-target";
import { action, type CliContext } from "../lib/program";
import { addTargetOptions, type TargetOptions } from "../lib/target-options";
import { formatAge, parseCount } from "../lib/time";

const MAX = 1000;

type ListOptions = TargetOptions & { max?: string; json?: boolean };

export const list = (cli: CliContext) =>
  addTargetOptions(
    new Command("list")
      .summary("peek at dead-letter messages without consuming them")
      .description(
        "Peeks at the dead-letter queue: receives up to --max messages and makes each visible again right " +
          "away, so nothing is consumed (a peek still counts towards SQS's ApproximateReceiveCount). Shows each " +
          "message's envelope id (the events table key: see `events show`), provider, event type, delivery " +
          "key, receive count and age (since it was first sent to the webhook queue).",
      )
      .option("--max <n>", `messages to show (default 20, at most ${MAX})`)
      .option("--json", "print {peek, queue_url, approximate_count, messages} as JSON"),
    ["deadLetterQueueUrl"],
  )
    .addHelpText("after", "\nExit codes: 0 listed, 1 SQS failure, 2 invalid arguments.")
    .action(action<ListOptions>(cli, (options, _args, io) => run(options, io)));

async function run(values: ListOptions, io: CliIO): Promise<number> {
  const max = parseCount(values.max, "--max", 20, MAX);
  const { peek, queueUrl } = await withPipeline(values, io, async (session) => {
    const queueUrl = session.name("deadLetterQueueUrl");
    return { peek: await peekMessages(session.sqs(queueUrl), queueUrl, max), queueUrl };
  });
  const now = new Date();
  const messages = peek.messages.map((m) => summariseDeadLetter(m, now));
  const output = new Output(io, values.json ?? false);
  if (peek.notRestored > 0) {
    output.note(
      `warning: ${peek.notRestored} peeked message(s) could not be made visible again; they reappear within ${peek.holdSeconds}s`,
    );
  }
  output.result(
    { peek: true, queue_url: queueUrl, approximate_count: peek.approximateCount ?? null, messages },
    () => {
      const head =
        `peek (nothing consumed) at ${queueUrl}: ${messages.length} message(s) shown` +
        (peek.approximateCount !== undefined ? `, about ${peek.approximateCount} in the queue` : "");
      if (messages.length === 0) return `${head}\nthe dead-letter queue is empty`;
      return `${head}\n\n${renderTable(
        ["EVENT ID", "PROVIDER", "EVENT TYPE", "DELIVERY KEY", "RECEIVES", "AGE", "SENT"],
        messages.map((m) => [
          m.event_id ?? `(no envelope) message ${m.message_id}`,
          m.provider ?? "-",
          m.event_type ?? "-",
          m.delivery_key ?? "-",
          m.receive_count,
          m.age_seconds !== undefined ? formatAge(m.age_seconds) : "",
          m.sent_at,
        ]),
      )}`;
    },
  );
  return EXIT.ok;
}
