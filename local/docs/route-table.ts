/**
 * The README's route table, rendered from the provider registry: `npx tsx local/docs/route-table.ts`
 * prints it, `--write` replaces the table between its markers in README.md. A test fails while
 * the README's table is not this one.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Provider } from "../../shared/providers/provider";
import { REGISTRY } from "../../shared/providers/registry";

export const TABLE_START =
  "<!-- route-table: generated from the provider registry by local/docs/route-table.ts -->";
export const TABLE_END = "<!-- /route-table -->";

const code = (text: string) => `\`${text}\``;

/** What a provider answers itself: its handshakes, then its unsigned one and where its token goes. */
function answered(provider: Provider): string {
  const handshake = provider.unsignedHandshake;
  const all = [
    ...provider.handshakes,
    ...(handshake ? [`${handshake.title}: token kept in ${code(handshake.store.name)}`] : []),
  ];
  return all.length > 0 ? all.join(", ") : "—";
}

export function renderRouteTable(registry = REGISTRY): string {
  const rows = registry.routes.map((route) => {
    const provider = registry.byName[route.provider];
    const title =
      route.acknowledgement === "empty" ? `${route.title} (acknowledged with an empty 200)` : route.title;
    return [title, code(route.path), provider.verification, code(provider.secret.name), answered(provider)];
  });
  return [
    "| provider | path | signature | secret | answered without queueing |",
    "|---|---|---|---|---|",
    ...rows.map((cells) => `| ${cells.join(" | ")} |`),
  ].join("\n");
}

/** The README with its table replaced, or an error naming the missing markers. */
export function withRouteTable(readme: string, table = renderRouteTable()): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no route table markers: put ${TABLE_START} and ${TABLE_END} around it`);
  }
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes("--write")) {
    const path = fileURLToPath(new URL("../../README.md", import.meta.url));
    writeFileSync(path, withRouteTable(readFileSync(path, "utf8")));
  } else {
    console.log(renderRouteTable());
  }
}
