import { diffWords } from "diff";
import { useId, useMemo, type FormEvent } from "react";
import { rewriteKinds, MAX_REWRITE_WORDS, type RewriteKind } from "../../../electron/common/generation/rewrite";
import { countWriterWords } from "../../../electron/common/metrics/words";
import type { MessageKey } from "../i18n";
import { useT } from "../i18n/useT";
import { suggestedTarget } from "../store/rewriteSlice";
import { useStore } from "../store/store";
import "./rewrite.css";

const KIND_LABEL: Record<RewriteKind, MessageKey> = {
  rewrite: "selection.kind.rewrite",
  expand: "selection.kind.expand",
  shorten: "selection.kind.shorten",
  instruction: "selection.kind.instruction",
};

/** The original and the new passage, word by word: what goes (struck through) and what comes. */
function Difference({ original, text }: { original: string; text: string }) {
  const parts = useMemo(() => diffWords(original, text), [original, text]);
  return (
    <p className="rewrite-diff" data-testid="rewrite-diff">
      {parts.map((part, i) =>
        part.added ? (
          <ins key={i}>{part.value}</ins>
        ) : part.removed ? (
          <del key={i}>{part.value}</del>
        ) : (
          <span key={i}>{part.value}</span>
        ),
      )}
    </p>
  );
}

/**
 * Beside the draft: the passage the writer selected, what to do with it (rewrite, expand, shorten, or
 * their own instruction) and at what length; the model's text as it comes, then the difference, which
 * the writer keeps (one undo step), edits, or discards. The draft is not changed until Keep.
 */
export function RewritePanel() {
  const t = useT();
  const ids = { kind: useId(), instruction: useId(), target: useId(), result: useId() };
  const r = useStore((s) => s.rewrite);
  if (!r) return null;
  const s = useStore.getState();
  const running = r.status === "asking" || r.status === "writing";
  const target = r.aimedAt ?? suggestedTarget(r);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void s.startRewrite();
  };

  return (
    <aside className="rewrite-panel" aria-label={t("selection.title")}>
      <h2>{t("selection.title")}</h2>
      <form onSubmit={submit} className="rewrite-form">
        <span className="field-label">{t("selection.original")}</span>
        <blockquote className="rewrite-original" data-testid="rewrite-original">
          {r.passage.selection}
        </blockquote>
        <fieldset className="rewrite-kinds" disabled={running}>
          <legend className="field-label">{t("selection.kind")}</legend>
          {rewriteKinds.map((kind) => (
            <label key={kind}>
              <input type="radio" name={ids.kind} value={kind} checked={r.kind === kind} onChange={() => s.setRewriteOptions({ kind, targetWords: null })} />
              {t(KIND_LABEL[kind])}
            </label>
          ))}
        </fieldset>
        {r.kind === "instruction" ? (
          <label className="field" htmlFor={ids.instruction}>
            <span className="field-label">{t("selection.instruction")}</span>
            <input id={ids.instruction} type="text" maxLength={2000} disabled={running} placeholder={t("selection.instructionPlaceholder")} value={r.instruction} onChange={(e) => s.setRewriteOptions({ instruction: e.target.value })} />
          </label>
        ) : null}
        <label className="field field-number" htmlFor={ids.target}>
          <span className="field-label">{t("selection.target")}</span>
          <input
            id={ids.target}
            type="number"
            min={1}
            max={MAX_REWRITE_WORDS}
            disabled={running}
            value={r.targetWords ?? suggestedTarget(r)}
            onChange={(e) => {
              const n = Math.round(Number(e.target.value));
              s.setRewriteOptions({ targetWords: Number.isFinite(n) && n > 0 ? Math.min(n, MAX_REWRITE_WORDS) : null });
            }}
          />
        </label>
        <p className="field-hint">{t("selection.explain")}</p>
        <div className="panel-actions">
          {running ? (
            <button type="button" onClick={() => void s.stopRewrite()}>
              {t("selection.stop")}
            </button>
          ) : (
            <>
              <button type="button" onClick={() => void s.discardRewrite()}>
                {r.status === "done" ? t("selection.discard") : t("selection.close")}
              </button>
              <button type="submit" className={r.status === "done" ? undefined : "primary"}>
                {r.status === "ready" ? t("selection.start") : t("selection.again")}
              </button>
            </>
          )}
          {r.status === "done" ? (
            <button type="button" className="primary" onClick={() => s.keepRewrite()}>
              {t("selection.keep")}
            </button>
          ) : null}
        </div>
      </form>

      <div className="rewrite-result" aria-live="polite">
        {r.status === "done" || running ? <p className="rewrite-words">{t("selection.words", { words: countWriterWords(r.text).toLocaleString(), target: target.toLocaleString() })}</p> : null}
        {running ? (
          <>
            <p className="rewrite-status">{t("selection.writing")}</p>
            <p className="rewrite-stream">{r.text}</p>
          </>
        ) : null}
        {r.status === "stopped" ? <p className="rewrite-status">{t("selection.stopped")}</p> : null}
        {r.status === "error" && r.error ? (
          <p className="rewrite-status" role="alert">
            {t("selection.failed", { message: r.error })}
          </p>
        ) : null}
        {r.status === "done" ? (
          <>
            <span className="field-label">{t("selection.changes")}</span>
            <Difference original={r.passage.selection} text={r.text} />
            <label className="field rewrite-edit" htmlFor={ids.result}>
              <span className="field-label">{t("selection.result")}</span>
              <textarea id={ids.result} rows={8} value={r.text} onChange={(e) => s.editRewriteText(e.target.value)} />
            </label>
          </>
        ) : null}
      </div>
    </aside>
  );
}
