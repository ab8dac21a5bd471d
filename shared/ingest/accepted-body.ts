/**
 * The body of the answer to a request whose events are on the queue: `{status, id}` (the first
 * event's id), with every id in `ids` when the request held several. Its JSON text, the answer to
 * nearly every webhook, is joined around the id rather than serialised from the object each time.
 */
export class AcceptedBody {
  readonly status = "accepted";
  readonly id: string;
  readonly ids?: readonly string[];

  constructor(ids: readonly string[]) {
    this.id = ids[0]!;
    if (ids.length > 1) this.ids = ids;
  }

  /** `JSON.stringify(this)`. */
  json(): string {
    return this.ids ? JSON.stringify(this) : `{"status":"accepted","id":${JSON.stringify(this.id)}}`;
  }
}
