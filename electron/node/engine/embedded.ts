// The embedded backend (the default): node-llama-cpp in a separate engine process, so a native crash
// in llama.cpp (GGML_ASSERT aborts the process) cannot take the app down. When the engine dies, the
// calls in flight are rejected with a clear error, and the next request starts a new engine and loads
// the model again.
import path from "node:path";
import type { FitEstimate, HardwareInfo, ModelInfo, TokenId } from "../../common/engine/types";
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
import { forkLauncher, type EngineExit, type EngineProcess, type EngineProcessLauncher } from "./launcher";
import { describeIssues, engineMethods, hostMessageSchema, type EngineMethod, type EngineParams, type EngineResult } from "./protocol";

export interface EmbeddedBackendOptions {
  /** Starts the engine process; default: a Node child process (forkLauncher). */
  launcher?: EngineProcessLauncher;
  /** Called when the engine process died unexpectedly, with the error given to the calls in flight. */
  onCrash?: (error: BackendError) => void;
}

interface Pending {
  method: EngineMethod;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onTokens?: (tokens: TokenId[], text: string) => void;
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
};

function describeExit(exit: EngineExit): string {
  return exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`;
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

  constructor(private readonly options: EmbeddedBackendOptions = {}) {
    this.launcher = options.launcher ?? forkLauncher();
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
      let ready = false;
      engine.onMessage((raw) => {
        const message = hostMessageSchema.safeParse(raw);
        if (!message.success) {
          this.failAll(new BackendError("protocol", `The inference engine sent a malformed message: ${describeIssues(message.error)}`));
          return;
        }
        const m = message.data;
        if (m.type === "ready") {
          ready = true;
          resolve();
          return;
        }
        const call = this.pending.get(m.id);
        if (!call) return;
        if (m.type === "tokens") call.onTokens?.(m.tokens, m.text);
        else {
          this.pending.delete(m.id);
          if (m.type === "error") call.reject(new BackendError(m.error.code, m.error.message));
          else call.resolve(m.result);
        }
      });
      engine.onExit((exit) => {
        if (!ready) {
          const output = engine.outputTail().trim();
          reject(new BackendError("crashed", `The inference engine did not start (${describeExit(exit)})${output ? `: ${output.slice(-500)}` : "."}`));
        }
        this.onEngineExit(engine, exit);
      });
    });
    this.engine = engine;
    return engine;
  }

  private onEngineExit(engine: EngineProcess, exit: EngineExit): void {
    if (this.engine !== engine) return;
    this.engine = undefined;
    if (this.disposed) return;
    const calls = [...this.pending.values()];
    this.pending.clear();
    // A model whose loading killed the engine would kill the next one too: do not load it again.
    if (calls.some((c) => c.method === "load")) this.loadOptions = undefined;
    this.reloadNeeded = this.loadOptions !== undefined;
    if (!this.loadOptions) this.info = undefined;
    const output = engine.outputTail().trim().split("\n").slice(-3).join(" | ");
    const detail = output ? ` Last output: ${output.slice(-400)}` : "";
    for (const call of calls) {
      call.reject(
        new BackendError(
          "crashed",
          `The inference engine stopped unexpectedly (${describeExit(exit)}) while ${ACTIVITY[call.method]}; it will restart on the next request.${detail}`,
        ),
      );
    }
    this.options.onCrash?.(
      new BackendError("crashed", `The inference engine stopped unexpectedly (${describeExit(exit)}); it will restart on the next request.${detail}`),
    );
  }

  private failAll(error: BackendError): void {
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const call of calls) call.reject(error);
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
      const onAbort = () => engine.postMessage({ type: "abort", id });
      const done = () => extra.signal?.removeEventListener("abort", onAbort);
      this.pending.set(id, {
        method,
        onTokens: extra.onTokens,
        resolve: (value) => {
          done();
          resolve(value);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
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
    const resolved: LoadOptions = { ...options, model: path.resolve(options.model) };
    // The engine reads the file's metadata before it loads anything, and refuses a bad file (bad-model);
    // node-llama-cpp never runs in the app's process, not even to read a GGUF header.
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
  estimateFit(file: string, options: { contextSize?: number; gpuLayers?: number | "max" } = {}): Promise<FitEstimate> {
    return this.call("estimateFit", { file: path.resolve(file), ...options });
  }

  /** The machine's GPU, VRAM, RAM and CPU threads, as the engine's llama.cpp sees them. */
  hardware(): Promise<HardwareInfo> {
    return this.call("hardware", {});
  }

  /** A GGUF's metadata, read in the engine process; a bad file is refused with a bad-model error. */
  async inspect(file: string): Promise<Record<string, string | number | boolean | null>> {
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
