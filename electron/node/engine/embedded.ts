// The embedded backend (the default): node-llama-cpp in a separate engine process, so a native crash
// in llama.cpp (GGML_ASSERT aborts the process) cannot take the app down. When the engine dies, the
// calls in flight are rejected with a clear error, and the next request starts a new engine and loads
// the model again.
import path from "node:path";
import type { FitEstimate, HardwareInfo, KvCacheType, ModelInfo, TokenId } from "../../common/engine/types";
import {
  BackendError,
  type Backend,
  type ChatMessage,
  type ChatTemplateOptions,
  type ChatTemplateResult,
  type GenerateRequest,
  type GenerateResult,
  type LoadOptions,
  type TokenizeOptions,
} from "./backend";
import { GgufError, inspectGguf } from "./gguf";
import { forkLauncher, type EngineExit, type EngineProcess, type EngineProcessLauncher } from "./launcher";
import { describeIssues, engineMethods, hostMessageSchema, type EngineMethod, type EngineParams, type EngineResult } from "./protocol";

/**
 * How long the engine may stay silent, in milliseconds. A call's deadline starts again whenever the
 * engine shows progress (streamed tokens, a batch of the prompt decoded, a step of a model load), so a
 * slow machine is not cut off while it works; an engine that stops answering (a hang in llama.cpp, a
 * blocked event loop) is killed when the deadline passes, the call fails with code "timeout", and
 * the next call starts a new engine.
 */
export interface EngineDeadlines {
  /** From launching the engine process to its "ready". */
  start: number;
  /** After an abort (pause, stop), how long a generate waits for the engine's answer before it returns what streamed. */
  abortGrace: number;
  /** Per method: the longest silence while the call runs. */
  methods: Record<EngineMethod, number>;
}

export const DEFAULT_ENGINE_DEADLINES: EngineDeadlines = {
  start: 60_000,
  abortGrace: 5_000,
  methods: {
    // Loading reports progress as it reads the weights; creating a large context on a GPU says nothing for a while.
    load: 180_000,
    unload: 30_000,
    tokenize: 60_000,
    detokenize: 60_000,
    applyChatTemplate: 60_000,
    // Until the first token: each decoded batch of the prompt (512 tokens at most) counts as progress.
    generate: 300_000,
    estimateFit: 60_000,
    // The first call starts llama.cpp and probes the GPUs.
    hardware: 120_000,
    stats: 15_000,
    inspect: 30_000,
    // Reads two tokenizers (no weights).
    checkDraft: 60_000,
  },
};

export interface EmbeddedBackendOptions {
  /** Starts the engine process; default: a Node child process (forkLauncher). */
  launcher?: EngineProcessLauncher;
  /** Called when the engine process died unexpectedly, with the error given to the calls in flight. */
  onCrash?: (error: BackendError) => void;
  /** The engine's deadlines (default DEFAULT_ENGINE_DEADLINES); tests shorten them. */
  deadlines?: { start?: number; abortGrace?: number; methods?: Partial<Record<EngineMethod, number>> };
}

interface Pending {
  method: EngineMethod;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onTokens?: (tokens: TokenId[], text: string) => void;
  /** Starts the call's deadline again: the engine showed progress. */
  touch: () => void;
  /** Stops the call's timers. */
  clear: () => void;
}

/** What the engine was doing, in the words of the crash message. */
const ACTIVITY: Record<EngineMethod, string> = {
  load: "loading the model",
  unload: "unloading the model",
  tokenize: "tokenizing",
  detokenize: "detokenizing",
  applyChatTemplate: "applying the chat template",
  generate: "generating",
  estimateFit: "estimating the model's fit",
  hardware: "reading the hardware",
  stats: "reading its memory use",
  inspect: "reading a model file",
  checkDraft: "comparing a draft model's vocabulary",
};

/** The engine's last lines of output, for a crash message. */
function lastLines(engine: EngineProcess): string {
  const output = engine.outputTail().trim().split("\n").slice(-3).join(" | ");
  return output ? ` Last output: ${output.slice(-400)}` : "";
}

function describeExit(exit: EngineExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/** Checks a GGUF file in this process, bounded, before any engine (or llama.cpp) sees it. */
async function checkModelFile(file: string): Promise<void> {
  try {
    await inspectGguf(file);
  } catch (error) {
    if (error instanceof GgufError) throw new BackendError("bad-model", error.message);
    throw error;
  }
}

export class EmbeddedBackend implements Backend {
  readonly kind = "embedded";
  private readonly launcher: EngineProcessLauncher;
  private engine?: EngineProcess;
  private starting?: Promise<EngineProcess>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** The last successful load, repeated in a new engine after a crash. */
  private loadOptions?: LoadOptions;
  private reloadNeeded = false;
  private reloading?: Promise<void>;
  private info?: ModelInfo;
  private disposed = false;
  private readonly deadlines: EngineDeadlines;

  constructor(private readonly options: EmbeddedBackendOptions = {}) {
    this.launcher = options.launcher ?? forkLauncher();
    const d = options.deadlines ?? {};
    this.deadlines = {
      start: d.start ?? DEFAULT_ENGINE_DEADLINES.start,
      abortGrace: d.abortGrace ?? DEFAULT_ENGINE_DEADLINES.abortGrace,
      methods: { ...DEFAULT_ENGINE_DEADLINES.methods, ...d.methods },
    };
  }

  get modelInfo(): ModelInfo | undefined {
    return this.info;
  }

  get contextSize(): number {
    return this.info?.contextSize ?? 0;
  }

  /** The engine process's id, while one runs. */
  get pid(): number | undefined {
    return this.engine?.pid;
  }

  private ensureEngine(): Promise<EngineProcess> {
    if (this.disposed) return Promise.reject(new BackendError("disposed", "The inference backend was disposed."));
    if (this.engine) return Promise.resolve(this.engine);
    this.starting ??= this.start().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async start(): Promise<EngineProcess> {
    const engine = await this.launcher.launch();
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const startTimer = setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(new BackendError("timeout", `The inference engine did not start within ${seconds(this.deadlines.start)}; it was stopped.`));
        engine.kill();
      }, this.deadlines.start);
      engine.onMessage((raw) => {
        const message = hostMessageSchema.safeParse(raw);
        if (!message.success) {
          this.failAll(new BackendError("protocol", `The inference engine sent a malformed message: ${describeIssues(message.error)}`));
          return;
        }
        const m = message.data;
        if (m.type === "ready") {
          clearTimeout(startTimer);
          settled = true;
          resolve();
          return;
        }
        if (m.type === "alive") {
          // The engine made progress (a batch decoded, a step of a load): every call's deadline starts again.
          for (const call of this.pending.values()) call.touch();
          return;
        }
        const call = this.pending.get(m.id);
        if (!call) return;
        if (m.type === "tokens") {
          call.touch();
          call.onTokens?.(m.tokens, m.text);
        } else {
          this.pending.delete(m.id);
          call.clear();
          if (m.type === "error") call.reject(new BackendError(m.error.code, m.error.message));
          else call.resolve(m.result);
        }
      });
      engine.onExit((exit) => {
        clearTimeout(startTimer);
        if (!settled) {
          settled = true;
          const output = engine.outputTail().trim();
          reject(new BackendError("crashed", `The inference engine did not start (${describeExit(exit)})${output ? `: ${output.slice(-500)}` : "."}`));
        }
        const detail = lastLines(engine);
        this.lose(
          engine,
          (call) => new BackendError("crashed", `The inference engine stopped unexpectedly (${describeExit(exit)}) while ${ACTIVITY[call.method]}; it will restart on the next request.${detail}`),
          new BackendError("crashed", `The inference engine stopped unexpectedly (${describeExit(exit)}); it will restart on the next request.${detail}`),
        );
      });
    });
    this.engine = engine;
    return engine;
  }

  /**
   * The engine is gone (it died, or it was killed for missing a deadline): every call in flight fails
   * with the error `errorFor` gives it, and the next call starts a new engine and loads the model again.
   */
  private lose(engine: EngineProcess, errorFor: (call: Pending) => BackendError, crash: BackendError): void {
    if (this.engine !== engine) return;
    this.engine = undefined;
    if (this.disposed) return;
    const calls = [...this.pending.values()];
    this.pending.clear();
    // A model whose loading killed (or hung) the engine would do it again: do not load it again.
    if (calls.some((c) => c.method === "load")) this.loadOptions = undefined;
    this.reloadNeeded = this.loadOptions !== undefined;
    if (!this.loadOptions) this.info = undefined;
    for (const call of calls) {
      call.clear();
      call.reject(errorFor(call));
    }
    this.options.onCrash?.(crash);
  }

  /** A call's deadline passed: the engine is killed, that call fails with "timeout", the others as crashed. */
  private timeOut(engine: EngineProcess, late: Pending, silentMs: number): void {
    const what = ACTIVITY[late.method];
    const message = `The inference engine did not answer for ${seconds(silentMs)} while ${what}; it was stopped and will restart on the next request.`;
    this.lose(
      engine,
      (call) =>
        call === late
          ? new BackendError("timeout", message)
          : new BackendError("crashed", `The inference engine was restarted because it did not answer while ${what}; this call was lost (${ACTIVITY[call.method]}).`),
      new BackendError("timeout", message),
    );
    engine.kill();
  }

  private failAll(error: BackendError): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) {
      call.clear();
      call.reject(error);
    }
  }

  /** Sends one call to a running engine and waits for its validated result. */
  private async send<M extends EngineMethod>(
    engine: EngineProcess,
    method: M,
    params: EngineParams<M>,
    extra: { signal?: AbortSignal; onTokens?: (tokens: TokenId[], text: string) => void } = {},
  ): Promise<EngineResult<M>> {
    const id = this.nextId++;
    const raw = await new Promise<unknown>((resolve, reject) => {
      const silence = this.deadlines.methods[method];
      let deadline: NodeJS.Timeout | undefined;
      let grace: NodeJS.Timeout | undefined;
      // What streamed so far: the result of an aborted generate whose answer does not come in time.
      const streamed = { tokens: [] as TokenId[], text: "" };
      const onAbort = () => {
        engine.postMessage({ type: "abort", id });
        // An engine busy with a long batch answers the abort after it; one that hangs never does. Either
        // way the caller gets what streamed before the abort in time (the engine finishes on its own,
        // or meets the deadline of the next call).
        grace = setTimeout(() => {
          if (this.pending.get(id) !== call) return;
          this.pending.delete(id);
          call.clear();
          resolve({ tokens: streamed.tokens, text: streamed.text, stopReason: "abort", inputTokensDecoded: 0, generatedTokens: streamed.tokens.length });
        }, this.deadlines.abortGrace);
      };
      const call: Pending = {
        method,
        onTokens: (tokens, text) => {
          streamed.tokens.push(...tokens);
          streamed.text += text;
          extra.onTokens?.(tokens, text);
        },
        touch: () => {
          clearTimeout(deadline);
          deadline = setTimeout(() => {
            if (this.pending.get(id) === call) this.timeOut(engine, call, silence);
          }, silence);
        },
        clear: () => {
          clearTimeout(deadline);
          clearTimeout(grace);
          extra.signal?.removeEventListener("abort", onAbort);
        },
        resolve,
        reject,
      };
      this.pending.set(id, call);
      call.touch();
      engine.postMessage({ type: "call", id, method, params });
      // The signal may have fired while the engine was starting.
      if (extra.signal?.aborted) onAbort();
      else extra.signal?.addEventListener("abort", onAbort, { once: true });
    });
    const parsed = engineMethods[method].result.safeParse(raw);
    if (!parsed.success) throw new BackendError("protocol", `The inference engine answered ${method} with unexpected data: ${describeIssues(parsed.error)}`);
    return parsed.data as EngineResult<M>;
  }

  /** Runs a call, first starting an engine (and reloading the model after a crash) when needed. */
  private async call<M extends EngineMethod>(
    method: M,
    params: EngineParams<M>,
    extra?: { signal?: AbortSignal; onTokens?: (tokens: TokenId[], text: string) => void },
  ): Promise<EngineResult<M>> {
    const engine = await this.ensureEngine();
    if (this.reloadNeeded && method !== "load" && this.loadOptions) {
      this.reloadNeeded = false;
      // Calls that arrive meanwhile wait for the same reload.
      this.reloading = this.send(engine, "load", this.loadOptions)
        .then(
          (info) => {
            this.info = info;
          },
          (error: unknown) => {
            this.loadOptions = undefined;
            this.info = undefined;
            throw error;
          },
        )
        .finally(() => {
          this.reloading = undefined;
        });
    }
    if (this.reloading && method !== "load") await this.reloading;
    return this.send(engine, method, params, extra);
  }

  async load(options: LoadOptions): Promise<ModelInfo> {
    const resolved: LoadOptions = { ...options, model: path.resolve(options.model), ...(options.draftModel ? { draftModel: path.resolve(options.draftModel) } : {}) };
    // A bad file is refused here (bad-model) by the bounded reader before any engine starts; the engine
    // reads it again before it loads anything. node-llama-cpp never runs in the app's process.
    await checkModelFile(resolved.model);
    if (resolved.draftModel) await checkModelFile(resolved.draftModel);
    this.loadOptions = undefined;
    this.reloadNeeded = false;
    this.info = undefined;
    const info = await this.call("load", resolved);
    this.loadOptions = resolved;
    this.info = info;
    return info;
  }

  async unload(): Promise<void> {
    this.loadOptions = undefined;
    this.reloadNeeded = false;
    this.info = undefined;
    if (this.engine) await this.send(this.engine, "unload", {});
  }

  async tokenize(text: string, options: TokenizeOptions = {}): Promise<TokenId[]> {
    return (await this.call("tokenize", { text, specialTokens: options.specialTokens ?? false })).tokens;
  }

  async detokenize(tokens: readonly TokenId[], options: { specialTokens?: boolean } = {}): Promise<string> {
    return (await this.call("detokenize", { tokens: [...tokens], specialTokens: options.specialTokens ?? true })).text;
  }

  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): Promise<ChatTemplateResult> {
    return this.call("applyChatTemplate", { messages: [...messages], addGenerationPrompt: options.addGenerationPrompt ?? true });
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    if (request.signal?.aborted) return { tokens: [], text: "", stopReason: "abort", inputTokensDecoded: 0, generatedTokens: 0 };
    return this.call(
      "generate",
      {
        tokens: [...request.tokens],
        maxTokens: request.maxTokens,
        stop: request.stop ? [...request.stop] : undefined,
        grammar: request.grammar,
        sampling: request.sampling,
        stream: request.onToken !== undefined,
      },
      { signal: request.signal, onTokens: request.onToken },
    );
  }

  /** Checks a GGUF file and estimates, in the engine process, whether it fits this machine. */
  async estimateFit(file: string, options: { contextSize?: number; gpuLayers?: number | "max"; kvCacheType?: KvCacheType; flashAttention?: boolean; draftFile?: string } = {}): Promise<FitEstimate> {
    await checkModelFile(path.resolve(file));
    if (options.draftFile) await checkModelFile(path.resolve(options.draftFile));
    return this.call("estimateFit", { file: path.resolve(file), ...options, ...(options.draftFile ? { draftFile: path.resolve(options.draftFile) } : {}) });
  }

  /**
   * Whether `draft` can draft for `model` (speculative decoding): null, or why not. Only their
   * vocabularies are read, in the engine process, after the bounded check here.
   */
  async checkDraft(model: string, draft: string): Promise<string | null> {
    await checkModelFile(path.resolve(model));
    await checkModelFile(path.resolve(draft));
    return (await this.call("checkDraft", { model: path.resolve(model), draft: path.resolve(draft) })).problem;
  }

  /** The machine's GPU, VRAM, RAM and CPU threads, as the engine's llama.cpp sees them. */
  hardware(): Promise<HardwareInfo> {
    return this.call("hardware", {});
  }

  /** A GGUF's metadata, read in the engine process after a bounded check here; a bad file is refused with a bad-model error. */
  async inspect(file: string): Promise<Record<string, string | number | boolean | null>> {
    await checkModelFile(path.resolve(file));
    return (await this.call("inspect", { file: path.resolve(file) })).facts;
  }

  /** The engine process's resident memory and CPU time, and node-llama-cpp's figures for the model and context. */
  stats(): Promise<EngineResult<"stats">> {
    return this.call("stats", {});
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.failAll(new BackendError("disposed", "The inference backend was disposed."));
    const engine = this.engine ?? (await this.starting?.catch(() => undefined));
    this.engine = undefined;
    if (!engine) return;
    await new Promise<void>((resolve) => {
      engine.onExit(() => resolve());
      engine.kill();
    });
  }
}
