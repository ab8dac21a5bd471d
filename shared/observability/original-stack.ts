import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

/**
 * Error stacks in the terms of the source, decoded from the bundle's source map only when an error
 * is logged. Node's `--enable-source-maps` would parse the map at every cold start (17–24 ms for
 * the ingest bundle) so that stacks nobody prints read well; here the map is read on the first
 * stack that needs it, once per process. Outside a bundle (tests, the local pipeline under tsx)
 * there is no map beside this module and stacks are returned as they are.
 */

/** This module's file, which in a deployed function is the bundle itself. */
const BUNDLE = fileURLToPath(import.meta.url);
const BUNDLE_URL = import.meta.url;

let map: SourceMap | null | undefined;

function bundleMap(): SourceMap | null {
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${BUNDLE}.map`, "utf8")));
    } catch {
      map = null;
    }
  }
  return map;
}

/** `(<bundle>:<line>:<column>)` in a V8 stack frame, by path or file URL. */
const FRAME = /(file:\/\/\S+?|\/\S+?):(\d+):(\d+)(?=\)?$)/;

function originalFrame(line: string, sourceMap: SourceMap): string {
  const match = FRAME.exec(line);
  if (!match || (match[1] !== BUNDLE && match[1] !== BUNDLE_URL)) return line;
  // Stack positions are 1-based; the map's are 0-based.
  const entry = sourceMap.findEntry(Number(match[2]) - 1, Number(match[3]) - 1) as Partial<{
    originalSource: string;
    originalLine: number;
    originalColumn: number;
  }>;
  if (entry.originalSource === undefined || entry.originalLine === undefined) return line;
  const source = entry.originalSource.replace(/^(\.\.\/)+/, "");
  return line.replace(match[0], `${source}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`);
}

/** `stack` with each frame in the bundle replaced by its place in the source, when a map is there. */
export function originalStack(stack: string | undefined): string | undefined {
  if (stack === undefined) return stack;
  const sourceMap = bundleMap();
  if (!sourceMap) return stack;
  return stack
    .split("\n")
    .map((line) => originalFrame(line, sourceMap))
    .join("\n");
}
