/**
 * `npx tsx test/browser/console-screenshot.ts [docs/console.png]`: starts the local pipeline, sends
 * a few signed samples (one of them refused: a tampered signature), opens a delivered event in the
 * console and saves a screenshot for the README, with the browser test's Chromium setup.
 */
import { eventually } from "../../local/process/pipeline-process";
import { launchChromium } from "./chromium";
import { postForgedGithubWebhook, startConsolePipeline } from "./console-pipeline";

const out = process.argv[2] ?? "docs/console.png";
const pipeline = await startConsolePipeline();
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 }, deviceScaleFactor: 1 });
  await page.goto(`${pipeline.description.apiUrl}/_console`);
  await page.locator("[data-testid=sample] option").first().waitFor({ state: "attached" });
  for (const name of ["slack-events", "pagerduty", "notion", "incidentio", "jira", "github"]) {
    await page.selectOption("[data-testid=sample]", name);
    await page.click("[data-testid=send-sample]");
    await page.locator("[data-testid=send-result]", { hasText: "→" }).waitFor();
  }
  // A request with a forged signature: refused, and in the audit trail.
  await postForgedGithubWebhook(pipeline.description.apiUrl);
  const github = page.locator("[data-testid=event-list] tbody tr[data-status=delivered]", {
    hasText: "github",
  });
  await eventually("the github sample's delivery", async () =>
    (await github.count()) > 0 ? true : undefined,
  );
  await eventually("the refused request", async () =>
    (await page.locator("tr[data-status=rejected]").count()) > 0 ? true : undefined,
  );
  await github.first().click();
  await page.locator("[data-testid=detail] dd[data-field='agent status']").waitFor();
  await page.screenshot({ path: out });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
  await pipeline.stop();
}
