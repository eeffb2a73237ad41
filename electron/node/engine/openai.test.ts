// The OpenAI-compatible backend against loopback servers that misbehave: no answer, an answer without
// end, a stream line without end, a connection closed or gone silent mid-stream, a stream past
// max_tokens. Each ends with a clear error naming the server (or a bounded result), the tokens that
// came already delivered. Every server here writes a bounded amount and stops when the client leaves.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BackendError } from "./backend";
import { OpenAICompatibleBackend, type OpenAIBackendOptions } from "./openai";

const MODELS = JSON.stringify({ object: "list", data: [{ id: "tiny", object: "model", meta: { n_ctx_train: 4096 } }] });
const event = (text: string, finish: string | null = null) => `data: ${JSON.stringify({ choices: [{ text, index: 0, finish_reason: finish }] })}\n\n`;

/** What the servers saw: how many bytes each endless answer wrote before the client went away. */
const written: Record<string, number> = {};
/** The completion requests of the "record" scenario, as sent. */
const recorded: Record<string, unknown>[] = [];

/** Writes `chunk` until the client leaves or `limit` bytes are out. */
function writeUntilClosed(name: string, res: ServerResponse, chunk: string, limit: number, everyMs = 0): void {
  written[name] = 0;
  const step = () => {
    if (res.destroyed || res.writableEnded || written[name]! >= limit) return;
    written[name]! += chunk.length;
    res.write(chunk);
    if (everyMs > 0) setTimeout(step, everyMs);
    else setImmediate(step);
  };
  step();
}

function handle(req: IncomingMessage, res: ServerResponse, open: Set<ServerResponse>): void {
  const url = req.url ?? "";
  const [, scenario = "", ...rest] = url.split("/");
  const path = `/${rest.join("/")}`;
  if (scenario === "thinker" || scenario === "templated") {
    // A server whose vocabulary holds <think> and </think> as single tokens (Qwen3); "templated" has /apply-template.
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = chunks.length > 0 ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
      const json = (value: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(value));
      if (path === "/v1/models") return json(JSON.parse(MODELS));
      if (path === "/tokenize") {
        const text = String(body.content);
        return json({ tokens: text === "<think>" || text === "</think>" ? [7] : Array.from(text, (c) => c.codePointAt(0)) });
      }
      if (path === "/apply-template" && scenario === "templated") {
        recorded.push(body);
        return json({ prompt: "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n" });
      }
      res.writeHead(404).end();
    });
    return;
  }
  if (scenario === "record" && path === "/v1/completions") {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      recorded.push(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>);
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(`${event("done")}${event("", "stop")}data: [DONE]\n\n`);
    });
    return;
  }
  req.resume();
  open.add(res);
  res.on("close", () => open.delete(res));
  if (path === "/v1/models") {
    if (scenario === "hang") return; // never answers
    res.writeHead(200, { "content-type": "application/json" });
    if (scenario === "endless") return writeUntilClosed(scenario, res, `[${"0,".repeat(16_383)}`, 256 * 1024 * 1024);
    if (scenario === "trickle") return writeUntilClosed(scenario, res, " ", 100_000, 5);
    return void res.end(MODELS);
  }
  if (path !== "/v1/completions") return void res.writeHead(404).end();
  res.writeHead(200, { "content-type": "text/event-stream" });
  const words = ["one ", "two ", "three ", "four ", "five "];
  switch (scenario) {
    case "cut":
      for (const w of words) res.write(event(w));
      // The server goes away mid-stream.
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    case "no-newline":
      for (const w of words.slice(0, 2)) res.write(event(w));
      res.write("data: ");
      return writeUntilClosed(scenario, res, "x".repeat(16_384), 256 * 1024 * 1024);
    case "silent":
      for (const w of words.slice(0, 3)) res.write(event(w));
      return; // then nothing, connection open
    case "no-first":
      res.flushHeaders();
      return; // headers only
    case "runaway":
      return writeUntilClosed(scenario, res, event("word "), 10_000_000);
    default:
      for (const w of words) res.write(event(w));
      res.end(`${event("", "stop")}data: [DONE]\n\n`);
  }
}

describe("OpenAI-compatible backend against servers that misbehave", () => {
  let server: Server;
  let base: string;
  const open = new Set<ServerResponse>();

  beforeAll(async () => {
    server = createServer((req, res) => handle(req, res, open));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const res of open) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const backendAt = (scenario: string, options: Partial<OpenAIBackendOptions> = {}) => new OpenAICompatibleBackend({ baseUrl: `${base}/${scenario}/v1`, ...options });

  async function loaded(scenario: string, options: Partial<OpenAIBackendOptions> = {}): Promise<OpenAICompatibleBackend> {
    const backend = backendAt(scenario, options);
    await backend.load({ model: "" });
    return backend;
  }

  /** Generates, collecting what streamed; resolves with the result or the error. */
  async function generate(backend: OpenAICompatibleBackend, maxTokens = 100, signal?: AbortSignal) {
    const streamed: string[] = [];
    const outcome = await backend.generate({ tokens: [104, 105], maxTokens, signal, onToken: (_t, text) => streamed.push(text) }).then(
      (result) => ({ result, error: undefined }),
      (error: unknown) => ({ result: undefined, error: error as BackendError }),
    );
    return { ...outcome, streamed: streamed.join("") };
  }

  it("works with a server that behaves", async () => {
    const { result, streamed } = await generate(await loaded("ok"));
    expect(result).toMatchObject({ text: "one two three four five ", stopReason: "eog" });
    expect(streamed).toBe("one two three four five ");
  });

  it("sends the sampling it is given, presence and frequency penalties included", async () => {
    const backend = await loaded("record");
    await backend.generate({ tokens: [104, 105], maxTokens: 10, sampling: { temperature: 0.7, topP: 0.9, minP: 0.05, presencePenalty: 0.4, frequencyPenalty: 0.2, repeatPenalty: 1.05 } });
    expect(recorded.at(-1)).toMatchObject({ temperature: 0.7, top_p: 0.9, min_p: 0.05, presence_penalty: 0.4, frequency_penalty: 0.2, repeat_penalty: 1.05, repetition_penalty: 1.05 });
  });

  it("turns a thinking model's thinking off: the template is asked for it, else the answer opens after an empty think block", async () => {
    const templated = await loaded("templated");
    expect(templated.modelInfo).toMatchObject({ thinkingOff: true });
    const viaServer = await templated.applyChatTemplate([{ role: "user", content: "Hi" }]);
    expect(recorded.at(-1)).toMatchObject({ chat_template_kwargs: { enable_thinking: false } });
    // A server that rendered without Jinja (no enable_thinking): the empty think block is added.
    expect(viaServer.text).toBe("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    const chatml = await (await loaded("thinker")).applyChatTemplate([{ role: "user", content: "Hi" }]);
    expect(chatml.text).toBe("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
    // A model without think tokens gets ChatML as it is.
    const plain = await loaded("record");
    expect((await plain.applyChatTemplate([{ role: "user", content: "Hi" }])).text).toBe("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
  });

  it("gives up on a server that never answers /v1/models, naming it", async () => {
    const error = await backendAt("hang", { deadlines: { headers: 100 } }).load({ model: "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: "timeout", message: `The inference server at ${base}/hang did not answer /v1/models within 100 ms.` });
  });

  it("drops a /v1/models answer that never ends at the size cap, and closes the connection", async () => {
    const error = await backendAt("endless", { limits: { jsonBytes: 256 * 1024 } }).load({ model: "" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "too-large", message: `The inference server at ${base}/endless sent more than 256 KiB in answer to /v1/models; the answer was dropped.` });
    // The server stopped writing because the client went away, long before its own limit.
    await expect.poll(() => open.size).toBe(0);
    expect(written.endless).toBeLessThan(256 * 1024 * 1024);
  });

  it("gives up on a /v1/models answer that trickles without end", async () => {
    const error = await backendAt("trickle", { deadlines: { body: 100 } }).load({ model: "" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "timeout", message: `The inference server at ${base}/trickle did not finish its answer to /v1/models within 100 ms.` });
  });

  it("ends a stream whose line has no end at the line cap, after delivering the tokens before it", async () => {
    const { error, streamed } = await generate(await loaded("no-newline", { limits: { lineBytes: 64 * 1024 } }));
    expect(error).toMatchObject({ code: "too-large", message: `The inference server at ${base}/no-newline sent a stream line longer than 64 KiB; the generation was ended after 2 tokens (they are kept).` });
    expect(streamed).toBe("one two ");
    await expect.poll(() => open.size).toBe(0);
  });

  it("fails a stream whose connection closes mid-way with a connection error, after delivering every token that came", async () => {
    const { error, streamed } = await generate(await loaded("cut"));
    expect(error).toBeInstanceOf(BackendError);
    expect(error?.code).toBe("connection");
    expect(error?.message).toMatch(new RegExp(`^The inference server at ${base}/cut (closed the connection in the middle of the generation \\(.+\\)|ended the stream before the generation finished), after 5 tokens \\(they are kept\\)\\.$`));
    expect(streamed).toBe("one two three four five ");
  });

  it("gives up on a stream that goes silent, after delivering what came", async () => {
    const { error, streamed } = await generate(await loaded("silent", { deadlines: { idle: 100 } }));
    expect(error).toMatchObject({ code: "timeout", message: `The inference server at ${base}/silent went silent for 100 ms in the middle of the generation, after 3 tokens (they are kept).` });
    expect(streamed).toBe("one two three ");
  });

  it("gives up on a stream that never sends its first token", async () => {
    const { error } = await generate(await loaded("no-first", { deadlines: { firstToken: 1000 } }));
    expect(error).toMatchObject({ code: "timeout", message: `The inference server at ${base}/no-first sent no token within 1 s.` });
  });

  it("closes a stream that goes on past the tokens asked for", async () => {
    const { result, error } = await generate(await loaded("runaway"), 10);
    expect(error).toBeUndefined();
    expect(result?.stopReason).toBe("maxTokens");
    expect(result!.text.split(" ").length).toBeLessThan(10 + 64 + 16);
    await expect.poll(() => open.size).toBe(0);
  });

  it("returns what streamed when the caller aborts a silent stream", async () => {
    const backend = await loaded("silent");
    const controller = new AbortController();
    const streamed: string[] = [];
    const result = await backend.generate({
      tokens: [104],
      signal: controller.signal,
      onToken: (_t, text) => {
        streamed.push(text);
        if (streamed.length === 3) controller.abort();
      },
    });
    expect(result).toMatchObject({ stopReason: "abort", text: "one two three " });
  });

  it("ends the requests in flight when disposed", async () => {
    const backend = backendAt("hang");
    const loading = backend.load({ model: "" }).catch((e: unknown) => e);
    await expect.poll(() => open.size).toBeGreaterThan(0);
    await backend.dispose();
    expect(await loading).toMatchObject({ code: "disposed" });
  });
});
