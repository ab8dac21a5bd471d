/**
 * A GitHub `pull_request` body of at least `bytes` bytes, as compact JSON text (GitHub's own form):
 * many changed files, with non-ASCII and astral characters (which SQS would have needed escaped),
 * so a byte-for-byte comparison means something.
 */
export function largeGithubBody(bytes: number, repo = "incidentfox/mono-repo"): string {
  const files: unknown[] = [];
  const payload = {
    action: "opened",
    number: 4242,
    pull_request: {
      number: 4242,
      title: "Regenerate the checkout fixtures — größer als eine SQS-Nachricht 📦",
      changed_files: files,
    },
    repository: { full_name: repo, name: repo.split("/")[1] },
    sender: { login: "octocat" },
  };
  let size = Buffer.byteLength(JSON.stringify(payload));
  for (let i = 0; size < bytes; i++) {
    const file = {
      filename: `fixtures/checkout/${i}.json`,
      status: i % 3 === 0 ? "modified" : "added",
      patch: `@@ -0,0 +1 @@\n+{"sku":"SKU-${i}","name":"Café ☕ ${i}","emoji":"🚀","price":${i / 100}}`,
    };
    files.push(file);
    size += Buffer.byteLength(JSON.stringify(file)) + 1; // and its comma
  }
  return JSON.stringify(payload);
}
