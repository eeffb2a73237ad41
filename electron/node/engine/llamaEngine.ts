// node-llama-cpp driven in the current process: one model, one context, one sequence. The engine
// process (host.ts) runs this; tools and tests may use it directly through InProcessBackend. Load,
// unload and generate are serialized; tokenize and detokenize are synchronous native calls.
import { readFileSync } from "node:fs";
import path from "node:path";
import {
  getLlama,
  JinjaTemplateChatWrapper,
  LlamaCompletion,
  LlamaLogLevel,
  QwenChatWrapper,
  resolveChatWrapper,
  type ChatHistoryItem,
  type ChatWrapper,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
} from "node-llama-cpp";
import { compareVocabularies, DEFAULT_DRAFT_LENGTH } from "../../common/engine/draft";
import type { FitEstimate, HardwareInfo, ModelInfo, StopReason, TokenId } from "../../common/engine/types";
import { CONTROLLER_TAG_TEXTS } from "../../common/iscot/tags";
import { GgufError, inspectGguf } from "./gguf";
import { estimateFit, flashAttentionFor, GGML_KV_TYPES, kvCacheRefusal, readCheckedGguf, withDraft, type FitOptions } from "./ggufFit";
import { getHardwareInfo } from "./hardware";
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
import { completionSampling } from "./sampling";
import { AdaptiveDraftPredictor, predictionCounters, speculativeStats, vocabularySample } from "./speculative";

/**
 * Chat wrapper settings that turn a model's thinking off: the protocol asks for it only in the
 * think-answer mode, which writes its own prompt. Qwen3 through node-llama-cpp's Qwen wrapper closes
 * the think block at the start of the answer (`thoughts: "discourage"`); any other template that reads
 * `enable_thinking` (Qwen3 fine-tunes, its Jinja template) is rendered with it false.
 */
const NO_THINKING = {
  qwen: { thoughts: "discourage" },
  jinjaTemplate: { additionalRenderParameters: { enable_thinking: false } },
} as const;

/** True when the chat wrapper leaves the model's thinking out (see NO_THINKING). */
function tellsNotToThink(wrapper: ChatWrapper): boolean {
  if (wrapper instanceof QwenChatWrapper) return wrapper.thoughts === "discourage";
  if (wrapper instanceof JinjaTemplateChatWrapper) return wrapper.template.includes("enable_thinking");
  return false;
}

/** The context size used when none is asked for: large enough for a long document's working set. */
const DEFAULT_CONTEXT_SIZE = 8192;

export interface LlamaEngineOptions {
  /** Where llama.cpp's own log lines go (default: standard error, warnings and errors only). */
  logger?: (level: string, message: string) => void;
}

/** A draft model for speculative decoding: its own context of the same size, drafting for the sequence. */
interface Draft {
  model: LlamaModel;
  context?: LlamaContext;
  predictor?: AdaptiveDraftPredictor;
}

interface Loaded {
  model: LlamaModel;
  context: LlamaContext;
  sequence: LlamaContextSequence;
  completion: LlamaCompletion;
  chatWrapper: ChatWrapper;
  info: ModelInfo;
  draft?: Draft;
  /** The controller's tags the vocabulary holds as one special token (see specialTags). */
  tags: Map<string, Token>;
}

/**
 * The controller's tags (IS-CoT, think, answer) that the model's vocabulary holds as one special
 * (control) token: plain text would spell them in pieces, and llama.cpp leaves such a token out of the
 * text it generates. A stop string that is one of them also stops at the token, and the text of a
 * generation that holds one writes it out, so the parser reads it.
 */
function specialTags(model: LlamaModel): Map<string, Token> {
  const tags = new Map<string, Token>();
  for (const tag of CONTROLLER_TAG_TEXTS) {
    const special = model.tokenize(tag, true);
    const plain = model.tokenize(tag, false);
    if (special.length === 1 && (plain.length !== 1 || plain[0] !== special[0])) tags.set(tag, special[0]!);
  }
  return tags;
}

const asTokens = (tokens: readonly TokenId[]) => tokens as readonly number[] as Token[];

export class LlamaEngine {
  private llama?: Llama;
  private llamaKey?: string;
  private loaded?: Loaded;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly grammars = new Map<string, LlamaGrammar>();
  private llamaQueue: Promise<unknown> = Promise.resolve();
  /** Queries running on the current llama.cpp instance (see useLlama). */
  private readonly llamaUses = new Set<Promise<unknown>>();
  /** Steps of model loads seen (onLoadProgress): part of progressMark(). */
  private loadSteps = 0;

  constructor(private readonly options: LlamaEngineOptions = {}) {}

  /**
   * A number that changes whenever the engine makes progress: a step of a model load, or a batch of
   * tokens decoded or generated. The engine host compares it over time to tell a slow engine (a long
   * prompt decoded batch by batch) from a stuck one.
   */
  progressMark(): number {
    const meter = this.loaded?.sequence.tokenMeter;
    return this.loadSteps + (meter ? meter.usedInputTokens + meter.usedOutputTokens : 0);
  }

  get modelInfo(): ModelInfo | undefined {
    return this.loaded?.info;
  }

  /** Runs `task` after every earlier load, unload and generate has finished. */
  private serialize<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * The llama.cpp instance for these settings. One at a time: a fit estimate or a hardware query that
   * starts one while a load starts another would otherwise leave `this.llama` on an instance the
   * loaded model does not belong to.
   */
  private getLlama(gpu: LoadOptions["gpu"], threads: number | undefined): Promise<Llama> {
    const next = this.llamaQueue.then(
      () => this.getLlamaNow(gpu, threads),
      () => this.getLlamaNow(gpu, threads),
    );
    this.llamaQueue = next.catch(() => undefined);
    return next;
  }

  /**
   * Runs a query (a fit estimate, the hardware) on the current llama.cpp instance, or a new default one,
   * and registers it before any later load may replace the instance: that load waits for it.
   */
  private useLlama<T>(gpu: LoadOptions["gpu"], task: (llama: Llama) => Promise<T>): Promise<T> {
    const step = this.llamaQueue.then(async () => {
      const llama = this.llama ?? (await this.getLlamaNow(gpu, undefined));
      const run = task(llama);
      this.llamaUses.add(run);
      run.then(
        () => this.llamaUses.delete(run),
        () => this.llamaUses.delete(run),
      );
      // Wrapped: the queue moves on once the query is registered, not when it ends.
      return { run };
    });
    this.llamaQueue = step.catch(() => undefined);
    return step.then(({ run }) => run);
  }

  private async getLlamaNow(gpu: LoadOptions["gpu"], threads: number | undefined): Promise<Llama> {
    const key = JSON.stringify([gpu ?? "auto", threads ?? null]);
    if (this.llama && this.llamaKey === key) return this.llama;
    // Queries still running on the old instance finish first: disposing it under them fails them.
    await Promise.allSettled([...this.llamaUses]);
    if (this.llama) await this.llama.dispose();
    const logger = this.options.logger ?? ((level: string, message: string) => process.stderr.write(`[llama.cpp ${level}] ${message}\n`));
    this.llama = await getLlama({
      gpu: gpu ?? "auto",
      build: "never",
      ...(threads ? { maxThreads: threads } : {}),
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => logger(level, message),
    });
    this.llamaKey = key;
    return this.llama;
  }

  private require(): Loaded {
    if (!this.loaded) throw new BackendError("not-loaded", "No model is loaded.");
    return this.loaded;
  }

  load(options: LoadOptions): Promise<ModelInfo> {
    return this.serialize(async () => {
      await this.unloadNow();
      const file = path.resolve(options.model);
      let checked;
      try {
        checked = await inspectGguf(file);
      } catch (error) {
        if (error instanceof GgufError) throw new BackendError("bad-model", error.message);
        throw error;
      }
      const llama = await this.getLlama(options.gpu, options.threads);
      const refusal = kvCacheRefusal(checked.facts, options.kvCacheType);
      if (refusal) throw new BackendError("bad-request", refusal);
      const trainedLength = checked.facts.contextLength ?? DEFAULT_CONTEXT_SIZE;
      const wanted = options.contextSize ?? { max: Math.min(DEFAULT_CONTEXT_SIZE, trainedLength) };
      const kv = options.kvCacheType ?? "f16";
      const flashAttention = flashAttentionFor(options.kvCacheType, options.flashAttention);
      const gpuLayers = options.gpuLayers ?? "auto";
      let model: LlamaModel;
      try {
        model = await llama.loadModel({
          modelPath: file,
          // "auto" leaves room on the GPU for the context asked for: the context comes first, layers that do not fit stay on the CPU.
          gpuLayers: gpuLayers === "auto" && typeof wanted === "object" ? { fitContext: { contextSize: wanted.max } } : gpuLayers === "auto" && typeof wanted === "number" ? { fitContext: { contextSize: wanted } } : gpuLayers,
          defaultContextFlashAttention: flashAttention,
          // Experimental in node-llama-cpp: a crash here takes down the engine process only (it restarts).
          experimentalDefaultContextKvCacheKeyType: GGML_KV_TYPES[kv],
          experimentalDefaultContextKvCacheValueType: GGML_KV_TYPES[kv],
          onLoadProgress: () => {
            this.loadSteps++;
          },
        });
      } catch (error) {
        throw new BackendError("bad-model", `Could not load ${path.basename(file)}: ${(error as Error).message}`);
      }
      let draft: Draft | undefined;
      try {
        if (options.draftModel) draft = await this.loadDraft(llama, options, model, checked.facts.vocabularySize ?? 0);
        // `{ max }`: as much as fits in memory up to max, at least 2,048 tokens (or max when smaller).
        const contextSize = typeof wanted === "object" ? { min: Math.min(2048, wanted.max), max: wanted.max } : wanted;
        const context = await model.createContext({
          contextSize,
          sequences: 1,
          ...(options.threads ? { threads: options.threads } : {}),
        });
        if (draft) {
          // The draft holds the same context as the model: it drafts from the whole document so far.
          draft.context = await draft.model.createContext({
            contextSize: context.contextSize,
            sequences: 1,
            ...(options.threads ? { threads: options.threads } : {}),
          });
          draft.predictor = new AdaptiveDraftPredictor(
            draft.context.getSequence(),
            { min: DEFAULT_DRAFT_LENGTH.min, max: options.draftTokens ?? DEFAULT_DRAFT_LENGTH.max },
            options.draftMinConfidence,
          );
        }
        const sequence = context.getSequence(draft?.predictor ? { tokenPredictor: draft.predictor } : {});
        const completion = new LlamaCompletion({ contextSequence: sequence });
        const chatWrapper = resolveChatWrapper(model, { customWrapperSettings: NO_THINKING });
        const facts = checked.facts;
        const bos = model.tokens.bos;
        const eos = model.tokens.eos;
        const info: ModelInfo = {
          source: file,
          name: facts.name ?? path.basename(file, ".gguf"),
          architecture: facts.architecture,
          parameters: facts.parameters,
          sizeBytes: model.size,
          contextSize: context.contextSize,
          kvCacheType: kv,
          ...(typeof context.flashAttention === "boolean" ? { flashAttention: context.flashAttention } : {}),
          trainContextSize: model.trainContextSize || undefined,
          layers: facts.layers,
          gpuLayers: model.gpuLayers,
          gpu: llama.gpu,
          quantization: facts.quantization,
          hasChatTemplate: facts.hasChatTemplate,
          chatWrapper: chatWrapper.wrapperName,
          thinkingOff: tellsNotToThink(chatWrapper),
          vocabularySize: facts.vocabularySize,
          eosToken: eos ?? undefined,
          bosToken: bos ?? undefined,
          addsBosToken: model.tokens.shouldPrependBosToken && bos != null,
          ...(draft && options.draftModel
            ? {
                draft: {
                  source: path.resolve(options.draftModel),
                  name: draft.model.fileInfo.metadata.general?.name ?? path.basename(options.draftModel, ".gguf"),
                  sizeBytes: draft.model.size,
                  contextSize: draft.context?.contextSize ?? context.contextSize,
                  gpuLayers: draft.model.gpuLayers,
                  maxDraftTokens: draft.predictor?.length.limits.max ?? DEFAULT_DRAFT_LENGTH.max,
                },
              }
            : {}),
        };
        this.loaded = { model, context, sequence, completion, chatWrapper, info, tags: specialTags(model), ...(draft ? { draft } : {}) };
        return info;
      } catch (error) {
        await draft?.context?.dispose();
        await draft?.model.dispose();
        await model.dispose();
        if (error instanceof BackendError) throw error;
        throw new BackendError("bad-model", `Could not create a context for ${path.basename(file)}: ${(error as Error).message}`);
      }
    });
  }

  /**
   * Loads the draft model and checks that it can draft for `model`: the same tokenizer, special
   * tokens and token texts (compareVocabularies). A draft that cannot is refused with the reason.
   */
  private async loadDraft(llama: Llama, options: LoadOptions, model: LlamaModel, vocabularySize: number): Promise<Draft> {
    const file = path.resolve(options.draftModel!);
    let facts;
    try {
      facts = (await inspectGguf(file)).facts;
    } catch (error) {
      if (error instanceof GgufError) throw new BackendError("bad-model", `The draft model cannot be used: ${error.message}`);
      throw error;
    }
    let draftModel: LlamaModel;
    try {
      draftModel = await llama.loadModel({
        modelPath: file,
        gpuLayers: options.gpuLayers ?? "auto",
        onLoadProgress: () => {
          this.loadSteps++;
        },
      });
    } catch (error) {
      throw new BackendError("bad-model", `Could not load the draft model ${path.basename(file)}: ${(error as Error).message}`);
    }
    const reason = compareVocabularies(vocabularySample(model, vocabularySize), vocabularySample(draftModel, facts.vocabularySize ?? 0));
    if (reason) {
      await draftModel.dispose();
      throw new BackendError("bad-model", `${path.basename(file)} cannot draft for ${path.basename(options.model)}: ${reason}.`);
    }
    return { model: draftModel };
  }

  /**
   * Whether `draftFile` can draft for `modelFile`, from their vocabularies alone (no weights are
   * loaded): null when it can, else the reason.
   */
  async checkDraft(modelFile: string, draftFile: string): Promise<string | null> {
    const files = [path.resolve(modelFile), path.resolve(draftFile)] as const;
    const sizes: number[] = [];
    for (const file of files) {
      try {
        sizes.push((await inspectGguf(file)).facts.vocabularySize ?? 0);
      } catch (error) {
        if (error instanceof GgufError) throw new BackendError("bad-model", error.message);
        throw error;
      }
    }
    return this.useLlama("auto", async (llama) => {
      const models: LlamaModel[] = [];
      try {
        for (const file of files) models.push(await llama.loadModel({ modelPath: file, vocabOnly: true }));
        const [target, draft] = models as [LlamaModel, LlamaModel];
        const reason = compareVocabularies(vocabularySample(target, sizes[0] ?? 0), vocabularySample(draft, sizes[1] ?? 0));
        return reason && `${path.basename(files[1])} cannot draft for ${path.basename(files[0])}: ${reason}.`;
      } catch (error) {
        throw new BackendError("bad-model", `Could not read the vocabularies: ${(error as Error).message}`);
      } finally {
        await Promise.allSettled(models.map((m) => m.dispose()));
      }
    });
  }

  private async unloadNow(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    this.grammars.clear();
    if (!loaded) return;
    loaded.completion.dispose();
    await loaded.context.dispose();
    await loaded.draft?.context?.dispose();
    await loaded.draft?.model.dispose();
    await loaded.model.dispose();
  }

  unload(): Promise<void> {
    return this.serialize(() => this.unloadNow());
  }

  async dispose(): Promise<void> {
    await this.unload();
    const llama = this.llama;
    this.llama = undefined;
    await llama?.dispose();
  }

  tokenize(text: string, options: TokenizeOptions = {}): TokenId[] {
    return this.require().model.tokenize(text, options.specialTokens ?? false);
  }

  detokenize(tokens: readonly TokenId[], options: { specialTokens?: boolean } = {}): string {
    return this.require().model.detokenize(asTokens(tokens), options.specialTokens ?? true);
  }

  applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): ChatTemplateResult {
    const { model, chatWrapper, info } = this.require();
    const history: ChatHistoryItem[] = messages.map((m) =>
      m.role === "system"
        ? { type: "system", text: m.content }
        : m.role === "user"
          ? { type: "user", text: m.content }
          : { type: "model", response: [m.content] },
    );
    if ((options.addGenerationPrompt ?? true) && messages.at(-1)?.role !== "assistant") history.push({ type: "model", response: [] });
    const { contextText } = chatWrapper.generateContextState({ chatHistory: history });
    let tokens = contextText.tokenize(model.tokenizer);
    // The backend prepends BOS itself for models that want one; a template's own BOS would double it.
    if (info.addsBosToken && tokens[0] === info.bosToken) tokens = tokens.slice(1);
    return { tokens, text: model.detokenize(tokens, true) };
  }

  private async grammar(text: string): Promise<LlamaGrammar> {
    const cached = this.grammars.get(text);
    if (cached) return cached;
    // The grammar must come from the instance the model was loaded with.
    const llama = this.require().model.llama;
    let grammar: LlamaGrammar;
    try {
      grammar = await llama.createGrammar({ grammar: text });
    } catch (error) {
      throw new BackendError("bad-request", `The grammar is not valid GBNF: ${(error as Error).message}`);
    }
    if (this.grammars.size >= 8) this.grammars.delete(this.grammars.keys().next().value as string);
    this.grammars.set(text, grammar);
    return grammar;
  }

  generate(request: GenerateRequest): Promise<GenerateResult> {
    return this.serialize(async () => {
      const { model, sequence, completion, info, draft, tags } = this.require();
      if (request.tokens.length === 0) throw new BackendError("bad-request", "generate needs a context of at least one token.");
      const inContext = request.tokens.length + (info.addsBosToken ? 1 : 0);
      if (inContext >= info.contextSize) {
        throw new BackendError("bad-request", `The context is full: ${inContext} tokens in a window of ${info.contextSize}. Compact it before generating.`);
      }
      if (request.signal?.aborted) return { tokens: [], text: "", stopReason: "abort", inputTokensDecoded: 0, generatedTokens: 0 };
      const grammar = request.grammar ? await this.grammar(request.grammar) : undefined;
      const sampling = request.sampling ?? {};
      const tagIds = new Set(tags.values());
      // With the tags as special tokens, text is written with them (llama.cpp's plain text leaves them out).
      const textOf = (tokens: Token[], plain: string) => (tagIds.size > 0 && tokens.some((t) => tagIds.has(t)) ? model.detokenize(tokens, true) : plain);
      const generated: Token[] = [];
      let pending: Token[] = [];
      const onToken = request.onToken;
      const before = sequence.tokenMeter.getState();
      const predictionsBefore = predictionCounters(sequence);
      let response;
      try {
        response = await completion.generateCompletionWithMeta(asTokens(request.tokens), {
          maxTokens: request.maxTokens,
          // A stop string the vocabulary holds as a special token stops at that token too.
          customStopTriggers: request.stop && request.stop.length > 0 ? request.stop.flatMap((stop) => (tags.has(stop) ? [stop, [tags.get(stop)!]] : [stop])) : undefined,
          grammar,
          ...completionSampling(sampling),
          signal: request.signal,
          stopOnAbortSignal: true,
          disableContextShift: true,
          // LlamaCompletion calls onToken then onTextChunk for the same tokens: pair them.
          onToken: (tokens) => {
            generated.push(...tokens);
            pending = tokens;
          },
          onTextChunk: onToken
            ? (text) => {
                const tokens = pending;
                pending = [];
                onToken(tokens, textOf(tokens, text));
              }
            : undefined,
        });
      } catch (error) {
        if (error instanceof BackendError) throw error;
        throw new BackendError("failed", `Generation failed: ${(error as Error).message}`);
      }
      const used = sequence.tokenMeter.diff(before);
      const predictions = predictionCounters(sequence);
      // A verified batch asks logits for each draft token too, and a draft token accepted earlier is
      // taken without a decode: count the tokens sampled, as without a draft model.
      const predictionOutputs = predictions.validated - predictionsBefore.validated + (predictions.refuted - predictionsBefore.refuted);
      const predictionsUsed = predictions.used - predictionsBefore.used;
      const meta = response.metadata;
      const stopReason: StopReason =
        meta.stopReason === "eogToken"
          ? "eog"
          : meta.stopReason === "customStopTrigger" || meta.stopReason === "stopGenerationTrigger"
            ? "stop"
            : meta.stopReason;
      const result: GenerateResult = {
        tokens: generated,
        text: textOf(generated, response.response),
        stopReason,
        // Every decode of the context yields one set of logits, counted as "output" by the meter, and
        // so does every generated token fed back: the context's last token is one of those.
        inputTokensDecoded: used.usedInputTokens + (used.usedOutputTokens > 0 ? 1 : 0),
        generatedTokens: Math.max(0, used.usedOutputTokens - predictionOutputs + predictionsUsed),
        ...(draft?.predictor ? { speculative: speculativeStats(predictionsBefore, predictions, draft.predictor.length.length) } : {}),
      };
      if (meta.stopReason === "customStopTrigger") {
        result.stopString = meta.customStopTrigger.map((part) => (typeof part === "string" ? part : model.detokenize([part], true))).join("");
        const rest = meta.remainingGenerationAfterStop;
        result.remainder = rest === undefined ? "" : typeof rest === "string" ? rest : model.detokenize(rest, true);
      }
      return result;
    });
  }

  /** A GGUF's metadata as plain values (no weights are loaded); a bad file is a bad-model error. */
  async inspect(file: string): Promise<Record<string, string | number | boolean | null>> {
    try {
      const { facts } = await inspectGguf(path.resolve(file));
      const flat: Record<string, string | number | boolean | null> = {};
      for (const [key, value] of Object.entries(facts)) if (value === undefined || ["string", "number", "boolean"].includes(typeof value)) flat[key] = (value as string | number | boolean | undefined) ?? null;
      return flat;
    } catch (error) {
      if (error instanceof GgufError) throw new BackendError("bad-model", error.message);
      throw error;
    }
  }

  /** Checks a GGUF file and estimates whether it fits this machine (no weights are loaded). */
  async estimateFit(file: string, options: FitOptions & { gpu?: LoadOptions["gpu"]; draftFile?: string } = {}): Promise<FitEstimate> {
    const read = async (f: string) => {
      try {
        return await readCheckedGguf(path.resolve(f));
      } catch (error) {
        if (error instanceof GgufError) throw new BackendError("bad-model", error.message);
        throw error;
      }
    };
    const { info, facts } = await read(file);
    const refusal = kvCacheRefusal(facts, options.kvCacheType);
    if (refusal) throw new BackendError("bad-request", refusal);
    const draft = options.draftFile ? await read(options.draftFile) : undefined;
    return this.useLlama(options.gpu, async (llama) => {
      const fit = await estimateFit(info, llama, options, facts);
      if (!draft) return fit;
      // The draft's context is as large as the model's (its KV cache in f16).
      return withDraft(fit, await estimateFit(draft.info, llama, { ...options, kvCacheType: undefined, flashAttention: undefined, contextSize: fit.contextSize }, draft.facts));
    });
  }

  async hardware(): Promise<HardwareInfo> {
    return this.useLlama("auto", (llama) => getHardwareInfo(llama));
  }

  /**
   * Memory and CPU time of this process, and what node-llama-cpp reports for the model and the
   * context. `privateBytes` (Linux only) leaves out pages shared with other processes, such as the
   * Node or Electron executable's code, which RSS counts.
   */
  stats(): { rss: number; privateBytes?: number; cpuMicros: number; modelBytes: number; contextBytes: number; contextStateBytes: number; draftModelBytes?: number; draftContextBytes?: number } {
    const loaded = this.loaded;
    const cpu = process.cpuUsage();
    return {
      rss: process.memoryUsage().rss,
      privateBytes: privateMemory(),
      cpuMicros: cpu.user + cpu.system,
      modelBytes: loaded?.model.size ?? 0,
      contextBytes: loaded ? loaded.context.memoryUsage.ram + loaded.context.memoryUsage.vram : 0,
      contextStateBytes: loaded?.context.stateSize ?? 0,
      ...(loaded?.draft
        ? {
            draftModelBytes: loaded.draft.model.size,
            draftContextBytes: loaded.draft.context ? loaded.draft.context.memoryUsage.ram + loaded.draft.context.memoryUsage.vram : 0,
          }
        : {}),
    };
  }
}

/** Private_Clean + Private_Dirty of /proc/self/smaps_rollup, in bytes; undefined off Linux. */
function privateMemory(): number | undefined {
  if (process.platform !== "linux") return undefined;
  try {
    const text = readFileSync("/proc/self/smaps_rollup", "utf8");
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
    return (kb("Private_Clean") + kb("Private_Dirty")) * 1024;
  } catch {
    return undefined;
  }
}

/**
 * A Backend that runs node-llama-cpp in the caller's process. A native crash (GGML_ASSERT) takes the
 * caller down with it: for tools, tests and benchmarks; the app uses the embedded backend.
 */
export class InProcessBackend implements Backend {
  readonly kind = "in-process";
  constructor(readonly engine: LlamaEngine = new LlamaEngine()) {}
  get modelInfo(): ModelInfo | undefined {
    return this.engine.modelInfo;
  }
  get contextSize(): number {
    return this.engine.modelInfo?.contextSize ?? 0;
  }
  load(options: LoadOptions): Promise<ModelInfo> {
    return this.engine.load(options);
  }
  unload(): Promise<void> {
    return this.engine.unload();
  }
  async tokenize(text: string, options?: TokenizeOptions): Promise<TokenId[]> {
    return this.engine.tokenize(text, options);
  }
  async detokenize(tokens: readonly TokenId[], options?: { specialTokens?: boolean }): Promise<string> {
    return this.engine.detokenize(tokens, options);
  }
  async applyChatTemplate(messages: readonly ChatMessage[], options?: ChatTemplateOptions): Promise<ChatTemplateResult> {
    return this.engine.applyChatTemplate(messages, options);
  }
  generate(request: GenerateRequest): Promise<GenerateResult> {
    return this.engine.generate(request);
  }
  dispose(): Promise<void> {
    return this.engine.dispose();
  }
}
