import { expect } from "vitest";

/**
 * Every run of 4 characters of a secret's own material: `whsec_` is the scheme's public prefix (the
 * errors name it when they say what a secret must look like), so it is left out of what is secret.
 */
export function secretFragments(secret: string): string[] {
  const material = secret.replace(/^whsec_/, "");
  if (material.length < 4) return [];
  return Array.from({ length: material.length - 3 }, (_, i) => material.slice(i, i + 4));
}

/** Fails naming the fragment when any part of any of `secrets` shows in `text`. */
export function expectNoSecretIn(text: string, secrets: readonly string[]): void {
  for (const secret of secrets) {
    if (secret.trim() === "") continue;
    expect(text, "the whole secret").not.toContain(secret);
    for (const fragment of secretFragments(secret)) {
      expect(text.includes(fragment), `fragment ${JSON.stringify(fragment)} of a secret`).toBe(false);
    }
  }
}
