/**
 * Whether an events-table id is a request ingest answered itself (the audit trail's
 * `request:<correlation id>`, or a flood's `requests:` summary): no message the router saw, so
 * nothing to replay and no body kept. No imports: the page's bundle uses it too.
 */
export const isRequestRecord = (eventId: string): boolean => /^requests?:/.test(eventId);
