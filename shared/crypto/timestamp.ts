/** Signed timestamps older or newer than this are refused (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 5 * 60;

export type TimestampCheck = { ok: true; seconds: number } | { ok: false; problem: string };

/** Checks a unix-seconds timestamp header against the tolerance window around `now`. */
export function checkSignedTimestamp(value: string, headerName: string, now: Date): TimestampCheck {
  if (!/^\d{1,12}$/.test(value.trim())) {
    return { ok: false, problem: `${headerName} must be a unix timestamp in seconds` };
  }
  const seconds = Number(value.trim());
  const skew = Math.abs(now.getTime() / 1000 - seconds);
  if (skew > SIGNATURE_TOLERANCE_SECONDS) {
    return {
      ok: false,
      problem: `${headerName} is ${Math.round(skew)} s away from the server clock (limit ${SIGNATURE_TOLERANCE_SECONDS} s): the request is too old or the sender's clock is wrong`,
    };
  }
  return { ok: true, seconds };
}
