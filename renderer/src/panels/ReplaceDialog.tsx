import { useState } from "react";
import { useT } from "../i18n/useT";
import { replaceAskedFile } from "../shell/fileActions";
import { useStore } from "../store/store";
import { Dialog } from "./Dialog";

/**
 * An export found a file Draftline did not write, or a Save As typed in web mode found a file: replace
 * it only if the writer says so (a Save As keeps the replaced file as a backup, and says so here).
 */
export function ReplaceDialog() {
  const t = useT();
  const question = useStore((s) => s.replaceQuestion);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!question) return null;
  const replace = async () => {
    setBusy(true);
    const outcome = await replaceAskedFile(useStore);
    setBusy(false);
    if (!outcome.ok) setError(t("path.failed", { message: outcome.message }));
  };
  return (
    <Dialog title={t("replace.title")}>
      <div className="panel-body">
        {question.purpose === "saveAs" ? (
          <>
            <p>{t("replace.bodySaveAs", { path: question.path })}</p>
            <p className="field-hint">{t("replace.keptAs")}</p>
          </>
        ) : (
          <p>{t("replace.body", { path: question.path })}</p>
        )}
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="panel-actions">
          <button type="button" onClick={() => useStore.getState().openPanel(null)} autoFocus>
            {t("replace.cancel")}
          </button>
          <button type="button" className="primary danger" disabled={busy} onClick={() => void replace()}>
            {t("replace.confirm")}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
