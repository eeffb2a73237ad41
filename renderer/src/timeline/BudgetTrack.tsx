import { useMemo } from "react";
import { useT } from "../i18n/useT";
import { generationSelectors, manuscriptSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { useLiveStore } from "../store/useLiveStore";
import { trackLayout } from "./trackLayout";

/**
 * The budget track across the top: a block per section as wide as its budget, filled by the words
 * written, with step ticks, reflection markers and the live position; the total against the target
 * and the projected length score beside it.
 */
export function BudgetTrack() {
  const t = useT();
  const manuscript = useLiveStore(manuscriptSelectors.manuscript);
  const currentStep = useLiveStore(generationSelectors.currentStep);
  const total = useLiveStore(manuscriptSelectors.totalWords);
  const target = useStore(manuscriptSelectors.target);
  const planned = useLiveStore(manuscriptSelectors.plannedWords);
  const score = useLiveStore(manuscriptSelectors.projectedScore);
  const blocks = useMemo(() => (manuscript ? trackLayout(manuscript, currentStep) : []), [manuscript, currentStep]);
  if (!manuscript) return null;

  return (
    <section className="budget-track" aria-label={t("timeline.track")}>
      <div className="track" role="list">
        {blocks.length === 0 ? <div className="track-empty">{manuscript.planDraft ? t("timeline.planWriting") : t("timeline.noPlan")}</div> : null}
        {blocks.map((b, i) => {
          const label = b.sectionId === null && !b.drafting ? t("timeline.unassigned") : b.title;
          return (
            <div key={b.sectionId ?? `draft-${i}`} role="listitem" className="track-block" style={{ flexGrow: b.share, flexBasis: 0 }} data-drafting={b.drafting || undefined} data-live={b.live !== null || undefined}>
              <button
                type="button"
                className="track-button"
                disabled={b.sectionId === null}
                onClick={() => b.sectionId && useStore.getState().showInDraft("section", b.sectionId, b.sectionId)}
                aria-label={t("timeline.trackSection", { title: label, words: b.words, budget: b.budget })}
                title={t("timeline.trackSection", { title: label, words: b.words, budget: b.budget })}
              >
                <span className="track-fill" style={{ width: `${b.fill * 100}%` }} data-over={b.overflow > 0 || undefined} />
                {b.ticks.map((at, k) => (
                  <span key={`t${k}`} className="track-tick" style={{ left: `${at * 100}%` }} aria-hidden="true" />
                ))}
                {b.markers.map((m) => (
                  <span key={`m${m.stepIndex}`} className="track-marker" style={{ left: `${m.at * 100}%` }} title={t("timeline.reported", { reported: m.reported, counted: m.counted })} aria-hidden="true" />
                ))}
                {b.live !== null ? <span className="track-live" style={{ left: `${b.live * 100}%` }} title={t("timeline.livePosition")} aria-hidden="true" /> : null}
                <span className="track-title">{label}</span>
                {b.overflow > 0 ? <span className="track-overflow">+{b.overflow}</span> : null}
              </button>
            </div>
          );
        })}
      </div>
      <div className="track-totals">
        <strong>{target !== null ? t("timeline.total", { words: total, target }) : t("timeline.totalNoTarget", { words: total })}</strong>
        {planned > 0 ? <span>{t("timeline.planned", { planned })}</span> : null}
        {score !== null ? <span>{t("timeline.score", { score: Math.round(score) })}</span> : null}
      </div>
    </section>
  );
}
