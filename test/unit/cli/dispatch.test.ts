/**
 * The CLI's dispatch on commander: help, usage errors and exit codes, and that a group's modules
 * (and their AWS SDK clients) load only when that group runs. Nothing here reaches a table or queue:
 * every case ends before a command's work starts.
 */
import { describe, expect, it, vi } from "vitest";
import { captureIO } from "../../../cli/lib/io";
import { main } from "../../../cli/main";

const loaded = vi.hoisted(() => [] as string[]);
vi.mock("../../../cli/routes/index", async (original) => {
  loaded.push("routes");
  return original();
});
vi.mock("../../../cli/events/index", async (original) => {
  loaded.push("events");
  return original();
});
vi.mock("../../../cli/dlq/index", async (original) => {
  loaded.push("dlq");
  return original();
});

async function cli(argv: string[]) {
  const capture = captureIO({ env: {} });
  const code = await main(argv, capture.io);
  return { code, stdout: capture.stdout(), stderr: capture.stderr() };
}

describe("help", () => {
  it("--help lists every group without loading any", async () => {
    const result = await cli(["--help"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("Usage: webhook-pipeline <group> <command> [options]");
    for (const group of ["routes", "events", "dlq", "stats", "notion"]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${group}\\s+\\S`, "m"));
    }
    expect(result.stdout).toContain("Exit codes: 0 ok, 1 failure, 2 invalid usage.");
    expect(loaded).toEqual([]);
  });

  it("no group at all prints the overview on stderr and exits 2", async () => {
    const result = await cli([]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain("Usage: webhook-pipeline <group> <command> [options]");
  });

  it("a group's help loads that group only, and `help <group>` is the same", async () => {
    const result = await cli(["events", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Usage: webhook-pipeline events <command> [options]");
    expect(result.stdout).toMatch(/replay \[options\] <event-id>\s+put an event's recorded message back/);
    expect(loaded).toEqual(["events"]);
    expect((await cli(["help", "events"])).stdout).toBe(result.stdout);
    expect(loaded).toEqual(["events"]);
  });

  it("a command's help shows its arguments, its options and the target options", async () => {
    const result = await cli(["dlq", "redrive", "--help"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("Usage: webhook-pipeline dlq redrive [options]");
    expect(result.stdout).toMatch(/--no-wait\s+start the native move task/);
    expect(result.stdout).toContain("Target (a resource's own option wins, then --local or --stack");
    for (const option of [
      "--local",
      "--stack [name]",
      "--dlq-url <url>",
      "--queue-url <url>",
      "--sqs-endpoint <url>",
    ]) {
      expect(result.stdout).toContain(`  ${option}`);
    }
    // dlq uses no table: no DynamoDB options.
    expect(result.stdout).not.toContain("--dynamodb-endpoint");
    expect(result.stdout).toContain("Exit codes: 0 all moved");
  });
});

describe("usage errors: exit 2, what is wrong, and the command's usage", () => {
  it.each([
    [
      ["evnts", "list"],
      "error: unknown command 'evnts'\n(Did you mean events?)",
      "usage: webhook-pipeline <group>",
    ],
    [
      ["events", "lst"],
      "error: unknown command 'lst'\n(Did you mean list?)",
      "usage: webhook-pipeline events <command>",
    ],
    [
      ["events", "list", "--limt", "3"],
      "error: unknown option '--limt'\n(Did you mean --limit?)",
      "usage: webhook-pipeline events list [options]",
    ],
    [["events", "list", "--limit"], "error: option '--limit <n>' argument missing", "events list [options]"],
    [
      ["events", "replay"],
      "error: missing required argument 'event-id'",
      "usage: webhook-pipeline events replay [options] <event-id>",
    ],
    [
      ["routes", "show", "a/b", "c/d"],
      "error: too many arguments for 'show'. Expected 1 argument but got 2.",
      "routes show [options] <org/team>",
    ],
    [
      ["dlq", "redrive", "--local", "--sqs-endpoint", "http://127.0.0.1:1"],
      "error: option '--local' cannot be used with option '--sqs-endpoint <url>'",
      "dlq redrive [options]",
    ],
    [
      ["dlq", "list", "--stack", "Prod", "--local"],
      "error: option '--local' cannot be used with option '--stack [name]'",
      "dlq list [options]",
    ],
    [
      ["dlq", "list", "--max", "5000"],
      'error: --max must be a whole number from 1 to 1000, got "5000"',
      "dlq list [options]",
    ],
    [
      ["events", "list", "--status", "sent"],
      "error: --status must be one of delivered, duplicate",
      "events list [options]",
    ],
  ])("%j", async (argv, message, usage) => {
    const result = await cli(argv);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(usage);
    expect(result.stderr).toMatch(/run `webhook-pipeline[^`]*--help` for the details\n$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
