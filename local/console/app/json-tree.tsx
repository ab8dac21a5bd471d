import { useState } from "preact/hooks";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One value of the payload: objects and arrays fold open and shut, the top levels start open. */
function Node({ name, value, depth }: { name?: string; value: Json; depth: number }) {
  const [open, setOpen] = useState(depth < 2);
  const label = name === undefined ? null : <span class="key">{JSON.stringify(name)}: </span>;
  if (value === null || typeof value !== "object") {
    return (
      <div class="leaf">
        {label}
        <span class={`v-${value === null ? "null" : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries: [string | undefined, Json][] = Array.isArray(value)
    ? value.map((v) => [undefined, v])
    : Object.entries(value);
  const [start, end] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  return (
    <div class="branch">
      <button type="button" class="fold" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"}
      </button>
      {label}
      {start}
      {open ? (
        <div class="children">
          {entries.map(([key, child], i) => (
            <Node key={key ?? i} name={key} value={child} depth={depth + 1} />
          ))}
        </div>
      ) : (
        <span class="summary">
          {" "}
          {entries.length} {Array.isArray(value) ? "items" : "keys"}{" "}
        </span>
      )}
      {end}
    </div>
  );
}

/**
 * The payload pretty-printed and collapsible, or its exact text: the tree is JSON.parse's reading,
 * which rounds numbers beyond 2^53, so the raw text stays one click away.
 */
export function JsonTree({ text }: { text: string }) {
  const [raw, setRaw] = useState(false);
  let parsed: Json | undefined;
  try {
    parsed = JSON.parse(text) as Json;
  } catch {
    parsed = undefined;
  }
  return (
    <div class="payload" data-testid="payload">
      <label class="toggle">
        <input type="checkbox" checked={raw || parsed === undefined} onChange={() => setRaw(!raw)} /> exact
        text
      </label>
      {raw || parsed === undefined ? <pre>{text}</pre> : <Node value={parsed} depth={0} />}
    </div>
  );
}
