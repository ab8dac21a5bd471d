/** One step into a JSON body: a member name, or an array index. */
export type PathStep = string | number;

const NAME = /^[^.[\]]+/;
const INDEX = /^\[(0|[1-9][0-9]{0,8})\]/;

/**
 * `alert.labels.service`, `incidents[0].id`: member names joined by dots, `[n]` for an array item.
 * Undefined when the text is not such a path (an empty name, an unclosed bracket, `[-1]`).
 */
export function parseJsonPath(text: string): PathStep[] | undefined {
  const steps: PathStep[] = [];
  let rest = text;
  for (;;) {
    const name = NAME.exec(rest);
    if (!name) return undefined;
    steps.push(name[0]);
    rest = rest.slice(name[0].length);
    for (let index = INDEX.exec(rest); index; index = INDEX.exec(rest)) {
      steps.push(Number(index[1]));
      rest = rest.slice(index[0].length);
    }
    if (rest === "") return steps;
    if (!rest.startsWith(".")) return undefined;
    rest = rest.slice(1);
  }
}

/**
 * The value at a path, or undefined. Only the body's own members count: `constructor` or
 * `__proto__` in a path never reaches Object.prototype, and a name never indexes an array.
 */
export function readJsonPath(value: unknown, steps: readonly PathStep[]): unknown {
  let current = value;
  for (const step of steps) {
    if (typeof step === "number") {
      if (!Array.isArray(current) || step >= current.length) return undefined;
      current = current[step];
    } else {
      if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
      if (!Object.hasOwn(current, step)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}
