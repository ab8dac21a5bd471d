/**
 * Builds Lambda bundles with the local esbuild the way CDK `NodejsFunction` does, then measures
 * their size and their cold import time in fresh `node` processes.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, stat, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { gzipSync } from "node:zlib";
import { type BuildOptions, build } from "esbuild";
import { AUDIT_SDK_MODULES } from "../../shared/adapters/dynamodb/dynamodb-request-audit";
import { S3_SDK_MODULE } from "../../shared/payloads/s3-payload-store";
import { median } from "./measure";

const run = promisify(execFile);

export const REPO_ROOT = resolve(import.meta.dirname, "../..");

/** An ES module bundle needs `require` for bundled CommonJS that requires Node builtins. */
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** How a bundle is built and how Lambda starts it. */
export interface BuildConfig {
  label: string;
  /** esbuild options beyond the entry and output. */
  esbuild: BuildOptions;
  /** `NODE_OPTIONS` of the function (the source map is only read with `--enable-source-maps`). */
  nodeOptions?: string;
}

const COMMON: BuildOptions = {
  bundle: true,
  minify: true,
  platform: "node",
  target: "node22",
  format: "esm",
  mainFields: ["module", "main"],
  banner: { js: ESM_REQUIRE_BANNER },
  logLevel: "silent",
};

/** What the ingest functions take from the Lambda runtime instead of bundling it. */
const RUNTIME_PROVIDED = [S3_SDK_MODULE, ...AUDIT_SDK_MODULES];

export const BUILD_CONFIGS = {
  /**
   * infra/constructs/lambda-defaults.ts: `bundleAwsSDK: true` except the lazily loaded S3 and audit
   * (DynamoDB) modules the ingest functions leave to the runtime (infra/constructs/webhook-api.ts),
   * and a source map that is shipped but not loaded at start (shared/observability/original-stack.ts
   * reads it on error).
   */
  deployed: {
    label:
      "as deployed: SDK bundled (S3 and DynamoDB from the runtime), source map shipped, not loaded at start",
    esbuild: { ...COMMON, sourcemap: true, sourcesContent: false, external: RUNTIME_PROVIDED },
  },
  /** The same bundle started with `--enable-source-maps`, as it was deployed before. */
  sourceMapsEnabled: {
    label: "the same, started with NODE_OPTIONS=--enable-source-maps",
    esbuild: { ...COMMON, sourcemap: true, sourcesContent: false, external: RUNTIME_PROVIDED },
    nodeOptions: "--enable-source-maps",
  },
} satisfies Record<string, BuildConfig>;

export interface BundleSpec {
  name: string;
  /** A file to bundle, or the source of an entry module (resolved from the repository root). */
  entry: { file: string } | { source: string };
  config: BuildConfig;
  /** Environment the module needs at import time (Bolt checks its signing secret then). */
  env?: Record<string, string>;
}

export interface BundleResult {
  spec: BundleSpec;
  path: string;
  bytes: number;
  gzipBytes: number;
  sourceMapBytes: number;
  importMs: number[];
}

export class BundleWorkspace {
  private count = 0;
  private constructor(readonly dir: string) {}

  /**
   * A temporary directory with `node_modules` linked to the repository's, so that modules left
   * external (`@aws-sdk/*`, provided by the Lambda runtime) resolve when the bundle is imported.
   */
  static async create(): Promise<BundleWorkspace> {
    const dir = await mkdtemp(join(tmpdir(), "ingest-bench-"));
    await symlink(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
    return new BundleWorkspace(dir);
  }

  async build(spec: BundleSpec): Promise<BundleResult> {
    const outDir = join(this.dir, `bundle-${++this.count}`);
    await mkdir(outDir, { recursive: true });
    const outfile = join(outDir, "index.mjs");
    await build({
      ...spec.config.esbuild,
      outfile,
      absWorkingDir: REPO_ROOT,
      ...("file" in spec.entry
        ? { entryPoints: [join(REPO_ROOT, spec.entry.file)] }
        : {
            stdin: {
              contents: spec.entry.source,
              resolveDir: REPO_ROOT,
              sourcefile: `${spec.name}.ts`,
              loader: "ts" as const,
            },
          }),
    });
    const bytes = (await stat(outfile)).size;
    const gzipBytes = gzipSync(await readFile(outfile), { level: 9 }).length;
    const sourceMapBytes = spec.config.esbuild.sourcemap ? (await stat(`${outfile}.map`)).size : 0;
    return { spec, path: outfile, bytes, gzipBytes, sourceMapBytes, importMs: [] };
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Milliseconds a fresh `node` process spends in `await import(bundle)` (module load + top-level
 * code), checking that the bundle exports a `handler` function.
 */
export async function coldImportMs(bundle: BundleResult): Promise<number> {
  const script =
    "const t0 = performance.now();" +
    `const mod = await import(${JSON.stringify(pathToFileURL(bundle.path).href)});` +
    "const ms = performance.now() - t0;" +
    "if (typeof mod.handler !== 'function') throw new Error('the bundle exports no handler');" +
    "process.stdout.write(String(ms));";
  // Not the parent's NODE_OPTIONS (tsx may pass its loader there): the function's own, if any.
  const { NODE_OPTIONS: _parentOptions, ...parentEnv } = process.env;
  const env: NodeJS.ProcessEnv = { ...parentEnv, ...bundle.spec.env };
  if (bundle.spec.config.nodeOptions) env.NODE_OPTIONS = bundle.spec.config.nodeOptions;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], {
    env,
    cwd: tmpdir(),
  });
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms)) throw new Error(`cannot read the import time from '${stdout}'`);
  return ms;
}

/** Cold-imports each bundle `rounds` times, interleaved so drift on the machine hits all alike. */
export async function measureColdImports(bundles: readonly BundleResult[], rounds: number): Promise<void> {
  for (const bundle of bundles) await coldImportMs(bundle); // file cache warm-up, not counted
  for (let round = 0; round < rounds; round++) {
    for (const bundle of bundles) bundle.importMs.push(await coldImportMs(bundle));
  }
}

export const medianImportMs = (bundle: BundleResult): number => median(bundle.importMs);

/**
 * The median over rounds of `bundle`'s import time over `baseline`'s in the same round: imported
 * one after the other, a pair sees the same machine, so the ratio holds when other work on the
 * machine slows whole rounds (the ratio of the two medians would mix rounds of different speeds).
 */
export function medianImportRatio(bundle: BundleResult, baseline: BundleResult): number {
  return median(bundle.importMs.map((ms, round) => ms / baseline.importMs[round]!));
}
