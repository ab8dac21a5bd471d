import { UsageError } from "./errors";

/** An endpoint given by option, file or environment must be a URL; returns it unchanged (or undefined). */
export function checkEndpoint(endpoint: string | undefined, flag: string): string | undefined {
  if (endpoint === undefined) return undefined;
  try {
    new URL(endpoint);
  } catch {
    throw new UsageError(`${flag} must be a URL like http://127.0.0.1:8000, got ${JSON.stringify(endpoint)}`);
  }
  return endpoint;
}

/** A URL on this machine (`localhost`, `*.localhost`, 127.x, [::1]): an emulator, never AWS. */
export const isLoopback = (url: string) => {
  const host = new URL(url).hostname;
  return host === "localhost" || host.endsWith(".localhost") || host === "[::1]" || host.startsWith("127.");
};

/**
 * Client settings for an endpoint: a loopback endpoint is an emulator, so it gets placeholder
 * credentials and region and a developer's real AWS credentials are never sent to it.
 */
export function emulatorSafeClientConfig(target: { endpoint?: string; region?: string }) {
  const local = target.endpoint !== undefined && isLoopback(target.endpoint);
  return {
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.region ? { region: target.region } : local ? { region: "us-east-1" } : {}),
    ...(local ? { credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
    maxAttempts: 3,
  };
}
