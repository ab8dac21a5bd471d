/**
 * A local GitHub for the reconciliation's tests: the three webhook-delivery endpoints of an App's
 * hook (JWT auth, verified with the App's public key) and of a repository's or organisation's hook
 * (token auth), answering with GitHub's documented shapes (checked against its OpenAPI description
 * on every answer), cursor pagination through `Link`, rate-limit headers, and on request a 403 with
 * `Retry-After`. A redelivery it is asked for becomes a new attempt in its log and, when the fake is
 * given a webhook URL, is really sent there, signed like GitHub signs (`X-Hub-Signature-256`).
 */
import { createHmac, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { appJwtProblem } from "./app-jwt";
import { shapeProblems } from "./openapi-shapes";

/** A delivery in the log, as GitHub's API lists it (`hook-delivery-item`). */
export interface DeliveryItem {
  id: number;
  guid: string;
  delivered_at: string;
  redelivery: boolean;
  duration: number;
  status: string;
  status_code: number;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository_id: number | null;
  throttled_at?: string | null;
}

export interface FakeGitHubOptions {
  /** The App whose hook is `/app/hook`: JWTs must be signed by its key. */
  app?: { appId: string; publicKey: KeyObject };
  /** Tokens accepted for `/repos/{owner}/{repo}/hooks/{hook_id}` and `/orgs/{org}/hooks/{hook_id}`. */
  tokens?: string[];
  /** The repository and organisation hooks that exist (others answer 404). */
  repoHook?: { owner: string; repo: string; hookId: number };
  orgHook?: { org: string; hookId: number };
  /** Where a redelivery is sent, and the webhook secret it is signed with. */
  webhook?: { url: string; secret: string };
  now?: () => Date;
}

/** One request the fake answered, without its credentials. */
export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  auth: "jwt" | "token" | "none";
}

interface ForcedRateLimit {
  status: 403 | 429;
  retryAfter?: number;
  /** Answer with `x-ratelimit-remaining: 0` and this reset time instead of `Retry-After`. */
  resetAt?: Date;
  /** Only requests of this method. */
  method?: string;
}

/** How an endpoint answers: a JSON body, or GitHub's error body; either checked against the documented shape. */
interface Reply {
  answer(status: number, body: unknown, headers?: Record<string, string>): void;
  error(status: number, message: string, headers?: Record<string, string>): void;
}

interface Route {
  /** The OpenAPI path template, for the shape check. */
  template: string;
  kind: "app" | "hook";
  action: "list" | "redeliver";
  deliveryId?: number;
}

const DOCS = "https://docs.github.com/rest/webhooks";
const FIRST_ID = 12_000_000_000;

function routeOf(path: string, options: FakeGitHubOptions): Route | undefined | "no_hook" {
  const m =
    /^\/(app\/hook|repos\/([^/]+)\/([^/]+)\/hooks\/(\d+)|orgs\/([^/]+)\/hooks\/(\d+))\/deliveries(?:\/(\d+)\/attempts)?$/.exec(
      path,
    );
  if (!m) return undefined;
  const action = m[7] ? "redeliver" : "list";
  const tail = m[7] ? "/deliveries/{delivery_id}/attempts" : "/deliveries";
  const deliveryId = m[7] ? Number(m[7]) : undefined;
  const base = { action, ...(deliveryId !== undefined ? { deliveryId } : {}) } as const;
  if (m[1] === "app/hook") return { template: `/app/hook${tail}`, kind: "app", ...base };
  if (m[2]) {
    const hook = options.repoHook;
    if (!hook || hook.owner !== m[2] || hook.repo !== m[3] || hook.hookId !== Number(m[4])) return "no_hook";
    return { template: `/repos/{owner}/{repo}/hooks/{hook_id}${tail}`, kind: "hook", ...base };
  }
  const hook = options.orgHook;
  if (!hook || hook.org !== m[5] || hook.hookId !== Number(m[6])) return "no_hook";
  return { template: `/orgs/{org}/hooks/{hook_id}${tail}`, kind: "hook", ...base };
}

export class FakeGitHub {
  /** Newest first, as GitHub lists them. */
  readonly log: DeliveryItem[] = [];
  readonly requests: SeenRequest[] = [];
  /** Answers that did not match GitHub's documented shapes (a test expects none). */
  readonly shapeProblems: string[] = [];
  /** Webhooks the fake sent for redeliveries: guid and the status the receiver answered. */
  readonly sent: Array<{ guid: string; status: number }> = [];
  private readonly payloads = new Map<string, string>();
  private readonly forced: ForcedRateLimit[] = [];
  private readonly refusals = new Map<number, number>();
  private readonly inFlight = new Set<Promise<void>>();
  private nextId = FIRST_ID;
  private remaining = 5000;
  private server?: Server;
  private readonly now: () => Date;

  constructor(private readonly options: FakeGitHubOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get url(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error("the fake GitHub is not started");
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    await this.settled();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Waits for the redeliveries being sent. */
  async settled(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }

  /** Adds an attempt to the log (and, with `payload`, what a redelivery of its guid sends). */
  addAttempt(attempt: {
    guid: string;
    statusCode: number;
    deliveredAt: Date;
    event?: string;
    action?: string | null;
    redelivery?: boolean;
    payload?: string;
  }): DeliveryItem {
    const item: DeliveryItem = {
      id: this.nextId++,
      guid: attempt.guid,
      delivered_at: attempt.deliveredAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
      redelivery: attempt.redelivery ?? false,
      duration: 0.12,
      status: statusText(attempt.statusCode),
      status_code: attempt.statusCode,
      event: attempt.event ?? "pull_request",
      action: attempt.action === undefined ? "opened" : attempt.action,
      installation_id: null,
      repository_id: 1296269,
      throttled_at: null,
    };
    if (attempt.payload !== undefined) this.payloads.set(attempt.guid, attempt.payload);
    this.log.push(item);
    this.log.sort((a, b) => Date.parse(b.delivered_at) - Date.parse(a.delivered_at) || b.id - a.id);
    return item;
  }

  /** The next request (of `method`, if given) is answered with a rate limit. */
  rateLimitNext(limit: ForcedRateLimit): void {
    this.forced.push(limit);
  }

  /** A redelivery of `deliveryId` is refused with `status` (GitHub answers 422 for one it will not make). */
  refuseRedelivery(deliveryId: number, status: 400 | 404 | 422): void {
    this.refusals.set(deliveryId, status);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const seen: SeenRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      auth: "none",
    };
    this.requests.push(seen);
    for await (const _ of req) {
      // Bodies are not used by these endpoints.
    }
    const answer = (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
      template?: string,
    ) => {
      seen.status = status;
      if (template) this.shapeProblems.push(...shapeProblems(seen.method, template, status, body));
      this.remaining = Math.max(0, this.remaining - 1);
      res.writeHead(status, {
        "content-type": "application/json; charset=utf-8",
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": String(this.remaining),
        "x-ratelimit-reset": String(Math.floor(this.now().getTime() / 1000) + 3600),
        "x-ratelimit-used": String(5000 - this.remaining),
        "x-ratelimit-resource": "core",
        "x-github-api-version-selected": "2022-11-28",
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    const error = (status: number, message: string, headers?: Record<string, string>, template?: string) =>
      answer(status, { message, documentation_url: DOCS, status: String(status) }, headers, template);

    const route = routeOf(url.pathname, this.options);
    if (!route || route === "no_hook") return error(404, "Not Found");
    const method = route.action === "list" ? "GET" : "POST";
    if (seen.method !== method) return error(404, "Not Found");

    const authProblem = this.authProblem(req.headers.authorization, route, seen);
    if (authProblem) return error(401, authProblem, {}, route.template);

    const forced = this.forced.findIndex((f) => !f.method || f.method === seen.method);
    if (forced >= 0) {
      const [limit] = this.forced.splice(forced, 1) as [ForcedRateLimit];
      const headers: Record<string, string> = limit.resetAt
        ? {
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(Math.floor(limit.resetAt.getTime() / 1000)),
          }
        : { "retry-after": String(limit.retryAfter ?? 1) };
      return error(
        limit.status,
        "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        headers,
        route.template,
      );
    }

    const reply: Reply = {
      answer: (status, body, headers) => answer(status, body, headers, route.template),
      error: (status, message, headers) => error(status, message, headers, route.template),
    };
    if (route.action === "list") return this.list(url, reply);
    return this.redeliver(route.deliveryId!, reply);
  }

  private authProblem(header: string | undefined, route: Route, seen: SeenRequest): string | undefined {
    const [scheme, credential] = (header ?? "").split(" ");
    if (!credential) return "Requires authentication";
    if (route.kind === "app") {
      seen.auth = "jwt";
      if (scheme?.toLowerCase() !== "bearer" || !this.options.app)
        return "A JSON web token could not be decoded";
      return appJwtProblem(credential, this.options.app.appId, this.options.app.publicKey, this.now());
    }
    seen.auth = "token";
    if (!["token", "bearer"].includes(scheme?.toLowerCase() ?? "")) return "Bad credentials";
    return this.options.tokens?.includes(credential) ? undefined : "Bad credentials";
  }

  private list(url: URL, { answer, error }: Reply): void {
    const perPage = Number(url.searchParams.get("per_page") ?? "30");
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) {
      return void answer(422, {
        message: "Validation Failed",
        documentation_url: DOCS,
        errors: ["per_page must be 1 to 100"],
      });
    }
    const cursor = url.searchParams.get("cursor");
    let start = 0;
    if (cursor) {
      const after = /^v1_(\d+)$/.exec(cursor);
      start = after ? this.log.findIndex((d) => d.id === Number(after[1])) + 1 : 0;
      if (!after || start === 0) return void error(400, "Bad Request");
    }
    const page = this.log.slice(start, start + perPage);
    const headers: Record<string, string> = {};
    const last = page.at(-1);
    if (last && start + perPage < this.log.length) {
      const next = new URL(url.pathname, this.url);
      next.searchParams.set("per_page", String(perPage));
      next.searchParams.set("cursor", `v1_${last.id}`);
      headers.link = `<${next.href}>; rel="next"`;
    }
    answer(200, page, headers);
  }

  private redeliver(deliveryId: number, { answer, error }: Reply): void {
    const original = this.log.find((d) => d.id === deliveryId);
    if (!original) return void error(404, "Not Found");
    const refusal = this.refusals.get(deliveryId);
    if (refusal) return void error(refusal, refusal === 422 ? "Validation Failed" : "Bad Request");
    answer(202, {});
    // GitHub accepts at once and delivers afterwards.
    const sending = this.send(original).finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private async send(original: DeliveryItem): Promise<void> {
    const payload = this.payloads.get(original.guid);
    let status = 0;
    if (this.options.webhook && payload !== undefined) {
      const signature = createHmac("sha256", this.options.webhook.secret).update(payload).digest("hex");
      try {
        const response = await fetch(this.options.webhook.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "GitHub-Hookshot/fake",
            "x-github-event": original.event,
            "x-github-delivery": original.guid,
            "x-github-hook-id": String(this.options.repoHook?.hookId ?? this.options.orgHook?.hookId ?? 1),
            "x-hub-signature-256": `sha256=${signature}`,
          },
          body: payload,
        });
        await response.arrayBuffer();
        status = response.status;
      } catch {
        status = 0;
      }
      this.sent.push({ guid: original.guid, status });
    }
    this.addAttempt({
      guid: original.guid,
      statusCode: status,
      deliveredAt: this.now(),
      event: original.event,
      action: original.action,
      redelivery: true,
    });
  }
}

function statusText(code: number): string {
  if (code === 0) return "failed to connect";
  if (code >= 200 && code < 300) return "OK";
  return `Invalid HTTP Response: ${code}`;
}
