// A page that holds the token sends WebSocket frames the protocol forbids while the model writes:
// `draftline serve` closes that one connection with the code that says why, and nothing else stops —
// the writing goes on, the window's own connection keeps its updates, and a new connection works.
import { expect, test } from "@playwright/test";
import WebSocket from "ws";
import { clientFrame, closeCode, rawUpgrade } from "../electron/node/server/testing/rawWebSocket";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
test.beforeAll(async () => {
  // 200 characters a second: the document takes far longer than the attack, so it happens mid-writing.
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "200" });
});
test.afterAll(async () => {
  await app?.stop();
});

interface Message {
  kind: "response" | "event";
  id?: number | null;
  ok?: boolean;
  result?: unknown;
  name?: string;
  payload?: { state?: { status: string; progress: { words: number } } };
}

/** A window's connection, as the app's page opens it. */
async function window(): Promise<{ call(method: string, params: unknown): Promise<Message>; words(): number; nextWords(above: number): Promise<number>; close(): void }> {
  const port = new URL(app.origin).port;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, ["draftline", `draftline-token.${app.token}`], { origin: app.origin });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let nextId = 1;
  let words = 0;
  const waiters = new Map<number, (m: Message) => void>();
  const wordWaiters: { above: number; resolve: (n: number) => void }[] = [];
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString()) as Message;
    if (message.kind === "response" && typeof message.id === "number") waiters.get(message.id)?.(message);
    if (message.kind === "event" && message.name === "generation.update") {
      words = message.payload?.state?.progress.words ?? words;
      for (const w of wordWaiters.splice(0)) if (words > w.above) w.resolve(words);
      else wordWaiters.push(w);
    }
  });
  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiters.set(id, resolve);
        ws.send(JSON.stringify({ kind: "request", id, method, params }));
      });
    },
    words: () => words,
    nextWords: (above) => new Promise((resolve) => (words > above ? resolve(words) : wordWaiters.push({ above, resolve }))),
    close: () => ws.close(),
  };
}

test("bad frames close only the connection that sent them; the document goes on being written", async () => {
  test.setTimeout(120_000);
  const writer = await window();
  expect(await writer.call("models.load", { source: { kind: "file", path: "scripted.gguf" } })).toMatchObject({ ok: true });
  const created = await writer.call("projects.create", { instruction: "Write a long story about a lighthouse keeper.", targetWords: 3000, language: "en" });
  const projectId = (created.result as { projectId: string }).projectId;
  expect(await writer.call("generation.start", { projectId })).toMatchObject({ ok: true });
  await writer.nextWords(0);

  const port = Number(new URL(app.origin).port);
  const frames: [number, Buffer][] = [
    [1009, clientFrame({ opcode: 0x1, payload: Buffer.alloc(40 * 1024 * 1024, 0x61) })],
    [1007, clientFrame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) })],
    [1002, clientFrame({ opcode: 0x1, rsv1: true, payload: Buffer.from("{}") })],
    [1002, clientFrame({ opcode: 0x3, payload: Buffer.from("?") })],
  ];
  for (const [code, frame] of frames) {
    const attacker = await rawUpgrade({ port, token: app.token });
    expect(attacker.status).toBe(101);
    attacker.socket.write(frame);
    const close = await attacker.nextClose();
    expect(close && closeCode(close)).toBe(code);
    attacker.socket.end();
    await attacker.closed;
  }

  // The writing went on: the window's own connection still gets the model's words.
  const wordsAfterAttack = writer.words();
  expect(await writer.nextWords(wordsAfterAttack)).toBeGreaterThan(wordsAfterAttack);
  // A window that reconnects finds the document with everything written so far.
  const reconnected = await window();
  const state = await reconnected.call("projects.get", { projectId });
  const manuscript = (state.result as { manuscript: { steps: { words: number }[] } }).manuscript;
  expect(manuscript.steps.reduce((sum, s) => sum + s.words, 0)).toBeGreaterThan(0);
  expect(await reconnected.call("generation.stop", { projectId })).toMatchObject({ ok: true });
  writer.close();
  reconnected.close();
});
