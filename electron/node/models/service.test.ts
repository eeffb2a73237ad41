// The model service with a scripted engine process (no llama.cpp): hostile files refused before any
// engine starts, an engine that hangs while loading stopped at its deadline, a prompt shutdown.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineState } from "../../common/api/models";
import { DEFAULT_SAMPLING } from "../../common/engine/types";
import type { ParentMessage } from "../engine/protocol";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { scriptedLauncher, type ScriptedEngine } from "../engine/testing/scriptedEngine";
import { ModelService } from "./service";
import { hostileGgufs } from "../engine/testing/hostileGguf";
import { writeTestModel } from "../engine/testModel";
import { inspectGguf } from "../engine/gguf";

const modelInfo = { source: "tiny.gguf", name: "tiny", architecture: "llama", contextSize: 2048, gpu: false, hasChatTemplate: true, addsBosToken: false };

/**
 * Answers like an engine with the tiny model; `hangOnLoad` takes the load and never answers it. A
 * generation (the probe of a model the catalog does not know) writes `writes`; `inspect` answers with
 * `facts`, or with what the GGUF reader finds in the file when `facts` is "read".
 */
function answer(hangOnLoad: boolean, { writes = "Tea is grown on hills.", facts = { name: "tiny" } }: { writes?: string; facts?: Record<string, unknown> | "read" } = {}) {
  return (message: ParentMessage, engine: ScriptedEngine) => {
    if (message.type !== "call") return;
    const reply = (result: unknown) => engine.emit({ type: "result", id: message.id, result });
    if (message.method === "inspect") {
      if (facts !== "read") reply({ facts });
      else void inspectGguf((message.params as { file: string }).file).then(({ facts: read }) => reply({ facts: JSON.parse(JSON.stringify(read)) as unknown }));
    } else if (message.method === "load" && !hangOnLoad) reply(modelInfo);
    else if (message.method === "applyChatTemplate") reply({ tokens: [1, 2, 3], text: "prompt" });
    else if (message.method === "generate") reply({ tokens: [4], text: writes, stopReason: "maxTokens", inputTokensDecoded: 3, generatedTokens: 1 });
    else if (message.method === "unload") reply({});
    else if (message.method === "hardware") engine.emit({ type: "error", id: message.id, error: { code: "failed", message: "no hardware here" } });
  };
}

describe("ModelService and a misbehaving engine", () => {
  let dir: string;
  let good: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-model-service-"));
    good = path.join(dir, "tiny.gguf");
    await writeTestModel(good);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses hostile files in inspect and load without starting an engine", async () => {
    const launcher = scriptedLauncher(answer(false));
    const service = new ModelService({ env: { DRAFTLINE_MODELS_DIR: dir }, emitState: () => {}, emitDownload: () => {}, launcher });
    try {
      for (const hostile of hostileGgufs()) {
        const file = path.join(dir, hostile.name);
        await writeFile(file, hostile.bytes);
        const inspection = await service.inspect(file);
        expect(inspection).toMatchObject({ ok: false, problem: expect.stringMatching(hostile.refusal) });
        await expect(service.load({ kind: "file", path: file })).rejects.toThrow(hostile.refusal);
      }
      expect(launcher.engines).toHaveLength(0);
      const state = await service.load({ kind: "file", path: good });
      expect(state.status).toBe("ready");
      // A model the catalog does not know is not decoded greedily: it gets a sampling for long prose.
      expect(state.sampling).toEqual(DEFAULT_SAMPLING);
      expect(service.loaded().sampling).toEqual(DEFAULT_SAMPLING);
    } finally {
      await service.shutdown();
    }
  });

  it("loads a catalog model with its recommended context and KV cache, as much as fits, and says when memory capped it", async () => {
    const catalogFile = path.join(dir, "catalog.json");
    const recommended = { contextSize: 32768, kvCacheType: "q8_0", sampling: { temperature: 0.6 } };
    await writeFile(
      catalogFile,
      JSON.stringify({
        version: 1,
        models: [{ id: "tiny-writer", name: "Tiny Writer", description: "d", file: "tiny.gguf", source: { kind: "bring-your-own", instructions: "i" }, quantization: "F32", license: "l", profile: "prompted", recommended }],
      }),
    );
    // The engine answers like a machine with memory for 16,384 tokens of context only.
    const launcher = scriptedLauncher((message, engine) => {
      if (message.type === "call" && message.method === "load") engine.emit({ type: "result", id: message.id, result: { ...modelInfo, contextSize: 16384 } });
      else answer(false)(message, engine);
    });
    const service = new ModelService({ env: { DRAFTLINE_MODELS_DIR: dir, DRAFTLINE_CATALOG: catalogFile }, emitState: () => {}, emitDownload: () => {}, launcher });
    try {
      const state = await service.load({ kind: "catalog", id: "tiny-writer" });
      const load = launcher.engines[0]!.received.find((m) => m.type === "call" && m.method === "load");
      expect(load).toMatchObject({ params: { contextSize: { max: 32768 }, kvCacheType: "q8_0" } });
      expect(state.contextNote).toBe("16,384 tokens: the context the catalog recommends for Tiny Writer is 32,768, but only 16,384 fit this machine's memory with a q8_0 KV cache.");
      expect(state.sampling).toEqual({ temperature: 0.6 });
      // The writer's own context is asked for exactly, without the catalog's.
      await service.load({ kind: "catalog", id: "tiny-writer" }, { contextSize: 4096, kvCacheType: "f16" });
      const second = launcher.engines[0]!.received.filter((m) => m.type === "call" && m.method === "load")[1];
      expect(second).toMatchObject({ params: { contextSize: 4096, kvCacheType: "f16" } });
    } finally {
      await service.shutdown();
    }
  });

  it("stops an engine that hangs while loading, says so, and the next load of a good model works", async () => {
    const launcher = scriptedLauncher((message, engine, index) => answer(index === 0)(message, engine));
    const states: EngineState[] = [];
    const service = new ModelService({
      env: { DRAFTLINE_MODELS_DIR: dir },
      emitState: (s) => states.push(s),
      emitDownload: () => {},
      launcher,
      engineDeadlines: { methods: { load: 50 } },
    });
    try {
      await expect(service.load({ kind: "file", path: good })).rejects.toThrow(/did not answer for 50 ms while loading the model; it was stopped/);
      expect(service.getState()).toMatchObject({ status: "error", error: expect.stringMatching(/did not answer/) });
      expect(launcher.engines[0]!.killed).toBe(true);
      const state = await service.load({ kind: "file", path: good });
      expect(state).toMatchObject({ status: "ready", model: { name: "tiny" } });
      expect(launcher.engines).toHaveLength(2);
    } finally {
      await service.shutdown();
    }
  });

  it("shuts down at once while a load hangs, without waiting for its deadline", async () => {
    const launcher = scriptedLauncher(answer(true));
    const service = new ModelService({ env: { DRAFTLINE_MODELS_DIR: dir }, emitState: () => {}, emitDownload: () => {}, launcher });
    const loading = service.load({ kind: "file", path: good });
    const outcome = loading.then(
      () => "loaded",
      (e: Error) => e.message,
    );
    while (!launcher.engines[0]?.calls().includes("load")) await new Promise((resolve) => setTimeout(resolve, 1));
    await service.shutdown();
    expect(await outcome).toMatch(/disposed/);
    expect(launcher.engines[0]!.killed).toBe(true);
  });

  it("gives up on a server that never answers /v1/models, and the next load is answered", async () => {
    const hung = new Set<ServerResponse>();
    const server = createServer((req, res) => {
      req.resume();
      if (req.url === "/hang/v1/models") {
        hung.add(res);
        return;
      }
      if (req.url === "/ok/v1/models") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: [{ id: "served" }] }));
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const service = new ModelService({ env: { DRAFTLINE_MODELS_DIR: dir }, emitState: () => {}, emitDownload: () => {}, serverDeadlines: { headers: 2000 } });
    try {
      await expect(service.load({ kind: "server", baseUrl: `${base}/hang` })).rejects.toThrow(`The inference server at ${base}/hang did not answer /v1/models within 2 s.`);
      const state = await service.load({ kind: "server", baseUrl: `${base}/ok` });
      expect(state).toMatchObject({ status: "ready", model: { name: "served" }, sampling: DEFAULT_SAMPLING });
    } finally {
      await service.shutdown();
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("counts a text's tokens with the loaded model's tokenizer, and estimates them when no model is loaded", async () => {
    const service = new ModelService({ env: { DRAFTLINE_MODELS_DIR: dir, DRAFTLINE_ENGINE: "scripted" }, emitState: () => {}, emitDownload: () => {}, scripted: () => new ScriptedBackend(() => "") });
    try {
      expect(await service.countTokens("The keeper came at dusk.")).toEqual({ tokens: 7, exact: false });
      await service.load({ kind: "catalog", id: "tiny-test" });
      // The scripted model's tokenizer makes a token of each character.
      expect(await service.countTokens("The keeper came at dusk.")).toEqual({ tokens: 24, exact: true });
    } finally {
      await service.shutdown();
    }
  });
});

describe("which model this is, and how to drive it", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-identify-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Loads a tiny GGUF written with these naming keys, its metadata read as the engine reads it; the model writes `writes`. */
  async function load(file: string, naming: { name?: string; general?: Record<string, string> }, writes = "Tea is grown on hills.", options: { modeChosen?: boolean } = {}) {
    await writeTestModel(path.join(dir, file), naming);
    const launcher = scriptedLauncher(answer(false, { writes, facts: "read" }));
    const service = new ModelService({ env: { DRAFTLINE_MODELS_DIR: dir }, emitState: () => {}, emitDownload: () => {}, launcher });
    const state = await service.load({ kind: "file", path: path.join(dir, file) }, {}, options);
    const generated = launcher.engines[0]!.calls().filter((m) => m === "generate").length;
    return { service, state, generated };
  }

  it("knows a catalog model by how the GGUF names it, whatever the file is called", async () => {
    // IS-Writer quantized again under another name: before, matched by file name only, it ran greedily in prompted mode.
    for (const [file, naming] of [
      ["is-writer-8b.Q8_0.gguf", { name: "is-writer-8b" }],
      ["renamed.gguf", { name: "IS-Writer 8B" }],
      ["my-model.gguf", { name: "model", general: { basename: "IS-Writer", size_label: "8B" } }],
    ] as const) {
      const { service, state } = await load(file, naming, "<global_plan>\n## One");
      try {
        expect(state).toMatchObject({ status: "ready", profile: "native", profileReason: expect.stringMatching(/^IS-Writer-8B in the catalog, by /), probe: { writesTags: true } });
        expect(state.sampling).toEqual({ temperature: 0.7, topP: 0.9, minP: 0.05, repeatPenalty: 1.05 });
        expect(service.loaded().profile).toBe("native");
      } finally {
        await service.shutdown();
      }
    }
  });

  it("probes a model the catalog does not know: native when it writes <global_plan> by itself, else prompted, and says why", async () => {
    const native = await load("unknown-a.gguf", { name: "Some Writer" }, "<global_plan>\n## A plan");
    try {
      expect(native.generated).toBe(1);
      expect(native.state).toMatchObject({ profile: "native", profileReason: "Some Writer is not in the catalog: it wrote <global_plan> by itself from the native prompt, so it writes IS-CoT natively." });
      expect(native.service.loaded().profile).toBe("native");
    } finally {
      await native.service.shutdown();
    }
    const prompted = await load("unknown-b.gguf", { name: "Some Chat Model" }, "Tea grows on hills in the mist.");
    try {
      expect(prompted.state).toMatchObject({ profile: "prompted", profileReason: expect.stringMatching(/^Some Chat Model is not in the catalog: it did not write the IS-CoT tags/) });
      expect(prompted.service.loaded().profile).toBe("prompted");
    } finally {
      await prompted.service.shutdown();
    }
  });

  it("does not probe a model the catalog does not know when the writer named the mode (--mode, --raw-prompt)", async () => {
    const chosen = await load("unknown-c.gguf", { name: "Some Other Model" }, "<global_plan>\n## A plan", { modeChosen: true });
    try {
      expect(chosen.generated).toBe(0);
      expect(chosen.state.status).toBe("ready");
    } finally {
      await chosen.service.shutdown();
    }
  });

  it("takes a fine-tune's context and sampling from its base model in the catalog, and probes its profile", async () => {
    const { service, state } = await load("tuned.gguf", { name: "My Tuned Writer", general: { "base_model.0.name": "Qwen3 8B" } }, "<global_plan>\n## A");
    try {
      expect(state).toMatchObject({ profile: "native", profileReason: expect.stringMatching(/^My Tuned Writer is not in the catalog; it is a fine-tune of Qwen3-8B .*: it wrote <global_plan>/) });
      expect(state.sampling).toEqual({ temperature: 0.7, topP: 0.8, topK: 20, minP: 0 });
    } finally {
      await service.shutdown();
    }
  });

  it("drives the loaded model in the profile the writer chooses, and says so", async () => {
    const { service, state } = await load("unknown-c.gguf", { name: "Another Model" });
    try {
      expect(state.profile).toBe("prompted");
      expect(service.setProfile("agentwrite")).toMatchObject({ profile: "agentwrite", profileReason: "agentwrite: chosen by the writer." });
      expect(service.loaded().profile).toBe("agentwrite");
      await service.unload();
      expect(() => service.setProfile("native")).toThrow(/No model is loaded/);
    } finally {
      await service.shutdown();
    }
  });
});
