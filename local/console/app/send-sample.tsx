import { useEffect, useState } from "preact/hooks";
import { getJson, postJson } from "./api";

interface Sample {
  name: string;
  provider: string;
  path: string;
}

/** Posts a freshly signed sample of any route to the local webhook API, as `npm run send` does. */
export function SendSample({ onSent }: { onSent: () => void }) {
  const [samples, setSamples] = useState<Sample[]>([]);
  const [chosen, setChosen] = useState("");
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  useEffect(() => {
    getJson<Sample[]>("/samples").then((list) => {
      setSamples(list);
      setChosen(list[0]?.name ?? "");
    });
  }, []);
  const send = async () => {
    setResult(undefined);
    try {
      const answer = await postJson<{ status: number; path: string; body: string }>(
        `/samples/${encodeURIComponent(chosen)}`,
      );
      setResult({
        ok: answer.status < 300,
        text: `POST ${answer.path} → ${answer.status} ${answer.body || "(empty body)"}`,
      });
      onSent();
    } catch (error) {
      setResult({ ok: false, text: (error as Error).message });
    }
  };
  return (
    <div class="send">
      <select data-testid="sample" value={chosen} onChange={(e) => setChosen(e.currentTarget.value)}>
        {samples.map((s) => (
          <option key={s.name} value={s.name}>
            {s.name}
          </option>
        ))}
      </select>
      <button type="button" data-testid="send-sample" onClick={send} disabled={!chosen}>
        Send signed sample
      </button>
      {result && (
        <span class={result.ok ? "ok" : "error"} data-testid="send-result">
          {result.text}
        </span>
      )}
    </div>
  );
}
