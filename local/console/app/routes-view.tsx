import { useEffect, useState } from "preact/hooks";
import type { TeamRecord } from "../../../shared/routing/routing-table";
import { getJson } from "./api";

/** The routing table as `routes list` reads it: each team, its agent and the identifiers it claims. */
export function RoutesView() {
  const [teams, setTeams] = useState<TeamRecord[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    getJson<TeamRecord[]>("/routes").then(setTeams, (e: Error) => setError(e.message));
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!teams) return <p class="note">Loading the routing table…</p>;
  if (teams.length === 0)
    return <p class="empty">No teams: add one with npm run routes -- apply team.json --local</p>;
  return (
    <table class="routes" data-testid="routes">
      <thead>
        <tr>
          <th>team</th>
          <th>claims (priority order)</th>
          <th>agent</th>
          <th>updated</th>
        </tr>
      </thead>
      <tbody>
        {teams.map((t) => (
          <tr key={`${t.org_id}/${t.team_node_id}`}>
            <td>
              {t.org_id}/{t.team_node_id}
            </td>
            <td>
              {t.claims.map((c) => (
                <div key={`${c.kind}#${c.value}`}>
                  <span class="kind">{c.kind}</span> {c.value}
                </div>
              ))}
            </td>
            <td>{t.agent?.url ?? "default agent"}</td>
            <td>{t.updated_at}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
