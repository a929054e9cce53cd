import { useEffect, useRef, useState } from "preact/hooks";
import { type ConfigChange, type ConfigView, write } from "./api";
import { errorText, useApi } from "./hooks";

/** The live limits this form changes, with their labels and units. */
const FIELDS = [
  { key: "minProfitUsd", label: "Min profit", unit: "$" },
  { key: "maxProfitUsd", label: "Max profit", unit: "$" },
  { key: "maxLoanUsd", label: "Loan cap", unit: "$" },
  { key: "maxGasPriceGwei", label: "Gas price cap", unit: "gwei" },
  { key: "tokenDenylist", label: "Token deny list", unit: "symbols" },
] as const;
type Key = (typeof FIELDS)[number]["key"];
type Draft = Record<Key, string>;

function draftOf(config: Readonly<Record<string, unknown>>): Draft {
  const text = (v: unknown) => (v === undefined || v === null ? "" : Array.isArray(v) ? v.join(", ") : String(v));
  return Object.fromEntries(FIELDS.map((f) => [f.key, text(config[f.key])])) as Draft;
}

/** A field's text as the API takes it: empty returns the key to its default; what is not a number is sent as typed, for the server to refuse. */
function patchValue(key: Key, text: string): unknown {
  const t = text.trim();
  if (key === "tokenDenylist")
    return t === ""
      ? []
      : t
          .split(",")
          .map((s) => s.trim())
          .filter((s) => s !== "");
  if (t === "") return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
}

/** The live limits from `/api/config`, changed with `PATCH /api/config`; the server's refusal is shown as it says it. */
export function Limits(props: { version: number; onSaved: () => void }) {
  const { data, error } = useApi<ConfigView>("api/config", {}, props.version);
  // The configuration last seen: a reload, or the server's answer to a change.
  const [known, setKnown] = useState<Readonly<Record<string, unknown>> | undefined>(undefined);
  const [draft, setDraft] = useState<Draft | undefined>(undefined);
  // Fields typed in since the last change: a reload (another operator's change) leaves them as typed.
  // A ref, not state: the reload's effect may run after later keystrokes, and must see them.
  const edited = useRef(new Set<Key>());
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (data === undefined) return;
    const fresh = draftOf(data.config);
    setKnown(data.config);
    setDraft(
      (d) =>
        Object.fromEntries(
          FIELDS.map((f) => [f.key, edited.current.has(f.key) && d ? d[f.key] : fresh[f.key]]),
        ) as Draft,
    );
  }, [data]);
  if (draft === undefined || known === undefined) return <p class="muted">{error ?? "Loading…"}</p>;
  const save = async (event: Event) => {
    event.preventDefault();
    // What the form shows now, against what the engine has.
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const before = draftOf(known);
    const patch = Object.fromEntries(
      FIELDS.map((f) => [f.key, String(form.get(f.key) ?? "")] as const)
        .filter(([key, text]) => text.trim() !== before[key])
        .map(([key, text]) => [key, patchValue(key, text)]),
    );
    if (Object.keys(patch).length === 0) {
      setResult({ ok: true, text: "Nothing to change." });
      return;
    }
    setBusy(true);
    try {
      const { changes, config } = await write<ConfigChange>("PATCH", "api/config", patch);
      const said = Object.entries(changes).map(([k, c]) => `${k} ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`);
      setResult({ ok: true, text: said.length === 0 ? "Nothing changed." : `Changed ${said.join("; ")}.` });
      setKnown(config);
      edited.current = new Set();
      setDraft(draftOf(config));
      props.onSaved();
    } catch (e) {
      setResult({ ok: false, text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="limits" onSubmit={(e) => void save(e)}>
      {FIELDS.map((f) => (
        <label key={f.key}>
          <span>
            {f.label} <span class="muted">({f.unit})</span>
          </span>
          <input
            data-testid={`limit-${f.key}`}
            name={f.key}
            inputMode={f.key === "tokenDenylist" ? "text" : "decimal"}
            placeholder={f.key === "tokenDenylist" ? "none" : "default"}
            value={draft[f.key]}
            onInput={(e) => {
              const value = (e.currentTarget as HTMLInputElement).value;
              edited.current.add(f.key);
              setDraft((d) => (d === undefined ? d : { ...d, [f.key]: value }));
            }}
          />
        </label>
      ))}
      <div class="row">
        <button type="submit" data-testid="limits-save" disabled={busy}>
          Apply
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            edited.current = new Set();
            setDraft(draftOf(known));
          }}
        >
          Reset
        </button>
      </div>
      {result === undefined ? null : (
        <p class={result.ok ? "ok" : "error"} data-testid={result.ok ? "limits-result" : "limits-error"}>
          {result.text}
        </p>
      )}
    </form>
  );
}
