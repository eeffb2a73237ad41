// The engine settings form: context size, GPU layers and threads as typed, checked against what the
// engine accepts (see engineSettingsSchema).
import type { EngineSettings } from "../../../electron/common/api";
import type { MessageKey } from "../i18n";

export interface EngineSettingsForm {
  /** A number of tokens, or "auto". */
  contextSize: string;
  /** A number of layers, "auto" or "max". */
  gpuLayers: string;
  /** A number of threads, or empty for the engine's choice. */
  threads: string;
}

export type SettingsCheck = { ok: true; settings: EngineSettings } | { ok: false; field: MessageKey };

const whole = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : null);

export function checkEngineSettings(form: EngineSettingsForm): SettingsCheck {
  const settings: EngineSettings = {};
  const context = form.contextSize.trim().toLowerCase();
  if (context === "auto" || context === "") settings.contextSize = "auto";
  else {
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
  if (form.threads.trim() !== "") {
    const n = whole(form.threads);
    if (n === null || n < 1 || n > 512) return { ok: false, field: "models.threads" };
    settings.threads = n;
  }
  return { ok: true, settings };
}
