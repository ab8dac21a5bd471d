import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { toApiGatewayEvent } from "./api-gateway-event";

export type HttpLambda = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

/** API Gateway's own payload limit; larger requests never reach the function. */
const API_GATEWAY_MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export class PayloadTooLargeError extends Error {}

/** The whole request body, or PayloadTooLargeError (the request destroyed) past `maxBytes`. */
export function readBody(req: IncomingMessage, maxBytes = API_GATEWAY_MAX_PAYLOAD_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new PayloadTooLargeError());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** Answers a request itself (true) or leaves it to the Lambda (false): the local console's pages. */
export type LocalRoute = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/** Serves a Lambda handler over HTTP the way an HTTP API with a `$default` route would. */
export function createLambdaHttpServer(lambda: HttpLambda, localRoute?: LocalRoute): Server {
  return createServer(async (req, res) => {
    try {
      if (localRoute && (await localRoute(req, res))) return;
      const event = toApiGatewayEvent(req, await readBody(req));
      const result = await lambda(event);
      const body = result.body ?? "";
      res.writeHead(result.statusCode ?? 200, {
        ...(result.headers as Record<string, string> | undefined),
        "x-request-id": event.requestContext.requestId,
      });
      res.end(result.isBase64Encoded ? Buffer.from(body, "base64") : body);
    } catch (error) {
      const tooLarge = error instanceof PayloadTooLargeError;
      if (res.headersSent) return void res.end();
      res.writeHead(tooLarge ? 413 : 500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: tooLarge ? "Request Entity Too Large" : "Internal Server Error" }));
    }
  });
}
