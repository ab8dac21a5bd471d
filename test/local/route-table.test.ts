import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderRouteTable, TABLE_END, TABLE_START, withRouteTable } from "../../local/docs/route-table";
import { WEBHOOK_ROUTES } from "../../shared/providers/registry";

const README = new URL("../../README.md", import.meta.url);

describe("the README's route table", () => {
  it("is the one the provider registry renders (npx tsx local/docs/route-table.ts --write updates it)", () => {
    const readme = readFileSync(README, "utf8");
    expect(readme, "README.md has no route table markers").toContain(TABLE_START);
    expect(
      withRouteTable(readme),
      "README.md's route table differs from the registry: run npx tsx local/docs/route-table.ts --write",
    ).toBe(readme);
  });

  it("has a row per route, with its verification, its secret and what is answered without queueing", () => {
    const rows = renderRouteTable().split("\n").slice(2);
    expect(rows).toHaveLength(WEBHOOK_ROUTES.length);
    expect(rows).toContain(
      "| Slack interactivity and slash commands (acknowledged with an empty 200) | `/webhooks/slack/interactions` | `X-Slack-Signature` (v0, ±5 min) | `SLACK_SIGNING_SECRET` | `url_verification` (answered with its challenge), `ssl_check`, the bot's own messages |",
    );
    expect(rows.find((r) => r.includes("`/webhooks/notion`"))).toContain(
      "subscription verification (`verification_token`, unsigned): token kept in `NOTION_VERIFICATION_TOKEN`",
    );
  });

  it("replaces only what is between the markers", () => {
    const readme = `# Title\n\n${TABLE_START}\nold table\n${TABLE_END}\n\nMore text.\n`;
    expect(withRouteTable(readme, "| new |")).toBe(
      `# Title\n\n${TABLE_START}\n| new |\n${TABLE_END}\n\nMore text.\n`,
    );
    expect(() => withRouteTable("# no markers")).toThrowError(/README.md has no route table markers/);
  });
});
