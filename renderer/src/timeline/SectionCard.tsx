import { memo, type DragEvent, type KeyboardEvent, type MouseEvent } from "react";
import type { BudgetChange } from "../../../electron/common/generation/rules";
import type { ManuscriptEdit } from "../../../electron/common/manuscript";
import type { Translate, UiLanguage } from "../i18n";
import { useT } from "../i18n/useT";
import { MAX_TARGET } from "../panels/newDocument";
import type { EditTarget } from "../store/pendingEdits";
import { generationSelectors, manuscriptSelectors, uiSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { sameItems, useLiveStore } from "../store/useLiveStore";
import { AreaField, NumberField, TextField, checkWholeNumber } from "./fields";
import { StepCard } from "./StepCard";

export const SECTION_DRAG_TYPE = "application/x-draftline-section";

const edit = (change: ManuscriptEdit, target: EditTarget) => useStore.getState().editManuscript(change, target);

/** An edit made by a button (no field to show the refusal under): a refusal becomes a notice. */
const editOrNotify = async (change: ManuscriptEdit, target: EditTarget) => {
  const outcome = await edit(change, target);
  if (!outcome.ok) useStore.getState().pushNotice({ kind: "error", key: "edit.refused", values: { message: outcome.message } });
  return outcome;
};

/** The section's state as its chip says it: not yet written, writing, partly written (under 90% of its budget), written. */
export function sectionChip(written: boolean, live: boolean, words: number, budget: number): "timeline.future" | "timeline.sectionWriting" | "timeline.partlyWritten" | "timeline.written" {
  if (!written) return "timeline.future";
  if (live) return "timeline.sectionWriting";
  return words < budget * 0.9 ? "timeline.partlyWritten" : "timeline.written";
}

/** Where a section can move: after every section already written. */
export function movableRange(sectionIds: string[], written: ReadonlySet<string>, moving: string): { min: number; max: number } {
  const rest = sectionIds.filter((id) => id !== moving);
  let last = -1;
  rest.forEach((id, i) => {
    if (written.has(id)) last = i;
  });
  return { min: last + 1, max: rest.length };
}

/**
 * A section of the global plan: title, brief and budget edited in place (also while the model
 * writes), the words its steps wrote, and its steps. A section no step has written yet can be moved
 * (drag, or Alt+↑/↓) and removed.
 */
export const SectionCard = memo(function SectionCard({ sectionId, index }: { sectionId: string; index: number }) {
  const t = useT();
  const section = useStore(manuscriptSelectors.section(sectionId));
  const words = useLiveStore(manuscriptSelectors.sectionWords(sectionId));
  const steps = useLiveStore(manuscriptSelectors.sectionSteps(sectionId), sameItems);
  const written = useStore(manuscriptSelectors.isSectionWritten(sectionId));
  const pending = useStore(manuscriptSelectors.isPending({ kind: "section", sectionId }));
  const focused = useStore(uiSelectors.isSectionFocused(sectionId));
  const live = useStore((s) => {
    const current = generationSelectors.currentStep(s);
    return current !== null && s.manuscript?.steps[current]?.sectionId === sectionId;
  });
  const canRewrite = useStore(generationSelectors.canRewrite);
  const locked = useStore(manuscriptSelectors.isBudgetLocked(sectionId));
  const rebalanced = useStore(manuscriptSelectors.budgetChange(sectionId));
  // The controller says why in English: another interface language says it in its own words.
  const language = useStore(uiSelectors.language);
  // Steps of this section are being written again: its old text stays in view until each is replaced.
  const rewriting = useStore((s) => {
    const ids = generationSelectors.replacing(s);
    return ids.length > 0 && (s.manuscript?.steps.some((step) => step.sectionId === sectionId && ids.includes(step.id)) ?? false);
  });
  if (!section) return null;

  const move = (delta: -1 | 1) => {
    const s = useStore.getState();
    const ids = s.manuscript?.sections.map((x) => x.id) ?? [];
    const range = movableRange(ids, manuscriptSelectors.figures(s)?.written ?? new Set(), sectionId);
    const toIndex = index + delta;
    if (toIndex < range.min || toIndex > range.max) return;
    void editOrNotify({ type: "moveSection", sectionId, toIndex }, { kind: "sections" }).then(() => {
      // Keep the keyboard on the card that moved.
      requestAnimationFrame(() => document.querySelector<HTMLElement>(`[data-section-card="${sectionId}"] .drag-handle`)?.focus());
    });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (!e.altKey || written || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
    e.preventDefault();
    move(e.key === "ArrowUp" ? -1 : 1);
  };
  const onDragOver = (e: DragEvent<HTMLLIElement>) => {
    if (written || !e.dataTransfer.types.includes(SECTION_DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "move";
  };
  const onDrop = (e: DragEvent<HTMLLIElement>) => {
    const moving = e.dataTransfer.getData(SECTION_DRAG_TYPE);
    if (!moving || moving === sectionId || written) return;
    e.preventDefault();
    const s = useStore.getState();
    const ids = (s.manuscript?.sections ?? []).map((x) => x.id);
    const rest = ids.filter((id) => id !== moving);
    const rect = e.currentTarget.getBoundingClientRect();
    const after = e.clientY > rect.top + rect.height / 2;
    const toIndex = rest.indexOf(sectionId) + (after ? 1 : 0);
    const range = movableRange(ids, manuscriptSelectors.figures(s)?.written ?? new Set(), moving);
    if (toIndex >= range.min && toIndex <= range.max) void editOrNotify({ type: "moveSection", sectionId: moving, toIndex }, { kind: "sections" });
  };
  const onCardClick = (e: MouseEvent<HTMLElement>) => {
    if ((e.target as HTMLElement).closest("input, textarea, button, select, summary, a, label")) return;
    useStore.getState().showInDraft("section", sectionId, sectionId);
  };
  const checkBudget = (text: string) => checkWholeNumber(text, 0, MAX_TARGET, t("edit.invalidNumber"));
  const fill = section.budget > 0 ? Math.min(1, words / section.budget) : words > 0 ? 1 : 0;

  return (
    <li className="section-card" data-section-card={sectionId} data-written={written || undefined} data-focused={focused || undefined} data-live={live || undefined} data-rewriting={rewriting || undefined} onDragOver={onDragOver} onDrop={onDrop} onKeyDown={onKeyDown}>
      <div className="section-head" onClick={onCardClick}>
        {written ? (
          <span className="section-number" aria-hidden="true">
            {index + 1}
          </span>
        ) : (
          <button
            type="button"
            className="drag-handle"
            draggable
            aria-label={t("timeline.dragHandle", { title: section.title })}
            title={t("timeline.reorderHint")}
            aria-keyshortcuts="Alt+ArrowUp Alt+ArrowDown"
            onDragStart={(e) => {
              e.dataTransfer.setData(SECTION_DRAG_TYPE, sectionId);
              e.dataTransfer.effectAllowed = "move";
            }}
          >
            <span aria-hidden="true">⠿</span> {index + 1}
          </button>
        )}
        <TextField label={t("timeline.sectionTitle")} value={section.title} onCommit={(title) => edit({ type: "editSection", sectionId, title }, { kind: "section", sectionId })} className="section-title" />
        <span className="chip">{t(sectionChip(written, live, words, section.budget))}</span>
        {rewriting ? <span className="chip replaced">{t("timeline.sectionRewriting")}</span> : null}
        {pending ? (
          <span className="chip pending" title={t("timeline.pending")}>
            {t("timeline.pendingShort")}
          </span>
        ) : null}
      </div>
      <AreaField label={t("timeline.sectionBrief")} value={section.brief} onCommit={(brief) => edit({ type: "editSection", sectionId, brief }, { kind: "section", sectionId })} className="section-brief" />
      <div className="section-budget">
        <NumberField label={t("timeline.sectionBudget")} value={section.budget} check={checkBudget} onCommit={(budget) => edit({ type: "editSection", sectionId, budget }, { kind: "section", sectionId })} />
        <span className="budget-meter" role="meter" aria-label={t("timeline.sectionWords", { words, budget: section.budget })} aria-valuemin={0} aria-valuemax={Math.max(section.budget, 1)} aria-valuenow={Math.min(words, Math.max(section.budget, 1))}>
          <span className="budget-meter-fill" style={{ width: `${fill * 100}%` }} data-over={words > section.budget && section.budget > 0 ? true : undefined} />
        </span>
        <span className="section-words">{t("timeline.sectionWords", { words, budget: section.budget })}</span>
        <button
          type="button"
          className="budget-lock"
          aria-pressed={locked}
          aria-label={t("timeline.lockBudget", { title: section.title })}
          title={t("timeline.lockHint")}
          onClick={() => void editOrNotify({ type: "lockBudget", sectionId, locked: !locked }, { kind: "section", sectionId })}
        >
          {t(locked ? "timeline.budgetLocked" : "timeline.budgetUnlocked")}
        </button>
      </div>
      {rebalanced ? (
        <p className="budget-rebalanced" data-rebalanced={sectionId}>
          <span className="chip rebalanced">{t("timeline.rebalanced", { from: rebalanced.from, to: rebalanced.to })}</span> <span className="rebalanced-reason">{rebalancedReason(rebalanced, language, t)}</span>
        </p>
      ) : null}
      <div className="card-actions">
        {!written ? (
          <>
            <button type="button" onClick={() => move(-1)} aria-label={`${t("timeline.moveUp")}: ${section.title}`} title={`${t("timeline.moveUp")} (Alt+↑)`}>
              ↑
            </button>
            <button type="button" onClick={() => move(1)} aria-label={`${t("timeline.moveDown")}: ${section.title}`} title={`${t("timeline.moveDown")} (Alt+↓)`}>
              ↓
            </button>
            <button type="button" className="danger" onClick={() => void editOrNotify({ type: "removeSection", sectionId }, { kind: "sections" })}>
              {t("timeline.removeSection")}
            </button>
          </>
        ) : (
          <button type="button" disabled={!canRewrite} onClick={() => useStore.getState().askRewrite({ kind: "section", sectionId })}>
            {t("controls.regenerateSection")}
          </button>
        )}
      </div>
      {steps.length > 0 ? (
        <ol className="step-list">
          {steps.map((i) => (
            <StepCard key={i} index={i} />
          ))}
        </ol>
      ) : null}
    </li>
  );
});

/**
 * Why the controller rebalanced a section's budget: its own reason (in English, with the figures) in
 * an English interface, else the interface's words for a run that went long or short.
 */
export function rebalancedReason(change: BudgetChange, language: UiLanguage, t: Translate): string {
  if (language === "en" && change.reason) return change.reason;
  return t(change.to < change.from ? "timeline.rebalancedLong" : "timeline.rebalancedShort");
}
