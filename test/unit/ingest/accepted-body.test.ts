import { describe, expect, it } from "vitest";
import { AcceptedBody } from "../../../shared/ingest/accepted-body";

describe("AcceptedBody", () => {
  it.each([
    ["one event", ["0b9d3c1e-8f55-4e0a-9a51-3f0f5c1d0001"]],
    ["several events", ["a", "b", "c"]],
    ["an id JSON must escape", ['id "quoted" \\ \n é 🔥']],
  ])("writes the JSON text of {status, id[, ids]}: %s", (_, ids) => {
    const expected =
      ids.length === 1 ? { status: "accepted", id: ids[0] } : { status: "accepted", id: ids[0], ids };
    const body = new AcceptedBody(ids);
    expect(body.json()).toBe(JSON.stringify(expected));
    expect(JSON.stringify(body)).toBe(JSON.stringify(expected));
    expect(body).toEqual(expected);
  });
});
