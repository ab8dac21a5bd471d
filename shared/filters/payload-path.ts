/**
 * A place in an event's payload, as a filter names it: names joined by dots, each optionally followed
 * by array indices (`pull_request.merged`, `labels[0].name`). A name holding `.`, `[` or `]` itself
 * cannot be named; no payload field the filters need does.
 */
export type PathStep = { key: string } | { index: number };

const PART = /^([^.[\]]+)((?:\[(?:0|[1-9]\d{0,5})\])*)$/;

export const PAYLOAD_PATH_SYNTAX =
  "names joined by dots, each optionally followed by [index] (`labels[0].name`)";

/** The steps of a path, or what is wrong with it. */
export function parsePayloadPath(path: string): PathStep[] | { problem: string } {
  const steps: PathStep[] = [];
  for (const part of path.split(".")) {
    const match = PART.exec(part);
    if (!match) {
      const what = part === "" ? "an empty name" : `\`${part}\``;
      return { problem: `is not a payload path (${what}): write ${PAYLOAD_PATH_SYNTAX}` };
    }
    steps.push({ key: match[1]! });
    for (const index of match[2]!.matchAll(/\d+/g)) steps.push({ index: Number(index[0]) });
  }
  return steps;
}

/** The payload's own value at `steps`, if it has one (an inherited member such as `constructor` is not found). */
export function valueAtPath(
  payload: unknown,
  steps: readonly PathStep[],
): { found: true; value: unknown } | { found: false } {
  let current = payload;
  for (const step of steps) {
    if ("index" in step) {
      if (!Array.isArray(current) || step.index >= current.length) return { found: false };
      current = current[step.index];
    } else {
      if (typeof current !== "object" || current === null || Array.isArray(current)) return { found: false };
      if (!Object.hasOwn(current, step.key)) return { found: false };
      current = (current as Record<string, unknown>)[step.key];
    }
  }
  return { found: true, value: current };
}
