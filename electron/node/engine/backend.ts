// The one interface every inference backend implements: the embedded engine (node-llama-cpp in its
// own process, the default), the in-process engine (tools and tests) and OpenAI-compatible servers.
// The Plan-Write-Reflect controller keeps its context as a token array and passes the whole array to
// every `generate`; the backend reuses what its KV cache already holds and decodes only the rest.
import type { SpeculativeStats } from "../../common/engine/draft";
import type { ChatMessage, GpuType, KvCacheType, ModelInfo, SamplingSettings, StopReason, TokenId } from "../../common/engine/types";

export type { ChatMessage, KvCacheType, ModelInfo, SamplingSettings, StopReason, TokenId };

export interface LoadOptions {
  /** Embedded and in-process: the GGUF file. OpenAI-compatible: the model name ("" = the server's). */
  model: string;
  /**
   * Context window in tokens: a number is that many (refused when it does not fit in memory); "auto"
   * as many as fit, up to the trained length; `{ max }` as many as fit up to `max` (at least 2,048, or
   * `max` when smaller). Default: `{ max: 8192 }`, less where the model was trained for less.
   */
  contextSize?: number | "auto" | { max: number };
  /** How the KV cache is stored (embedded backend; default f16). A quantized cache turns flash attention on. */
  kvCacheType?: KvCacheType;
  /** Flash attention (embedded backend): on, off, or llama.cpp's choice (left out). */
  flashAttention?: boolean;
  /** Layers to put on the GPU: "auto" (as many as fit), "max", or a number. */
  gpuLayers?: "auto" | "max" | number;
  /** GPU backend: "auto" detects CUDA, Vulkan or Metal and falls back to the CPU; false forces the CPU. */
  gpu?: "auto" | GpuType;
  /** CPU threads for inference (default: llama.cpp's choice). */
  threads?: number;
  /**
   * Embedded and in-process: a small GGUF of the same vocabulary that drafts tokens for the model
   * (speculative decoding). The text is the model's own; it is written faster when the draft guesses
   * well. Refused at load (bad-model, with the reason) when its vocabulary differs.
   */
  draftModel?: string;
  /** Most tokens drafted at a time (default 12); fewer are drafted while few are accepted. */
  draftTokens?: number;
  /**
   * A draft stops at a token the draft model gives less than this probability (default 0.6; 0 drafts
   * whatever it is unsure of: only for the tiny test models, whose random weights are never sure).
   */
  draftMinConfidence?: number;
}

export interface TokenizeOptions {
  /** Parse special tokens such as `<|im_start|>` from the text (default false: they stay plain text). */
  specialTokens?: boolean;
}

export interface ChatTemplateOptions {
  /**
   * End with the opening of the assistant's turn (default true). When the last message is from the
   * assistant, its text is left open instead, so the model continues it.
   */
  addGenerationPrompt?: boolean;
}

export interface ChatTemplateResult {
  tokens: TokenId[];
  /** The same prompt as text, special tokens written out. */
  text: string;
}

export interface GenerateRequest {
  /**
   * The whole context: prompt, then everything generated and forced so far. Do not include the BOS
   * token when `modelInfo.addsBosToken` is true: the backend puts it in front itself.
   */
  tokens: readonly TokenId[];
  /** Most tokens to generate (default: until the context is full). */
  maxTokens?: number;
  /** Generation ends when the text contains one of these; the string itself is not in `text`. */
  stop?: readonly string[];
  /** A GBNF grammar the output must follow. */
  grammar?: string;
  sampling?: SamplingSettings;
  /** Aborting ends the generation; the call then resolves with what was generated, stopReason "abort". */
  signal?: AbortSignal;
  /** Streaming: newly generated tokens and their text, in order. Several tokens may come at once. */
  onToken?: (tokens: TokenId[], text: string) => void;
}

export interface GenerateResult {
  /** The generated tokens, without a stop string's tokens or the end-of-generation token. */
  tokens: TokenId[];
  text: string;
  stopReason: StopReason;
  /** With stopReason "stop": the stop string that ended the generation. */
  stopString?: string;
  /** With stopReason "stop": the text after the stop string in the token that completed it. */
  remainder?: string;
  /**
   * Context tokens decoded for this call: those not already in the KV cache. At least 1 when
   * something was generated, since the last context token is decoded again for its logits.
   */
  inputTokensDecoded: number;
  /** Tokens sampled, including those of a stop string and the end-of-generation token. */
  generatedTokens: number;
  /** With a draft model: the draft tokens checked and accepted during this call. */
  speculative?: SpeculativeStats;
}

export interface Backend {
  readonly kind: "embedded" | "in-process" | "openai-compatible";
  /** Loads a model (unloading the current one). */
  load(options: LoadOptions): Promise<ModelInfo>;
  unload(): Promise<void>;
  /** The loaded model, or undefined. */
  readonly modelInfo: ModelInfo | undefined;
  /** The context window of the loaded model, in tokens (0 when none is loaded). */
  readonly contextSize: number;
  tokenize(text: string, options?: TokenizeOptions): Promise<TokenId[]>;
  /** Text of tokens; special tokens are written out (`<|im_end|>`) unless `specialTokens` is false. */
  detokenize(tokens: readonly TokenId[], options?: { specialTokens?: boolean }): Promise<string>;
  /** The prompt for a chat, in the model's own chat format. */
  applyChatTemplate(messages: readonly ChatMessage[], options?: ChatTemplateOptions): Promise<ChatTemplateResult>;
  generate(request: GenerateRequest): Promise<GenerateResult>;
  /** Frees everything (stops the engine process); the backend cannot be used afterwards. */
  dispose(): Promise<void>;
}

export const backendErrorCodes = [
  /** The engine process died (native crash, killed); it restarts on the next request. */
  "crashed",
  /** No model is loaded. */
  "not-loaded",
  /** The model file was refused (not a GGUF, truncated, missing metadata) or failed to load. */
  "bad-model",
  /** The request is wrong (empty context, context too long, bad grammar). */
  "bad-request",
  /** The server cannot be reached, or the connection broke. */
  "connection",
  /** The engine or server did not answer in time (the engine was then restarted). */
  "timeout",
  /** The server sent more than the app accepts (an endless body, a line without end). */
  "too-large",
  /** The server answered with an HTTP error. */
  "http",
  /** The server or engine answered something that does not follow the protocol. */
  "protocol",
  /** The backend was disposed. */
  "disposed",
  /** Anything else that went wrong inside the engine. */
  "failed",
] as const;
export type BackendErrorCode = (typeof backendErrorCodes)[number];

/** An error of a backend; `code` says what kind of failure it is, the message says it for people. */
export class BackendError extends Error {
  override name = "BackendError";
  constructor(
    readonly code: BackendErrorCode,
    message: string,
  ) {
    super(message);
  }
}
