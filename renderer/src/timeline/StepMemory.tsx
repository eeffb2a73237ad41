import { useShallow } from "zustand/react/shallow";
import { useT } from "../i18n/useT";
import { manuscriptSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { useLiveStore } from "../store/useLiveStore";
import { AreaField } from "./fields";

/**
 * What the model remembers of a step: the bible entries it had in view while writing it, the summary
 * that stands for its text once the text leaves the model's window (the writer may rewrite it), and
 * a pin that keeps the whole text in view.
 */
export function StepMemoryView({ index }: { index: number }) {
  const t = useT();
  const step = useLiveStore(manuscriptSelectors.step(index));
  const names = useStore(
    useShallow((s) => {
      const ids = s.manuscript?.steps[index]?.memory?.entries ?? [];
      const entries = s.manuscript?.memory.entries ?? [];
      return ids.map((id) => entries.find((e) => e.id === id)?.name ?? t("memory.removedEntry"));
    }),
  );
  if (!step) return null;
  const inProgress = step.status === "planned" || step.status === "writing";
  const memory = step.memory;
  const summary = memory?.summary ?? "";
  const by = memory?.summaryBy ?? null;
  const pinned = memory?.pinned === true;
  const setSummary = (text: string) => useStore.getState().editManuscript({ type: "setSummary", stepId: step.id, summary: text.trim() === "" ? null : text }, { kind: "step", stepId: step.id });
  const pin = (value: boolean) => void useStore.getState().editManuscript({ type: "pinStep", stepId: step.id, pinned: value }, { kind: "step", stepId: step.id });
  return (
    <details className="step-memory" data-step-memory={step.id} open={names.length > 0 || summary !== "" || undefined}>
      <summary>
        {t("memory.title")}
        {pinned ? <span className="chip">{t("memory.pinned")}</span> : null}
      </summary>
      <p className="memory-entries" data-memory-entries>
        {names.length > 0 ? t("memory.entries", { names: names.join(", ") }) : t("memory.noEntries")}
      </p>
      <AreaField
        label={by ? t("memory.summaryBy", { by: t(`memory.by.${by}`) }) : t("memory.summary")}
        value={summary}
        disabled={inProgress}
        onCommit={setSummary}
        rows={3}
        className="memory-summary"
      />
      <label className="memory-pin">
        <input type="checkbox" checked={pinned} disabled={inProgress} onChange={(e) => pin(e.target.checked)} /> {t("memory.pin")}
      </label>
    </details>
  );
}
