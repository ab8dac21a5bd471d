import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const APP_DIR = fileURLToPath(new URL("./app/", import.meta.url));

export interface ConsoleAssets {
  script: string;
  style: string;
}

let built: Promise<ConsoleAssets> | undefined;

/**
 * The console's page script, bundled from `app/` by esbuild into memory (Preact and all, nothing
 * fetched from the internet), and its style sheet. Built on the first request and kept: nothing to
 * commit or to run before `npm start`.
 */
export function consoleAssets(): Promise<ConsoleAssets> {
  built ??= (async () => {
    // esbuild is a development tool of this repository; the deployed stack never loads the console.
    const { build } = await import("esbuild");
    const result = await build({
      entryPoints: [`${APP_DIR}main.tsx`],
      bundle: true,
      write: false,
      format: "esm",
      minify: true,
      target: "es2022",
      jsx: "automatic",
      jsxImportSource: "preact",
      logLevel: "silent",
    });
    const script = result.outputFiles[0]?.text;
    if (script === undefined) throw new Error("esbuild produced no console script");
    return { script, style: await readFile(`${APP_DIR}console.css`, "utf8") };
  })();
  built.catch(() => {
    built = undefined;
  });
  return built;
}
