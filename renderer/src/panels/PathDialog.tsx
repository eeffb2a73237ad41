import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { exportDialogFormats, type ExportDialogFormat } from "../../../electron/common/api/ui";
import { useT } from "../i18n/useT";
import { applyChosenPath, EXPORT_EXTENSIONS } from "../shell/fileActions";
import { useStore } from "../store/store";
import type { PathPurpose } from "../store/uiSlice";
import { Dialog } from "./Dialog";

/**
 * Save As, export and import in the browser: the full path of the file, typed. Save As and export start
 * from the path the back end suggests (the project's last folder, or ~/Documents/Draftline), in full.
 */
export function PathDialog({ purpose }: { purpose: PathPurpose }) {
  const t = useT();
  const id = useId();
  const [path, setPath] = useState("");
  const [format, setFormat] = useState<ExportDialogFormat>("docx");
  const formatRef = useRef<ExportDialogFormat>(format);
  formatRef.current = format;
  // The writer's own typing wins over a suggestion that arrives after it.
  const typed = useRef(false);
  useEffect(() => {
    if (purpose === "importDraft") return;
    const { documents, document } = useStore.getState();
    if (!documents || !document) return;
    let live = true;
    documents
      .suggestPath(document.projectId, purpose === "saveAs" ? "draftline" : EXPORT_EXTENSIONS.docx)
      .then((suggested) => {
        if (live && !typed.current) setPath((p) => (p === "" ? suggested.path.replace(/\.docx$/i, `.${EXPORT_EXTENSIONS[formatRef.current]}`) : p));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [purpose]);

  const [withPlan, setWithPlan] = useState(false);
  const [author, setAuthor] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (path.trim() === "") return;
    setBusy(true);
    const outcome = await applyChosenPath(useStore, purpose, path.trim(), purpose === "export" ? { format, withPlan, ...(format === "epub" && author.trim() ? { author } : {}) } : {});
    // A file in the way of an export: the "replace it?" panel took this one's place.
    if (!outcome.ok && outcome.exists) return;
    setBusy(false);
    if (outcome.ok) useStore.getState().openPanel(null);
    else setError(t("path.failed", { message: outcome.message }));
  };
  const heading = t(purpose === "saveAs" ? "path.saveAs" : purpose === "export" ? "path.export" : "path.importDraft");
  return (
    <Dialog title={heading} wide={purpose !== "importDraft"}>
      <form className="panel-body" onSubmit={(e) => void submit(e)}>
        {purpose === "export" ? (
          <>
            <label htmlFor={`${id}-format`}>{t("path.format")}</label>
            <select
              id={`${id}-format`}
              value={format}
              onChange={(e) => {
                const next = exportDialogFormats.find((f) => f === e.target.value) ?? "docx";
                setFormat(next);
                setPath((p) => p.replace(/\.(docx|md|epub)$/i, `.${EXPORT_EXTENSIONS[next]}`));
              }}
            >
              <option value="docx">{t("path.formatDocx")}</option>
              <option value="markdown">{t("path.formatMarkdown")}</option>
              <option value="epub">{t("path.formatEpub")}</option>
            </select>
            {format === "epub" ? (
              <>
                <label htmlFor={`${id}-author`}>{t("path.author")}</label>
                <input id={`${id}-author`} type="text" value={author} maxLength={200} onChange={(e) => setAuthor(e.target.value)} />
              </>
            ) : null}
            <label className="checkbox">
              <input type="checkbox" checked={withPlan} onChange={(e) => setWithPlan(e.target.checked)} />
              {t("path.withPlan")}
            </label>
          </>
        ) : null}
        <label htmlFor={id}>{t("path.file")}</label>
        <input
          id={id}
          type="text"
          className="path-field"
          value={path}
          spellCheck={false}
          onChange={(e) => {
            typed.current = true;
            setPath(e.target.value);
          }}
          aria-describedby={`${id}-hint`}
          autoFocus
        />
        <p id={`${id}-hint`} className="field-hint">
          {purpose === "importDraft" ? `${t("path.importHint")} ` : `${t("path.suggested")} `}
          {t("path.hint")}
        </p>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="panel-actions">
          <button type="submit" className="primary" disabled={busy || path.trim() === ""}>
            {t("path.go")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
