// A backend over an OpenAI-compatible server (llama-server, vLLM and similar), for writers whose model
// runs on a bigger machine. The controller needs raw completions, not chat, so this uses
// `/v1/completions` with streaming (server-sent events).
//
// Tokens. When the server tokenizes (`POST /tokenize` and `/detokenize`: llama-server and vLLM both
// have them), token ids are the model's own and the prompt is sent as an array of ids, which
// llama-server matches against its prompt cache. Without them, the documented fallback: token ids are
// Unicode code points of the text, the prompt is sent as text, and context sizes count characters.
//
// Grammars go as `grammar` (GBNF, llama-server); other servers ignore the field.
//
// Stop strings are detected here, not by the server: a server that stops on a string does not say
// which one it was, and reports it like an end-of-generation token. When a stop string appears, the
// stream is closed, which makes llama-server and vLLM stop generating.
//
// A server is not trusted to behave: every request has deadlines (for the headers, for a whole JSON
// answer, for the first token and for silence in a stream), every answer a size cap (a JSON body, one
// stream line), and a stream that goes on past the tokens asked for is closed. A connection that
// breaks mid-stream fails the call with a BackendError after the tokens that came were streamed to
// `onToken`, so the caller keeps them.
import type { ModelInfo, TokenId } from "../../common/engine/types";
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
import { StopDetector, type Chunk } from "./stops";

/** How long a server may take, in milliseconds. */
export interface ServerDeadlines {
  /** From sending a request to the answer's headers (a completion: `firstToken`). */
  headers: number;
  /** From the headers to the end of a JSON answer. */
  body: number;
  /** From sending a completion to its first event: the server may decode the whole prompt first. */
  firstToken: number;
  /** The longest silence in a stream once it has begun. */
  idle: number;
}

export const DEFAULT_SERVER_DEADLINES: ServerDeadlines = { headers: 30_000, body: 30_000, firstToken: 300_000, idle: 60_000 };

/** The most a server may send, in bytes. */
export interface ServerLimits {
  /** A JSON answer (a model list, a tokenization of the whole context). */
  jsonBytes: number;
  /** One line of a stream (an event). */
  lineBytes: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = { jsonBytes: 16 * 1024 * 1024, lineBytes: 1024 * 1024 };

export interface OpenAIBackendOptions {
  /** The server, e.g. `http://127.0.0.1:8080` (a trailing `/v1` is accepted). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The fetch to use (tests); default: the global fetch. */
  fetch?: typeof fetch;
  deadlines?: Partial<ServerDeadlines>;
  limits?: Partial<ServerLimits>;
}

/** Tokens a server may send past `max_tokens` before the stream is closed (some count differently). */
const EXTRA_TOKENS = 64;

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);
const sizeOf = (bytes: number) => (bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${Math.round(bytes / 1024)} KiB`);

/** Why a request was aborted by this backend (not by the caller). */
class Deadline extends Error {
  constructor(readonly error: BackendError) {
    super(error.message);
  }
}
/** Context size assumed when the server does not say. */
const FALLBACK_CONTEXT_SIZE = 4096;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isTokenArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isInteger(v) && v >= 0);
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  switch (cause?.code) {
    case "ECONNREFUSED":
      return "connection refused (is the server running?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ECONNRESET":
      return "the connection was reset";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "the connection timed out";
    default:
      return cause?.message ?? (error instanceof Error ? error.message : String(error));
  }
}

/** The error message a server put in an error response, if it has one. */
function serverMessage(body: string): string {
  try {
    const data = JSON.parse(body) as unknown;
    if (isObject(data)) {
      const error = data.error;
      if (isObject(error) && typeof error.message === "string") return error.message;
      if (typeof error === "string") return error;
      if (typeof data.message === "string") return data.message;
      if (typeof data.detail === "string") return data.detail;
    }
  } catch {
    // Not JSON: the text itself is the message.
  }
  return body.trim().slice(0, 300);
}

const codePoints = (text: string): TokenId[] => Array.from(text, (c) => c.codePointAt(0) ?? 0);
const fromCodePoints = (tokens: readonly TokenId[]): string => tokens.map((t) => String.fromCodePoint(t)).join("");

/** ChatML, the format of Qwen and IS-Writer, for servers that cannot apply their own template. */
function chatML(messages: readonly ChatMessage[], addGenerationPrompt: boolean): string {
  let text = "";
  messages.forEach((m, i) => {
    const open = i === messages.length - 1 && m.role === "assistant";
    text += `<|im_start|>${m.role}\n${m.content}${open ? "" : "<|im_end|>\n"}`;
  });
  if (addGenerationPrompt && messages.at(-1)?.role !== "assistant") text += "<|im_start|>assistant\n";
  return text;
}

export class OpenAICompatibleBackend implements Backend {
  readonly kind = "openai-compatible";
  private readonly root: string;
  private readonly fetchImpl: typeof fetch;
  private readonly deadlines: ServerDeadlines;
  private readonly limits: ServerLimits;
  /** Aborted by dispose(): ends every request in flight. */
  private readonly closed = new AbortController();
  private info?: ModelInfo;
  private model = "";
  private serverTokenizer = false;
  private serverTemplate = false;
  /** The model's vocabulary holds `<think>` and `</think>` as tokens: a model that thinks unless told not to. */
  private thinker = false;

  constructor(private readonly options: OpenAIBackendOptions) {
    this.root = options.baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");
    this.fetchImpl = options.fetch ?? fetch;
    this.deadlines = { ...DEFAULT_SERVER_DEADLINES, ...options.deadlines };
    this.limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits };
  }

  private get server(): string {
    return `The inference server at ${this.root}`;
  }

  get modelInfo(): ModelInfo | undefined {
    return this.info;
  }

  get contextSize(): number {
    return this.info?.contextSize ?? 0;
  }

  /** True when token ids are the model's own (the server tokenizes); false: code points. */
  get usesServerTokenizer(): boolean {
    return this.serverTokenizer;
  }

  /**
   * Sends a request and waits for the answer's headers, at most `headersMs`. The answer's body is
   * read under `signal`; the caller ends it (and its timers) with `done()`.
   */
  private async request(
    path: string,
    init: { method?: string; body?: unknown; signal?: AbortSignal; headersMs?: number } = {},
  ): Promise<{ response: Response; signal: AbortSignal; expire: (ms: number, error: () => BackendError) => void; done: () => void }> {
    if (this.closed.signal.aborted) throw new BackendError("disposed", "The server backend was disposed.");
    const headers: Record<string, string> = { accept: "application/json, text/event-stream" };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    // One controller for the whole exchange: the caller's signal, dispose(), and this backend's deadlines.
    const exchange = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expire = (ms: number, error: () => BackendError) => {
      clearTimeout(timer);
      timer = setTimeout(() => exchange.abort(new Deadline(error())), ms);
    };
    const forward = (from: AbortSignal) => () => exchange.abort(from.reason);
    const sources = [init.signal, this.closed.signal].filter((x): x is AbortSignal => x !== undefined);
    const listeners = sources.map((source) => {
      const listener = forward(source);
      if (source.aborted) listener();
      else source.addEventListener("abort", listener, { once: true });
      return { source, listener };
    });
    const done = () => {
      clearTimeout(timer);
      for (const { source, listener } of listeners) source.removeEventListener("abort", listener);
      // Closes the connection if anything is left of it (a stream ended at a stop string stops the server).
      exchange.abort();
    };
    const headersMs = init.headersMs ?? this.deadlines.headers;
    expire(headersMs, () => new BackendError("timeout", `${this.server} did not answer ${path} within ${seconds(headersMs)}.`));
    let response: Response;
    try {
      response = await this.fetchImpl(this.root + path, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: exchange.signal,
      });
    } catch (error) {
      const failure = this.failure(exchange.signal, init.signal, () => new BackendError("connection", `Cannot reach the inference server at ${this.root}: ${describeFetchError(error)}.`), error);
      done();
      throw failure;
    }
    if (!response.ok) {
      let body = "";
      try {
        expire(this.deadlines.body, () => new BackendError("timeout", `${this.server} did not finish its error answer to ${path}.`));
        body = (await readCapped(response, 64 * 1024)).text;
      } catch {
        // The status says enough.
      } finally {
        done();
      }
      const message = serverMessage(body);
      throw new BackendError("http", `The inference server answered ${response.status} ${response.statusText} to ${path}${message ? `: ${message}` : "."}`);
    }
    return { response, signal: exchange.signal, expire, done };
  }

  /**
   * The error for a request that failed: this backend's deadline, dispose(), the caller's abort (the
   * caller's own reason is thrown), or `otherwise`.
   */
  private failure(signal: AbortSignal, callerSignal: AbortSignal | undefined, otherwise: () => BackendError, error: unknown): unknown {
    if (signal.aborted && signal.reason instanceof Deadline) return signal.reason.error;
    if (this.closed.signal.aborted) return new BackendError("disposed", "The server backend was disposed.");
    if (callerSignal?.aborted) return error;
    return otherwise();
  }

  private async json(path: string, init?: { body?: unknown }): Promise<Json> {
    const { response, signal, expire, done } = await this.request(path, init);
    let text: string;
    try {
      expire(this.deadlines.body, () => new BackendError("timeout", `${this.server} did not finish its answer to ${path} within ${seconds(this.deadlines.body)}.`));
      const body = await readCapped(response, this.limits.jsonBytes).catch((error: unknown) => {
        throw this.failure(signal, undefined, () => new BackendError("connection", `${this.server} broke off its answer to ${path}: ${describeFetchError(error)}.`), error);
      });
      if (body.overflow) {
        throw new BackendError("too-large", `${this.server} sent more than ${sizeOf(this.limits.jsonBytes)} in answer to ${path}; the answer was dropped.`);
      }
      text = body.text;
    } finally {
      done();
    }
    try {
      const data = JSON.parse(text) as unknown;
      if (isObject(data)) return data;
    } catch {
      // Reported below.
    }
    throw new BackendError("protocol", `The inference server answered ${path} with something that is not a JSON object: ${text.slice(0, 200)}`);
  }

  /** Like json(), but undefined when the server does not have the endpoint. */
  private async optionalJson(path: string, init?: { body?: unknown }): Promise<Json | undefined> {
    try {
      return await this.json(path, init);
    } catch (error) {
      if (error instanceof BackendError && (error.code === "http" || error.code === "protocol")) return undefined;
      throw error;
    }
  }

  async load(options: LoadOptions): Promise<ModelInfo> {
    this.info = undefined;
    const models = await this.json("/v1/models");
    const list = Array.isArray(models.data) ? models.data.filter(isObject) : [];
    const entry = options.model ? list.find((m) => m.id === options.model) : list[0];
    if (options.model && !entry && list.length > 0) {
      throw new BackendError("bad-model", `The server has no model '${options.model}' (it has: ${list.map((m) => String(m.id)).join(", ")}).`);
    }
    this.model = options.model || (typeof entry?.id === "string" ? entry.id : "");
    const props = await this.optionalJson("/props");
    const settings = isObject(props?.default_generation_settings) ? props.default_generation_settings : undefined;
    const meta = isObject(entry?.meta) ? entry.meta : undefined;
    const serverContext = [settings?.n_ctx, entry?.max_model_len, meta?.n_ctx_train].find((v): v is number => typeof v === "number" && v > 0);
    const probe = await this.optionalJson("/tokenize", { body: this.tokenizeBody("a", false) });
    this.serverTokenizer = isTokenArray(probe?.tokens);
    this.serverTemplate = (await this.optionalJson("/apply-template", { body: { messages: [{ role: "user", content: "a" }] } }))?.prompt !== undefined;
    this.thinker = this.serverTokenizer && (await this.isOneToken("<think>")) && (await this.isOneToken("</think>"));
    this.info = {
      source: this.model || this.root,
      name: this.model || "server model",
      architecture: "unknown",
      contextSize: typeof options.contextSize === "number" ? options.contextSize : (serverContext ?? FALLBACK_CONTEXT_SIZE),
      trainContextSize: typeof meta?.n_ctx_train === "number" ? meta.n_ctx_train : undefined,
      parameters: typeof meta?.n_params === "number" ? meta.n_params : undefined,
      vocabularySize: typeof meta?.n_vocab === "number" ? meta.n_vocab : undefined,
      gpu: false,
      hasChatTemplate: typeof props?.chat_template === "string" && props.chat_template !== "",
      ...(this.thinker ? { thinkingOff: true } : {}),
      addsBosToken: false,
    };
    return this.info;
  }

  /** True when the server's tokenizer holds `text` as one token. */
  private async isOneToken(text: string): Promise<boolean> {
    const data = await this.optionalJson("/tokenize", { body: this.tokenizeBody(text, true) });
    return isTokenArray(data?.tokens) && data.tokens.length === 1;
  }

  async unload(): Promise<void> {
    this.info = undefined;
  }

  private tokenizeBody(text: string, specialTokens: boolean): Json {
    // llama-server reads `content`, vLLM reads `prompt` (and `model`).
    return { content: text, prompt: text, model: this.model || undefined, add_special: false, add_special_tokens: false, parse_special: specialTokens };
  }

  private requireLoaded(): ModelInfo {
    if (!this.info) throw new BackendError("not-loaded", "No server model is loaded: call load() first.");
    return this.info;
  }

  async tokenize(text: string, options: TokenizeOptions = {}): Promise<TokenId[]> {
    this.requireLoaded();
    if (!this.serverTokenizer) return codePoints(text);
    const data = await this.json("/tokenize", { body: this.tokenizeBody(text, options.specialTokens ?? false) });
    if (!isTokenArray(data.tokens)) throw new BackendError("protocol", "The inference server's /tokenize answer has no token array.");
    return data.tokens;
  }

  async detokenize(tokens: readonly TokenId[]): Promise<string> {
    this.requireLoaded();
    if (!this.serverTokenizer) return fromCodePoints(tokens);
    const data = await this.json("/detokenize", { body: { tokens: [...tokens], model: this.model || undefined } });
    const text = typeof data.content === "string" ? data.content : data.prompt;
    if (typeof text !== "string") throw new BackendError("protocol", "The inference server's /detokenize answer has no text.");
    return text;
  }

  async applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions = {}): Promise<ChatTemplateResult> {
    this.requireLoaded();
    const addGenerationPrompt = options.addGenerationPrompt ?? true;
    let text: string | undefined;
    const opensAnswer = addGenerationPrompt && messages.at(-1)?.role !== "assistant";
    if (this.serverTemplate && opensAnswer) {
      // Thinking off, as Qwen3's template reads it (llama-server with --jinja, vLLM).
      const data = await this.json("/apply-template", { body: { messages, chat_template_kwargs: { enable_thinking: false } } });
      if (typeof data.prompt === "string") text = data.prompt;
    }
    text ??= chatML(messages, addGenerationPrompt);
    // A model that thinks unless told not to, whose template did not close its think block (a server
    // without Jinja templates, or ChatML here): the answer opens after an empty one, as Qwen3's own
    // template does with enable_thinking false.
    if (this.thinker && opensAnswer && !/<\/think>\s*$/.test(text)) text += "<think>\n\n</think>\n\n";
    return { text, tokens: await this.tokenize(text, { specialTokens: true }) };
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    const info = this.requireLoaded();
    if (request.tokens.length === 0) throw new BackendError("bad-request", "generate needs a context of at least one token.");
    if (request.signal?.aborted) return { tokens: [], text: "", stopReason: "abort", inputTokensDecoded: 0, generatedTokens: 0 };
    const sampling = request.sampling ?? {};
    const body: Json = {
      model: this.model || undefined,
      prompt: this.serverTokenizer ? [...request.tokens] : fromCodePoints(request.tokens),
      max_tokens: request.maxTokens ?? Math.max(1, info.contextSize - request.tokens.length),
      stream: true,
      stream_options: { include_usage: true },
      temperature: sampling.temperature ?? 0,
      top_p: sampling.topP,
      min_p: sampling.minP,
      top_k: sampling.topK,
      // llama-server's name, and vLLM's.
      repeat_penalty: sampling.repeatPenalty,
      repetition_penalty: sampling.repeatPenalty,
      // The OpenAI names, which llama-server and vLLM both read.
      presence_penalty: sampling.presencePenalty,
      frequency_penalty: sampling.frequencyPenalty,
      seed: sampling.seed,
      grammar: request.grammar,
      // llama-server: keep the prompt in its cache, and send the sampled token ids with the text.
      cache_prompt: true,
      return_tokens: true,
    };
    const maxTokens = typeof body.max_tokens === "number" ? body.max_tokens : info.contextSize;
    const exchange = await this.request("/v1/completions", { body, signal: request.signal, headersMs: this.deadlines.firstToken }).catch((error: unknown) => {
      if (request.signal?.aborted && !(error instanceof BackendError)) return undefined;
      throw error;
    });
    if (!exchange) return { tokens: [], text: "", stopReason: "abort", inputTokensDecoded: 0, generatedTokens: 0 };
    try {
      return await this.readStream(exchange, request, maxTokens);
    } finally {
      exchange.done();
    }
  }

  private async readStream(
    exchange: Awaited<ReturnType<OpenAICompatibleBackend["request"]>>,
    request: GenerateRequest,
    maxTokens: number,
  ): Promise<GenerateResult> {
    const { response, signal, expire } = exchange;
    if (!response.body) throw new BackendError("protocol", "The inference server sent an empty response to /v1/completions.");
    const detector = new StopDetector(request.stop ?? []);
    const released: Chunk[] = [];
    let exactTokens = true;
    let finish: string | undefined;
    let done = false;
    let events = 0;
    let usage: Json | undefined;
    let timings: Json | undefined;
    let hit: ReturnType<StopDetector["push"]>["hit"];
    const release = (chunks: Chunk[]) => {
      for (const c of chunks) {
        released.push(c);
        if (c.text !== "" || c.tokens.length > 0) request.onToken?.(c.tokens, c.text);
      }
    };
    const onEvent = (data: string) => {
      if (data === "[DONE]") {
        done = true;
        return;
      }
      let event: unknown;
      try {
        event = JSON.parse(data);
      } catch {
        throw new BackendError("protocol", `The inference server sent a malformed stream event: ${data.slice(0, 200)}`);
      }
      if (!isObject(event)) throw new BackendError("protocol", `The inference server sent a malformed stream event: ${data.slice(0, 200)}`);
      if (isObject(event.error)) throw new BackendError("http", `The inference server failed while generating: ${String(event.error.message ?? "unknown error")}`);
      if (isObject(event.usage)) usage = event.usage;
      if (isObject(event.timings)) timings = event.timings;
      const choices = Array.isArray(event.choices) ? event.choices : undefined;
      if (!choices) {
        if (event.usage === undefined && event.timings === undefined) {
          throw new BackendError("protocol", `The inference server sent a stream event without choices: ${data.slice(0, 200)}`);
        }
        return;
      }
      const choice = choices[0];
      if (choice === undefined) return;
      if (!isObject(choice) || (choice.text !== undefined && typeof choice.text !== "string")) {
        throw new BackendError("protocol", `The inference server sent a malformed choice: ${data.slice(0, 200)}`);
      }
      events++;
      const ids = isTokenArray(choice.tokens) ? choice.tokens : isTokenArray(event.tokens) ? event.tokens : undefined;
      const text = typeof choice.text === "string" ? choice.text : "";
      if (!ids && text !== "") exactTokens = false;
      if (text !== "" || (ids && ids.length > 0)) {
        const pushed = detector.push({ tokens: this.serverTokenizer ? (ids ?? []) : codePoints(text), text });
        release(pushed.release);
        if (pushed.hit) hit = pushed.hit;
      }
      if (typeof choice.finish_reason === "string") finish = choice.finish_reason;
    };

    const kept = () => `after ${events} tokens (they are kept)`;
    // Until the first event the server may still be decoding the prompt; then it must keep talking.
    const waitFirst = () => expire(this.deadlines.firstToken, () => new BackendError("timeout", `${this.server} sent no token within ${seconds(this.deadlines.firstToken)}.`));
    const waitNext = () => expire(this.deadlines.idle, () => new BackendError("timeout", `${this.server} went silent for ${seconds(this.deadlines.idle)} in the middle of the generation, ${kept()}.`));
    waitFirst();
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let tooMany = false;
    try {
      while (!hit && !done) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (error) {
          if (request.signal?.aborted && !(signal.reason instanceof Deadline)) break;
          throw this.failure(
            signal,
            undefined,
            () => new BackendError("connection", `${this.server} closed the connection in the middle of the generation (${describeFetchError(error)}), ${kept()}.`),
            error,
          );
        }
        if (next.done) break;
        buffer += decoder.decode(next.value, { stream: true });
        let newline: number;
        while (!hit && !done && (newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, "");
          buffer = buffer.slice(newline + 1);
          if (line.startsWith("data:")) onEvent(line.slice(5).trim());
        }
        if (buffer.length > this.limits.lineBytes) {
          throw new BackendError("too-large", `${this.server} sent a stream line longer than ${sizeOf(this.limits.lineBytes)}; the generation was ended ${kept()}.`);
        }
        if (events > maxTokens + EXTRA_TOKENS) {
          // A server that streams on past what was asked for: what came is enough.
          tooMany = true;
          break;
        }
        if (events > 0) waitNext();
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }

    const aborted = !hit && request.signal?.aborted === true;
    if (!hit && !aborted && !done && !tooMany && finish === undefined) {
      throw new BackendError("connection", `${this.server} ended the stream before the generation finished, ${kept()}.`);
    }
    if (!hit) release(detector.flush());
    let text = released.map((c) => c.text).join("");
    let tokens = released.flatMap((c) => c.tokens);
    if (hit && hit.before !== "") {
      text += hit.before;
      exactTokens = false;
    }
    if (this.serverTokenizer && !exactTokens) tokens = await this.tokenize(text);
    if (!this.serverTokenizer) tokens = codePoints(text);
    const number = (v: unknown) => (typeof v === "number" && v >= 0 ? Math.round(v) : undefined);
    const result: GenerateResult = {
      tokens,
      text,
      stopReason: hit ? "stop" : aborted ? "abort" : finish === "length" || tooMany ? "maxTokens" : "eog",
      inputTokensDecoded: number(timings?.prompt_n) ?? number(usage?.prompt_tokens) ?? request.tokens.length,
      generatedTokens: number(timings?.predicted_n) ?? number(usage?.completion_tokens) ?? events,
    };
    if (hit) {
      result.stopString = hit.stop;
      result.remainder = hit.remainder;
    }
    return result;
  }

  async dispose(): Promise<void> {
    this.info = undefined;
    this.closed.abort();
  }
}

/** Reads a body up to `max` bytes; past that it stops reading and says so (`overflow`). */
async function readCapped(response: Response, max: number): Promise<{ text: string; overflow: boolean }> {
  if (!response.body) return { text: "", overflow: false };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > max) return { text: "", overflow: true };
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return { text: Buffer.concat(chunks).toString("utf8"), overflow: false };
}
