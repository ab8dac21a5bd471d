import { type PathStep, parsePayloadPath, valueAtPath } from "./payload-path";

/** A JSON value a condition compares with: never an object or array, which have no one equality. */
export type ConditionValue = string | number | boolean | null;

/**
 * A rule's `where`: payload path → the value found there, or a list of values meaning any of them.
 * `{"pull_request.merged": true, "action": ["opened", "reopened"]}` holds when every path holds.
 */
export type PayloadConditions = Record<string, ConditionValue | ConditionValue[]>;

/** One problem in a `where`, at a path below it (`["pull_request.merged"]`, `["action", 1]`). */
export interface ConditionProblem {
  path: (string | number)[];
  message: string;
}

const VALUE_KINDS = "a string, number, boolean or null, or a non-empty array of them (any of)";

function valueProblem(value: unknown): string | undefined {
  if (value === null || typeof value === "string" || typeof value === "boolean") return undefined;
  if (typeof value !== "number") return `must be ${VALUE_KINDS}`;
  // The payload is parsed into doubles: past 2^53 its integers may be rounded, and a rule's would
  // then match neighbouring ids. Such fields are not filtered on at all rather than approximately.
  if (Number.isInteger(value) && !Number.isSafeInteger(value)) {
    return "is an integer beyond ±2^53, which cannot be compared exactly: filter on another field";
  }
  return undefined;
}

/** Every problem of a `where` value, for the filters' validation at cold start. */
export function conditionProblems(where: unknown): ConditionProblem[] {
  if (typeof where !== "object" || where === null || Array.isArray(where)) {
    return [{ path: [], message: "must be an object of payload path → value (or array of values)" }];
  }
  const entries = Object.entries(where);
  if (entries.length === 0) {
    return [
      { path: [], message: "must hold at least one payload path (leave `where` out to match any payload)" },
    ];
  }
  const problems: ConditionProblem[] = [];
  for (const [path, expected] of entries) {
    const steps = parsePayloadPath(path);
    if ("problem" in steps) problems.push({ path: [path], message: steps.problem });
    if (!Array.isArray(expected)) {
      const problem = valueProblem(expected);
      if (problem) problems.push({ path: [path], message: problem });
      continue;
    }
    if (expected.length === 0)
      problems.push({ path: [path], message: `must be ${VALUE_KINDS}, not an empty array` });
    expected.forEach((value, i) => {
      const problem = valueProblem(value);
      if (problem) problems.push({ path: [path, i], message: problem });
    });
  }
  return problems;
}

/** Parsed once per path: rules are fixed at cold start and matched on every event. */
const stepsByPath = new Map<string, PathStep[]>();

function stepsOf(path: string): PathStep[] {
  let steps = stepsByPath.get(path);
  if (!steps) {
    const parsed = parsePayloadPath(path);
    // Validated filters never get here with a bad path; an unvalidated one matches nothing.
    steps = "problem" in parsed ? [] : parsed;
    stepsByPath.set(path, steps);
  }
  return steps;
}

/** Strict JSON equality on the value itself: `"true"` is not `true`, `1` is not `"1"`, missing is not null. */
function holds(expected: ConditionValue | ConditionValue[], payload: unknown, path: string): boolean {
  const steps = stepsOf(path);
  if (steps.length === 0) return false;
  const found = valueAtPath(payload, steps);
  if (!found.found) return false;
  return Array.isArray(expected) ? expected.some((value) => value === found.value) : expected === found.value;
}

/** True when every condition holds on the payload (no conditions: always). */
export function conditionsHold(where: PayloadConditions | undefined, payload: unknown): boolean {
  if (!where) return true;
  return Object.entries(where).every(([path, expected]) => holds(expected, payload, path));
}
