import { EditorContent, useEditor } from "@tiptap/react";
import { useEffect } from "react";
import { useT } from "../i18n/useT";
import { generationSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { DraftController } from "./draftController";
import { draftExtensions } from "./extensions";
import "./draft.css";

/** The draft: the document as the writer reads it, editable at any time. One editor per open document. */
export function DraftEditor() {
  const projectId = useStore((s) => s.document?.projectId ?? null);
  return projectId ? <DraftEditorFor key={projectId} /> : null;
}

function DraftEditorFor() {
  const t = useT();
  const language = useStore((s) => (s.manuscript?.language === "zh" ? "zh" : s.manuscript?.language === "en" ? "en" : undefined));
  const empty = useStore((s) => (s.manuscript?.steps.length ?? 0) === 0);
  const editor = useEditor({
    extensions: draftExtensions,
    injectCSS: false,
    content: { type: "doc", content: [] },
    immediatelyRender: true,
    shouldRerenderOnTransaction: false,
    editorProps: {
      attributes: { class: "draft", "aria-label": t("draft.label"), spellcheck: "true", ...(language ? { lang: language } : {}) },
    },
  });

  useEffect(() => {
    if (!editor) return;
    const controller = new DraftController(editor, useStore);
    controller.start();
    return () => controller.stop();
  }, [editor]);

  return (
    <section className="draft-pane" aria-label={t("draft.label")}>
      {empty ? <p className="draft-empty">{t("draft.empty")}</p> : null}
      <ReplacedMarks />
      <DraftHintAtCursor />
      <EditorContent editor={editor} className="draft-scroll" />
    </section>
  );
}

/**
 * Marks the steps a run writes again that it has not reached yet (their text stays in view and counted
 * until it is replaced): a rule per step, so the editor's own nodes stay as the manuscript has them.
 */
function ReplacedMarks() {
  const t = useT();
  const ids = useStore(generationSelectors.replacing);
  const live = useStore((s) => {
    const index = generationSelectors.currentStep(s);
    return index === null ? null : (s.manuscript?.steps[index]?.id ?? null);
  });
  const waiting = ids.filter((id) => id !== live);
  if (waiting.length === 0) return null;
  const selector = waiting.map((id) => `.draft .step-block[data-step-id=${JSON.stringify(id)}]`).join(",\n");
  const label = JSON.stringify(t("draft.replaced"));
  return <style>{`${selector} { opacity: 0.62; border-left: 2px dotted var(--live); }\n${waiting.map((id) => `.draft .step-block[data-step-id=${JSON.stringify(id)}]::before`).join(",\n")} { content: ${label}; display: block; font-family: var(--sans); font-size: 0.75rem; color: var(--live); }`}</style>;
}

/** What the draft says at the cursor about the writer's last edit (it went in with the model paused, or why it did not). */
function DraftHintAtCursor() {
  const t = useT();
  const hint = useStore((s) => s.draftHint);
  const status = useStore((s) => s.generation?.status);
  useEffect(() => {
    // Resumed (or started again): what it said no longer holds.
    if (status === "writing" && useStore.getState().draftHint?.kind === "info") useStore.setState({ draftHint: null });
  }, [status]);
  if (!hint) return null;
  // Below the caret's line, or above it near the window's foot; kept inside the window.
  const left = Math.max(8, Math.min(hint.left, window.innerWidth - 440));
  const place = hint.bottom + 90 < window.innerHeight ? { top: hint.bottom + 4 } : { bottom: window.innerHeight - hint.top + 4 };
  return (
    <div className="draft-hint" data-kind={hint.kind} role={hint.kind === "error" ? "alert" : "status"} style={{ left, ...place }}>
      <span>{t(hint.key)}</span>
      <button type="button" className="link-button" onClick={() => useStore.setState({ draftHint: null })}>
        {t("draft.hint.dismiss")}
      </button>
    </div>
  );
}
