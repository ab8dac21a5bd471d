/** The console page's calls to its JSON API (same origin: the browser adds the Origin the API checks). */

export class ApiError extends Error {}

async function call<T>(path: string, init?: RequestInit): Promise<T> {
  const response = await fetch(`/_console/api${path}`, init);
  const body = (await response.json().catch(() => ({}))) as { error?: string };
  if (!response.ok) throw new ApiError(body.error ?? `${response.status} ${response.statusText}`);
  return body as T;
}

export const getJson = <T>(path: string): Promise<T> => call<T>(path);

export const postJson = <T>(path: string, body: unknown = {}): Promise<T> =>
  call<T>(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
