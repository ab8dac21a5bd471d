/**
 * `slack/events` → `SlackEvents`, `slack_signing_secret` → `SlackSigningSecret`: the stack's
 * construct and output ids. They name deployed resources, so the mapping must never change.
 */
export const pascal = (words: string) =>
  words
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
