// Loopback servers for the evaluation's tests and benchmark, on 127.0.0.1 only, bounded: a judge that
// answers /v1/chat/completions from a script (scores, malformed text, errors, a hang, an endless
// body), and a writer that answers /v1/completions like llama-server from a Script (the fake IS-Writer)
// after a fixed time per request. close() ends every connection, a hung one included.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { QUALITY_DIMENSIONS } from "../../../common/metrics/quality";
import type { Script } from "../../engine/testing/scriptedBackend";

/** Largest request body the servers read; a bigger one is refused. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

/** A judge's answer with these six scores (in the official dimension order) and an analysis. */
export function judgeAnswer(scores: readonly number[], analysis = "A scripted judgement."): string {
  const fields: Record<string, unknown> = { Analysis: analysis };
  QUALITY_DIMENSIONS.forEach((d, i) => (fields[d] = scores[i]));
  return JSON.stringify(fields);
}

/** What the scripted judge does with one request. */
export type JudgeReply =
  /** Answers 200 with this text as the message content. */
  | string
  /** Answers with this status and body. */
  | { status: number; body: string }
  /** Never answers (until the client gives up or the server closes). */
  | { hang: true }
  /** Sends a body that does not end (up to 64 MiB, or until the client goes). */
  | { endless: true };

export interface JudgeRequest {
  prompt: string;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

export interface ScriptedJudgeServer {
  url: string;
  requests: JudgeRequest[];
  close(): Promise<void>;
}

/**
 * A judge server: `reply(prompt, n)` decides each answer (n counts chat requests from 0). GET
 * /v1/models lists `models`; with `apiKey`, any other key gets 401.
 */
export async function startJudgeServer(reply: (prompt: string, n: number) => JudgeReply, options: { models?: string[]; apiKey?: string } = {}): Promise<ScriptedJudgeServer> {
  const requests: JudgeRequest[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) return sendJson(res, 401, { error: { message: "Invalid API Key" } });
      if (req.method === "GET" && req.url === "/v1/models") return sendJson(res, 200, { object: "list", data: (options.models ?? ["judge"]).map((id) => ({ id, object: "model" })) });
      if (req.method !== "POST" || req.url !== "/v1/chat/completions") return sendJson(res, 404, { error: { message: "File Not Found" } });
      const body = await readBody(req);
      if (!body) return sendJson(res, 400, { error: { message: "bad request body" } });
      const messages = Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]) : [];
      const prompt = String(messages[0]?.content ?? "");
      const n = requests.length;
      requests.push({ prompt, body, authorization: req.headers.authorization });
      const answer = reply(prompt, n);
      if (typeof answer === "string") {
        return sendJson(res, 200, { id: `judge-${n}`, object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }] });
      }
      if ("hang" in answer) return; // the socket stays open until the client aborts or close()
      if ("endless" in answer) {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"choices":[{"message":{"content":"');
        const chunk = "x".repeat(64 * 1024);
        let sent = 0;
        const more = () => {
          while (!res.destroyed && sent < 64 * 1024 * 1024) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", more);
          }
          res.destroy();
        };
        more();
        return;
      }
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(answer.body);
    })().catch(() => res.destroy());
  });
  const url = await listen(server);
  return { url, requests, close: closer(server) };
}

export interface WriterServer {
  url: string;
  /** Completion requests answered so far, and the most that were in flight at once. */
  readonly stats: { requests: number; inFlight: number; maxInFlight: number };
  close(): Promise<void>;
}

/**
 * A writer server that behaves like llama-server without a tokenizer endpoint (the client then counts
 * code points): /v1/models, /props with a large context, and streaming /v1/completions that waits
 * `delayMs` and then sends what `script(prompt)` writes (a trailing "\u0000" is the end of
 * generation), cut at max_tokens code points. With `dieAfterChars` it dies as a crashed server does:
 * once it has streamed that many characters in all it drops the connection in the middle of the
 * stream, and every request after that.
 */
export async function startWriterServer(script: Script, options: { delayMs?: number; contextSize?: number; dieAfterChars?: number } = {}): Promise<WriterServer> {
  const stats = { requests: 0, inFlight: 0, maxInFlight: 0 };
  let streamed = 0;
  const dead = () => options.dieAfterChars !== undefined && streamed >= options.dieAfterChars;
  const server = createServer((req, res) => {
    if (dead()) return void req.socket.destroy();
    void (async () => {
      if (req.method === "GET" && req.url === "/v1/models") return sendJson(res, 200, { object: "list", data: [{ id: "writer", object: "model" }] });
      if (req.method === "GET" && req.url === "/props") return sendJson(res, 200, { default_generation_settings: { n_ctx: options.contextSize ?? 1_000_000 } });
      if (req.method !== "POST" || req.url !== "/v1/completions") return sendJson(res, 404, { error: { message: "File Not Found" } });
      const body = await readBody(req);
      if (!body || typeof body.prompt !== "string") return sendJson(res, 400, { error: { message: "this server takes the prompt as text" } });
      stats.requests++;
      stats.inFlight++;
      stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
      try {
        const gone = new AbortController();
        res.on("close", () => gone.abort());
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        if (gone.signal.aborted) return;
        const planned = script(body.prompt);
        const eog = planned.endsWith("\u0000");
        const chars = Array.from(eog ? planned.slice(0, -1) : planned);
        const max = typeof body.max_tokens === "number" ? body.max_tokens : chars.length;
        const text = chars.slice(0, max).join("");
        res.writeHead(200, { "content-type": "text/event-stream" });
        // In pieces of 64 characters, as tokens arrive, so a stop string can end the stream early.
        for (let i = 0; i < text.length && !gone.signal.aborted; i += 64) {
          const piece = text.slice(i, i + 64);
          if (options.dieAfterChars !== undefined && streamed + piece.length > options.dieAfterChars) {
            const last = piece.slice(0, options.dieAfterChars - streamed);
            streamed = options.dieAfterChars;
            res.write(`data: ${JSON.stringify({ object: "text_completion", choices: [{ index: 0, text: last, finish_reason: null }] })}\n\n`);
            return void res.socket?.destroy();
          }
          streamed += piece.length;
          res.write(`data: ${JSON.stringify({ object: "text_completion", choices: [{ index: 0, text: piece, finish_reason: null }] })}\n\n`);
        }
        if (gone.signal.aborted) return;
        const finish = chars.length > max ? "length" : "stop";
        res.write(`data: ${JSON.stringify({ choices: [{ index: 0, text: "", finish_reason: finish }], usage: { prompt_tokens: Array.from(body.prompt).length, completion_tokens: Array.from(text).length } })}\n\n`);
        res.end("data: [DONE]\n\n");
      } finally {
        stats.inFlight--;
      }
    })().catch(() => res.destroy());
  });
  const url = await listen(server);
  return { url, stats, close: closer(server) };
}
