import type { ConsoleRow } from "../console-api";

const time = (iso: string) => iso.slice(11, 19);

/** The live list: newest first, a click opens the detail. */
export function EventList({
  rows,
  selected,
  onSelect,
}: {
  rows: ConsoleRow[];
  selected: string | undefined;
  onSelect: (id: string) => void;
}) {
  if (rows.length === 0) {
    return <p class="empty">Nothing yet. Send a sample above, or point a provider at the webhook URLs.</p>;
  }
  return (
    <table class="events" data-testid="event-list">
      <thead>
        <tr>
          <th>time</th>
          <th>status</th>
          <th>provider</th>
          <th>event type</th>
          <th>team</th>
          <th>agent</th>
          <th>reason</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={row.event_id}
            data-event-id={row.event_id}
            data-status={row.status}
            class={row.event_id === selected ? "selected" : ""}
            onClick={() => onSelect(row.event_id)}
          >
            <td title={row.at}>{time(row.at)}</td>
            <td>
              <span class={`badge s-${row.status}`}>{row.status}</span>
            </td>
            <td>{row.provider ?? ""}</td>
            <td>{row.event_type ?? ""}</td>
            <td title={row.matched_by ? `matched by ${row.matched_by}` : undefined}>{row.team ?? ""}</td>
            <td>{row.agent_status ?? ""}</td>
            <td class="reason">{row.reason ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
