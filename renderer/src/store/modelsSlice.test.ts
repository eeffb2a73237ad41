import { beforeEach, describe, expect, it } from "vitest";
import { InMemoryBackend } from "../testing/inMemoryBackend";
import { startEventPump } from "./eventPump";
import { modelsSelectors } from "./selectors";
import { createAppStore, type AppStore } from "./store";

describe("models", () => {
  let fake: InMemoryBackend;
  let store: AppStore;
  let frame: () => void;
  beforeEach(async () => {
    fake = new InMemoryBackend({ modelReady: false });
    store = createAppStore();
    store.getState().setConnected(fake.client, fake.documents, { name: "Draftline", version: "0", shell: "web", platform: "linux" });
    let waiting: Array<() => void> = [];
    startEventPump(fake.client, store, { schedule: (cb) => void waiting.push(cb) });
    frame = () => {
      const run = waiting;
      waiting = [];
      for (const cb of run) cb();
    };
    await store.getState().refreshModels();
  });

  it("reads the catalog, the local files, the hardware and that no model is loaded", () => {
    const s = store.getState();
    expect(s.catalog.map((c) => c.entry.id)).toContain("is-writer-8b-q4");
    expect(s.localModels.length).toBeGreaterThan(0);
    expect(s.hardware?.gpuNames).toEqual(["NVIDIA GeForce RTX 4090"]);
    expect(modelsSelectors.isReady(s)).toBe(false);
  });

  it("says why the catalog cannot be read, keeps the rest of the models panel, and clears the message once it can", async () => {
    fake.catalogError = "The model catalog /x/catalog.json is not valid: models.0.recommended: Invalid input";
    await store.getState().refreshModels();
    let s = store.getState();
    expect(s.catalogError).toBe(fake.catalogError);
    expect(s.localModels.length).toBeGreaterThan(0);
    expect(s.hardware).not.toBeNull();
    fake.catalogError = null;
    await store.getState().refreshModels();
    s = store.getState();
    expect(s.catalogError).toBeNull();
    expect(s.catalog.map((c) => c.entry.id)).toContain("is-writer-8b-q4");
  });

  it("follows a download's progress, and a cancelled one can be resumed from where it stopped", async () => {
    await store.getState().download("is-writer-8b-q4");
    fake.advance(1000);
    frame();
    const first = store.getState().downloads["is-writer-8b-q4"]!;
    expect(first.status).toBe("downloading");
    expect(first.downloadedBytes).toBeGreaterThan(0);
    expect(first.bytesPerSecond).toBeGreaterThan(0);
    await store.getState().cancelDownload("is-writer-8b-q4");
    expect(store.getState().downloads["is-writer-8b-q4"]?.status).toBe("cancelled");
    await store.getState().download("is-writer-8b-q4");
    expect(store.getState().downloads["is-writer-8b-q4"]?.downloadedBytes).toBe(first.downloadedBytes);
  });

  it("shows the load's progress, then the model and its device", async () => {
    const outcome = await store.getState().loadModel({ kind: "file", path: "/models/x.gguf" }, { contextSize: 4096 });
    expect(outcome).toEqual({ ok: true });
    expect(modelsSelectors.isLoading(store.getState())).toBe(true);
    fake.advance(400);
    frame();
    expect(store.getState().engine?.loadProgress).toBeCloseTo(0.4);
    fake.advance(700);
    frame();
    expect(modelsSelectors.isReady(store.getState())).toBe(true);
    expect(modelsSelectors.device(store.getState())).toContain("RTX 4090");
  });

  it("an answer about the engine is not overwritten by an older event still waiting for its frame", async () => {
    fake.emit("engine.state", { ...fake.engine, status: "loading", loadProgress: 0.9 });
    await store.getState().unloadModel();
    expect(store.getState().engine?.status).toBe("none");
    frame();
    expect(store.getState().engine?.status).toBe("none");
  });

  it("a model loaded while the lists are being read stays loaded", async () => {
    const refresh = store.getState().refreshModels();
    fake.engine = { ...fake.engine, status: "ready", model: { source: "x", name: "X", architecture: "llama", contextSize: 2048, gpu: false, hasChatTemplate: true, addsBosToken: true }, device: "CPU" };
    fake.emit("engine.state", fake.engine);
    frame();
    await refresh;
    expect(modelsSelectors.isReady(store.getState())).toBe(true);
  });

  it("checks a file's fit, and says when a file is not a model", async () => {
    await store.getState().inspectModel("/models/x.gguf");
    expect(store.getState().inspections["/models/x.gguf"]).toMatchObject({ ok: true, fit: { fits: true } });
    await store.getState().inspectModel("/home/me/notes.txt");
    expect(store.getState().inspections["/home/me/notes.txt"]).toMatchObject({ ok: false, problem: "This is not a GGUF file." });
  });
});
