// The model service with real node-llama-cpp: inspect before load, load the tiny model, refuse bad files.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineState } from "../../common/api/models";
import { buildTestModel, writeTestModel } from "../engine/testModel";
import { ModelService } from "./service";

describe("the model service", () => {
  let folder: string;
  let service: ModelService;
  const states: EngineState[] = [];

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "draftline-models-"));
    await writeTestModel(path.join(folder, "tiny.gguf"));
    service = new ModelService({ env: { DRAFTLINE_MODELS_DIR: folder, DRAFTLINE_THREADS: "1" }, emitState: (s) => states.push(s), emitDownload: () => {} });
  });
  afterAll(async () => {
    await service.shutdown();
    await rm(folder, { recursive: true, force: true });
  });

  it("lists the GGUF files of the models folder", async () => {
    expect(await service.local()).toEqual([expect.objectContaining({ name: "tiny", path: path.join(folder, "tiny.gguf") })]);
  });

  it("inspects a model before loading it, with a fit estimate", async () => {
    const inspection = await service.inspect(path.join(folder, "tiny.gguf"));
    expect(inspection).toMatchObject({ ok: true, problem: null, facts: { architecture: "llama", name: "Draftline tiny test model" } });
    expect(inspection.fit?.fits).toBe(true);
  });

  it("refuses a truncated file and a file that is not a GGUF, with the reason, without loading them", async () => {
    const bytes = buildTestModel();
    await writeFile(path.join(folder, "cut.gguf"), bytes.subarray(0, Math.floor(bytes.length / 2)));
    await writeFile(path.join(folder, "notes.gguf"), "these are my notes, not a model");
    expect((await service.inspect(path.join(folder, "cut.gguf"))).problem).toMatch(/truncated|shorter|incomplete/i);
    expect((await service.inspect(path.join(folder, "notes.gguf"))).problem).toMatch(/not a GGUF/i);
    await expect(service.load({ kind: "file", path: path.join(folder, "notes.gguf") })).rejects.toThrow(/not a GGUF/i);
    // Refused before anything was unloaded: the state is as it was.
    expect(service.getState()).toMatchObject({ status: "none", error: null });
  });

  it("loads the tiny model, reports its state and device, and drives it with the protocol grammars", async () => {
    const state = await service.load({ kind: "file", path: path.join(folder, "tiny.gguf") }, { contextSize: 2048 });
    expect(state).toMatchObject({ status: "ready", model: { name: "Draftline tiny test model", contextSize: 2048 }, device: "CPU, 1 thread", profile: "native" });
    expect(states.map((s) => s.status)).toContain("loading");
    expect(service.loaded().useProtocolGrammars).toBe(true);
    // The tiny test model is decoded greedily (it writes nonsense anyway), until the writer sets a sampling.
    expect(state.sampling).toEqual({ temperature: 0 });
    expect(service.loaded().sampling).toEqual({ temperature: 0 });
    expect(service.setSampling({ temperature: 0.6, topP: 0.9 }).sampling).toEqual({ temperature: 0.6, topP: 0.9 });
    expect(states.at(-1)?.sampling).toEqual({ temperature: 0.6, topP: 0.9 });
    expect(service.loaded().sampling).toEqual({ temperature: 0.6, topP: 0.9 });
    // A load that cannot succeed is refused with its reason and the model in use stays loaded.
    const before = service.getState();
    await expect(service.load({ kind: "file", path: path.join(folder, "notes.gguf") })).rejects.toThrow(/not a GGUF/i);
    await expect(service.load({ kind: "file", path: path.join(folder, "missing.gguf") })).rejects.toThrow(/missing\.gguf/);
    await expect(service.load({ kind: "catalog", id: "qwen3-8b" })).rejects.toThrow("Qwen3-8B is not downloaded yet: download it first.");
    await expect(service.load({ kind: "server", baseUrl: "http://127.0.0.1:9/v1" })).rejects.toThrow(/127\.0\.0\.1:9/);
    expect(service.getState()).toEqual(before);
    expect(service.loaded().useProtocolGrammars).toBe(true);
    expect((await service.unload()).status).toBe("none");
    expect(() => service.setSampling({ temperature: 1 })).toThrow(/No model is loaded/);
    expect(() => service.loaded()).toThrow(/No model is loaded/);
  });
});
