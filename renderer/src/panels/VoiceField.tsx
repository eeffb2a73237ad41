import { useEffect, useState } from "react";
import { estimateTokens, VOICE_SAMPLE_TOKENS } from "../../../electron/common/manuscript/voice";
import { formatNumber } from "../i18n";
import { useT } from "../i18n/useT";
import { uiSelectors } from "../store/selectors";
import { useStore } from "../store/store";

/**
 * How many tokens a voice sample takes against its budget: estimated at once, then counted by the
 * loaded model's tokenizer (the back end answers `models.countTokens`) once the writer pauses typing.
 */
export function useVoiceTokens(sample: string): { tokens: number; exact: boolean } {
  const [counted, setCounted] = useState<{ text: string; tokens: number; exact: boolean } | null>(null);
  useEffect(() => {
    const api = useStore.getState().api;
    if (!api || sample.trim() === "") return;
    let current = true;
    const timer = setTimeout(() => {
      api
        .call("models.countTokens", { text: sample.trim() })
        .then((answer) => {
          if (current) setCounted({ text: sample, ...answer });
        })
        .catch(() => undefined);
    }, 300);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [sample]);
  if (counted && counted.text === sample) return { tokens: counted.tokens, exact: counted.exact };
  return { tokens: estimateTokens(sample.trim()), exact: false };
}

/** A sample of the writer's prose, with its tokens against the budget shown under it. */
export function VoiceField({ id, value, onChange, error }: { id: string; value: string; onChange: (value: string) => void; error?: string | null }) {
  const t = useT();
  const language = useStore(uiSelectors.language);
  const { tokens, exact } = useVoiceTokens(value);
  const over = tokens > VOICE_SAMPLE_TOKENS;
  const meter = t(exact ? "voice.tokensExact" : "voice.tokensEstimate", { tokens: formatNumber(language, tokens), budget: formatNumber(language, VOICE_SAMPLE_TOKENS) });
  return (
    <>
      <textarea
        id={id}
        rows={6}
        value={value}
        placeholder={t("voice.placeholder")}
        aria-invalid={over || Boolean(error)}
        aria-describedby={`${id}-meter${error ? ` ${id}-error` : ""}`}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={`${id}-meter`} className={over ? "field-error" : "field-hint"} data-voice-meter={over ? "over" : "within"}>
        {meter}
        {over ? ` ${t("voice.overBudget")}` : ""}
      </p>
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}
