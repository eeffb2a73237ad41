import { EditorContent, useEditor } from "@tiptap/react";
import { useEffect } from "react";
import { useT } from "../i18n/useT";
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
      <EditorContent editor={editor} className="draft-scroll" />
    </section>
  );
}
