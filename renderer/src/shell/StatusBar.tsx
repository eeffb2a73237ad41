import { useT } from "../i18n/useT";
import { generationSelectors, manuscriptSelectors, modelsSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { useLiveStore } from "../store/useLiveStore";
import { formatDuration } from "./format";

/** The bottom line: where the generation stands, words against the target, speed, time, model and device, the connection. */
export function StatusBar({ connection, connectionState }: { connection: string; connectionState: string }) {
  const t = useT();
  const status = useStore(generationSelectors.status);
  const phase = useLiveStore(generationSelectors.phase);
  const currentStep = useLiveStore(generationSelectors.currentStep);
  const error = useStore(generationSelectors.error);
  const words = useLiveStore(manuscriptSelectors.totalWords);
  const target = useStore(manuscriptSelectors.target);
  const tokensPerSecond = useLiveStore(generationSelectors.tokensPerSecond);
  const draftAcceptance = useLiveStore(generationSelectors.draftAcceptance);
  const elapsed = useLiveStore(generationSelectors.elapsedMs);
  const model = useStore(modelsSelectors.modelName);
  const device = useStore(modelsSelectors.device);
  const modified = useStore((s) => s.document?.modified ?? null);
  const savedPath = useStore((s) => s.document?.path ?? null);
  const hasDocument = useStore((s) => s.document !== null);
  // How the last run ended (why it stopped short of finished, say), as the back end put it.
  const outcome = useStore((s) => (s.generation?.status === "stopped" || s.generation?.status === "finished" ? (s.generation.notes.at(-1) ?? null) : null));

  const phaseText = phase !== "none" && (status === "writing" || status === "pausing") ? t(`status.phase.${phase}`, { step: (currentStep ?? 0) + 1 }) : "";
  return (
    <footer className="status-bar" aria-label={t("status.label")}>
      {hasDocument ? (
        <>
          <span className="status-generation" data-status={status} aria-live="polite">
            {t(`status.generation.${status}`)}
            {phaseText ? ` · ${phaseText}` : ""}
            {error ? ` · ${error}` : ""}
          </span>
          {outcome ? (
            <span className="status-note" title={outcome}>
              {outcome}
            </span>
          ) : null}
          <span className="status-words">{target !== null ? t("status.wordsOfTarget", { words, target }) : t("status.words", { words })}</span>
          {status === "writing" || status === "pausing" ? <span className="status-speed">{t("status.tokensPerSecond", { value: Math.round(tokensPerSecond * 10) / 10 })}</span> : null}
          {(status === "writing" || status === "pausing") && draftAcceptance !== null ? <span className="status-draft">{t("status.draftAcceptance", { value: draftAcceptance })}</span> : null}
          <span className="status-elapsed">{t("status.elapsed", { value: formatDuration(elapsed) })}</span>
        </>
      ) : null}
      <span className="status-model">
        {model ?? t("status.noModel")}
        {model && device ? ` · ${t("status.device", { device })}` : ""}
      </span>
      {modified !== null ? (
        <span className="status-saved" title={savedPath ?? undefined}>
          {modified ? t("status.modified") : savedPath ? t("status.savedTo", { path: savedPath }) : t("status.saved")}
        </span>
      ) : null}
      <span className="connection" data-state={connectionState} role="status" aria-live="polite">
        {connection}
      </span>
    </footer>
  );
}
