import { describe, expect, it } from "vitest";
import { printableField, printableLine } from "../../../../local/terminal/printable-text";

describe("printableField", () => {
  it("drops escape sequences: colours, cursor moves, screen clears, window titles", () => {
    expect(printableField("\u001b[31mred\u001b[0m \u001b[2J\u001b[Hplain \u001b]0;title\u0007end", 100)).toBe(
      "red plain end",
    );
  });

  it("puts one space for each run of other controls, newlines included, and trims", () => {
    expect(printableField("\n a\r\n\tb\u0000\u0007c\u007f\u0085 ", 100)).toBe("a b c");
  });

  it("drops the invisible marks that reorder or hide text", () => {
    expect(printableField("ab\u202ecd\u200bef\u2066gh", 100)).toBe("ab cd ef gh");
  });

  it("caps a long value with an ellipsis, never splitting a character in two", () => {
    expect(printableField("x".repeat(10_240), 20)).toBe(`${"x".repeat(19)}…`);
    const cut = printableField(`${"x".repeat(18)}😀😀`, 20);
    expect(cut).toBe(`${"x".repeat(18)}…`);
    expect(printableField("short", 20)).toBe("short");
  });
});

describe("printableLine", () => {
  it("keeps a line's indentation and tabs", () => {
    expect(printableLine("  github\tPOST http://localhost:3000/webhooks/github  ", 100)).toBe(
      "  github\tPOST http://localhost:3000/webhooks/github  ",
    );
  });

  it("drops escape sequences and replaces other controls", () => {
    expect(printableLine("agent: \u001b[2Jgithub a\r\nb", 100)).toBe("agent: github a b");
  });

  it("caps the line", () => {
    expect(printableLine("y".repeat(5_000), 2_000)).toHaveLength(2_000);
  });
});
