import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

/** Debian's Chromium (`apt-get install -y chromium`), or CHROMIUM_PATH. */
function chromiumPath(): string {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH=${configured} does not exist`);
    return configured;
  }
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("which", [name], { encoding: "utf8" }).trim();
    } catch {
      // Not this name.
    }
  }
  throw new Error(
    "Chromium is missing: the console's browser tests drive a real one. Install it with " +
      "`sudo apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium executable.",
  );
}

/** A headless Chromium driven by playwright-core (no browser download: the system's own). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    // Chromium's sandbox needs user namespaces, which containers running as root rarely allow.
    args: process.getuid?.() === 0 ? ["--no-sandbox"] : [],
  });
}
