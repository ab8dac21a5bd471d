export const JSON_MEDIA_TYPE = "application/json";
export const FORM_MEDIA_TYPE = "application/x-www-form-urlencoded";

/** The bare media type of a Content-Type header: `Application/JSON; charset=utf-8` → `application/json`. */
export function mediaTypeOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  // What nearly every sender writes, already bare: no split, trim and lower-casing of it per request.
  if (contentType === JSON_MEDIA_TYPE || contentType === FORM_MEDIA_TYPE) return contentType;
  const bare = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return bare === "" ? undefined : bare;
}

/** `application/json` and structured-syntax variants such as `application/vnd.api+json`. */
export function isJsonMediaType(mediaType: string | undefined): boolean {
  return mediaType === JSON_MEDIA_TYPE || (mediaType?.endsWith("+json") ?? false);
}
