import type { APIGatewayProxyEventV2 } from "aws-lambda";

/**
 * The transport-neutral view of one incoming webhook: what every provider verifies and parses.
 * Header names are lower-cased here (API Gateway already does; local callers and tests may not),
 * and the body is kept as the exact bytes the sender signed.
 */
export interface WebhookRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string>>;
  rawBody: Buffer;
  /** The body as UTF-8 text when the transport already had it as well-formed text (not base64). */
  bodyText?: string;
  requestId: string;
  /** The caller's address as API Gateway saw it (`requestContext.http.sourceIp`). */
  sourceIp?: string;
  /**
   * Query string parameters, decoded, duplicates comma-joined (API Gateway's
   * `queryStringParameters`). A query-token source's secret is among them: never log or forward.
   */
  query?: Readonly<Record<string, string>>;
  receivedAt: Date;
}

/** `String.prototype.isWellFormed` (Node.js 20+; in TypeScript's lib from ES2024). */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

export function lowerCaseHeaders(
  headers: Record<string, string | undefined> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    // Duplicates are comma-joined, as API Gateway does. `Object.hasOwn`, not `in`: a header named
    // `constructor` or `toString` must not be joined onto Object.prototype's function of that name.
    out[key] = Object.hasOwn(out, key) ? `${out[key]},${value}` : value;
  }
  return out;
}

/** `Object.fromEntries`, not assignment: a parameter named `__proto__` stays an ordinary parameter. */
const queryParameters = (params: Record<string, string | undefined> | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(params ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );

/** API Gateway HTTP API (payload 2.0) event to a WebhookRequest; base64 bodies become their raw bytes. */
export function fromApiGatewayEvent(event: APIGatewayProxyEventV2, now = new Date()): WebhookRequest {
  const body = event.body ?? "";
  return {
    method: event.requestContext?.http?.method ?? "POST",
    path: event.rawPath ?? event.requestContext?.http?.path ?? "/",
    headers: lowerCaseHeaders(event.headers),
    rawBody: event.isBase64Encoded ? Buffer.from(body, "base64") : Buffer.from(body, "utf8"),
    // The same text the bytes decode to, so it is not decoded again (a lone surrogate would not be).
    ...(!event.isBase64Encoded && isWellFormed(body) ? { bodyText: body } : {}),
    requestId: event.requestContext?.requestId || crypto.randomUUID(),
    sourceIp: event.requestContext?.http?.sourceIp,
    query: queryParameters(event.queryStringParameters),
    receivedAt: event.requestContext?.timeEpoch ? new Date(event.requestContext.timeEpoch) : now,
  };
}
