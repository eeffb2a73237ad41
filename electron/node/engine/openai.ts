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

export interface OpenAIBackendOptions {
  /** The server, e.g. `http://127.0.0.1:8080` (a trailing `/v1` is accepted). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** The fetch to use (tests); default: the global fetch. */
  fetch?: typeof fetch;
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
  private info?: ModelInfo;
  private model = "";
  private serverTokenizer = false;
  private serverTemplate = false;

  constructor(private readonly options: OpenAIBackendOptions) {
    this.root = options.baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");
    this.fetchImpl = options.fetch ?? fetch;
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

  private async request(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json, text/event-stream" };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    let response: Response;
    try {
      response = await this.fetchImpl(this.root + path, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: init.signal,
      });
    } catch (error) {
      if (init.signal?.aborted) throw error;
      throw new BackendError("connection", `Cannot reach the inference server at ${this.root}: ${describeFetchError(error)}.`);
    }
    if (!response.ok) {
      const body = await response.text().catch(() => "");
      const message = serverMessage(body);
      throw new BackendError("http", `The inference server answered ${response.status} ${response.statusText} to ${path}${message ? `: ${message}` : "."}`);
    }
    return response;
  }

  private async json(path: string, init?: { body?: unknown }): Promise<Json> {
    const response = await this.request(path, init);
    const text = await response.text();
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
      addsBosToken: false,
    };
    return this.info;
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
    if (this.serverTemplate && addGenerationPrompt && messages.at(-1)?.role !== "assistant") {
      const data = await this.json("/apply-template", { body: { messages } });
      if (typeof data.prompt === "string") text = data.prompt;
    }
    text ??= chatML(messages, addGenerationPrompt);
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
      seed: sampling.seed,
      grammar: request.grammar,
      // llama-server: keep the prompt in its cache, and send the sampled token ids with the text.
      cache_prompt: true,
      return_tokens: true,
    };
    const connection = new AbortController();
    const onAbort = () => connection.abort();
    request.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const response = await this.request("/v1/completions", { body, signal: connection.signal });
      return await this.readStream(response, request);
    } catch (error) {
      if (request.signal?.aborted && !(error instanceof BackendError)) {
        return { tokens: [], text: "", stopReason: "abort", inputTokensDecoded: 0, generatedTokens: 0 };
      }
      throw error;
    } finally {
      request.signal?.removeEventListener("abort", onAbort);
      connection.abort();
    }
  }

  private async readStream(response: Response, request: GenerateRequest): Promise<GenerateResult> {
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

    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      while (!hit && !done) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (error) {
          if (request.signal?.aborted) break;
          throw new BackendError(
            "connection",
            `The inference server closed the connection in the middle of the generation (${describeFetchError(error)}), after ${events} tokens.`,
          );
        }
        if (next.done) break;
        buffer += next.value;
        let newline: number;
        while (!hit && !done && (newline = buffer.indexOf("\n")) >= 0) {
          const line = buffer.slice(0, newline).replace(/\r$/, "");
          buffer = buffer.slice(newline + 1);
          if (line.startsWith("data:")) onEvent(line.slice(5).trim());
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }

    const aborted = !hit && request.signal?.aborted === true;
    if (!hit && !aborted && !done && finish === undefined) {
      throw new BackendError("connection", `The inference server ended the stream before the generation finished, after ${events} tokens.`);
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
      stopReason: hit ? "stop" : aborted ? "abort" : finish === "length" ? "maxTokens" : "eog",
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
  }
}
