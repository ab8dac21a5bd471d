import { describe, expect, it } from "vitest";
import { colourWanted, painter } from "../../../../local/terminal/colour";

describe("colourWanted", () => {
  it("colours a terminal and not a pipe or file", () => {
    expect(colourWanted({}, true)).toBe(true);
    expect(colourWanted({}, false)).toBe(false);
  });

  it("turns colour off for any non-empty NO_COLOR and for TERM=dumb", () => {
    expect(colourWanted({ NO_COLOR: "1" }, true)).toBe(false);
    expect(colourWanted({ NO_COLOR: "" }, true)).toBe(true);
    expect(colourWanted({ TERM: "dumb" }, true)).toBe(false);
  });

  it("lets FORCE_COLOR decide, over NO_COLOR and the stream", () => {
    expect(colourWanted({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(colourWanted({ FORCE_COLOR: "", NO_COLOR: "1" }, false)).toBe(true);
    expect(colourWanted({ FORCE_COLOR: "0" }, true)).toBe(false);
    expect(colourWanted({ FORCE_COLOR: "false" }, true)).toBe(false);
  });
});

describe("painter", () => {
  it("styles text when colour is on, whatever the stream it would go to", () => {
    expect(painter(true)("red", "x")).toBe("\u001b[31mx\u001b[39m");
  });

  it("leaves text plain when colour is off", () => {
    expect(painter(false)(["red", "bold"], "x")).toBe("x");
  });
});
