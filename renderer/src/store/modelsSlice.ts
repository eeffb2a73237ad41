// Models: the catalog, the GGUF files on this machine, downloads, fit estimates, the hardware, and
// the engine (what is loaded, on which device).
import type { CatalogModel, DownloadState, EngineSettings, EngineState, LocalModel, ModelInspection, ModelSourceRef } from "../../../electron/common/api";
import type { DoctorReport } from "../../../electron/common/api/models";
import type { HardwareInfo, SamplingSettings } from "../../../electron/common/engine/types";
import type { ProtocolProfile } from "../../../electron/common/engine/catalog";
import type { StoreSlice } from "./store";

export interface ModelsSlice {
  catalog: CatalogModel[];
  /** Why the catalog could not be read (a broken catalog.json), or null. */
  catalogError: string | null;
  localModels: LocalModel[];
  hardware: HardwareInfo | null;
  engine: EngineState | null;
  downloads: Record<string, DownloadState>;
  /** Fit estimates by file path; "checking" while models.inspect runs. */
  inspections: Record<string, ModelInspection | "checking">;
  setEngineState(state: EngineState): void;
  setDownload(state: DownloadState): void;
  /** Reads the catalog, the local files, the hardware and the engine's state. */
  refreshModels(): Promise<void>;
  download(id: string): Promise<void>;
  cancelDownload(id: string): Promise<void>;
  /** Reads a model file's facts and its fit with the given settings (default: its recommended context). */
  inspectModel(path: string, settings?: EngineSettings): Promise<void>;
  loadModel(source: ModelSourceRef, settings?: EngineSettings): Promise<{ ok: true } | { ok: false; message: string }>;
  unloadModel(): Promise<void>;
  /** Sets the loaded model's sampling; it applies from the model's next request. */
  setSampling(sampling: SamplingSettings): Promise<{ ok: true } | { ok: false; message: string }>;
  /** Drives the loaded model in another profile than the one chosen for it. */
  setProfile(profile: ProtocolProfile): Promise<void>;
  /** Checks the loaded model with a short session (models.doctor): its report, or why it could not run. */
  checkModel(): Promise<{ ok: true; report: DoctorReport } | { ok: false; message: string }>;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const createModelsSlice: StoreSlice<ModelsSlice> = (set, get) => {
  /** Counts the engine states taken in: an answer to a read started before a newer one is not taken. */
  let engineChanges = 0;
  const takeEngine = (engine: EngineState) => {
    engineChanges++;
    set({ engine });
  };
  const report = (error: unknown) => get().pushNotice({ kind: "error", key: "notice.requestFailed", action: "menu.models", values: { message: describe(error) } });
  return {
    catalog: [],
    catalogError: null,
    localModels: [],
    hardware: null,
    engine: null,
    downloads: {},
    inspections: {},
    setEngineState: (engine) => takeEngine(engine),
    setDownload: (state) => {
      set({ downloads: { ...get().downloads, [state.id]: state } });
      // A finished or failed download changes what the catalog and the models folder hold (a failed
      // one may have kept its bytes, or deleted a corrupt file).
      if (state.status === "done" || state.status === "failed") void get().refreshModels();
    },
    refreshModels: async () => {
      const api = get().api;
      if (!api) return;
      const changesBefore = engineChanges;
      const [catalog, localModels, hardware, engine] = await Promise.allSettled([
        api.call("models.catalog", {}),
        api.call("models.local", {}),
        api.call("models.hardware", {}),
        api.call("models.state", {}),
      ]);
      // Answers are newer than the events still held for the next frame: take those in first.
      get().flushEvents();
      set({
        ...(catalog.status === "fulfilled" ? { catalog: catalog.value, catalogError: null } : { catalogError: describe(catalog.reason) }),
        ...(localModels.status === "fulfilled" ? { localModels: localModels.value } : {}),
        ...(hardware.status === "fulfilled" ? { hardware: hardware.value } : {}),
        // A load or an engine event since the read began is newer than what the read found.
        ...(engine.status === "fulfilled" && engineChanges === changesBefore ? { engine: engine.value } : {}),
      });
    },
    download: async (id) => {
      try {
        const state = await get().api!.call("models.download", { id });
        get().flushEvents();
        get().setDownload(state);
      } catch (error) {
        report(error);
      }
    },
    cancelDownload: async (id) => {
      try {
        const state = await get().api!.call("models.cancelDownload", { id });
        get().flushEvents();
        get().setDownload(state);
      } catch (error) {
        report(error);
      }
    },
    inspectModel: async (path, settings) => {
      set({ inspections: { ...get().inspections, [path]: "checking" } });
      try {
        const inspection = await get().api!.call("models.inspect", { path, ...(settings ? { settings } : {}) });
        set({ inspections: { ...get().inspections, [path]: inspection } });
      } catch (error) {
        const rest = { ...get().inspections };
        delete rest[path];
        set({ inspections: rest });
        report(error);
      }
    },
    loadModel: async (source, settings) => {
      try {
        const engine = await get().api!.call("models.load", { source, ...(settings ? { settings } : {}) });
        get().flushEvents();
        takeEngine(engine);
        return engine.status === "error" ? { ok: false, message: engine.error ?? "" } : { ok: true };
      } catch (error) {
        return { ok: false, message: describe(error) };
      }
    },
    setSampling: async (sampling) => {
      try {
        const engine = await get().api!.call("models.setSampling", { sampling });
        get().flushEvents();
        takeEngine(engine);
        return { ok: true };
      } catch (error) {
        return { ok: false, message: describe(error) };
      }
    },
    setProfile: async (profile) => {
      try {
        const engine = await get().api!.call("models.setProfile", { profile });
        get().flushEvents();
        takeEngine(engine);
      } catch (error) {
        report(error);
      }
    },
    checkModel: async () => {
      try {
        return { ok: true, report: await get().api!.call("models.doctor", {}) };
      } catch (error) {
        return { ok: false, message: describe(error) };
      }
    },
    unloadModel: async () => {
      try {
        const engine = await get().api!.call("models.unload", {});
        get().flushEvents();
        takeEngine(engine);
      } catch (error) {
        report(error);
      }
    },
  };
};
