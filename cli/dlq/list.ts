import { peekMessages, summariseDeadLetter } from "../../shared/operations/dead-letter-queue";
import { COMMON_OPTIONS, positionals } from "../lib/args";
import type { Command } from "../lib/command";
import { EXIT } from "../lib/errors";
import { Output, renderTable } from "../lib/output";
import {
  parsePipelineArgs,
  pipelineOptions,
  pipelineOptionsHelp,
  withPipeline,
} from "../lib/pipeline-target";
import { formatAge, parseCount } from "../lib/time";

const usage = "webhook-pipeline dlq list [--max N] [--json] [--local | --stack [NAME] | --dlq-url URL]";

const MAX = 1000;

export const list: Command = {
  name: "list",
  summary: "peek at dead-letter messages without consuming them",
  usage,
  help: `usage: ${usage}

Peeks at the dead-letter queue: receives up to --max messages and makes each visible again right
away, so nothing is consumed (a peek still counts towards SQS's ApproximateReceiveCount). Shows each
message's envelope id (the events table key: see \`events show\`), provider, event type, delivery
key, receive count and age (since it was first sent to the webhook queue).

  --max N           messages to show (default 20, at most ${MAX})

${pipelineOptionsHelp(["deadLetterQueueUrl"])}
  --json            print {peek, queue_url, approximate_count, messages} as JSON

Exit codes: 0 listed, 1 SQS failure, 2 invalid arguments.`,
  async run(argv, io) {
    const { values, positionals: args } = parsePipelineArgs(
      argv,
      { ...COMMON_OPTIONS, ...pipelineOptions("deadLetterQueueUrl"), max: { type: "string" } },
      usage,
    );
    positionals(args, [], usage);
    const max = parseCount(values.max, "--max", 20, MAX, usage);
    const { peek, queueUrl } = await withPipeline(values, io, usage, async (session) => {
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
  },
};
