// A page that holds the token sends WebSocket frames the protocol forbids while the model writes:
// `draftline serve` closes that one connection with the code that says why, and nothing else stops —
// the writing goes on, the window's own connection keeps its updates, and a new connection works.
import { expect, test } from "@playwright/test";
import { clientFrame, closeCode, rawUpgrade } from "../electron/node/server/testing/rawWebSocket";
import { connectApi, serveApp, type ApiConnection, type ServedApp } from "./serve";

let app: ServedApp;
test.beforeAll(async () => {
  // 200 characters a second: the document takes far longer than the attack, so it happens mid-writing.
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "200" });
});
test.afterAll(async () => {
  await app?.stop();
});

/** A window's connection, as the app's page opens it, that also follows the words written. */
async function window(): Promise<ApiConnection & { words(): number; nextWords(above: number): Promise<number> }> {
  let words = 0;
  const wordWaiters: { above: number; resolve: (n: number) => void }[] = [];
  const api = await connectApi(app, (event) => {
    if (event.name !== "generation.update") return;
    words = (event.payload as { state?: { progress: { words: number } } } | undefined)?.state?.progress.words ?? words;
    for (const w of wordWaiters.splice(0)) if (words > w.above) w.resolve(words);
    else wordWaiters.push(w);
  });
  return {
    ...api,
    words: () => words,
    nextWords: (above) => new Promise((resolve) => (words > above ? resolve(words) : wordWaiters.push({ above, resolve }))),
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
