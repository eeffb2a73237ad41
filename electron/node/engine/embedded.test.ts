// The embedded backend's side of the protocol, with a scripted engine process (no llama.cpp): crash
// reports, restart and reload, deadlines, and validation of what the engine sends.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hostileGgufs } from "./testing/hostileGguf";
import { ensureTestModel } from "./testModel";
import { BackendError } from "./backend";
import { EmbeddedBackend } from "./embedded";
import type { EngineProcessLauncher } from "./launcher";
import type { ParentMessage } from "./protocol";
import { ScriptedEngine, scriptedLauncher } from "./testing/scriptedEngine";

const modelInfo = {
  source: "tiny.gguf",
  name: "tiny",
  architecture: "llama",
  contextSize: 2048,
  gpu: false,
  hasChatTemplate: true,
  addsBosToken: false,
};

/** Answers load with the model info and generate with two tokens, unless told to crash. */
function normalAnswers(message: ParentMessage, engine: ScriptedEngine): void {
  if (message.type !== "call") return;
  if (message.method === "load") engine.emit({ type: "result", id: message.id, result: modelInfo });
  if (message.method === "generate") {
    engine.emit({ type: "tokens", id: message.id, tokens: [1, 2], text: "ab" });
    engine.emit({ type: "result", id: message.id, result: { tokens: [1, 2], text: "ab", stopReason: "maxTokens", inputTokensDecoded: 3, generatedTokens: 2 } });
  }
}

describe("EmbeddedBackend with a scripted engine", () => {
  it("rejects the call in flight when the engine aborts, then starts a new engine and reloads the model", async () => {
    let crash = true;
    const launcher = scriptedLauncher((message, engine) => {
      if (message.type === "call" && message.method === "generate" && crash) {
        crash = false;
        engine.output = "llama.cpp: loading\nGGML_ASSERT(n_ff > 0) failed\n";
        engine.exit({ code: 134, signal: null });
        return;
      }
      normalAnswers(message, engine);
    });
    const crashes: BackendError[] = [];
    const backend = new EmbeddedBackend({ launcher, onCrash: (e) => crashes.push(e) });
    await backend.load({ model: await ensureTestModel(), threads: 1 });

    const error = await backend.generate({ tokens: [5, 6, 7], maxTokens: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: "crashed" });
    expect((error as Error).message).toBe(
      "The inference engine stopped unexpectedly (exit code 134) while generating; it will restart on the next request. Last output: llama.cpp: loading | GGML_ASSERT(n_ff > 0) failed",
    );
    expect(crashes).toHaveLength(1);
    expect(backend.pid).toBeUndefined();

    const streamed: string[] = [];
    const result = await backend.generate({ tokens: [5, 6, 7], maxTokens: 2, onToken: (_t, text) => streamed.push(text) });
    expect(result.text).toBe("ab");
    expect(streamed).toEqual(["ab"]);
    expect(launcher.engines).toHaveLength(2);
    const second = launcher.engines[1]!.received.filter((m) => m.type === "call").map((m) => m.type === "call" && m.method);
    expect(second).toEqual(["load", "generate"]);
  });

  it("makes calls that arrive during the reload after a crash wait for it", async () => {
    let crashed = false;
    let loaded = false;
    const launcher = scriptedLauncher((message, engine) => {
      if (message.type !== "call") return;
      if (message.method === "load") {
        loaded = false;
        setTimeout(() => {
          loaded = true;
          engine.emit({ type: "result", id: message.id, result: modelInfo });
        }, 20);
      } else if (message.method === "tokenize" && !crashed) {
        crashed = true;
        engine.exit({ code: null, signal: "SIGKILL" });
      } else if (message.method === "tokenize") {
        // 1 when the model was loaded by the time the call arrived.
        engine.emit({ type: "result", id: message.id, result: { tokens: [loaded ? 1 : 0] } });
      }
    });
    const backend = new EmbeddedBackend({ launcher });
    await backend.load({ model: await ensureTestModel() });
    await expect(backend.tokenize("a")).rejects.toMatchObject({ code: "crashed" });
    expect(await Promise.all([backend.tokenize("a"), backend.tokenize("b")])).toEqual([[1], [1]]);
  });

  it("does not load again a model whose loading killed the engine", async () => {
    const launcher = scriptedLauncher((message, engine) => {
      if (message.type === "call" && message.method === "load") engine.exit({ code: 134, signal: null });
      else if (message.type === "call" && message.method === "tokenize") engine.emit({ type: "error", id: message.id, error: { code: "not-loaded", message: "No model is loaded." } });
    });
    const backend = new EmbeddedBackend({ launcher });
    await expect(backend.load({ model: await ensureTestModel() })).rejects.toThrow(/stopped unexpectedly \(exit code 134\) while loading the model/);
    await expect(backend.tokenize("a")).rejects.toMatchObject({ code: "not-loaded" });
    const calls = launcher.engines[1]!.received.filter((m) => m.type === "call").map((m) => m.type === "call" && m.method);
    expect(calls).toEqual(["tokenize"]);
    expect(backend.modelInfo).toBeUndefined();
  });

  it("refuses an answer that does not match the method's result", async () => {
    const launcher = scriptedLauncher((message, engine) => {
      if (message.type === "call") engine.emit({ type: "result", id: message.id, result: { tokens: "not an array" } });
    });
    const backend = new EmbeddedBackend({ launcher });
    const error = await backend.tokenize("a").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "protocol" });
    expect((error as Error).message).toMatch(/answered tokenize with unexpected data: tokens:/);
  });

  it("fails the calls in flight on a malformed message", async () => {
    const launcher = scriptedLauncher((message, engine) => {
      if (message.type === "call") engine.emit({ type: "tokens", id: message.id, tokens: [-1], text: "" });
    });
    const backend = new EmbeddedBackend({ launcher });
    await expect(backend.tokenize("a")).rejects.toThrow(/The inference engine sent a malformed message: tokens\.0/);
  });

  it("sends an abort for a signal that fired while the engine was starting", async () => {
    const launcher = scriptedLauncher((message, engine) => {
      if (message.type === "abort") engine.emit({ type: "result", id: message.id, result: { tokens: [], text: "", stopReason: "abort", inputTokensDecoded: 0, generatedTokens: 0 } });
    });
    const backend = new EmbeddedBackend({ launcher });
    const controller = new AbortController();
    const generation = backend.generate({ tokens: [1], signal: controller.signal });
    controller.abort();
    expect((await generation).stopReason).toBe("abort");
  });

  it("says when the engine cannot start, and refuses calls once disposed", async () => {
    const failing: EngineProcessLauncher = {
      async launch() {
        const engine = new ScriptedEngine(() => undefined);
        engine.output = "Error: Cannot find module 'node-llama-cpp'";
        engine.emit = () => undefined;
        setImmediate(() => engine.exit({ code: 1, signal: null }));
        return engine;
      },
    };
    const backend = new EmbeddedBackend({ launcher: failing });
    await expect(backend.tokenize("a")).rejects.toThrow("The inference engine did not start (exit code 1): Error: Cannot find module 'node-llama-cpp'");
    await backend.dispose();
    await expect(backend.tokenize("a")).rejects.toMatchObject({ code: "disposed" });
  });
});

describe("EmbeddedBackend deadlines", () => {
  it("kills an engine that does not answer a call in time, fails the call with a timeout, and the next load works in a new engine", async () => {
    // The first engine takes every call and never answers (a hang in llama.cpp or a blocked event loop).
    const launcher = scriptedLauncher((message, engine, index) => {
      if (index > 0) normalAnswers(message, engine);
    });
    const crashes: BackendError[] = [];
    const backend = new EmbeddedBackend({ launcher, deadlines: { methods: { load: 50 } }, onCrash: (e) => crashes.push(e) });
    const model = await ensureTestModel();
    const error = await backend.load({ model }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: "timeout", message: "The inference engine did not answer for 50 ms while loading the model; it was stopped and will restart on the next request." });
    expect(launcher.engines[0]!.killed).toBe(true);
    expect(crashes.map((c) => c.code)).toEqual(["timeout"]);

    expect(await backend.load({ model })).toEqual(modelInfo);
    expect(launcher.engines).toHaveLength(2);
    expect(launcher.engines[1]!.calls()).toEqual(["load"]);
    // The model that hung the engine is not loaded again by itself; the good load stands.
    expect((await backend.generate({ tokens: [1], maxTokens: 2 })).text).toBe("ab");
  });

  it("fails the other calls in flight when one misses its deadline, and reloads the model in the next engine", async () => {
    const launcher = scriptedLauncher((message, engine, index) => {
      if (message.type !== "call") return;
      if (index === 0 && (message.method === "tokenize" || message.method === "generate")) return; // never answered
      if (message.method === "tokenize") engine.emit({ type: "result", id: message.id, result: { tokens: [7] } });
      else normalAnswers(message, engine);
    });
    const backend = new EmbeddedBackend({ launcher, deadlines: { methods: { tokenize: 50, generate: 60_000 } } });
    await backend.load({ model: await ensureTestModel() });
    const generating = backend.generate({ tokens: [1] });
    const hanging = backend.tokenize("a");
    await expect(generating).rejects.toMatchObject({ code: "crashed", message: expect.stringMatching(/restarted because it did not answer while tokenizing; this call was lost \(generating\)/) });
    await expect(hanging).rejects.toMatchObject({ code: "timeout", message: expect.stringMatching(/did not answer for 50 ms while tokenizing/) });
    expect(await backend.tokenize("a")).toEqual([7]);
    expect(launcher.engines[1]!.calls()).toEqual(["load", "tokenize"]);
  });

  it("keeps a call alive while the engine reports progress, however long it takes", async () => {
    const launcher = scriptedLauncher((message, engine) => {
      if (message.type !== "call" || message.method !== "load") return;
      // Twenty steps 10 ms apart: twice the deadline in all, never silent for as long as it.
      let steps = 0;
      const timer = setInterval(() => {
        engine.emit({ type: "alive" });
        if (++steps === 20) {
          clearInterval(timer);
          engine.emit({ type: "result", id: message.id, result: modelInfo });
        }
      }, 10);
    });
    const backend = new EmbeddedBackend({ launcher, deadlines: { methods: { load: 100 } } });
    expect(await backend.load({ model: await ensureTestModel() })).toEqual(modelInfo);
    expect(launcher.engines).toHaveLength(1);
    expect(launcher.engines[0]!.killed).toBe(false);
  });

  it("stops an engine that never says it is ready", async () => {
    const launcher = scriptedLauncher(normalAnswers, { ready: (index) => index > 0 });
    const backend = new EmbeddedBackend({ launcher, deadlines: { start: 50 } });
    await expect(backend.tokenize("a")).rejects.toMatchObject({ code: "timeout", message: "The inference engine did not start within 50 ms; it was stopped." });
    expect(launcher.engines[0]!.killed).toBe(true);
    expect((await backend.load({ model: await ensureTestModel() })).name).toBe("tiny");
  });

  it("returns what streamed when an aborted generation gets no answer from the engine", async () => {
    const launcher = scriptedLauncher((message, engine) => {
      if (message.type !== "call") return;
      if (message.method === "load") engine.emit({ type: "result", id: message.id, result: modelInfo });
      // Streams two tokens, then hangs: the abort is never answered.
      if (message.method === "generate") engine.emit({ type: "tokens", id: message.id, tokens: [1, 2], text: "ab" });
    });
    const backend = new EmbeddedBackend({ launcher, deadlines: { abortGrace: 20, methods: { generate: 60_000 } } });
    await backend.load({ model: await ensureTestModel() });
    const controller = new AbortController();
    const result = await backend.generate({
      tokens: [5],
      signal: controller.signal,
      onToken: () => controller.abort(),
    });
    expect(result).toMatchObject({ tokens: [1, 2], text: "ab", stopReason: "abort" });
    expect(launcher.engines[0]!.received.some((m) => m.type === "abort")).toBe(true);
  });

  it("refuses a hostile GGUF in the app's process, without starting an engine", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "draftline-hostile-"));
    try {
      const launcher = scriptedLauncher(normalAnswers);
      const backend = new EmbeddedBackend({ launcher });
      for (const hostile of hostileGgufs()) {
        const file = path.join(dir, hostile.name);
        await writeFile(file, hostile.bytes);
        await expect(backend.load({ model: file })).rejects.toMatchObject({ code: "bad-model", message: expect.stringMatching(hostile.refusal) });
        await expect(backend.inspect(file)).rejects.toMatchObject({ code: "bad-model" });
        await expect(backend.estimateFit(file)).rejects.toMatchObject({ code: "bad-model" });
      }
      expect(launcher.engines).toHaveLength(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("ends promptly when disposed while a call hangs", async () => {
    const launcher = scriptedLauncher(() => undefined);
    const backend = new EmbeddedBackend({ launcher });
    const hanging = backend.tokenize("a");
    await new Promise((resolve) => setTimeout(resolve, 5));
    await backend.dispose();
    await expect(hanging).rejects.toMatchObject({ code: "disposed" });
    expect(launcher.engines[0]!.killed).toBe(true);
  });
});
