// The OpenAI-compatible backend against a loopback server in this test that behaves like llama-server
// (/v1/models, /props, /tokenize, /detokenize, /apply-template, streaming /v1/completions) and
// generates with the tiny model through the in-process engine.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ensureTestModel } from "./testModel";
import { BackendError } from "./backend";
import { LlamaEngine } from "./llamaEngine";
import { OpenAICompatibleBackend } from "./openai";

type Mode = "normal" | "no-tokenizer" | "no-token-ids" | "http-error" | "malformed" | "cut";

const TAG_GRAMMAR = String.raw`
root ::= "<global_plan>" text "</global_plan>" "<FINISHED>"
text ::= [a-z ]{1,12}
`;

interface Seen {
  authorization?: string;
  completionBodies: Record<string, unknown>[];
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function startServer(engine: LlamaEngine, state: { mode: Mode }, seen: Seen): Promise<Server> {
  const server = createServer((req, res) => {
    void (async () => {
      seen.authorization = req.headers.authorization;
      const url = req.url ?? "";
      const tokenizer = state.mode !== "no-tokenizer";
      if (req.method === "GET" && url === "/v1/models") return sendJson(res, 200, { object: "list", data: [{ id: "tiny", object: "model", meta: { n_ctx_train: 4096, n_vocab: 374 } }] });
      if (req.method === "GET" && url === "/props") return sendJson(res, 200, { default_generation_settings: { n_ctx: 2048 }, chat_template: "chatml" });
      if (url === "/tokenize" && tokenizer) {
        const body = await readJson(req);
        return sendJson(res, 200, { tokens: engine.tokenize(String(body.content), { specialTokens: body.parse_special === true }) });
      }
      if (url === "/detokenize" && tokenizer) {
        const body = await readJson(req);
        return sendJson(res, 200, { content: engine.detokenize(body.tokens as number[]) });
      }
      if (url === "/apply-template") {
        const body = await readJson(req);
        return sendJson(res, 200, { prompt: engine.applyChatTemplate(body.messages as never).text });
      }
      if (url !== "/v1/completions") return sendJson(res, 404, { error: { code: 404, message: "File Not Found", type: "not_found_error" } });
      const body = await readJson(req);
      seen.completionBodies.push(body);
      if (state.mode === "http-error") return sendJson(res, 500, { error: { code: 500, message: "the model is still loading", type: "unavailable_error" } });
      res.writeHead(200, { "content-type": "text/event-stream" });
      if (state.mode === "malformed") {
        res.write('data: {"choices":[{"text":"ok","index":0}]}\n\n');
        res.end("data: {this is not json\n\n");
        return;
      }
      const prompt = Array.isArray(body.prompt) ? (body.prompt as number[]) : engine.tokenize(String(body.prompt), { specialTokens: true });
      const client = new AbortController();
      res.on("close", () => client.abort());
      let sent = 0;
      const result = await engine.generate({
        tokens: prompt,
        maxTokens: Number(body.max_tokens),
        grammar: typeof body.grammar === "string" ? body.grammar : undefined,
        sampling: { temperature: Number(body.temperature ?? 0), seed: typeof body.seed === "number" ? body.seed : undefined },
        signal: client.signal,
        onToken: (tokens, text) => {
          if (client.signal.aborted) return;
          sent++;
          if (state.mode === "cut" && sent === 4) {
            res.socket?.destroy();
            return;
          }
          const event: Record<string, unknown> = { object: "text_completion", choices: [{ text, index: 0, finish_reason: null }] };
          if (state.mode !== "no-token-ids") event.tokens = tokens;
          res.write(`data: ${JSON.stringify(event)}\n\n`);
        },
      });
      if (client.signal.aborted) return;
      const finish = result.stopReason === "maxTokens" ? "length" : "stop";
      res.write(`data: ${JSON.stringify({ choices: [{ text: "", index: 0, finish_reason: finish }], usage: { prompt_tokens: prompt.length, completion_tokens: result.generatedTokens }, timings: { prompt_n: result.inputTokensDecoded, predicted_n: result.generatedTokens } })}\n\n`);
      res.end("data: [DONE]\n\n");
    })().catch((error: unknown) => {
      res.destroy(error as Error);
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("OpenAI-compatible backend against a loopback server", () => {
  const engine = new LlamaEngine();
  const state: { mode: Mode } = { mode: "normal" };
  const seen: Seen = { completionBodies: [] };
  let server: Server;
  let baseUrl: string;
  let backend: OpenAICompatibleBackend;
  let prompt: number[];

  beforeAll(async () => {
    await engine.load({ model: await ensureTestModel(), threads: 1, contextSize: 2048 });
    server = await startServer(engine, state, seen);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    backend = new OpenAICompatibleBackend({ baseUrl, apiKey: "secret-key" });
    await backend.load({ model: "" });
    prompt = (await backend.applyChatTemplate([{ role: "user", content: "Write about the river." }])).tokens;
  });

  beforeEach(() => {
    state.mode = "normal";
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await engine.dispose();
  });

  it("reads the model, its context size and the tokenizer from the server, with the API key", () => {
    expect(backend.modelInfo).toMatchObject({ name: "tiny", contextSize: 2048, trainContextSize: 4096, hasChatTemplate: true });
    expect(backend.usesServerTokenizer).toBe(true);
    expect(seen.authorization).toBe("Bearer secret-key");
  });

  it("tokenizes with the server's tokenizer and applies its chat template", async () => {
    expect(await backend.tokenize("<step_plan>")).toEqual(engine.tokenize("<step_plan>"));
    expect(await backend.detokenize(engine.tokenize("the river"))).toBe("the river");
    const chat = await backend.applyChatTemplate([{ role: "user", content: "Hi" }]);
    expect(chat.text).toBe("<|endoftext|><|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
    expect(chat.tokens).toEqual(engine.tokenize(chat.text, { specialTokens: true }));
  });

  it("sends the context as token ids and streams what the model generates", async () => {
    const streamed: { tokens: number[]; text: string }[] = [];
    const result = await backend.generate({ tokens: prompt, maxTokens: 40, onToken: (tokens, text) => streamed.push({ tokens, text }) });
    expect(seen.completionBodies.at(-1)?.prompt).toEqual(prompt);
    expect(seen.completionBodies.at(-1)?.stream).toBe(true);
    const local = await engine.generate({ tokens: prompt, maxTokens: 40 });
    expect(result.stopReason).toBe("maxTokens");
    expect(result.tokens).toEqual(local.tokens);
    expect(result.text).toBe(local.text);
    expect(streamed.length).toBeGreaterThan(1);
    expect(streamed.flatMap((s) => s.tokens)).toEqual(result.tokens);
    expect(streamed.map((s) => s.text).join("")).toBe(result.text);
    expect(result.generatedTokens).toBe(local.generatedTokens);
  });

  it("reports the server's token accounting", async () => {
    const first = await backend.generate({ tokens: prompt, maxTokens: 20 });
    const next = await backend.generate({ tokens: [...prompt, ...first.tokens], maxTokens: 5 });
    expect(next.inputTokensDecoded).toBe(1);
  });

  it("ends at a stop string like the embedded engine does, and closes the stream", async () => {
    const request = { tokens: prompt, maxTokens: 200, grammar: TAG_GRAMMAR, stop: ["</global_pl"] };
    const result = await backend.generate(request);
    const local = await engine.generate(request);
    expect(result.stopReason).toBe("stop");
    expect(result.stopString).toBe("</global_pl");
    expect(result.text).toMatch(/^<global_plan>[a-z ]+$/);
    expect({ text: result.text, remainder: result.remainder, tokens: result.tokens }).toEqual({
      text: local.text,
      remainder: local.remainder,
      tokens: local.tokens,
    });
    expect(seen.completionBodies.at(-1)?.grammar).toBe(TAG_GRAMMAR);
  });

  it("returns the partial text when aborted", async () => {
    const controller = new AbortController();
    let streamed = "";
    let count = 0;
    const result = await backend.generate({
      tokens: prompt,
      maxTokens: 1500,
      signal: controller.signal,
      onToken: (_tokens, text) => {
        streamed += text;
        if (++count === 10) controller.abort();
      },
    });
    expect(result.stopReason).toBe("abort");
    expect(result.text).toBe(streamed);
    expect(count).toBeGreaterThanOrEqual(10);
    expect(count).toBeLessThan(1500);
  });

  it("tokenizes the text again when the server sends no token ids", async () => {
    state.mode = "no-token-ids";
    const result = await backend.generate({ tokens: prompt, maxTokens: 30 });
    expect(result.tokens).toEqual(engine.tokenize(result.text));
  });

  it("falls back to code points as tokens and a text prompt when the server cannot tokenize", async () => {
    state.mode = "no-tokenizer";
    const plain = new OpenAICompatibleBackend({ baseUrl });
    await plain.load({ model: "tiny" });
    expect(plain.usesServerTokenizer).toBe(false);
    expect(await plain.tokenize("ab<")).toEqual([97, 98, 60]);
    const chat = await plain.applyChatTemplate([{ role: "user", content: "Write." }]);
    const result = await plain.generate({ tokens: chat.tokens, maxTokens: 15 });
    expect(typeof seen.completionBodies.at(-1)?.prompt).toBe("string");
    expect(seen.completionBodies.at(-1)?.prompt).toBe(chat.text);
    expect(result.stopReason).toBe("maxTokens");
    expect(result.tokens).toEqual(Array.from(result.text, (c) => c.codePointAt(0)));
  });

  it("says when the server refuses the connection", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await new OpenAICompatibleBackend({ baseUrl: `http://127.0.0.1:${port}` }).load({ model: "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: "connection" });
    expect((error as Error).message).toBe(`Cannot reach the inference server at http://127.0.0.1:${port}: connection refused (is the server running?).`);
  });

  it("passes on the server's message with an HTTP error", async () => {
    state.mode = "http-error";
    const error = await backend.generate({ tokens: prompt, maxTokens: 5 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "http" });
    expect((error as Error).message).toBe("The inference server answered 500 Internal Server Error to /v1/completions: the model is still loading");
  });

  it("reports a malformed stream", async () => {
    state.mode = "malformed";
    const error = await backend.generate({ tokens: prompt, maxTokens: 5 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "protocol" });
    expect((error as Error).message).toMatch(/malformed stream event: \{this is not json/);
  });

  it("reports a server that stops in the middle of the stream", async () => {
    state.mode = "cut";
    const error = await backend.generate({ tokens: prompt, maxTokens: 500 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "connection" });
    expect((error as Error).message).toMatch(/closed the connection in the middle of the generation|ended the stream before the generation finished/);
  });
});
