import { describe, expect, it } from "vitest";
import { checkLocalOrigin } from "../../../../local/console/local-origin";

describe("checkLocalOrigin", () => {
  it.each(["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "localhost", "LOCALHOST:8080"])(
    "lets the console's own page read on Host %s",
    (host) => {
      expect(checkLocalOrigin("GET", { host })).toEqual({ ok: true });
    },
  );

  it.each([
    "evil.example:3000",
    "localhost.evil.example:3000",
    "127.0.0.1.nip.io:3000",
    "localhost:3000@evil.example",
    "localhost:3000/evil",
    "[::2]:3000",
    "",
  ])("refuses Host %j (a rebound DNS name points here)", (host) => {
    const check = checkLocalOrigin("GET", { host });
    expect(check).toMatchObject({ ok: false, status: 403 });
    expect(!check.ok && check.error).toContain("only on localhost");
  });

  it("refuses a request without a Host header", () => {
    expect(checkLocalOrigin("GET", {})).toMatchObject({ ok: false, status: 403 });
  });

  it("refuses a read another site's page makes, even on a loopback Host", () => {
    const check = checkLocalOrigin("GET", { host: "localhost:3000", origin: "https://evil.example" });
    expect(check).toMatchObject({ ok: false, status: 403 });
    expect(!check.ok && check.error).toContain("https://evil.example");
  });

  it("takes a POST only with the console's own Origin", () => {
    expect(checkLocalOrigin("POST", { host: "localhost:3000", origin: "http://localhost:3000" })).toEqual({
      ok: true,
    });
    for (const origin of [
      undefined,
      "null",
      "http://localhost:3001",
      "http://127.0.0.1:3000",
      "https://localhost:3000",
    ]) {
      const check = checkLocalOrigin("POST", { host: "localhost:3000", ...(origin ? { origin } : {}) });
      expect(check, String(origin)).toMatchObject({ ok: false, status: 403 });
    }
  });

  it("says how to send a state-changing request when the Origin is missing", () => {
    const check = checkLocalOrigin("POST", { host: "localhost:3000" });
    expect(!check.ok && check.error).toBe(
      "a POST needs an Origin header equal to http://localhost:3000 (the console's own page sends it)",
    );
  });
});
