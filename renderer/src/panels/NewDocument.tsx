import { useId, useState, type FormEvent } from "react";
import { generationModeSchema, type GenerationMode } from "../../../electron/common/api";
import type { Language } from "../../../electron/common/metrics/language";
import { formatNumber, isMessageKey } from "../i18n";
import { useT } from "../i18n/useT";
import { modelsSelectors, uiSelectors } from "../store/selectors";
import { useStore } from "../store/store";
import { Dialog } from "./Dialog";
import { VoiceField } from "./VoiceField";
import { checkNewDocument, TARGET_PRESETS, type FieldError, type NewDocumentForm } from "./newDocument";

/** New document: instruction, target length (with presets), language and mode. */
export function NewDocumentDialog() {
  const t = useT();
  const language = useStore(uiSelectors.language);
  const profile = useStore(modelsSelectors.profile);
  const [form, setForm] = useState<NewDocumentForm>({ instruction: "", target: "3000", language: "auto", mode: "profile", voice: "" });
  const [errors, setErrors] = useState<Partial<Record<"instruction" | "target" | "voice", FieldError>>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ids = { instruction: useId(), target: useId(), language: useId(), mode: useId(), voice: useId(), title: useId() };
  const set = (fields: Partial<NewDocumentForm>) => setForm((f) => ({ ...f, ...fields }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const check = checkNewDocument(form);
    if (!check.ok) {
      setErrors(check.errors);
      document.getElementById(check.errors.instruction ? ids.instruction : check.errors.target ? ids.target : ids.voice)?.focus();
      return;
    }
    setErrors({});
    setBusy(true);
    const outcome = await useStore.getState().createDocument(check.input);
    setBusy(false);
    if (outcome.ok) useStore.getState().openPanel(null);
    else setFailure(t("newDoc.failed", { message: outcome.message }));
  };
  const message = (error: FieldError | undefined) => (error ? t(error.key, error.values) : null);
  // Modes the back end may add later are shown by their name until they have words here.
  const modeLabel = (mode: string) => {
    const key = `newDoc.mode.${mode}`;
    return isMessageKey(key) ? t(key) : mode;
  };

  return (
    <Dialog title={t("newDoc.title")}>
      <form className="panel-body new-document" onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor={ids.instruction}>{t("newDoc.instruction")}</label>
        <textarea
          id={ids.instruction}
          rows={5}
          value={form.instruction}
          placeholder={t("newDoc.instructionHint")}
          aria-invalid={errors.instruction !== undefined}
          aria-describedby={errors.instruction ? `${ids.instruction}-error` : undefined}
          onChange={(e) => set({ instruction: e.target.value })}
          autoFocus
        />
        {errors.instruction ? (
          <p id={`${ids.instruction}-error`} className="field-error">
            {message(errors.instruction)}
          </p>
        ) : null}

        <label htmlFor={ids.title}>{t("newDoc.docTitle")}</label>
        <input id={ids.title} type="text" maxLength={500} value={form.title ?? ""} placeholder={t("newDoc.docTitleHint")} onChange={(e) => set({ title: e.target.value })} />

        <label htmlFor={ids.target}>{t("newDoc.target")}</label>
        <div className="target-row">
          <input
            id={ids.target}
            type="text"
            inputMode="numeric"
            value={form.target}
            aria-invalid={errors.target !== undefined}
            aria-describedby={errors.target ? `${ids.target}-error` : undefined}
            onChange={(e) => set({ target: e.target.value })}
          />
          <div className="presets" role="group" aria-label={t("newDoc.presets")}>
            {TARGET_PRESETS.map((n) => (
              <button key={n} type="button" aria-pressed={form.target.replace(/\D/g, "") === String(n)} onClick={() => set({ target: String(n) })}>
                {formatNumber(language, n)}
              </button>
            ))}
          </div>
        </div>
        {errors.target ? (
          <p id={`${ids.target}-error`} className="field-error">
            {message(errors.target)}
          </p>
        ) : null}

        <div className="form-row">
          <span>
            <label htmlFor={ids.language}>{t("newDoc.language")}</label>
            <select id={ids.language} value={form.language} onChange={(e) => set({ language: e.target.value as Language })}>
              <option value="auto">{t("language.auto")}</option>
              <option value="en">{t("language.en")}</option>
              <option value="zh">{t("language.zh")}</option>
            </select>
          </span>
          <span>
            <label htmlFor={ids.mode}>{t("newDoc.mode")}</label>
            <select id={ids.mode} value={form.mode} onChange={(e) => set({ mode: e.target.value as GenerationMode | "profile" })}>
              <option value="profile">{profile ? t("newDoc.modeDefault", { mode: profile }) : t("newDoc.modeNoModel")}</option>
              {generationModeSchema.options.map((mode) => (
                <option key={mode} value={mode}>
                  {modeLabel(mode)}
                </option>
              ))}
            </select>
          </span>
        </div>

        <details className="voice-details" open={form.voice !== ""}>
          <summary>{t("newDoc.voice")}</summary>
          <p className="field-hint">{t("voice.explain")}</p>
          <VoiceField id={ids.voice} value={form.voice} onChange={(voice) => set({ voice })} error={message(errors.voice)} />
        </details>

        {failure ? (
          <p className="field-error" role="alert">
            {failure}
          </p>
        ) : null}
        <div className="panel-actions">
          <button type="button" onClick={() => useStore.getState().openPanel(null)}>
            {t("newDoc.cancel")}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t("newDoc.creating") : t("newDoc.create")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
