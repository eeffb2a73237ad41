import { useT } from "../i18n/useT";
import { RecoverList } from "../panels/Recover";
import { modelsSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { runCommand } from "./commands";

/** What a window with no document shows: what to do first (load a model, then a new document), and recent projects. */
export function Welcome() {
  const t = useT();
  const recent = useStore((s) => s.recent);
  const unsaved = useStore((s) => s.recoverable.length > 0);
  const modelReady = useStore(modelsSelectors.isReady);
  const modelName = useStore(modelsSelectors.modelName);
  const open = (path: string) =>
    void useStore
      .getState()
      .openDocument(path)
      .then((outcome) => {
        if (!outcome.ok) useStore.getState().pushNotice({ kind: "error", key: "open.failed", values: { message: outcome.message } });
      });

  return (
    <section className="empty-state welcome">
      {unsaved ? (
        // On start, unsaved work from before comes first: recover it, save it, or discard it.
        <section className="recover-offer" aria-labelledby="recover-offer-title">
          <h2 id="recover-offer-title">{t("recover.title")}</h2>
          <p>{t("recover.intro")}</p>
          <RecoverList />
        </section>
      ) : null}
      <h2>{t("welcome.title")}</h2>
      <p>{t("welcome.body")}</p>
      <ol className="first-steps">
        <li data-done={modelReady || undefined}>
          {modelReady ? (
            <p>{t("welcome.modelReady", { name: modelName ?? "" })}</p>
          ) : (
            <>
              <p>{t("welcome.noModel")}</p>
              <button type="button" className="primary" onClick={() => useStore.getState().openPanel("models")}>
                {t("welcome.loadModel")}
              </button>
            </>
          )}
        </li>
        <li>
          <p>{t("welcome.noDocument")}</p>
          <button type="button" className={modelReady ? "primary" : undefined} onClick={() => useStore.getState().openPanel("newDocument")}>
            {t("welcome.newDocument")}
          </button>{" "}
          <button type="button" onClick={() => runCommand("file.importDraft", useStore)}>
            {t("path.importDraft")}
          </button>
        </li>
      </ol>
      <h3>{t("welcome.recent")}</h3>
      {recent.length === 0 ? (
        <p className="muted">{t("welcome.noRecent")}</p>
      ) : (
        <ul className="recent">
          {recent.map((p) => (
            <li key={p.path}>
              <button type="button" className="link-button" onClick={() => open(p.path)}>
                {p.title}
              </button>{" "}
              <span className="muted">{t("welcome.recentWords", { words: p.words, target: p.target })}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
