import { useShallow } from "zustand/react/shallow";
import { useT } from "../i18n/useT";
import { MAX_TARGET } from "../panels/newDocument";
import { manuscriptSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { NumberField, TextField, checkWholeNumber } from "./fields";
import { SectionCard } from "./SectionCard";
import { StepCard } from "./StepCard";
import "./timeline.css";

/** The planning timeline beside the draft: the global plan, its sections, and each section's steps. */
export function Timeline() {
  const t = useT();
  const sectionIds = useStore(useShallow((s) => (s.manuscript?.sections ?? []).map((x) => x.id)));
  const unassigned = useStore(useShallow(manuscriptSelectors.unassignedSteps));
  const instruction = useStore((s) => s.manuscript?.instruction ?? "");
  const title = useStore((s) => s.document?.title ?? "");
  const target = useStore(manuscriptSelectors.target);
  const targetPending = useStore(manuscriptSelectors.isPending({ kind: "target" }));
  const sectionsPending = useStore(manuscriptSelectors.isPending({ kind: "sections" }));
  const drafting = useStore((s) => (s.manuscript?.planDraft?.sections ?? []).length > 0 && (s.manuscript?.sections.length ?? 0) === 0);
  const hasDocument = useStore((s) => s.manuscript !== null);
  const notes = useStore(useShallow((s) => s.generation?.notes ?? []));
  if (!hasDocument) return null;

  const addSection = () => {
    const s = useStore.getState();
    const m = s.manuscript;
    if (!m) return;
    const titles = new Set(m.sections.map((x) => x.title.toLowerCase()));
    let n = m.sections.length + 1;
    while (titles.has(t("timeline.newSectionTitle", { n }).toLowerCase())) n++;
    const left = (m.targetWords ?? 0) - manuscriptSelectors.plannedWords(s);
    void s.editManuscript({ type: "addSection", index: m.sections.length, title: t("timeline.newSectionTitle", { n }), budget: left > 0 ? left : 500 }, { kind: "sections" }).then((outcome) => {
      if (!outcome.ok) useStore.getState().pushNotice({ kind: "error", key: "edit.refused", values: { message: outcome.message } });
    });
  };

  return (
    <aside className="timeline" aria-label={t("timeline.label")}>
      <section className="plan-header">
        <TextField
          label={t("timeline.docTitle")}
          value={title}
          className="doc-title-field"
          onCommit={(next) => useStore.getState().renameDocument(next)}
        />
        <h2 className="visually-hidden">{t("timeline.instruction")}</h2>
        <p className="instruction" title={instruction}>
          {instruction}
        </p>
        <div className="plan-target">
          <NumberField
            label={t("timeline.target")}
            value={target}
            check={(text) => checkWholeNumber(text, 1, MAX_TARGET, t("edit.invalidTarget", { max: MAX_TARGET }))}
            onCommit={(targetWords) => useStore.getState().editManuscript({ type: "setTarget", targetWords }, { kind: "target" })}
          />
          {targetPending ? <span className="chip pending">{t("timeline.pendingShort")}</span> : null}
        </div>
      </section>
      <section className="plan-sections" aria-labelledby="plan-sections-title">
        <div className="list-head">
          <h2 id="plan-sections-title">{t("timeline.sections")}</h2>
          {sectionsPending ? (
            <span className="chip pending" title={t("timeline.pending")}>
              {t("timeline.pendingShort")}
            </span>
          ) : null}
        </div>
        {sectionIds.length === 0 ? <p className="muted">{drafting ? t("timeline.planWriting") : t("timeline.noPlan")}</p> : null}
        <ol className="section-list">
          {sectionIds.map((id, i) => (
            <SectionCard key={id} sectionId={id} index={i} />
          ))}
        </ol>
        {sectionIds.length > 0 ? (
          <button type="button" className="add-section" onClick={addSection}>
            + {t("timeline.addSection")}
          </button>
        ) : null}
      </section>
      {notes.length > 0 ? (
        <section className="plan-notes" aria-labelledby="plan-notes-title">
          <h2 id="plan-notes-title">{t("timeline.notes")}</h2>
          <ul className="note-list">
            {notes.map((note, i) => (
              <li key={i}>{note}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {unassigned.length > 0 ? (
        <section className="plan-unassigned" aria-labelledby="plan-unassigned-title">
          <h2 id="plan-unassigned-title">{t("timeline.unassigned")}</h2>
          <ol className="step-list">
            {unassigned.map((i) => (
              <StepCard key={i} index={i} />
            ))}
          </ol>
        </section>
      ) : null}
    </aside>
  );
}
