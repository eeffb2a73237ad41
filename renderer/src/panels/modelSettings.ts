// The engine settings form: context size, KV cache type, flash attention, GPU layers and threads as
// typed, checked against what the engine accepts (see engineSettingsSchema).
import type { EngineSettings } from "../../../electron/common/api";
import { kvCacheTypes, SAMPLING_LIMITS, type KvCacheType, type SamplingSettings } from "../../../electron/common/engine/types";
import type { MessageKey } from "../i18n";

export interface EngineSettingsForm {
  /** A number of tokens, "auto" (as many as fit), or empty (the model's recommended context). */
  contextSize: string;
  /** "f16", "q8_0", "q4_0", or empty (the model's recommended type, else f16). */
  kvCacheType: string;
  /** "on", "off", or empty (llama.cpp's choice; on with a quantized KV cache). */
  flashAttention: string;
  /** A number of layers, "auto" or "max". */
  gpuLayers: string;
  /** A number of threads, or empty for the engine's choice. */
  threads: string;
  /** Speculative decoding: a downloaded catalog model's id or a GGUF path, or empty for none. */
  draftModel: string;
}

export type SettingsCheck = { ok: true; settings: EngineSettings } | { ok: false; field: MessageKey };

const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : null);

export function checkEngineSettings(form: EngineSettingsForm): SettingsCheck {
  const settings: EngineSettings = {};
  const context = form.contextSize.trim().toLowerCase();
  if (context === "auto") settings.contextSize = "auto";
  else if (context !== "") {
    const n = whole(context);
    if (n === null || n < 512 || n > 1_048_576) return { ok: false, field: "models.contextSize" };
    settings.contextSize = n;
  }
  const layers = form.gpuLayers.trim().toLowerCase();
  if (layers === "auto" || layers === "") settings.gpuLayers = "auto";
  else if (layers === "max") settings.gpuLayers = "max";
  else {
    const n = whole(layers);
    if (n === null || n > 1000) return { ok: false, field: "models.gpuLayers" };
    settings.gpuLayers = n;
  }
  const kv = form.kvCacheType.trim().toLowerCase();
  if (kv !== "") {
    if (!(kvCacheTypes as readonly string[]).includes(kv)) return { ok: false, field: "models.kvCacheType" };
    settings.kvCacheType = kv as KvCacheType;
  }
  if (form.flashAttention === "on") settings.flashAttention = true;
  else if (form.flashAttention === "off") settings.flashAttention = false;
  else if (form.flashAttention !== "") return { ok: false, field: "models.flashAttention" };
  if (form.threads.trim() !== "") {
    const n = whole(form.threads);
    if (n === null || n < 1 || n > 512) return { ok: false, field: "models.threads" };
    settings.threads = n;
  }
  if (form.draftModel.trim() !== "") settings.draftModel = form.draftModel.trim();
  return { ok: true, settings };
}

/** The sampling form: each field as typed; empty leaves it to the engine. */
export interface SamplingForm {
  temperature: string;
  topP: string;
  minP: string;
  topK: string;
  repeatPenalty: string;
  presencePenalty: string;
  frequencyPenalty: string;
  seed: string;
}

export type SamplingCheck = { ok: true; sampling: SamplingSettings } | { ok: false; field: MessageKey };

const decimal = (text: string) => (/^\d+(\.\d+)?$|^\.\d+$/.test(text.trim()) ? Number(text.trim()) : null);

/** The form as sampling settings, or the first field that is not valid. */
export function checkSampling(form: SamplingForm): SamplingCheck {
  const sampling: SamplingSettings = {};
  const ranged = (text: string, field: MessageKey, max: number, set: (n: number) => void): SamplingCheck | null => {
    if (text.trim() === "") return null;
    const n = decimal(text);
    if (n === null || n > max) return { ok: false, field };
    set(n);
    return null;
  };
  const counted = (text: string, field: MessageKey, max: number, set: (n: number) => void): SamplingCheck | null => {
    if (text.trim() === "") return null;
    const n = whole(text);
    if (n === null || n > max) return { ok: false, field };
    set(n);
    return null;
  };
  const problem =
    ranged(form.temperature, "models.temperature", SAMPLING_LIMITS.temperature, (n) => (sampling.temperature = n)) ??
    ranged(form.topP, "models.topP", SAMPLING_LIMITS.topP, (n) => (sampling.topP = n)) ??
    ranged(form.minP, "models.minP", SAMPLING_LIMITS.minP, (n) => (sampling.minP = n)) ??
    counted(form.topK, "models.topK", SAMPLING_LIMITS.topK, (n) => (sampling.topK = n)) ??
    ranged(form.repeatPenalty, "models.repeatPenalty", SAMPLING_LIMITS.repeatPenalty, (n) => (sampling.repeatPenalty = n)) ??
    ranged(form.presencePenalty, "models.presencePenalty", SAMPLING_LIMITS.presencePenalty, (n) => (sampling.presencePenalty = n)) ??
    ranged(form.frequencyPenalty, "models.frequencyPenalty", SAMPLING_LIMITS.frequencyPenalty, (n) => (sampling.frequencyPenalty = n)) ??
    counted(form.seed, "models.seed", SAMPLING_LIMITS.seed, (n) => (sampling.seed = n));
  return problem ?? { ok: true, sampling };
}

/** Sampling settings as the form shows them. */
export function samplingForm(sampling: SamplingSettings | undefined): SamplingForm {
  const text = (n: number | undefined) => (n === undefined ? "" : String(n));
  return {
    temperature: text(sampling?.temperature),
    topP: text(sampling?.topP),
    minP: text(sampling?.minP),
    topK: text(sampling?.topK),
    repeatPenalty: text(sampling?.repeatPenalty),
    presencePenalty: text(sampling?.presencePenalty),
    frequencyPenalty: text(sampling?.frequencyPenalty),
    seed: text(sampling?.seed),
  };
}
