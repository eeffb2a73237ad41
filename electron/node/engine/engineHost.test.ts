// The engine process's side of the protocol, through a fake port and an engine without a model.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hostileGgufs } from "./testing/hostileGguf";
import { serveEngine, type HostPort } from "./engineHost";
import { LlamaEngine } from "./llamaEngine";
import type { HostMessage } from "./protocol";

function fakePort() {
  const sent: HostMessage[] = [];
  let deliver: (message: unknown) => void = () => undefined;
  const port: HostPort = {
    send: (message) => sent.push(message),
    onMessage: (listener) => {
      deliver = listener;
    },
    onDisconnect: () => undefined,
  };
  const next = async (id: number) => {
    // Waits for the answer (a loaded machine may take a while), not for a time.
    for (let i = 0; i < 2000; i++) {
      const found = sent.find((m) => "id" in m && m.id === id);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`no answer to call ${id}`);
  };
  return { port, sent, send: (message: unknown) => deliver(message), next };
}

describe("serveEngine", () => {
  it("says it is ready, with its process id", () => {
    const { port, sent } = fakePort();
    serveEngine(port, new LlamaEngine());
    expect(sent[0]).toEqual({ type: "ready", pid: process.pid });
  });

  it("answers a call that needs a model with a not-loaded error", async () => {
    const { port, send, next } = fakePort();
    serveEngine(port, new LlamaEngine());
    send({ type: "call", id: 1, method: "tokenize", params: { text: "a", specialTokens: false } });
    expect(await next(1)).toEqual({ type: "error", id: 1, error: { code: "not-loaded", message: "No model is loaded." } });
  });

  it("refuses bad parameters and malformed calls with a protocol error", async () => {
    const { port, send, next } = fakePort();
    serveEngine(port, new LlamaEngine());
    send({ type: "call", id: 2, method: "tokenize", params: { text: 5 } });
    expect(await next(2)).toMatchObject({ type: "error", error: { code: "protocol", message: expect.stringMatching(/^Bad parameters for tokenize: text:/) } });
    send({ type: "call", id: 3, method: "explode", params: {} });
    expect(await next(3)).toMatchObject({ type: "error", error: { code: "protocol", message: expect.stringMatching(/^Malformed message to the engine: method/) } });
  });

  it("refuses a file that is not a GGUF before llama.cpp sees it", async () => {
    const { port, send, next } = fakePort();
    serveEngine(port, new LlamaEngine());
    send({ type: "call", id: 4, method: "load", params: { model: import.meta.filename } });
    expect(await next(4)).toMatchObject({ type: "error", error: { code: "bad-model", message: expect.stringMatching(/is not a GGUF model file/) } });
  });

  it("refuses every hostile GGUF itself too, before llama.cpp starts", async () => {
    const { port, send, next } = fakePort();
    serveEngine(port, new LlamaEngine());
    const dir = await mkdtemp(path.join(os.tmpdir(), "draftline-host-hostile-"));
    try {
      let id = 10;
      for (const hostile of hostileGgufs()) {
        const file = path.join(dir, hostile.name);
        await writeFile(file, hostile.bytes);
        send({ type: "call", id: ++id, method: "load", params: { model: file } });
        expect(await next(id)).toMatchObject({ type: "error", error: { code: "bad-model", message: expect.stringMatching(hostile.refusal) } });
        send({ type: "call", id: ++id, method: "inspect", params: { file } });
        expect(await next(id)).toMatchObject({ type: "error", error: { code: "bad-model" } });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
