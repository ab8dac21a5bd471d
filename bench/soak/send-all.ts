import type { PipelineState } from "./collect";
import type { FaultInjector } from "./faults";
import type { SoakOptions } from "./options";
import type { SendResult, WebhookSender } from "./sender";
import type { WebhookMix } from "./webhooks";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The queue's depth, read twice a second while the soak runs (for backpressure and progress). */
export class QueueWatch {
  waiting = 0;
  all = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(state: PipelineState) {
    this.timer = setInterval(() => {
      state.queueDepth().then(
        (depth) => Object.assign(this, depth),
        () => undefined, // the next reading will do
      );
    }, 500);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/**
 * Sends `options.events` webhooks (fewer if `durationSeconds` runs out, or the mix plans some it does
 * not send): at `rate` if one is set,
 * never more than `maxBacklog` ahead of the router, starting each planned fault as its point of
 * the sending is reached. Resolves once every webhook has its final answer.
 */
export async function sendAll(
  options: SoakOptions,
  parts: { sender: WebhookSender; mix: WebhookMix; injector: FaultInjector; queue: QueueWatch },
  onProgress: (sent: number) => void,
): Promise<SendResult[]> {
  const { sender, mix, injector, queue } = parts;
  const started = Date.now();
  const deadline = started + options.durationSeconds * 1000;
  const sends: Promise<SendResult>[] = [];
  for (let seq = 0; seq < options.events && Date.now() < deadline; seq++) {
    if (options.rate > 0) await sleep(started + (seq * 1000) / options.rate - Date.now());
    while (queue.waiting > options.maxBacklog && Date.now() < deadline) await sleep(100);
    await sender.turn();
    injector.progress(seq, options.events);
    const webhook = mix.next(seq);
    if (!webhook) {
      sender.pass();
      continue;
    }
    sends.push(sender.send(webhook));
    onProgress(sends.length);
  }
  return Promise.all(sends);
}
