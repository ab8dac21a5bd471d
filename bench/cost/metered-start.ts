/**
 * `local/start.ts` (what `npm start` runs), unchanged, with the cost meter's instruments installed
 * before it loads:
 * - the emulated SQS event source mapping's receives and deletes go through the counting proxy at
 *   COST_METER_SQS_ENDPOINT, like the handlers' own calls (`--handler-sqs-endpoint`): in AWS they
 *   are SQS requests on the bill too;
 * - every router invocation and every ingest request is timed (wall time) and printed as a meter
 *   line (meter-lines.ts), and so is every S3 request (the handlers reach S3 on the emulator's own
 *   endpoint, which no `--handler-*-endpoint` flag moves).
 * Nothing in local/ knows about it: the event source is wrapped on its prototype before anything
 * constructs one, and ingest is timed with Node's own HTTP diagnostics channels.
 */
import { subscribe } from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SqsEventSource, type SqsEventSourceOptions } from "../../local/event-source/sqs-event-source";
import { meterLine } from "./meter-lines";

const endpoint = process.env.COST_METER_SQS_ENDPOINT;
if (!endpoint) throw new Error("COST_METER_SQS_ENDPOINT is not set: run this through npm run cost");

const write = (line: string) => process.stdout.write(line);

const start = SqsEventSource.prototype.start;
SqsEventSource.prototype.start = function (this: SqsEventSource) {
  const self = this as unknown as { options?: SqsEventSourceOptions };
  if (!self.options?.handler) {
    throw new Error(
      "SqsEventSource no longer keeps its settings in `options`: update bench/cost/metered-start.ts",
    );
  }
  const { handler } = self.options;
  self.options = {
    ...self.options,
    client: new SQSClient({ endpoint, useQueueUrlAsEndpoint: false }),
    handler: async (event) => {
      const started = performance.now();
      try {
        return await handler(event);
      } finally {
        write(meterLine({ fn: "router", ms: performance.now() - started, records: event.Records.length }));
      }
    },
  };
  return start.call(this);
};

// From the request's headers to the end of its response: the ingest handler plus turning the HTTP
// request into an API Gateway event (microseconds), as a Lambda's duration would see it.
const started = new WeakMap<IncomingMessage, number>();
subscribe("http.server.request.start", (message) => {
  const { request } = message as { request: IncomingMessage };
  if (request.url?.startsWith("/webhooks/")) started.set(request, performance.now());
});
subscribe("http.server.response.finish", (message) => {
  const { request } = message as { request: IncomingMessage };
  const from = started.get(request);
  if (from !== undefined)
    write(meterLine({ fn: "ingest", ms: performance.now() - from, path: request.url! }));
});

// S3 requests are the ones to the S3 endpoint (fauxqs serves SQS there too: those carry a target).
subscribe("http.client.request.start", (message) => {
  const { request } = message as { request: ClientRequest };
  const s3 = process.env.AWS_ENDPOINT_URL_S3;
  if (!s3 || request.getHeader("x-amz-target") || request.getHeader("host") !== new URL(s3).host) return;
  write(meterLine({ fn: "s3", method: request.method }));
});

await import("../../local/start");
