import { describe, expect, it } from "vitest";
import { engineSettingsSchema } from "../../../electron/common/api";
import { samplingSettingsSchema } from "../../../electron/common/engine/types";
import { checkEngineSettings, checkSampling, samplingForm } from "./modelSettings";

describe("engine settings", () => {
  it("reads auto, max and numbers into settings the engine accepts", () => {
    const none = { kvCacheType: "", flashAttention: "", draftModel: "" };
    const check = checkEngineSettings({ contextSize: "8192", gpuLayers: "max", threads: "8", kvCacheType: "q8_0", flashAttention: "on", draftModel: "" });
    expect(check).toEqual({ ok: true, settings: { contextSize: 8192, gpuLayers: "max", threads: 8, kvCacheType: "q8_0", flashAttention: true } });
    expect(engineSettingsSchema.safeParse(check.ok ? check.settings : null).success).toBe(true);
    expect(checkEngineSettings({ contextSize: "auto", gpuLayers: "", threads: "", ...none })).toEqual({ ok: true, settings: { contextSize: "auto", gpuLayers: "auto" } });
    // Empty: the model's recommended context and KV cache.
    expect(checkEngineSettings({ contextSize: "", gpuLayers: "", threads: "", ...none })).toEqual({ ok: true, settings: { gpuLayers: "auto" } });
    expect(checkEngineSettings({ contextSize: "", gpuLayers: "", threads: "", kvCacheType: "", flashAttention: "off", draftModel: "" })).toEqual({ ok: true, settings: { gpuLayers: "auto", flashAttention: false } });
    // A draft model chosen: speculative decoding with it.
    expect(checkEngineSettings({ contextSize: "", gpuLayers: "", threads: "", ...none, draftModel: " qwen3-0.6b " })).toEqual({ ok: true, settings: { gpuLayers: "auto", draftModel: "qwen3-0.6b" } });
  });

  it("names the field that is not valid", () => {
    const none = { kvCacheType: "", flashAttention: "", draftModel: "" };
    expect(checkEngineSettings({ contextSize: "100", gpuLayers: "auto", threads: "", ...none })).toEqual({ ok: false, field: "models.contextSize" });
    expect(checkEngineSettings({ contextSize: "auto", gpuLayers: "many", threads: "", ...none })).toEqual({ ok: false, field: "models.gpuLayers" });
    expect(checkEngineSettings({ contextSize: "auto", gpuLayers: "auto", threads: "0", ...none })).toEqual({ ok: false, field: "models.threads" });
    expect(checkEngineSettings({ contextSize: "auto", gpuLayers: "auto", threads: "", kvCacheType: "q2_k", flashAttention: "", draftModel: "" })).toEqual({ ok: false, field: "models.kvCacheType" });
  });
});

describe("sampling settings", () => {
  const empty = samplingForm(undefined);

  it("reads the fields typed into settings the engine accepts; empty fields are left to the engine", () => {
    const check = checkSampling({ ...empty, temperature: "0.8", topP: ".95", topK: "40", repeatPenalty: "1.1", presencePenalty: "0.3", frequencyPenalty: "0.2", seed: "7" });
    expect(check).toEqual({ ok: true, sampling: { temperature: 0.8, topP: 0.95, topK: 40, repeatPenalty: 1.1, presencePenalty: 0.3, frequencyPenalty: 0.2, seed: 7 } });
    expect(samplingSettingsSchema.safeParse(check.ok ? check.sampling : null).success).toBe(true);
    expect(checkSampling(empty)).toEqual({ ok: true, sampling: {} });
  });

  it("names the first field that is not valid", () => {
    expect(checkSampling({ ...empty, temperature: "hot" })).toEqual({ ok: false, field: "models.temperature" });
    expect(checkSampling({ ...empty, temperature: "9" })).toEqual({ ok: false, field: "models.temperature" });
    expect(checkSampling({ ...empty, topP: "1.5" })).toEqual({ ok: false, field: "models.topP" });
    expect(checkSampling({ ...empty, minP: "-0.1" })).toEqual({ ok: false, field: "models.minP" });
    expect(checkSampling({ ...empty, topK: "4.5" })).toEqual({ ok: false, field: "models.topK" });
    expect(checkSampling({ ...empty, presencePenalty: "2.5" })).toEqual({ ok: false, field: "models.presencePenalty" });
    expect(checkSampling({ ...empty, frequencyPenalty: "x" })).toEqual({ ok: false, field: "models.frequencyPenalty" });
    expect(checkSampling({ ...empty, seed: "-1" })).toEqual({ ok: false, field: "models.seed" });
  });

  it("shows the model's values in the form, and reads them back unchanged", () => {
    const sampling = { temperature: 0.7, topP: 0.9, minP: 0.05 };
    expect(samplingForm(sampling)).toMatchObject({ temperature: "0.7", topP: "0.9", minP: "0.05", topK: "", seed: "" });
    expect(checkSampling(samplingForm(sampling))).toEqual({ ok: true, sampling });
  });
});
