// The embedded backend's side of the protocol, with a scripted engine process (no llama.cpp): crash
// reports, restart and reload, and validation of what the engine sends.
import { describe, expect, it } from "vitest";
import { ensureTestModel } from "../models/testModel";
import { BackendError } from "./backend";
import { EmbeddedBackend } from "./embedded";
import type { EngineExit, EngineProcess, EngineProcessLauncher } from "./launcher";
import type { ParentMessage } from "./protocol";

const modelInfo = {
  source: "tiny.gguf",
  name: "tiny",
  architecture: "llama",
  contextSize: 2048,
  gpu: false,
  hasChatTemplate: true,
  addsBosToken: false,
};

/** An engine process whose answers the test writes. */
class ScriptedEngine implements EngineProcess {
  readonly pid = 4242;
  readonly received: ParentMessage[] = [];
  private messageListeners: ((message: unknown) => void)[] = [];
  private exitListeners: ((exit: EngineExit) => void)[] = [];
  output = "";
  constructor(private readonly answer: (message: ParentMessage, engine: ScriptedEngine) => void) {
    setImmediate(() => this.emit({ type: "ready", pid: this.pid }));
  }
  emit(message: unknown): void {
    for (const listener of this.messageListeners) listener(message);
  }
  exit(exit: EngineExit): void {
    for (const listener of this.exitListeners) listener(exit);
  }
  postMessage(message: ParentMessage): void {
    this.received.push(message);
    queueMicrotask(() => this.answer(message, this));
  }
  onMessage(listener: (message: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (exit: EngineExit) => void): void {
    this.exitListeners.push(listener);
  }
  outputTail(): string {
    return this.output;
  }
  kill(): void {
    this.exit({ code: null, signal: "SIGKILL" });
  }
}

function launcherOf(answer: (message: ParentMessage, engine: ScriptedEngine) => void): EngineProcessLauncher & { engines: ScriptedEngine[] } {
  const engines: ScriptedEngine[] = [];
  return {
    engines,
    async launch() {
      const engine = new ScriptedEngine(answer);
      engines.push(engine);
      return engine;
    },
  };
}

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
    const launcher = launcherOf((message, engine) => {
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
    const launcher = launcherOf((message, engine) => {
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
    const launcher = launcherOf((message, engine) => {
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
    const launcher = launcherOf((message, engine) => {
      if (message.type === "call") engine.emit({ type: "result", id: message.id, result: { tokens: "not an array" } });
    });
    const backend = new EmbeddedBackend({ launcher });
    const error = await backend.tokenize("a").catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "protocol" });
    expect((error as Error).message).toMatch(/answered tokenize with unexpected data: tokens:/);
  });

  it("fails the calls in flight on a malformed message", async () => {
    const launcher = launcherOf((message, engine) => {
      if (message.type === "call") engine.emit({ type: "tokens", id: message.id, tokens: [-1], text: "" });
    });
    const backend = new EmbeddedBackend({ launcher });
    await expect(backend.tokenize("a")).rejects.toThrow(/The inference engine sent a malformed message: tokens\.0/);
  });

  it("sends an abort for a signal that fired while the engine was starting", async () => {
    const launcher = launcherOf((message, engine) => {
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
