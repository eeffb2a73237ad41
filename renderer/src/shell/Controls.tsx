import { useT } from "../i18n/useT";
import type { MessageKey } from "../i18n";
import { generationSelectors, modelsSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { runCommand, shortcuts, type AppCommand } from "./commands";

function CommandButton({ command, label, disabled, onClick, className }: { command: AppCommand; label: string; disabled: boolean; onClick?: () => void; className?: string }) {
  const t = useT();
  const shortcut = shortcuts[command];
  return (
    <button
      type="button"
      className={className}
      disabled={disabled}
      aria-keyshortcuts={shortcut?.aria}
      title={shortcut ? t("controls.shortcut", { label, keys: shortcut.label }) : label}
      onClick={onClick ?? (() => runCommand(command, useStore))}
    >
      {label}
    </button>
  );
}

/**
 * Generate (Resume when paused), Pause and Stop. Regenerate step / section and Continue from here sit
 * on the timeline's cards; their shortcuts act on the step the draft's cursor is in.
 */
export function Controls() {
  const t = useT();
  const hasDocument = useStore((s) => s.document !== null);
  const modelReady = useStore(modelsSelectors.isReady);
  const canGenerate = useStore(generationSelectors.canGenerate);
  const canPause = useStore(generationSelectors.canPause);
  const canResume = useStore(generationSelectors.canResume);
  const canStop = useStore(generationSelectors.canStop);
  if (!hasDocument) return null;
  const label = (key: MessageKey) => t(key);

  return (
    <div className="controls" role="toolbar" aria-label={t("controls.label")}>
      {canResume ? (
        <CommandButton command="generate.start" label={label("controls.resume")} disabled={false} className="primary" />
      ) : (
        <CommandButton
          command="generate.start"
          label={label("controls.generate")}
          disabled={!canGenerate && modelReady}
          className="primary"
          // Without a model, Generate says what to do first.
          onClick={modelReady ? undefined : () => useStore.getState().openPanel("models")}
        />
      )}
      <CommandButton command="generate.toggle" label={label("controls.pause")} disabled={!canPause} />
      <CommandButton command="generate.stop" label={label("controls.stop")} disabled={!canStop} />
      {!modelReady ? <span className="controls-hint">{t("controls.needModel")}</span> : null}
    </div>
  );
}
