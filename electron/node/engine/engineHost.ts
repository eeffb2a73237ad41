// The engine process's side of the protocol: receives calls from the app, runs them on a LlamaEngine,
// streams generated tokens back in small batches, and answers with results or errors.
import { BackendError } from "./backend";
import { LlamaEngine } from "./llamaEngine";
import {
  describeIssues,
  engineMethods,
  parentMessageSchema,
  type EngineMethod,
  type EngineParams,
  type EngineResult,
  type HostMessage,
} from "./protocol";

/** How the engine process talks to the app: Node's IPC channel, or Electron's parentPort. */
export interface HostPort {
  send(message: HostMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called when the app goes away (the channel closes). */
  onDisconnect(listener: () => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: "message", listener: (event: { data: unknown }) => void): void;
}

/** The port of the current process: Electron's `process.parentPort` in a utilityProcess, else Node IPC. */
export function currentProcessPort(): HostPort {
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (listener) => parentPort.on("message", (event) => listener(event.data)),
      // Electron ends utility processes with the app.
      onDisconnect: () => undefined,
    };
  }
  if (!process.send) throw new Error("The engine host must be started as a child process with an IPC channel (child_process.fork).");
  return {
    send: (message) => {
      process.send?.(message);
    },
    onMessage: (listener) => process.on("message", listener),
    onDisconnect: (listener) => process.on("disconnect", listener),
  };
}

/**
 * Streamed tokens are batched: each IPC message wakes the app's process, which costs more than
 * generating a token of a small model (measured with the tiny model: a message per token took about a
 * fifth of the throughput, a message per 8 ms still about 5% of the CPU). A token goes out at once
 * when the last message is FLUSH_MS old, so a model slower than 60 tokens per second streams token by
 * token; faster tokens share a message, at most one frame late (the UI redraws every 16 ms anyway).
 */
const FLUSH_MS = 16;

/**
 * While calls run, the engine's progress is looked at this often and an "alive" message sent when it
 * moved: the app's deadlines then start again, so a long prompt decoded batch by batch is not taken
 * for a hang. A blocked event loop or a stuck native call sends nothing, and meets the deadline.
 */
const ALIVE_MS = 1000;

type Handlers = { [M in EngineMethod]: (params: EngineParams<M>, call: { id: number; signal: AbortSignal }) => Promise<EngineResult<M>> };

export function serveEngine(port: HostPort, engine: LlamaEngine = new LlamaEngine()): void {
  const aborts = new Map<number, AbortController>();
  let lastMark = engine.progressMark();
  let watch: NodeJS.Timeout | undefined;
  const watchProgress = () => {
    if (aborts.size === 0) {
      clearInterval(watch);
      watch = undefined;
      return;
    }
    const mark = engine.progressMark();
    if (mark !== lastMark) port.send({ type: "alive" });
    lastMark = mark;
  };

  const handlers: Handlers = {
    load: (params) => engine.load(params),
    unload: async () => {
      await engine.unload();
      return {};
    },
    tokenize: async ({ text, specialTokens }) => ({ tokens: engine.tokenize(text, { specialTokens }) }),
    detokenize: async ({ tokens, specialTokens }) => ({ text: engine.detokenize(tokens, { specialTokens }) }),
    applyChatTemplate: async ({ messages, addGenerationPrompt }) => engine.applyChatTemplate(messages, { addGenerationPrompt }),
    generate: async ({ stream, ...request }, { id, signal }) => {
      let tokens: number[] = [];
      let text = "";
      let lastFlush = 0;
      let timer: NodeJS.Timeout | undefined;
      const flush = () => {
        if (timer) clearTimeout(timer);
        timer = undefined;
        if (tokens.length === 0) return;
        port.send({ type: "tokens", id, tokens, text });
        tokens = [];
        text = "";
        lastFlush = performance.now();
      };
      try {
        return await engine.generate({
          ...request,
          signal,
          onToken: stream
            ? (chunk, chunkText) => {
                tokens.push(...chunk);
                text += chunkText;
                const wait = FLUSH_MS - (performance.now() - lastFlush);
                if (wait <= 0) flush();
                else timer ??= setTimeout(flush, wait);
              }
            : undefined,
        });
      } finally {
        flush();
      }
    },
    estimateFit: ({ file, ...options }) => engine.estimateFit(file, options),
    hardware: () => engine.hardware(),
    checkDraft: async ({ model, draft }) => ({ problem: await engine.checkDraft(model, draft) }),
    inspect: async ({ file }) => ({ facts: await engine.inspect(file) }),
    stats: async () => engine.stats(),
  };

  async function run(id: number, method: EngineMethod, rawParams: unknown): Promise<void> {
    const parsed = engineMethods[method].params.safeParse(rawParams);
    if (!parsed.success) {
      port.send({ type: "error", id, error: { code: "protocol", message: `Bad parameters for ${method}: ${describeIssues(parsed.error)}` } });
      return;
    }
    const controller = new AbortController();
    aborts.set(id, controller);
    if (!watch) {
      lastMark = engine.progressMark();
      watch = setInterval(watchProgress, ALIVE_MS);
      watch.unref();
    }
    try {
      const handler = handlers[method] as (params: unknown, call: { id: number; signal: AbortSignal }) => Promise<unknown>;
      const result = await handler(parsed.data, { id, signal: controller.signal });
      port.send({ type: "result", id, result });
    } catch (error) {
      const code = error instanceof BackendError ? error.code : "failed";
      port.send({ type: "error", id, error: { code, message: error instanceof Error ? error.message : String(error) } });
    } finally {
      aborts.delete(id);
    }
  }

  port.onMessage((raw) => {
    const message = parentMessageSchema.safeParse(raw);
    if (!message.success) {
      // Answer a call that can be told apart by its id, so that the caller does not wait forever.
      const id = (raw as { id?: unknown } | null)?.id;
      const text = `Malformed message to the engine: ${describeIssues(message.error)}`;
      if (typeof id === "number" && Number.isInteger(id) && id >= 0) port.send({ type: "error", id, error: { code: "protocol", message: text } });
      else process.stderr.write(`engine: ignored a malformed message: ${describeIssues(message.error)}\n`);
      return;
    }
    if (message.data.type === "abort") aborts.get(message.data.id)?.abort();
    else void run(message.data.id, message.data.method, message.data.params);
  });
  port.onDisconnect(() => {
    void engine.dispose().finally(() => process.exit(0));
  });
  port.send({ type: "ready", pid: process.pid });
}
