import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PipelineProcess } from "../../local/process/pipeline-process";
import { launchChromium } from "./chromium";
import { postForgedGithubWebhook, startConsolePipeline } from "./console-pipeline";

/** The page lists again a second after its last listing ends: on a busy machine that takes a while. */
const poll = <T>(check: () => T | Promise<T>, options = { timeout: 10_000 }) => expect.poll(check, options);

let pipeline: PipelineProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  // Chromium first: a missing browser fails the suite at once, before the pipeline starts.
  browser = await launchChromium();
  pipeline = await startConsolePipeline();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${pipeline.description.apiUrl}/_console`);
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await pipeline?.stop();
});

const rows = (status?: string) =>
  page.locator(
    status ? `[data-testid=event-list] tbody tr[data-status=${status}]` : "[data-testid=event-list] tbody tr",
  );

/** Sends a signed sample from the page and returns its event id from the answer shown. */
async function sendSample(name: string, path = `/webhooks/${name}`): Promise<string> {
  await page.selectOption("[data-testid=sample]", name);
  await page.click("[data-testid=send-sample]");
  const result = page.locator("[data-testid=send-result]");
  await poll(() => result.textContent()).toContain(`POST ${path} → 200`);
  return /"id":"([^"]+)"/.exec((await result.textContent()) ?? "")![1]!;
}

const row = (id: string) => page.locator(`[data-testid=event-list] tr[data-event-id="${id}"]`);
const field = (name: string) => page.locator(`[data-testid=detail] dd[data-field="${name}"]`);

describe("the local console, in Chromium", () => {
  it("loads from the local pipeline with no asset from elsewhere", async () => {
    const foreign: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(pipeline.description.apiUrl)) foreign.push(r.url());
    });
    await page.reload();
    await poll(() => page.locator("h1").textContent()).toBe("Webhook pipeline");
    await poll(() => page.locator("[data-testid=sample] option").count()).toBeGreaterThan(5);
    expect(foreign).toEqual([]);
  });

  it("shows a sent sample arrive, and its detail shows the route and the agent's answer", async () => {
    const id = await sendSample("github");
    await poll(() => row(id).getAttribute("data-status"), { timeout: 15_000 }).toBe("delivered");
    expect(await row(id).textContent()).toContain("extend/extend-sre");
    await row(id).click();
    await poll(() => field("agent status").textContent()).toBe("200");
    const detail = page.locator("[data-testid=detail]");
    expect(await detail.locator("h2").textContent()).toContain(id);
    expect(await field("matched by").textContent()).toBe("github_repo");
    const attempt = page.locator("[data-testid=attempts] tbody tr");
    expect(await attempt.count()).toBe(1);
    expect(await attempt.locator("td").allTextContents()).toEqual([
      "1",
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3}$/),
      "delivered",
      "200",
      expect.stringMatching(/^\d+ ms$/),
      expect.stringMatching(/^\d+ ms$/),
      "",
    ]);
    expect(await page.locator("[data-testid=routing] tr.matched").textContent()).toContain(
      "incidentfox/mono-repo",
    );
    // The signature was received but is never shown.
    const headers = page.locator("[data-testid=headers]");
    expect(await headers.locator("tr", { hasText: "x-hub-signature-256" }).textContent()).toContain(
      "[redacted]",
    );
    expect(await headers.textContent()).not.toMatch(/sha256=/);
    expect(await page.locator("[data-testid=payload-missing]").textContent()).toContain(
      "body not kept for delivered events",
    );
  });

  it("replays an unrouted event, whose payload it shows pretty-printed and collapsible", async () => {
    // Notion's events carry no identifier a team claims: unrouted, body kept for replay.
    const id = await sendSample("notion");
    await poll(() => row(id).getAttribute("data-status"), { timeout: 15_000 }).toBe("unrouted");
    await row(id).click();
    const payload = page.locator("[data-testid=payload]");
    await poll(() => payload.locator(".key").first().textContent()).toMatch(/^"/);
    const folds = await payload.locator("button.fold").count();
    await payload.locator("button.fold").first().click();
    expect(await payload.locator("button.fold").count()).toBeLessThan(folds);
    const recordedAt = await row(id).locator("td").first().getAttribute("title");
    await page.click("[data-testid=replay]");
    await poll(() => page.locator("[data-testid=replay-result]").textContent()).toBe(
      "replayed (was unrouted): back on the queue",
    );
    // The router handled it again: a new outcome, recorded later, shows in the live list.
    await poll(() => row(id).locator("td").first().getAttribute("title"), { timeout: 15_000 }).not.toBe(
      recordedAt,
    );
    expect(await row(id).getAttribute("data-status")).toBe("unrouted");
  });

  it("refuses to replay a delivered event without force, saying why", async () => {
    await rows("delivered").first().click();
    await poll(() => field("agent status").textContent()).toBe("200");
    await page.click("[data-testid=replay]");
    await poll(() => page.locator("[data-testid=replay-result]").textContent()).toContain(
      "was already delivered to the agent",
    );
    expect(await page.locator("[data-testid=replay-result]").textContent()).toContain("Tick 'force'");
  });

  it("lists a forged request as rejected, with its reason and nothing to replay", async () => {
    const forged = await postForgedGithubWebhook(pipeline.description.apiUrl);
    expect(forged.status).toBe(401);
    const id = `request:${forged.headers.get("x-correlation-id")}`;
    await poll(() => row(id).getAttribute("data-status"), { timeout: 15_000 }).toBe("rejected");
    expect(await row(id).textContent()).toContain("bad_signature");
    await row(id).click();
    await poll(() => field("reason").textContent()).toBe("bad_signature");
    expect(await page.locator("[data-testid=payload-missing]").textContent()).toContain("never kept");
    expect(await page.locator("[data-testid=replay]").count()).toBe(0);
  });

  it("filters the list by provider and by status", async () => {
    await sendSample("pagerduty");
    await poll(() => rows().count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    await page.selectOption("[data-testid=filter-provider]", "notion");
    await poll(async () => (await rows().allTextContents()).every((t) => t.includes("notion"))).toBe(true);
    expect(await rows().count()).toBeGreaterThan(0);
    await page.selectOption("[data-testid=filter-provider]", "");
    await page.selectOption("[data-testid=filter-status]", "delivered");
    await poll(async () => {
      const statuses = await rows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-status")));
      return statuses.length >= 2 && statuses.every((s) => s === "delivered");
    }).toBe(true);
    await page.selectOption("[data-testid=filter-status]", "");
  });

  it("shows the routing table", async () => {
    await page.click("[data-testid=tab-routes]");
    const routes = page.locator("[data-testid=routes]");
    await poll(() => routes.textContent()).toContain("extend/extend-sre");
    expect(await routes.textContent()).toContain("github_repo");
  });
});
