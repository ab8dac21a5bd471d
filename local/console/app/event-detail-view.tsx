import { useState } from "preact/hooks";
import type { EventDetail } from "../event-detail";
import { isRequestRecord } from "../request-record-id";
import { postJson } from "./api";
import { JsonTree } from "./json-tree";

function Fields({ rows }: { rows: [string, unknown][] }) {
  return (
    <dl class="fields">
      {rows
        .filter(([, v]) => v !== undefined && v !== null && v !== "")
        .map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd data-field={k}>{typeof v === "object" ? JSON.stringify(v) : String(v)}</dd>
          </>
        ))}
    </dl>
  );
}

function Headers({ headers }: { headers: Record<string, string> }) {
  return (
    <table class="headers" data-testid="headers">
      <tbody>
        {Object.entries(headers).map(([name, value]) => (
          <tr key={name}>
            <th>{name}</th>
            <td class={value === "[redacted]" ? "redacted" : ""}>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Replays the event through `events replay`'s use case; force forgets a delivery the agent already has. */
function Replay({ eventId, onDone }: { eventId: string; onDone: () => void }) {
  const [force, setForce] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string }>();
  const replay = async () => {
    try {
      const result = await postJson<{ previous_status: string }>(
        `/events/${encodeURIComponent(eventId)}/replay`,
        { force },
      );
      setMessage({ ok: true, text: `replayed (was ${result.previous_status}): back on the queue` });
      onDone();
    } catch (error) {
      setMessage({ ok: false, text: (error as Error).message });
    }
  };
  return (
    <div class="replay">
      <button type="button" data-testid="replay" onClick={replay}>
        Replay
      </button>
      <label>
        <input type="checkbox" checked={force} onChange={() => setForce(!force)} /> force
      </label>
      {message && (
        <span class={message.ok ? "ok" : "error"} data-testid="replay-result">
          {message.text}
        </span>
      )}
    </div>
  );
}

export function EventDetailView({ detail, onReplayed }: { detail: EventDetail; onReplayed: () => void }) {
  const r = detail.record;
  const headers = detail.request?.headers ?? (detail.envelope?.headers as Record<string, string> | undefined);
  return (
    <section class="detail" data-testid="detail">
      <h2>
        <span class={`badge s-${String(r.status)}`}>{String(r.status)}</span> {String(r.event_id)}
      </h2>
      {/* Only an event the router saw has a message to put back on the queue. */}
      {r.status !== "accepted" && !isRequestRecord(String(r.event_id)) && (
        <Replay eventId={String(r.event_id)} onDone={onReplayed} />
      )}
      <Fields
        rows={[
          ["provider", r.provider],
          ["event type", [r.event_type, r.action].filter(Boolean).join(" / ")],
          ["route", r.route],
          ["source", r.source],
          ["delivery key", r.delivery_key],
          ["received at", r.received_at],
          ["recorded at", r.updated_at],
          ["correlation id", r.correlation_id],
          ["reason", r.reason],
          ["answered", r.status_code],
          ["duplicate of", r.duplicate_of],
        ]}
      />
      <h3>Routing</h3>
      <Fields
        rows={[
          ["team", detail.routing.team ?? "none"],
          ["matched by", detail.routing.matched_by],
        ]}
      />
      {detail.routing.candidates.length > 0 ? (
        <table class="candidates" data-testid="routing">
          <thead>
            <tr>
              <th>priority</th>
              <th>identifier</th>
              <th>value</th>
              <th>claimed by (now)</th>
            </tr>
          </thead>
          <tbody>
            {detail.routing.candidates.map((c) => (
              <tr key={c.kind} class={c.kind === detail.routing.matched_by ? "matched" : ""}>
                <td>{c.priority}</td>
                <td>{c.kind}</td>
                <td>{c.value}</td>
                <td>{c.claim ? `${c.claim.org_id}/${c.claim.team_node_id}` : "no team"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="note">No routing identifiers were found in this event.</p>
      )}
      <h3>Agent</h3>
      <Fields
        rows={[
          ["attempts", detail.attempts.count],
          ["agent status", detail.attempts.agent_status],
          ["last error", detail.attempts.last_error],
        ]}
      />
      {detail.attempts.history.length > 0 && (
        <table class="attempts" data-testid="attempts">
          <thead>
            <tr>
              <th>attempt</th>
              <th>at</th>
              <th>outcome</th>
              <th>agent</th>
              <th>agent time</th>
              <th>end to end</th>
              <th>reason</th>
            </tr>
          </thead>
          <tbody>
            {detail.attempts.history.map((a, i) => (
              <tr key={`${a.at}-${i}`}>
                <td>{a.attempt ?? ""}</td>
                <td title={a.at}>{a.at.slice(11, 23)}</td>
                <td>
                  <span class={`badge s-${a.status}`}>{a.status}</span>
                </td>
                <td>{a.agent_status ?? ""}</td>
                <td>{a.agent_ms !== undefined ? `${a.agent_ms} ms` : ""}</td>
                <td>{a.latency_ms !== undefined ? `${a.latency_ms} ms` : ""}</td>
                <td>
                  {a.reason ?? ""}
                  {a.retry_in_seconds !== undefined ? ` (retry in ${a.retry_in_seconds} s)` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="note">{detail.attempts.note}</p>
      <h3>Headers</h3>
      {headers ? (
        <>
          <p class="note">
            {detail.request
              ? `as the local API received them (${detail.request.method} ${detail.request.path}, answered ${detail.request.status_code}); signatures and secrets redacted`
              : "the few headers the envelope carries to the router"}
          </p>
          <Headers headers={headers} />
        </>
      ) : (
        <p class="note">
          Not kept: this pipeline did not receive the request since it started, and the record holds none.
        </p>
      )}
      <h3>Payload</h3>
      {detail.payload.kept ? (
        <JsonTree text={detail.payload.text} />
      ) : (
        <p class="note" data-testid="payload-missing">
          {detail.payload.why}
          {detail.payload.bytes !== undefined ? ` (${detail.payload.bytes} bytes)` : ""}
        </p>
      )}
    </section>
  );
}
