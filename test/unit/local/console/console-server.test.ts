import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsoleApi, ConsoleRequest } from "../../../../local/console/console-api";
import { consoleRoute } from "../../../../local/console/console-server";
import { createLambdaHttpServer } from "../../../../local/http/lambda-http-server";

const asked: ConsoleRequest[] = [];
const api = {
  handle: async (r: ConsoleRequest) => {
    asked.push(r);
    return { status: 200, body: { path: r.path } };
  },
} as unknown as ConsoleApi;

let server: Server;
let port: number;

beforeAll(async () => {
  server = createLambdaHttpServer(
    async (event) => ({ statusCode: 202, body: `webhook ${event.rawPath}` }),
    consoleRoute(api),
  );
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise<void>((done) => server.close(() => done())));

/** A raw request, so that the Host header is whatever the test says (fetch would not send a foreign one). */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = httpRequest(
        { host: "127.0.0.1", port, method, path, headers: { host: `localhost:${port}`, ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    },
  );
}

describe("the console beside the webhook routes", () => {
  it("serves the page, never framed, loading only its own script and style", async () => {
    const page = await send("GET", "/_console");
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(page.body).toContain('<script type="module" src="/_console/console.js">');
    expect(page.body).not.toMatch(/https?:\/\//);
  });

  it("bundles the page's script with esbuild, Preact included, and serves its style", async () => {
    const script = await send("GET", "/_console/console.js");
    expect(script.status).toBe(200);
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(script.body.length).toBeGreaterThan(5_000);
    expect(script.body).not.toMatch(/from\s*["'](preact|\.\/)/);
    const style = await send("GET", "/_console/console.css");
    expect(style.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(style.body).toContain(".badge");
  });

  it("leaves every other path to the webhook handler", async () => {
    expect(await send("POST", "/webhooks/github", {}, "{}")).toMatchObject({
      status: 202,
      body: "webhook /webhooks/github",
    });
    expect(await send("GET", "/_consoles")).toMatchObject({ status: 202 });
  });

  it("refuses the page on a foreign Host, a write to it, and an unknown page", async () => {
    expect((await send("GET", "/_console", { host: "rebound.evil.example" })).status).toBe(403);
    expect((await send("POST", "/_console", { origin: `http://localhost:${port}` })).status).toBe(405);
    const missing = await send("GET", "/_console/admin");
    expect(missing).toMatchObject({
      status: 404,
      body: "no console page at /_console/admin: open /_console",
    });
  });

  it("hands API requests to the API with their path, query and body, refusing large bodies", async () => {
    const answer = await send(
      "POST",
      "/_console/api/events/e1/replay?x=1",
      { origin: `http://localhost:${port}` },
      '{"force":true}',
    );
    expect(answer).toMatchObject({ status: 200, body: '{"path":"/events/e1/replay"}' });
    expect(asked.at(-1)).toMatchObject({ method: "POST", path: "/events/e1/replay", body: '{"force":true}' });
    expect(asked.at(-1)!.query.get("x")).toBe("1");
    const before = asked.length;
    const large = await send("POST", "/_console/api/events/e1/replay", {}, "x".repeat(17 * 1024));
    expect(large).toMatchObject({
      status: 413,
      body: '{"error":"the console API takes bodies of at most 16384 bytes"}',
    });
    expect(asked).toHaveLength(before);
  });
});
