import { memo, useEffect, useRef } from "react";
import { useT } from "../i18n/useT";
import { shortcuts } from "../shell/commands";
import { generationSelectors, manuscriptSelectors, uiSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { useLiveStore } from "../store/useLiveStore";
import { AreaField } from "./fields";
import { StepMemoryView } from "./StepMemory";

/**
 * One step: its plan, the words it wrote against its budget, its status, and the model's reflection
 * with the count it reported beside the exact one. It selects its own step, so a streaming token
 * re-renders the card of the step being written and no other.
 */
export const StepCard = memo(function StepCard({ index }: { index: number }) {
  const t = useT();
  const step = useLiveStore(manuscriptSelectors.step(index));
  const totalAfter = useLiveStore(manuscriptSelectors.totalAfterStep(index));
  const budget = useLiveStore(manuscriptSelectors.stepBudget(index));
  const focused = useStore((s) => step !== undefined && uiSelectors.isStepFocused(step.id)(s));
  const followDraft = useStore((s) => s.focus.source === "draft");
  const live = useStore((s) => generationSelectors.currentStep(s) === index);
  const canRewrite = useStore(generationSelectors.canRewrite);
  // Paused (the writer typed into the step, or pressed Pause): Resume, not Generate, goes on with it.
  const paused = useStore(generationSelectors.canResume);
  const pending = useStore((s) => step !== undefined && manuscriptSelectors.isPending({ kind: "step", stepId: step.id })(s));
  // Written again by this run and not yet rewritten: its text (or the old one) is still shown, marked.
  const replaced = useStore((s) => step !== undefined && !live && generationSelectors.replacing(s).includes(step.id));
  const ref = useRef<HTMLLIElement>(null);

  useEffect(() => {
    // The draft's cursor moved into this step: bring its card into view.
    if (focused && followDraft) ref.current?.scrollIntoView({ block: "nearest" });
  }, [focused, followDraft]);

  if (!step) return null;
  const inProgress = step.status === "planned" || step.status === "writing";
  const title = t("timeline.stepTitle", { n: index + 1 });
  // The budget the step is held to: its plan's, else its section's share (orchestrated and AgentWrite steps name none).
  const words = budget !== null ? t("timeline.stepWords", { words: step.words, budget }) : t("timeline.stepWordsNoBudget", { words: step.words });
  const over = budget !== null && step.words > budget * 1.2;
  const editPlan = (plan: string) => useStore.getState().editManuscript({ type: "editStep", stepId: step.id, plan }, { kind: "step", stepId: step.id });
  const regenerate = shortcuts["generate.regenerateStep"]!;
  const continueHere = shortcuts["generate.continueHere"]!;

  return (
    <li ref={ref} className="step-card" data-status={step.status} data-focused={focused || undefined} data-live={live || undefined} data-replaced={replaced || undefined} data-step-card={step.id}>
      <div className="step-head">
        <button type="button" className="link-button step-title" onClick={() => useStore.getState().showInDraft("step", step.id, step.sectionId)} aria-label={t("timeline.showInDraft", { title })}>
          {title}
        </button>
        <span className={`chip status-${step.status}`}>{t(`timeline.stepStatus.${step.status}`)}</span>
        {replaced ? (
          <span className="chip replaced" title={t("timeline.replacedHint")}>
            {t("timeline.replaced")}
          </span>
        ) : null}
        {pending ? <span className="chip pending">{t("timeline.pendingShort")}</span> : null}
        <span className={`step-words${over ? " over" : ""}`}>{words}</span>
      </div>
      {step.status === "stopped" ? <p className="step-stopped">{t(paused ? "timeline.stoppedHintPaused" : "timeline.stoppedHint", { words: step.words })}</p> : null}
      <AreaField label={t("timeline.stepPlan")} value={step.plan} disabled={inProgress} onCommit={editPlan} rows={2} className="step-plan" />
      {step.reflection !== "" || step.progress ? (
        <details className="reflection">
          <summary>
            {t("timeline.reflection")}
            {step.progress ? (
              <span className="reported">
                {" · "}
                {t("timeline.reported", { reported: step.progress.written, counted: totalAfter })}
              </span>
            ) : null}
          </summary>
          <p>{step.reflection}</p>
        </details>
      ) : null}
      <StepMemoryView index={index} />
      {!inProgress ? (
        <div className="card-actions">
          <button type="button" disabled={!canRewrite} onClick={() => useStore.getState().askRewrite({ kind: "step", index })} title={t("controls.shortcut", { label: t("controls.regenerateStep"), keys: regenerate.label })}>
            {t("controls.regenerateStep")}
          </button>
          <button type="button" disabled={!canRewrite} onClick={() => useStore.getState().askRewrite({ kind: "continue", fromStep: index + 1 })} title={t("controls.shortcut", { label: t("controls.continueHere"), keys: continueHere.label })}>
            {t("controls.continueHere")}
          </button>
        </div>
      ) : null}
    </li>
  );
});
