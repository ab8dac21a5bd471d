import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  EMF_MAX_VALUES,
  type RecordLineSettings,
  recordLineWriters,
} from "../../../shared/observability/record-line";

const COUNTED = [
  { dimensions: ["provider"], metrics: ["WebhooksAccepted"] },
  { dimensions: ["provider", "reason"], metrics: ["WebhooksRejected"] },
];

function settingsOf(lines: string[], settings: Partial<RecordLineSettings>): RecordLineSettings {
  return {
    namespace: "WebhookPipeline",
    metricsEnabled: true,
    silent: false,
    write: (line) => void lines.push(line),
    ...settings,
  };
}

function writer(settings: Partial<RecordLineSettings> = {}) {
  const lines: string[] = [];
  return { write: recordLineWriters(settingsOf(lines, settings)).write, lines };
}

function jsonWriter(settings: Partial<RecordLineSettings> = {}) {
  const lines: string[] = [];
  return { writeJson: recordLineWriters(settingsOf(lines, settings)).writeJson, lines };
}

/** Text that needs escaping in JSON, or that JSON.stringify must write as an escape (lone surrogates). */
const awkwardText = fc.string({
  unit: fc.oneof(
    fc.constantFrom(
      '"',
      "\\",
      "\n",
      "\u0000",
      "\u001f",
      "\u007f",
      "\u2028",
      "\u2029",
      "\ud800",
      "\udfff",
      "😀",
      "/",
    ),
    fc.string({ unit: "binary", minLength: 1, maxLength: 1 }),
  ),
});

afterEach(() => {
  vi.useRealTimers();
});

describe("the record line", () => {
  it("is one JSON line holding the record and an EMF block naming each metric and its dimensions", () => {
    const { write, lines } = writer();
    write(
      { level: "WARN", message: "webhook rejected", provider: "github", reason: "bad_signature" },
      COUNTED,
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith("}\n")).toBe(true);
    expect(lines[0]!.indexOf("\n")).toBe(lines[0]!.length - 1);
    const document = JSON.parse(lines[0]!);
    expect(document).toMatchObject({
      level: "WARN",
      message: "webhook rejected",
      provider: "github",
      reason: "bad_signature",
      WebhooksAccepted: 1,
      WebhooksRejected: 1,
    });
    expect(document._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: "WebhookPipeline",
        Dimensions: [["provider"]],
        Metrics: [{ Name: "WebhooksAccepted" }],
      },
      {
        Namespace: "WebhookPipeline",
        Dimensions: [["provider", "reason"]],
        Metrics: [{ Name: "WebhooksRejected" }],
      },
    ]);
    expect(document).not.toHaveProperty("service");
    expect(Math.abs(document._aws.Timestamp - Date.now())).toBeLessThan(5_000);
  });

  it("stays valid JSON for values that need escaping, and counts a metric named twice once", () => {
    const { write, lines } = writer();
    const counted = [
      { dimensions: ["provider"], metrics: ["A", "B"] },
      { dimensions: ["provider", "event_type"], metrics: ["A"] },
    ];
    write({ message: 'a "quoted" line\nwith a break', provider: "slack" }, counted);
    write({ message: "again", provider: "slack" }, counted);
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first.message).toBe('a "quoted" line\nwith a break');
    expect(second).toMatchObject({ A: 1, B: 1 });
    expect(lines[1]!.match(/"A":1/g)).toHaveLength(1);
  });

  it("is still written without metrics when metrics are disabled, and not at all when logging is silent", () => {
    const disabled = writer({ metricsEnabled: false });
    disabled.write({ level: "INFO", message: "webhook accepted" }, COUNTED);
    expect(JSON.parse(disabled.lines[0]!)).toEqual({
      level: "INFO",
      message: "webhook accepted",
    });
    const empty = writer();
    empty.write({}, COUNTED);
    expect(JSON.parse(empty.lines[0]!)).toMatchObject({ WebhooksAccepted: 1, WebhooksRejected: 1 });
    const silent = writer({ silent: true });
    silent.write({ level: "ERROR", message: "x" }, COUNTED);
    expect(silent.lines).toEqual([]);
  });

  it("carries counts other than 1, a distribution's samples and a duration's unit", () => {
    const { write, lines } = writer();
    const counted = [
      {
        dimensions: ["service"],
        metrics: ["EventsDelivered", { name: "EndToEndLatency", unit: "Milliseconds" } as const],
      },
      { dimensions: ["service", "class"], metrics: ["AgentErrors"] },
    ];
    write({ service: "webhook-pipeline", class: "timeout" }, counted, {
      EventsDelivered: 3,
      EndToEndLatency: [120, 348, 9],
    });
    const document = JSON.parse(lines[0]!);
    expect(document).toMatchObject({ EventsDelivered: 3, EndToEndLatency: [120, 348, 9], AgentErrors: 1 });
    expect(document._aws.CloudWatchMetrics[0].Metrics).toEqual([
      { Name: "EventsDelivered" },
      { Name: "EndToEndLatency", Unit: "Milliseconds" },
    ]);
    expect(document._aws.CloudWatchMetrics[1].Dimensions).toEqual([["service", "class"]]);
  });

  it("refuses a distribution EMF would drop: empty, or more than 100 samples", () => {
    const { write, lines } = writer();
    const counted = [{ dimensions: [], metrics: ["EndToEndLatency"] }];
    const samples = (n: number) => Array.from({ length: n }, (_, i) => i);
    write({}, counted, { EndToEndLatency: samples(EMF_MAX_VALUES) });
    expect(JSON.parse(lines[0]!).EndToEndLatency).toHaveLength(100);
    expect(() => write({}, counted, { EndToEndLatency: samples(EMF_MAX_VALUES + 1) })).toThrow(
      "EndToEndLatency has 101 values; an EMF line takes 1 to 100",
    );
    expect(() => write({}, counted, { EndToEndLatency: [] })).toThrow(RangeError);
    expect(lines).toHaveLength(1);
  });
});

describe("a record line given as JSON text", () => {
  it("is the line its fields would give, byte for byte, whatever the fields' text holds", () => {
    vi.useFakeTimers({ now: new Date("2026-12-02T06:00:00Z") });
    const fields = fc.dictionary(
      fc.oneof(awkwardText, fc.constantFrom("level", "message", "provider", "__proto__")),
      fc.oneof(awkwardText, fc.integer(), fc.boolean(), fc.array(fc.record({ id: awkwardText }))),
    );
    fc.assert(
      fc.property(fields, fc.boolean(), fc.boolean(), (record, metricsEnabled, withValues) => {
        const byFields = writer({ metricsEnabled });
        const byJson = jsonWriter({ metricsEnabled });
        const values = withValues ? { WebhooksAccepted: 3 } : undefined;
        byFields.write(record, COUNTED, values);
        byJson.writeJson(JSON.stringify(record), COUNTED, values);
        expect(byJson.lines).toEqual(byFields.lines);
        const { _aws, WebhooksAccepted, WebhooksRejected, ...read } = JSON.parse(byJson.lines[0]!);
        expect(read).toEqual(JSON.parse(JSON.stringify(record)));
        if (metricsEnabled) expect([WebhooksAccepted, WebhooksRejected]).toEqual([withValues ? 3 : 1, 1]);
      }),
    );
  });

  it("of an empty object still carries its metrics; not written when silent, nor checked then", () => {
    const empty = jsonWriter();
    empty.writeJson("{}", COUNTED);
    expect(JSON.parse(empty.lines[0]!)).toMatchObject({ WebhooksAccepted: 1, WebhooksRejected: 1 });
    const silent = jsonWriter({ silent: true });
    silent.writeJson('{"level":"INFO"}', [{ dimensions: [], metrics: ["L"] }], { L: [] });
    expect(silent.lines).toEqual([]);
  });

  it("without metrics is the text as given, one line", () => {
    const disabled = jsonWriter({ metricsEnabled: false });
    disabled.writeJson('{"message":"a\\nb"}', COUNTED);
    expect(disabled.lines).toEqual(['{"message":"a\\nb"}\n']);
  });
});
