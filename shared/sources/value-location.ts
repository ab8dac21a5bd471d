import { type PathStep, readJsonPath } from "./json-path";

/** Where one value of an event is: a path into the JSON body, or a request header (lower-case name). */
export type ValueLocation = { path: readonly PathStep[] } | { header: string };

/**
 * A header's or query parameter's value by exact (lower-case) name. Own members only: a configured
 * name such as `constructor` must not reach Object.prototype's function of that name.
 */
export function ownValue(
  values: Readonly<Record<string, string>> | undefined,
  name: string,
): string | undefined {
  return values !== undefined && Object.hasOwn(values, name) ? values[name] : undefined;
}

/**
 * A value that can name an event, as text: a non-blank string, or an integer JSON numbers hold
 * exactly. Larger integers are not: two ids beyond 2^53 can parse to the same number, and one
 * sender's distinct deliveries would then share a key. Booleans, objects and arrays name nothing.
 */
export function valueText(value: unknown): string | undefined {
  if (typeof value === "string") return value.trim() === "" ? undefined : value;
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  return undefined;
}

/** The value at the first location that holds one, as text; undefined when none does. */
export function readValue(
  locations: readonly ValueLocation[],
  body: unknown,
  headers: Readonly<Record<string, string>>,
): string | undefined {
  for (const location of locations) {
    const value =
      "header" in location ? ownValue(headers, location.header) : readJsonPath(body, location.path);
    const text = valueText(value);
    if (text !== undefined) return text;
  }
  return undefined;
}
