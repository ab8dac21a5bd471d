import type { IncomingMessage, ServerResponse } from "node:http";
import { PayloadTooLargeError, readBody } from "../http/lambda-http-server";
import type { ConsoleApi } from "./console-api";
import { consoleAssets } from "./console-bundle";
import { checkLocalOrigin } from "./local-origin";

/** Where the console is served on the local webhook API. */
export const CONSOLE_PATH = "/_console";

/** The console's API takes small JSON bodies only ({"force": true}). */
const MAX_BODY_BYTES = 16 * 1024;
const TOO_LARGE = { error: `the console API takes bodies of at most ${MAX_BODY_BYTES} bytes` };

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Webhook pipeline console</title>
<link rel="stylesheet" href="${CONSOLE_PATH}/console.css">
</head>
<body>
<div id="app"></div>
<script type="module" src="${CONSOLE_PATH}/console.js"></script>
</body>
</html>
`;

/** Nothing but this origin's own files, never framed by another page (clickjacking). */
const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...PAGE_HEADERS, "content-type": type });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, "application/json; charset=utf-8", JSON.stringify(value));

/**
 * Serves the console beside the webhook routes (which never start with `/_console`): the page, its
 * script and style, and its JSON API. Returns false for any other path, which the webhook API takes.
 */
export function consoleRoute(api: ConsoleApi) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname !== CONSOLE_PATH && !url.pathname.startsWith(`${CONSOLE_PATH}/`)) return false;
    const method = (req.method ?? "GET").toUpperCase();
    const headers = req.headers as Record<string, string | undefined>;
    const path = url.pathname.slice(CONSOLE_PATH.length);
    if (path.startsWith("/api/")) {
      // Refused before reading, so the answer reaches the caller (a destroyed request gets none).
      if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) {
        res.setHeader("connection", "close");
        sendJson(res, 413, TOO_LARGE);
        return true;
      }
      let body: string;
      try {
        body = (await readBody(req, MAX_BODY_BYTES)).toString("utf8");
      } catch (error) {
        if (!(error instanceof PayloadTooLargeError)) throw error;
        sendJson(res, 413, TOO_LARGE);
        return true;
      }
      const answer = await api.handle({
        method,
        path: path.slice("/api".length),
        query: url.searchParams,
        headers,
        body,
      });
      sendJson(res, answer.status, answer.body);
      return true;
    }
    const origin = checkLocalOrigin(method, headers);
    if (!origin.ok) {
      send(res, origin.status, "text/plain; charset=utf-8", origin.error);
      return true;
    }
    if (method !== "GET" && method !== "HEAD") {
      send(res, 405, "text/plain; charset=utf-8", "the console's pages are read with GET");
      return true;
    }
    if (path === "" || path === "/") send(res, 200, "text/html; charset=utf-8", PAGE);
    else if (path === "/console.js")
      send(res, 200, "text/javascript; charset=utf-8", (await consoleAssets()).script);
    else if (path === "/console.css")
      send(res, 200, "text/css; charset=utf-8", (await consoleAssets()).style);
    else
      send(res, 404, "text/plain; charset=utf-8", `no console page at ${url.pathname}: open ${CONSOLE_PATH}`);
    return true;
  };
}
