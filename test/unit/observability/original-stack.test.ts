import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { originalStack } from "../../../shared/observability/original-stack";

const ENTRY = `import { originalStack } from "./shared/observability/original-stack.ts";
export function fail() {
  throw new Error("thrown in the source");
}
export const decode = (stack) => originalStack(stack);
`;

let dir: string;
let bundle: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "original-stack-"));
  const outfile = join(dir, "index.mjs");
  await build({
    stdin: {
      contents: ENTRY,
      resolveDir: resolve(import.meta.dirname, "../../.."),
      sourcefile: "stack-entry.ts",
      loader: "ts",
    },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "node",
    sourcemap: true,
    sourcesContent: false,
    outfile,
    logLevel: "silent",
  });
  bundle = pathToFileURL(outfile).href;
}, 30_000);

/**
 * The bundle's stack for a throw, raw and decoded, in a plain node process: the test runner maps
 * stacks itself, which would hide whether the decoding works.
 */
async function stacksInFreshProcess(): Promise<{ raw: string; decoded: string }> {
  const script = `const m = await import(${JSON.stringify("BUNDLE")});
    try { m.fail(); } catch (e) { process.stdout.write(JSON.stringify({ raw: e.stack, decoded: m.decode(e.stack) })); }`;
  const { NODE_OPTIONS: _, ...env } = process.env;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", script.replace("BUNDLE", bundle)],
    { env },
  );
  return JSON.parse(stdout);
}

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("originalStack", () => {
  it("gives a bundle's frames in source terms, from the map shipped beside it", async () => {
    const { raw, decoded } = await stacksInFreshProcess();
    expect(raw).toMatch(/index\.mjs:\d+:\d+/);
    expect(decoded).toMatch(/stack-entry\.ts:3:\d+/);
    expect(decoded).not.toMatch(/index\.mjs:\d+:/);
    expect(decoded.split("\n")[0]).toBe("Error: thrown in the source");
  });

  it("leaves stacks outside a bundle, and a missing stack, as they are", () => {
    const stack = new Error("here").stack;
    expect(originalStack(stack)).toBe(stack);
    expect(originalStack(undefined)).toBeUndefined();
  });
});
