import { useState } from "react";
import type { RecoverableProject } from "../../../electron/common/project/state";
import { useT } from "../i18n/useT";
import { formatTime } from "../shell/format";
import { uiSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { Dialog } from "./Dialog";

/**
 * Unsaved work the window can take back — an untitled project's autosave, changes only a project
 * file's autosave holds, a project still open in the back end after a page reload — each with Recover,
 * Save as… (recovered, then saved under a name) and Discard (asked again: it deletes the words).
 */
export function RecoverList({ onRecovered }: { onRecovered?: () => void }) {
  const t = useT();
  const entries = useStore((s) => s.recoverable);
  if (entries.length === 0) return <p className="muted">{t("recover.none")}</p>;
  return (
    <ul className="recover-list">
      {entries.map((entry) => (
        <RecoverEntry key={`${entry.projectId}:${entry.path ?? ""}`} entry={entry} {...(onRecovered ? { onRecovered } : {})} />
      ))}
    </ul>
  );
}

function RecoverEntry({ entry, onRecovered }: { entry: RecoverableProject; onRecovered?: () => void }) {
  const t = useT();
  const language = useStore(uiSelectors.language);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const where = entry.open ? t("recover.open") : entry.path ? t("recover.file", { path: entry.path }) : t("recover.untitled");
  const recover = (then?: () => void) => {
    // Taking it back puts it in the open document's place: asked first when that has unsaved work.
    useStore.getState().guardReplace(async () => {
      setBusy(true);
      const outcome = await useStore.getState().recoverDocument(entry);
      setBusy(false);
      if (!outcome.ok) return setError(t("recover.failed", { message: outcome.message }));
      useStore.getState().pushNotice({ kind: "info", key: "notice.recovered", values: { title: entry.title, words: entry.words } });
      onRecovered?.();
      then?.();
    });
  };
  const discard = async () => {
    setBusy(true);
    const outcome = await useStore.getState().discardRecoverable(entry);
    setBusy(false);
    if (!outcome.ok) setError(t("recover.failed", { message: outcome.message }));
  };
  return (
    <li className="recover-entry" data-project={entry.projectId}>
      <div className="recover-head">
        <strong>{entry.title}</strong>
        <span className="muted">{t("recover.meta", { words: entry.words, time: formatTime(language, entry.savedAt) })}</span>
      </div>
      <p className="recover-where">{where}</p>
      {confirming ? (
        <div className="recover-actions" role="group" aria-label={t("recover.confirmDiscard", { title: entry.title, words: entry.words })}>
          <span>{t("recover.confirmDiscard", { title: entry.title, words: entry.words })}</span>
          <button type="button" onClick={() => setConfirming(false)} autoFocus>
            {t("recover.keep")}
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void discard()}>
            {t("recover.discardForGood")}
          </button>
        </div>
      ) : (
        <div className="recover-actions">
          <button type="button" className="primary" disabled={busy} onClick={() => recover()} aria-label={`${t("recover.recover")}: ${entry.title}`}>
            {t("recover.recover")}
          </button>
          <button type="button" disabled={busy} onClick={() => recover(() => useStore.getState().openPanel("saveAs"))} aria-label={`${t("recover.saveAs")}: ${entry.title}`}>
            {t("recover.saveAs")}
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => setConfirming(true)} aria-label={`${t("recover.discard")}: ${entry.title}`}>
            {t("recover.discard")}
          </button>
        </div>
      )}
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}

/** Recover…: the unsaved work, at any time (the window also offers it on start). */
export function RecoverDialog() {
  const t = useT();
  return (
    <Dialog title={t("recover.title")}>
      <div className="panel-body">
        <p>{t("recover.intro")}</p>
        <RecoverList onRecovered={() => useStore.getState().openPanel(null)} />
      </div>
    </Dialog>
  );
}
