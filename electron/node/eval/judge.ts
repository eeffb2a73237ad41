// The judge of LongBench-Write's quality score: a model that reads the benchmark's judge prompt with a
// response in it and answers six scores as JSON. Two kinds: an OpenAI-compatible server
// (/v1/chat/completions: llama-server, vLLM, a hosted endpoint), and the model Draftline has loaded
// (a local judge, comparable only with itself). Both ask again, a bounded number of times, when the
// answer cannot be read or the request fails in a way that may pass; what still fails is returned
// with its reason and counted by the caller, never dropped.
import { parseJudgeAnswer, type DimensionScores } from "../../common/metrics/quality";
import { BackendError } from "../engine/backend";
import type { LoadedModel } from "../models/service";
import { PromptBuilder } from "../generation/turns";
import { fillJudgePrompt } from "./judgePrompt";

/** What judging one response came to. */
export interface JudgeOutcome {
  /** The six scores; null when no readable answer came (see `error`). */
  scores: DimensionScores | null;
  /** The judge's own words on the response, when it gave them. */
  analysis: string | null;
  /** Requests made (answers read and requests failed together). */
  attempts: number;
  /** Answers that could not be read as the six scores. */
  malformed: number;
  /** Requests that failed (connection, time limit, server error, an answer over the size limit). */
  failedRequests: number;
  /** Why there are no scores; null when there are. */
  error: string | null;
}

export interface Judge {
  /** How summaries name the judge: its server and model, or "local: <model>". */
  readonly description: string;
  /** A caveat that goes with its scores (a local judge is comparable only with itself); null for none. */
  readonly note: string | null;
  judge(instruction: string, response: string, signal?: AbortSignal): Promise<JudgeOutcome>;
}

/** A request to the judge failed; `retry` says whether asking again may help. */
export class JudgeRequestError extends Error {
  override name = "JudgeRequestError";
  constructor(
    message: string,
    readonly retry: boolean,
    options?: { cause: unknown },
  ) {
    super(message, options);
  }
}

export interface RetryPolicy {
  /** Answers read before giving up on an item whose answers are all malformed (official: 5). */
  maxAnswers?: number;
  /** Failed requests before giving up on an item (default 3). */
  maxFailedRequests?: number;
  /** Wait before asking again after a failed request, doubled each time (default 1000 ms). */
  retryDelayMs?: number;
}

const DEFAULTS = { maxAnswers: 5, maxFailedRequests: 3, retryDelayMs: 1000 } as const;

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

const snippet = (text: string) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 160 ? `${flat.slice(0, 160)}…` : flat;
};

/**
 * Asks until an answer can be read: up to `maxAnswers` answers and `maxFailedRequests` failed
 * requests, whichever comes first; a request that cannot pass on a second try (the prompt is too long
 * for the judge, the key is refused) ends it at once.
 */
export async function judgeWithRetries(ask: (prompt: string, signal?: AbortSignal) => Promise<string>, prompt: string, policy: RetryPolicy = {}, signal?: AbortSignal): Promise<JudgeOutcome> {
  const { maxAnswers, maxFailedRequests, retryDelayMs } = { ...DEFAULTS, ...policy };
  const outcome: JudgeOutcome = { scores: null, analysis: null, attempts: 0, malformed: 0, failedRequests: 0, error: null };
  for (;;) {
    if (signal?.aborted) return { ...outcome, error: "stopped before the judge answered" };
    outcome.attempts++;
    let answer: string;
    try {
      answer = await ask(prompt, signal);
    } catch (error) {
      if (signal?.aborted) return { ...outcome, error: "stopped before the judge answered" };
      outcome.failedRequests++;
      const message = error instanceof Error ? error.message : String(error);
      const retry = error instanceof JudgeRequestError ? error.retry : false;
      if (!retry) return { ...outcome, error: message };
      if (outcome.failedRequests >= maxFailedRequests) return { ...outcome, error: `${outcome.failedRequests} requests failed; the last: ${message}` };
      await sleep(retryDelayMs * 2 ** (outcome.failedRequests - 1), signal);
      continue;
    }
    const parsed = parseJudgeAnswer(answer);
    if (parsed.ok) return { ...outcome, scores: parsed.scores, analysis: parsed.analysis };
    outcome.malformed++;
    if (outcome.malformed >= maxAnswers) return { ...outcome, error: `${outcome.malformed} answers could not be read as six scores; the last had ${parsed.reason}: "${snippet(answer)}"` };
  }
}

// ---- a judge on a server ---------------------------------------------------------------------

export interface HttpJudgeOptions extends RetryPolicy {
  /** The server, e.g. http://127.0.0.1:8081 (a trailing /v1 is accepted). */
  baseUrl: string;
  /** The judge model's name; left out, the server's own (llama-server serves one). */
  model?: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Deadline of one request, answer included (default 600 s, the official script's). */
  timeoutMs?: number;
  /** Largest answer body taken (default 1 MiB); a longer one is cut off and the request fails. */
  maxAnswerBytes?: number;
  /** Sampling of the judge: the official script's temperature 0.5 and 1,024 new tokens. */
  temperature?: number;
  maxTokens?: number;
  fetch?: typeof fetch;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === "ECONNREFUSED") return "connection refused (is the judge server running?)";
  if (cause?.code === "ENOTFOUND" || cause?.code === "EAI_AGAIN") return "host not found";
  if (cause?.code === "ECONNRESET" || cause?.code === "UND_ERR_SOCKET") return "the connection was reset";
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** Reads a response body up to `limit` bytes; more than that fails the request. */
async function readCapped(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw new JudgeRequestError(`the judge's answer is longer than ${limit} bytes: cut off`, true);
      chunks.push(value);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function serverMessage(body: string): string {
  try {
    const data = JSON.parse(body) as unknown;
    if (isObject(data)) {
      if (isObject(data.error) && typeof data.error.message === "string") return data.error.message;
      if (typeof data.error === "string") return data.error;
      if (typeof data.message === "string") return data.message;
    }
  } catch {
    // Not JSON: the text is the message.
  }
  return snippet(body);
}

export class HttpJudge implements Judge {
  readonly note = null;
  private readonly root: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxAnswerBytes: number;

  constructor(private readonly options: HttpJudgeOptions) {
    this.root = options.baseUrl.replace(/\/+$/, "").replace(/\/v1$/, "");
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 600_000;
    this.maxAnswerBytes = options.maxAnswerBytes ?? 1024 * 1024;
  }

  get description(): string {
    return `${this.root}${this.options.model ? ` (${this.options.model})` : ""}`;
  }

  private async call(path: string, init: { body?: unknown; signal?: AbortSignal; timeoutMs: number }): Promise<{ status: number; statusText: string; text: string }> {
    const deadline = AbortSignal.timeout(init.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const headers: Record<string, string> = { accept: "application/json" };
    if (init.body !== undefined) headers["content-type"] = "application/json";
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    try {
      const response = await this.fetchImpl(this.root + path, {
        method: init.body === undefined ? "GET" : "POST",
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
        signal,
      });
      const text = await readCapped(response, this.maxAnswerBytes);
      return { status: response.status, statusText: response.statusText, text };
    } catch (error) {
      if (error instanceof JudgeRequestError) throw error;
      if (deadline.aborted) throw new JudgeRequestError(`the judge did not answer ${path} within ${Number((init.timeoutMs / 1000).toFixed(1))} s`, true, { cause: error });
      if (init.signal?.aborted) throw error;
      throw new JudgeRequestError(`cannot reach the judge at ${this.root}: ${describeFetchError(error)}`, true, { cause: error });
    }
  }

  /** One request: the answer's text, or a JudgeRequestError that says whether to try again. */
  async ask(prompt: string, signal?: AbortSignal): Promise<string> {
    const body = {
      ...(this.options.model ? { model: this.options.model } : {}),
      messages: [{ role: "user", content: prompt }],
      temperature: this.options.temperature ?? 0.5,
      max_tokens: this.options.maxTokens ?? 1024,
      stream: false,
    };
    const response = await this.call("/v1/chat/completions", { body, timeoutMs: this.timeoutMs, ...(signal ? { signal } : {}) });
    if (response.status !== 200) {
      // Busy, rate-limited or failing servers may answer next time; a refused request will not.
      const retry = response.status === 408 || response.status === 429 || response.status >= 500;
      throw new JudgeRequestError(`the judge answered ${response.status} ${response.statusText}: ${serverMessage(response.text)}`, retry);
    }
    let data: unknown;
    try {
      data = JSON.parse(response.text);
    } catch {
      throw new JudgeRequestError(`the judge's answer is not JSON: "${snippet(response.text)}"`, true);
    }
    const choice = isObject(data) && Array.isArray(data.choices) ? (data.choices[0] as unknown) : undefined;
    const message = isObject(choice) ? choice.message : undefined;
    const content = isObject(message) ? message.content : undefined;
    if (typeof content !== "string") throw new JudgeRequestError(`the judge's answer has no choices[0].message.content: "${snippet(response.text)}"`, true);
    return content;
  }

  judge(instruction: string, response: string, signal?: AbortSignal): Promise<JudgeOutcome> {
    return judgeWithRetries((prompt, s) => this.ask(prompt, s), fillJudgePrompt(instruction, response), this.options, signal);
  }

  /**
   * Checks the judge before anything is written: it answers, takes the key, and has the model named.
   * Resolves to the model to ask for (the one named, or the server's first); throws what is wrong.
   */
  async check(signal?: AbortSignal): Promise<string | undefined> {
    let response: Awaited<ReturnType<HttpJudge["call"]>>;
    try {
      response = await this.call("/v1/models", { timeoutMs: Math.min(this.timeoutMs, 15_000), ...(signal ? { signal } : {}) });
    } catch (error) {
      throw new Error(`The judge cannot be used: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
    }
    if (response.status === 401 || response.status === 403) throw new Error(`The judge at ${this.root} refused the request (${response.status}): check the API key.`);
    // A server without the list still may judge: the first request will say.
    if (response.status !== 200) return this.options.model;
    let ids: string[] = [];
    try {
      const data = JSON.parse(response.text) as unknown;
      if (isObject(data) && Array.isArray(data.data)) ids = data.data.filter(isObject).map((m) => m.id).filter((id): id is string => typeof id === "string");
    } catch {
      return this.options.model;
    }
    if (this.options.model && ids.length > 0 && !ids.includes(this.options.model)) {
      throw new Error(`The judge at ${this.root} has no model '${this.options.model}' (it has: ${ids.slice(0, 10).join(", ")}).`);
    }
    return this.options.model ?? ids[0];
  }
}

// ---- a judge on the loaded model ---------------------------------------------------------------

/**
 * The JSON the judge prompt asks for, as a grammar: a local model (weak ones included) then always
 * answers in the format. The analysis is cut at 200 characters, so that even a model that spells
 * each UTF-8 byte as a token (4 per character) closes the JSON within the 1,024 tokens of an answer.
 */
export const JUDGE_GRAMMAR = String.raw`root ::= "{\"Analysis\": \"" char{1,200} "\", \"Relevance\": " score ", \"Accuracy\": " score ", \"Coherence\": " score ", \"Clarity\": " score ", \"Breadth and Depth\": " score ", \"Reading Experience\": " score "}"
char ::= [^"\\\x7F\x00-\x1F]
score ::= [1-5]`;

export const LOCAL_JUDGE_NOTE = "a local judge: its scores are comparable only with the same judge model, not with published GPT-4o figures";

export interface LocalJudgeOptions extends RetryPolicy {
  temperature?: number;
  maxTokens?: number;
}

export class LocalJudge implements Judge {
  readonly note = LOCAL_JUDGE_NOTE;

  constructor(
    private readonly model: () => LoadedModel,
    private readonly options: LocalJudgeOptions = {},
  ) {}

  get description(): string {
    return `local: ${this.model().backend.modelInfo?.name ?? "the loaded model"}`;
  }

  async ask(prompt: string, signal?: AbortSignal): Promise<string> {
    const model = this.model();
    const builder = new PromptBuilder(model.backend, model.promptFormat);
    const maxTokens = this.options.maxTokens ?? 1024;
    try {
      const tokens = await builder.first([{ role: "user", content: prompt }]);
      if (tokens.length + maxTokens > model.backend.contextSize) {
        throw new JudgeRequestError(`the judge prompt (${tokens.length} tokens) and its answer (${maxTokens}) do not fit the judge's context of ${model.backend.contextSize} tokens`, false);
      }
      const seed = model.sampling?.seed;
      const result = await model.backend.generate({
        tokens,
        maxTokens,
        stop: builder.stops,
        grammar: JUDGE_GRAMMAR,
        sampling: { temperature: this.options.temperature ?? 0.5, ...(seed !== undefined ? { seed } : {}) },
        ...(signal ? { signal } : {}),
      });
      return result.text;
    } catch (error) {
      if (error instanceof JudgeRequestError) throw error;
      const retry = error instanceof BackendError && (error.code === "crashed" || error.code === "connection" || error.code === "http");
      throw new JudgeRequestError(`the local judge failed: ${error instanceof Error ? error.message : String(error)}`, retry, { cause: error });
    }
  }

  judge(instruction: string, response: string, signal?: AbortSignal): Promise<JudgeOutcome> {
    return judgeWithRetries((prompt, s) => this.ask(prompt, s), fillJudgePrompt(instruction, response), this.options, signal);
  }
}
