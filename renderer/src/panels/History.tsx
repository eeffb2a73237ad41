import { useEffect, useId, useMemo, useState } from "react";
import type { Manuscript } from "../../../electron/common/manuscript";
import type { HistoryEntry } from "../../../electron/common/project/history";
import { documentText } from "../../../electron/common/report/document";
import { isMessageKey } from "../i18n";
import { useT } from "../i18n/useT";
import { formatTime } from "../shell/format";
import { generationSelectors, manuscriptSelectors, uiSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { Dialog } from "./Dialog";
import { compareDrafts, type DiffBlock } from "./historyDiff";

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * History: the draft's versions (kept before every rewrite, restore and import, and on demand) with
 * their time, words and cause; one chosen is shown with what it changes against the draft, and can be
 * brought back — the draft as it is is kept as a version first, so a restore is undone here too.
 */
export function HistoryDialog() {
  const t = useT();
  const language = useStore(uiSelectors.language);
  const projectId = useStore((s) => s.document?.projectId ?? null);
  const documents = useStore((s) => s.documents);
  const generating = useStore(generationSelectors.isActive);
  const [entries, setEntries] = useState<HistoryEntry[] | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [label, setLabel] = useState(t("history.snapshotDefault"));
  const [kept, setKept] = useState<string | null>(null);
  const labelId = useId();

  // The list is read when the panel opens and again after each change made here.
  const [reads, setReads] = useState(0);
  const refresh = () => setReads((n) => n + 1);
  useEffect(() => {
    if (!documents || !projectId) return;
    let live = true;
    documents
      .history(projectId)
      .then((list) => live && setEntries(list))
      .catch((e: unknown) => live && setError(t("history.failed", { message: describe(e) })));
    return () => {
      live = false;
    };
  }, [documents, projectId, reads, t]);

  const keep = async () => {
    if (!documents || !projectId) return;
    try {
      const entry = await documents.snapshot(projectId, label.trim() || t("history.snapshotDefault"));
      setKept(t("history.snapshotKept", { label: entry.label }));
      refresh();
    } catch (e) {
      setError(t("history.failed", { message: describe(e) }));
    }
  };
  const entry = entries?.find((e) => e.id === selected) ?? null;

  return (
    <Dialog title={t("history.title")} wide>
      <div className="panel-body history">
        <p>{t("history.intro")}</p>
        <div className="history-keep">
          <label htmlFor={labelId} className="visually-hidden">
            {t("history.snapshotLabel")}
          </label>
          <input id={labelId} type="text" value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)} />
          <button type="button" onClick={() => void keep()}>
            {t("history.snapshotNow")}
          </button>
          {kept ? <span className="muted" role="status">{kept}</span> : null}
        </div>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <div className="history-columns">
          <ol className="history-list" aria-label={t("history.title")}>
            {entries === null ? <li className="muted">{t("history.loading")}</li> : null}
            {entries?.length === 0 ? <li className="muted">{t("history.none")}</li> : null}
            {entries?.map((e) => {
              const reason = `history.reason.${e.reason}`;
              return (
                <li key={e.id}>
                  <button type="button" className="history-entry" aria-pressed={e.id === selected} onClick={() => setSelected(e.id)}>
                    <strong>{e.label}</strong>
                    <span className="muted">{isMessageKey(reason) ? t(reason) : e.reason}</span>
                    <span className="muted">{t("history.entry", { time: formatTime(language, e.createdAt), words: e.words })}</span>
                  </button>
                </li>
              );
            })}
          </ol>
          <div className="history-preview">
            {entry && projectId ? (
              <VersionPreview key={entry.id} projectId={projectId} entry={entry} generating={generating} onRestored={refresh} />
            ) : (
              <p className="muted">{t("history.pick")}</p>
            )}
          </div>
        </div>
      </div>
    </Dialog>
  );
}

function VersionPreview({ projectId, entry, generating, onRestored }: { projectId: string; entry: HistoryEntry; generating: boolean; onRestored: () => void }) {
  const t = useT();
  const documents = useStore((s) => s.documents);
  const draft = useStore(manuscriptSelectors.manuscript);
  const currentWords = useStore(manuscriptSelectors.totalWords);
  const [version, setVersion] = useState<Manuscript | null>(null);
  const [view, setView] = useState<"changes" | "text">("changes");
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    documents
      ?.readSnapshot(projectId, entry.id)
      .then((read) => live && setVersion(read.manuscript))
      .catch((e: unknown) => live && setError(t("history.failed", { message: describe(e) })));
    return () => {
      live = false;
    };
  }, [documents, projectId, entry.id, t]);
  const versionText = useMemo(() => (version ? documentText(version) : ""), [version]);
  const comparison = useMemo(() => (version && draft ? compareDrafts(documentText(draft), versionText) : null), [version, draft, versionText]);

  const restore = async () => {
    const outcome = await useStore.getState().restoreSnapshot(entry.id);
    setConfirming(false);
    if (!outcome.ok) return setError(t("history.failed", { message: outcome.message }));
    useStore.getState().pushNotice({ kind: "info", key: "notice.restored", values: { label: entry.label } });
    onRestored();
  };

  if (error) {
    return (
      <p className="field-error" role="alert">
        {error}
      </p>
    );
  }
  if (!version || !comparison) return <p className="muted">{t("history.loading")}</p>;
  return (
    <section aria-label={entry.label}>
      <div className="history-tabs" role="group">
        <button type="button" aria-pressed={view === "changes"} onClick={() => setView("changes")}>
          {t("history.changes")}
        </button>
        <button type="button" aria-pressed={view === "text"} onClick={() => setView("text")}>
          {t("history.text")}
        </button>
      </div>
      {view === "changes" ? <Changes blocks={comparison.blocks} same={comparison.same} versionWords={comparison.versionWords} draftWords={comparison.draftWords} /> : <div className="history-text">{versionText}</div>}
      {confirming ? (
        <div className="history-confirm" role="group" aria-label={t("history.restore")}>
          <p>{t("history.confirmRestore", { label: entry.label, words: entry.words, current: currentWords })}</p>
          <button type="button" onClick={() => setConfirming(false)} autoFocus>
            {t("history.restoreCancel")}
          </button>
          <button type="button" className="primary" onClick={() => void restore()}>
            {t("history.restoreConfirm")}
          </button>
        </div>
      ) : (
        <div className="panel-actions">
          {generating ? <span className="field-hint">{t("history.busy")}</span> : null}
          <button type="button" className="primary" disabled={generating || comparison.same} onClick={() => setConfirming(true)}>
            {t("history.restore")}
          </button>
        </div>
      )}
    </section>
  );
}

function Changes({ blocks, same, versionWords, draftWords }: { blocks: DiffBlock[]; same: boolean; versionWords: number; draftWords: number }) {
  const t = useT();
  if (same) return <p className="muted">{t("history.same")}</p>;
  return (
    <div className="history-changes">
      <p>
        {t("history.summary", { version: versionWords, draft: draftWords })}{" "}
        <ins>{t("history.legendVersion")}</ins> <del>{t("history.legendDraft")}</del>
      </p>
      {blocks.map((block, i) => {
        switch (block.kind) {
          case "same":
            return block.paragraphs.length <= 2 ? (
              block.paragraphs.map((p, k) => <p key={`${i}-${k}`}>{p}</p>)
            ) : (
              <p key={i} className="history-same">
                {t("history.unchanged", { count: block.paragraphs.length })}
              </p>
            );
          case "version":
            return block.paragraphs.map((p, k) => (
              <p key={`${i}-${k}`}>
                <ins>{p}</ins>
              </p>
            ));
          case "draft":
            return block.paragraphs.map((p, k) => (
              <p key={`${i}-${k}`}>
                <del>{p}</del>
              </p>
            ));
          case "changed":
            return (
              <p key={i}>
                {block.parts.map((part, k) => (part.side === "version" ? <ins key={k}>{part.text}</ins> : part.side === "draft" ? <del key={k}>{part.text}</del> : <span key={k}>{part.text}</span>))}
              </p>
            );
          default:
            return block satisfies never;
        }
      })}
    </div>
  );
}
