/**
 * GitHub's documented response shapes, from its OpenAPI description (`@octokit/openapi`), as zod
 * schemas: the fake server checks every body it sends against them, so the fake cannot drift from
 * what GitHub answers without the tests saying so.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as z from "zod";

type Json = Record<string, unknown>;

let spec: Json | undefined;
const loadSpec = (): Json => {
  spec ??= JSON.parse(
    readFileSync(
      createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json"),
      "utf8",
    ),
  ) as Json;
  return spec;
};

/** Follows one `#/…` reference. */
const follow = (ref: string): Json =>
  ref
    .slice(2)
    .split("/")
    .reduce<unknown>(
      (node, part) => (node as Json)[part.replace(/~1/g, "/").replace(/~0/g, "~")],
      loadSpec(),
    ) as Json;

/** The schema with every `$ref` replaced by what it names (these schemas are not recursive). */
function inline(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(inline);
  if (!node || typeof node !== "object") return node;
  const ref = (node as Json).$ref;
  if (typeof ref === "string") return inline(follow(ref));
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, inline(v)]));
}

const cache = new Map<string, z.ZodType>();

/**
 * The schema of the JSON body GitHub documents for `method route` answering `status`; for a status
 * the operation does not list (401, 403, 404, 429 are answered by every endpoint), GitHub's
 * `basic-error`.
 */
export function documentedResponse(method: string, route: string, status: number): z.ZodType {
  const key = `${method} ${route} ${status}`;
  const known = cache.get(key);
  if (known) return known;
  const paths = loadSpec().paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
  const operation = paths[route]?.[method.toLowerCase()];
  if (!operation) throw new Error(`GitHub's OpenAPI description has no ${method} ${route}`);
  const response = inline(operation.responses[String(status)]) as
    | { content?: Record<string, { schema: unknown }> }
    | undefined;
  const schema = response
    ? response.content?.["application/json"]?.schema
    : inline({ $ref: "#/components/schemas/basic-error" });
  const zod = z.fromJSONSchema((schema ?? {}) as never, { defaultTarget: "openapi-3.0" });
  cache.set(key, zod);
  return zod;
}

/** The problems of `body` against what GitHub documents, or an empty list. */
export function shapeProblems(method: string, route: string, status: number, body: unknown): string[] {
  const result = documentedResponse(method, route, status).safeParse(body);
  return result.success
    ? []
    : result.error.issues.map((i) => `${method} ${route} ${status}: ${i.path.join(".")}: ${i.message}`);
}
