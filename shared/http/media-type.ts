/** The bare media type of a Content-Type header: `Application/JSON; charset=utf-8` → `application/json`. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const bare = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return bare === "" ? undefined : bare;
}

export const JSON_MEDIA_TYPE = "application/json";
export const FORM_MEDIA_TYPE = "application/x-www-form-urlencoded";

/** `application/json` and structured-syntax variants such as `application/vnd.api+json`. */
export function isJsonMediaType(mediaType: string | undefined): boolean {
  return mediaType === JSON_MEDIA_TYPE || (mediaType?.endsWith("+json") ?? false);
}
