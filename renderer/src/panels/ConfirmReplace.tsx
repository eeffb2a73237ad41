import { useState } from "react";
import { useT } from "../i18n/useT";
import { generationSelectors, manuscriptSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { Dialog } from "./Dialog";

/**
 * New, Open, Import or Recover over a document with unsaved changes: says what is kept and where
 * (its autosave, which Recover… brings back), that a model writing it stops first, and goes on only
 * when the writer says so.
 */
export function ConfirmReplaceDialog() {
  const t = useT();
  const pending = useStore((s) => s.pendingReplace);
  const document = useStore((s) => s.document);
  const words = useStore(manuscriptSelectors.totalWords);
  const generating = useStore(generationSelectors.isActive);
  const [busy, setBusy] = useState(false);
  if (!pending || !document) return null;
  const proceed = async (saveFirst: boolean) => {
    setBusy(true);
    const s = useStore.getState();
    if (generationSelectors.isActive(s)) await s.stop();
    if (saveFirst) {
      const outcome = await useStore.getState().saveDocument();
      if (!outcome.ok) {
        setBusy(false);
        useStore.getState().pushNotice({ kind: "error", key: "notice.requestFailed", action: "menu.save", values: { message: outcome.message } });
        return;
      }
    }
    useStore.setState({ pendingReplace: null, panel: null });
    await pending.proceed();
  };
  return (
    <Dialog title={t("replaceDoc.title")}>
      <div className="panel-body">
        <p>{t("replaceDoc.unsaved", { title: document.title, words })}</p>
        <p>{document.path ? t("replaceDoc.keptFile", { path: document.path }) : t("replaceDoc.keptUntitled")}</p>
        {generating ? <p className="field-hint">{t("replaceDoc.generating")}</p> : null}
        <div className="panel-actions">
          <button type="button" onClick={() => useStore.setState({ pendingReplace: null, panel: null })} autoFocus>
            {t("replaceDoc.cancel")}
          </button>
          {document.path && !document.readOnly ? (
            <button type="button" disabled={busy} onClick={() => void proceed(true)}>
              {t("replaceDoc.saveFirst")}
            </button>
          ) : null}
          <button type="button" className="primary" disabled={busy} onClick={() => void proceed(false)}>
            {t("replaceDoc.continue")}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
