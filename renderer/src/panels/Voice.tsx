import { useId, useState, type FormEvent } from "react";
import { useT } from "../i18n/useT";
import { useStore } from "../store/store";
import { Dialog } from "./Dialog";
import { VoiceField } from "./VoiceField";

/**
 * The document's voice: a sample of the writer's own prose for the whole document, or for one section
 * (it replaces the document's there). Set while the model writes, it goes in at the next step.
 */
export function VoiceDialog() {
  const t = useT();
  const ids = { scope: useId(), sample: useId(), style: useId() };
  const sections = useStore((s) => s.manuscript?.sections ?? []);
  const voice = useStore((s) => s.manuscript?.voice);
  // The bible's style entries: the writer may take one as the sample instead of pasting prose.
  const entries = useStore((s) => s.manuscript?.memory.entries);
  const styles = (entries ?? []).filter((e) => e.kind === "style" && e.description.trim() !== "");
  const [scope, setScope] = useState<string>("");
  const saved = scope === "" ? (voice?.document ?? "") : (voice?.sections[scope] ?? "");
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const sample = drafts[scope] ?? saved;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const apply = async (text: string) => {
    setBusy(true);
    setError(null);
    const outcome = await useStore.getState().editManuscript({ type: "setVoice", sectionId: scope === "" ? null : scope, sample: text }, { kind: "voice" });
    setBusy(false);
    if (!outcome.ok) return setError(outcome.message);
    setDrafts((d) => {
      const { [scope]: _done, ...rest } = d;
      return rest;
    });
    useStore.getState().pushNotice({ kind: "info", key: text.trim() ? "voice.saved" : "voice.removed" });
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void apply(sample);
  };

  return (
    <Dialog title={t("voice.title")}>
      <form className="panel-body voice-panel" onSubmit={submit}>
        <p className="field-hint">{t("voice.explain")}</p>
        <label htmlFor={ids.scope}>{t("voice.scope")}</label>
        <select
          id={ids.scope}
          value={scope}
          onChange={(e) => {
            setScope(e.target.value);
            setError(null);
          }}
        >
          <option value="">{t("voice.wholeDocument")}</option>
          {sections.map((s) => (
            <option key={s.id} value={s.id}>
              {t("voice.section", { title: s.title })}
              {voice?.sections[s.id] ? " ✓" : ""}
            </option>
          ))}
        </select>
        {styles.length > 0 ? (
          <>
            <label htmlFor={ids.style}>{t("voice.fromStyle")}</label>
            <select
              id={ids.style}
              value=""
              onChange={(e) => {
                const entry = styles.find((x) => x.id === e.target.value);
                if (entry) setDrafts((d) => ({ ...d, [scope]: entry.description }));
              }}
            >
              <option value="">{t("voice.fromStyleNone")}</option>
              {styles.map((entry) => (
                <option key={entry.id} value={entry.id}>
                  {entry.name}
                </option>
              ))}
            </select>
          </>
        ) : null}
        <label htmlFor={ids.sample}>{t("voice.sample")}</label>
        <VoiceField id={ids.sample} value={sample} onChange={(value) => setDrafts((d) => ({ ...d, [scope]: value }))} error={error} />
        <div className="panel-actions">
          <button type="button" disabled={busy || saved === ""} onClick={() => void apply("")}>
            {t("voice.remove")}
          </button>
          <button type="submit" className="primary" disabled={busy || sample.trim() === saved}>
            {t("voice.save")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
