/// <reference lib="dom" />
import { render } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import type { ConsoleRow } from "../console-api";
import type { EventDetail } from "../event-detail";
import { getJson } from "./api";
import { EventDetailView } from "./event-detail-view";
import { EventList } from "./event-list";
import { RoutesView } from "./routes-view";
import { SendSample } from "./send-sample";

/** The pause between listings: every request and outcome shows within about a second. */
const POLL_MS = 1000;

/** A filter: one of `values`, or every one (the empty value). */
function Filter(props: {
  testId: string;
  every: string;
  values: string[];
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <select
      data-testid={props.testId}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value)}
    >
      <option value="">{props.every}</option>
      {props.values.map((v) => (
        <option key={v} value={v}>
          {v}
        </option>
      ))}
    </select>
  );
}

function App() {
  const [tab, setTab] = useState<"events" | "routes">("events");
  const [meta, setMeta] = useState<{ providers: string[]; statuses: string[] }>({
    providers: [],
    statuses: [],
  });
  const [filter, setFilter] = useState({ provider: "", status: "" });
  const [rows, setRows] = useState<ConsoleRow[]>([]);
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<string>();
  const [detail, setDetail] = useState<EventDetail>();

  useEffect(() => {
    getJson<typeof meta>("/meta").then(setMeta, (e: Error) => setError(e.message));
  }, []);

  const refresh = useCallback(async () => {
    const query = new URLSearchParams();
    if (filter.provider) query.set("provider", filter.provider);
    if (filter.status) query.set("status", filter.status);
    try {
      setRows((await getJson<{ events: ConsoleRow[] }>(`/events?${query}`)).events);
      setError(undefined);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [filter]);

  // The next poll waits for this one: a slow listing (a large table) never piles requests up.
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async () => {
      await refresh();
      if (!stopped) timer = setTimeout(poll, POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [refresh]);

  // The detail follows its row: read again whenever the event's status or time changes.
  const row = rows.find((r) => r.event_id === selected);
  const version = row ? `${row.status}@${row.at}` : "";
  useEffect(() => {
    if (!selected) return;
    getJson<EventDetail>(`/events/${encodeURIComponent(selected)}`).then(setDetail, (e: Error) =>
      setError(e.message),
    );
  }, [selected, version]);

  return (
    <main>
      <header>
        <h1>Webhook pipeline</h1>
        <nav>
          <button type="button" class={tab === "events" ? "active" : ""} onClick={() => setTab("events")}>
            Events
          </button>
          <button
            type="button"
            data-testid="tab-routes"
            class={tab === "routes" ? "active" : ""}
            onClick={() => setTab("routes")}
          >
            Routing table
          </button>
        </nav>
        <SendSample onSent={refresh} />
      </header>
      {error && (
        <p class="error" data-testid="error">
          {error}
        </p>
      )}
      {tab === "routes" ? (
        <RoutesView />
      ) : (
        <div class="split">
          <div class="list">
            <div class="filters">
              <Filter
                testId="filter-provider"
                every="every provider"
                values={meta.providers}
                value={filter.provider}
                onChange={(provider) => setFilter({ ...filter, provider })}
              />
              <Filter
                testId="filter-status"
                every="every status"
                values={meta.statuses}
                value={filter.status}
                onChange={(status) => setFilter({ ...filter, status })}
              />
            </div>
            <EventList rows={rows} selected={selected} onSelect={setSelected} />
          </div>
          {detail && <EventDetailView detail={detail} onReplayed={refresh} />}
        </div>
      )}
    </main>
  );
}

render(<App />, document.getElementById("app")!);
