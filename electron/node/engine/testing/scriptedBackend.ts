// A Backend without a model, for tests and the scripted engine: each character is one token (its code point),
// and a script decides what the "model" writes next from the context it is given. It keeps a KV cache
// the way the real engines do (longest common prefix with the previous call), so token accounting in
// tests means the same as with node-llama-cpp.
import type { Script } from "../../../common/testing/fakeWriter";
import { BackendError, type Backend, type ChatMessage, type GenerateRequest, type GenerateResult, type ModelInfo, type TokenId } from "../backend";

export type { Script };

export const SCRIPTED_EOS = 0;

export interface ScriptedBackendOptions {
  contextSize?: number;
  /** Paces the output like a real model (tokens per second); default: as fast as possible. */
  tokensPerSecond?: number | undefined;
  /** Called before every generate: lets a test act "while the model writes" at exact points. */
  beforeGenerate?: (context: string, call: number) => void;
  /**
   * Tokens still sent after an abort, as an engine in another process or a server does while the
   * abort is on its way (default 0: it stops at once).
   */
  tokensAfterAbort?: number;
}

export class ScriptedBackend implements Backend {
  readonly kind = "in-process";
  /** What the KV cache holds: the tokens of the last context plus what was generated after it. */
  private cache: TokenId[] = [];
  /** Every generate call: how many context tokens it decoded, and why it stopped. */
  readonly calls: { inputTokensDecoded: number; generated: number; stopReason: string; context: string; sampling: GenerateRequest["sampling"] }[] = [];
  private info: ModelInfo;

  constructor(
    private readonly script: Script,
    private readonly options: ScriptedBackendOptions = {},
  ) {
    this.info = { source: "scripted", name: "scripted", architecture: "script", contextSize: options.contextSize ?? 1_000_000, gpu: false, hasChatTemplate: true, addsBosToken: false, eosToken: SCRIPTED_EOS };
  }

  get modelInfo(): ModelInfo {
    return this.info;
  }
  get contextSize(): number {
    return this.info.contextSize;
  }
  get totalInputTokensDecoded(): number {
    return this.calls.reduce((sum, c) => sum + c.inputTokensDecoded, 0);
  }

  async load(): Promise<ModelInfo> {
    return this.info;
  }
  async unload(): Promise<void> {
    this.cache = [];
  }
  async dispose(): Promise<void> {
    this.cache = [];
  }
  async tokenize(text: string): Promise<TokenId[]> {
    return Array.from(text, (c) => c.codePointAt(0) ?? 32);
  }
  async detokenize(tokens: readonly TokenId[]): Promise<string> {
    let text = "";
    for (const t of tokens) if (t !== SCRIPTED_EOS) text += String.fromCodePoint(t);
    return text;
  }
  async applyChatTemplate(messages: readonly ChatMessage[], options: { addGenerationPrompt?: boolean } = {}): Promise<{ tokens: TokenId[]; text: string }> {
    let text = messages.map((m) => `<|${m.role}|>\n${m.content}\n`).join("");
    if (options.addGenerationPrompt !== false) text += "<|assistant|>\n";
    return { text, tokens: await this.tokenize(text) };
  }

  async generate(request: GenerateRequest): Promise<GenerateResult> {
    if (request.tokens.length === 0) throw new BackendError("bad-request", "The context is empty.");
    if (request.tokens.length >= this.contextSize) throw new BackendError("bad-request", `The context (${request.tokens.length} tokens) does not fit the window (${this.contextSize}).`);
    const context = await this.detokenize(request.tokens);
    this.options.beforeGenerate?.(context, this.calls.length);
    let common = 0;
    while (common < this.cache.length && common < request.tokens.length && this.cache[common] === request.tokens[common]) common++;
    // Like llama.cpp: the last context token is decoded again for its logits when nothing is new.
    const inputTokensDecoded = Math.max(1, request.tokens.length - common);

    const planned = this.script(context);
    const eos = planned.endsWith("\u0000");
    const body = eos ? planned.slice(0, -1) : planned;
    const out: TokenId[] = [];
    let text = "";
    let stopReason: GenerateResult["stopReason"] = eos ? "eog" : "maxTokens";
    let stopString: string | undefined;
    const maxTokens = request.maxTokens ?? this.contextSize - request.tokens.length;
    // Like the real engines, text that may be the start of a stop string is held back until it is not.
    let emitted = 0;
    const flush = (upTo: number) => {
      if (upTo > emitted) {
        const piece = Array.from(text.slice(emitted, upTo));
        request.onToken?.(piece.map((c) => c.codePointAt(0) ?? 32), piece.join(""));
        emitted = upTo;
      }
    };
    const pace = this.options.tokensPerSecond;
    const startedAt = Date.now();
    let late = 0;
    for (const char of body) {
      if (pace && out.length % 8 === 0) {
        const due = startedAt + (out.length * 1000) / pace;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      }
      if (request.signal?.aborted && late++ >= (this.options.tokensAfterAbort ?? 0)) {
        stopReason = "abort";
        break;
      }
      if (out.length >= maxTokens || request.tokens.length + out.length >= this.contextSize) {
        stopReason = "maxTokens";
        break;
      }
      text += char;
      out.push(char.codePointAt(0) ?? 32);
      const hit = request.stop?.find((s) => text.endsWith(s));
      if (hit) {
        text = text.slice(0, -hit.length);
        out.splice(out.length - Array.from(hit).length);
        stopReason = "stop";
        stopString = hit;
        break;
      }
      let safe = text.length;
      for (const s of request.stop ?? []) {
        for (let k = Math.min(s.length - 1, text.length); k > 0; k--) {
          if (text.endsWith(s.slice(0, k))) {
            safe = Math.min(safe, text.length - k);
            break;
          }
        }
      }
      flush(safe);
    }
    if (late > 0 && stopReason !== "stop") stopReason = "abort";
    if (stopReason !== "abort") flush(text.length);
    if (stopReason === "maxTokens" && out.length === Array.from(body).length && !request.signal?.aborted) stopReason = eos ? "eog" : "maxTokens";
    this.cache = [...request.tokens, ...out];
    const generatedTokens = out.length + (stopString ? Array.from(stopString).length : 0) + (stopReason === "eog" ? 1 : 0);
    this.calls.push({ inputTokensDecoded, generated: generatedTokens, stopReason, context, sampling: request.sampling });
    return { tokens: out, text, stopReason, ...(stopString ? { stopString, remainder: "" } : {}), inputTokensDecoded, generatedTokens };
  }
}
