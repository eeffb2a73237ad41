import { describe, expect, it } from "vitest";
import { engineSettingsSchema } from "../../../electron/common/api";
import { checkEngineSettings } from "./modelSettings";

describe("engine settings", () => {
  it("reads auto, max and numbers into settings the engine accepts", () => {
    const check = checkEngineSettings({ contextSize: "8192", gpuLayers: "max", threads: "8" });
    expect(check).toEqual({ ok: true, settings: { contextSize: 8192, gpuLayers: "max", threads: 8 } });
    expect(engineSettingsSchema.safeParse(check.ok ? check.settings : null).success).toBe(true);
    expect(checkEngineSettings({ contextSize: "auto", gpuLayers: "", threads: "" })).toEqual({ ok: true, settings: { contextSize: "auto", gpuLayers: "auto" } });
  });

  it("names the field that is not valid", () => {
    expect(checkEngineSettings({ contextSize: "100", gpuLayers: "auto", threads: "" })).toEqual({ ok: false, field: "models.contextSize" });
    expect(checkEngineSettings({ contextSize: "auto", gpuLayers: "many", threads: "" })).toEqual({ ok: false, field: "models.gpuLayers" });
    expect(checkEngineSettings({ contextSize: "auto", gpuLayers: "auto", threads: "0" })).toEqual({ ok: false, field: "models.threads" });
  });
});
