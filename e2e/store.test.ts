// The store's main scenarios (renderer/src/store/writing.test.ts runs them against the in-memory back
// end) against the real services through the real server: `startWebServer` with the real back end and
// the scripted engine, the renderer's store connected over a WebSocket from Node. So the in-memory
// stand-in cannot drift from what the back end does. Every wait is for a state, never for a time.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { webSocketProtocols } from "../electron/common/api/bridge";
import { createApiClient, type ClientTransport } from "../electron/common/api/client";
import type { WireMessage } from "../electron/common/api/define";
import { createBackend, type Backend } from "../electron/node/app/backend";
import { startWebServer, type WebServer } from "../electron/node/server/webServer";
import { createDocumentApi } from "../renderer/src/api/documents";
import { startEventPump } from "../renderer/src/store/eventPump";
import { generationSelectors, manuscriptSelectors } from "../renderer/src/store/selectors";
import { createAppStore, type AppStore } from "../renderer/src/store/store";

/** The renderer's side of the WebSocket, in Node: the token as a subprotocol, the server's own Origin. */
async function webSocketTransport(server: WebServer): Promise<{ transport: ClientTransport; close: () => void }> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/api`, webSocketProtocols(server.token), { origin: `http://127.0.0.1:${server.port}` });
  await new Promise<void>((resolve, reject) => {
    socket.once("open", () => resolve());
    socket.once("error", reject);
  });
  let receive: (message: WireMessage) => void = () => {};
  socket.on("message", (data) => receive(JSON.parse(String(data)) as WireMessage));
  return {
    transport: { send: (request) => socket.send(JSON.stringify(request)), onMessage: (listener) => (receive = listener) },
    close: () => socket.close(),
  };
}

/** Waits until `check` holds, looking every 20 ms (the model writes on; the test waits for a state). */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3000 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!check()) throw new Error(`Still waiting for ${what}.`);
}

describe("writing a document through the store, against the real back end and server", { timeout: 90_000 }, () => {
  let home: string;
  let backend: Backend;
  let server: WebServer;
  let closeSocket: () => void;
  let store: AppStore;
  const s = () => store.getState();
  const status = () => generationSelectors.status(s());

  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), "draftline-store-"));
    // The scripted engine writes 1,500 characters a second: the 2,000-word document takes about 10 s.
    backend = await createBackend({ shell: "web", emit: (event) => server?.emit(event), env: { DRAFTLINE_HOME: home, DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "1500" } });
    server = await startWebServer({ rendererDir: home, handlers: backend.handlers, port: 0 });
    const socket = await webSocketTransport(server);
    closeSocket = socket.close;
    const client = createApiClient(socket.transport);
    store = createAppStore();
    s().setConnected(client, createDocumentApi(client), { name: "Draftline", version: "0", shell: "web", platform: "linux" });
    startEventPump(client, store, { schedule: (callback) => void setTimeout(callback, 0) });
    expect(await s().loadModel({ kind: "file", path: "scripted" })).toEqual({ ok: true });
    expect(await s().createDocument({ instruction: "A story about a river town", targetWords: 2000, language: "en", mode: null })).toEqual({ ok: true });
  });

  afterEach(async () => {
    closeSocket();
    await server.close();
    await backend.container.shutdown();
    await rm(home, { recursive: true, force: true });
  });

  it("the plan's sections and then step cards fill in as the model writes", async () => {
    expect(generationSelectors.canGenerate(s())).toBe(true);
    await s().generate();
    expect(["writing", "finished"]).toContain(status());
    await until(() => (s().manuscript?.steps.length ?? 0) > 0, "a step");
    expect(s().manuscript!.sections.length).toBeGreaterThanOrEqual(3);
    expect(manuscriptSelectors.plannedWords(s())).toBe(2000);
    await until(() => status() === "finished", "the end");
    expect(manuscriptSelectors.totalWords(s())).toBeGreaterThan(0);
    expect(s().generation?.progress.words).toBe(manuscriptSelectors.totalWords(s()));
    expect(s().document?.modified).toBe(true);
  });

  it("an edit to a future section's budget is pending until the next step boundary, then applied: its mark settles by its id", async () => {
    await s().generate();
    await until(() => (s().manuscript?.steps.length ?? 0) > 0, "a step");
    // Paused, the model cannot reach a boundary before the edit is marked.
    await s().pause();
    expect(status()).toBe("paused");
    const written = manuscriptSelectors.figures(s())!.written;
    const future = s().manuscript!.sections.find((x) => !written.has(x.id))!;
    expect(future).toBeDefined();

    const outcome = await s().editManuscript({ type: "editSection", sectionId: future.id, budget: 321 }, { kind: "section", sectionId: future.id });
    expect(outcome).toEqual({ ok: true });
    expect(manuscriptSelectors.section(future.id)(s())?.budget).toBe(321);
    expect(manuscriptSelectors.isPending({ kind: "section", sectionId: future.id })(s())).toBe(true);
    const pending = s().localEdits[0]!;
    expect(s().generation?.edits).toContainEqual(expect.objectContaining({ id: pending.serverId, state: "pending" }));

    await s().resume();
    await until(() => !manuscriptSelectors.isPending({ kind: "section", sectionId: future.id })(s()), "the edit taken in");
    expect(manuscriptSelectors.section(future.id)(s())?.budget).toBe(321);
    await until(() => status() === "finished", "the end");
    // The back end's plan revisions came with the updates: they name the edited budget.
    expect(s().manuscript!.revisions.at(-1)?.sections.find((x) => x.id === future.id)?.budget).toBe(321);
  });

  it("a refused edit changes nothing and says why", async () => {
    await s().generate();
    await until(() => (s().manuscript?.sections.length ?? 0) >= 2, "the plan");
    await s().pause();
    const sections = s().manuscript!.sections;
    const outcome = await s().editManuscript({ type: "editSection", sectionId: sections[1]!.id, title: sections[0]!.title }, { kind: "section", sectionId: sections[1]!.id });
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? "" : outcome.message).toContain("already called");
    expect(s().manuscript!.sections).toBe(sections);
    expect(s().localEdits).toEqual([]);
    await s().stop();
  });

  it("pausing holds the words still and resuming goes on", async () => {
    await s().generate();
    await until(() => (s().generation?.progress.words ?? 0) > 0, "words");
    await s().pause();
    expect(generationSelectors.canResume(s())).toBe(true);
    const words = s().generation!.progress.words;
    await new Promise((r) => setTimeout(r, 300));
    expect(s().generation!.progress.words).toBe(words);
    expect(manuscriptSelectors.totalWords(s())).toBe(words);
    await s().resume();
    await until(() => s().generation!.progress.words > words, "more words");
    await s().stop();
  });

  it("editing a finished step's text updates its count and the total", async () => {
    await s().generate();
    await until(() => status() === "finished", "the end");
    const done = s().manuscript!.steps.findIndex((x) => x.status === "done");
    expect(done).toBeGreaterThanOrEqual(0);
    const step = s().manuscript!.steps[done]!;
    const before = manuscriptSelectors.totalWords(s());
    await s().editManuscript({ type: "editStep", stepId: step.id, content: `${step.content} three more words` }, { kind: "step", stepId: step.id });
    expect(s().manuscript!.steps[done]!.words).toBe(step.words + 3);
    expect(s().manuscript!.steps[done]!.status).toBe("edited");
    expect(manuscriptSelectors.totalWords(s())).toBe(before + 3);
    expect(s().localEdits).toEqual([]);
  });

  it("stopping ends the generation and keeps what was written", async () => {
    await s().generate();
    await until(() => (s().manuscript?.steps.length ?? 0) >= 2, "two steps");
    await s().stop();
    expect(generationSelectors.status(s())).toBe("stopped");
    expect(generationSelectors.canStop(s())).toBe(false);
    const steps = s().manuscript!.steps.length;
    const words = manuscriptSelectors.totalWords(s());
    await new Promise((r) => setTimeout(r, 300));
    expect(s().manuscript!.steps.length).toBe(steps);
    expect(manuscriptSelectors.totalWords(s())).toBe(words);
  });

  it("regenerating a step writes it again and leaves the others as they were", async () => {
    await s().generate();
    await until(() => status() === "finished", "the end");
    const before = s().manuscript!.steps;
    await s().regenerateStep(1);
    await until(() => status() === "finished" && (s().generation?.notes.includes("Wrote the step again.") ?? false), "the step written again");
    const after = s().manuscript!.steps;
    expect(after).toHaveLength(before.length);
    expect(after[0]).toEqual(before[0]);
    expect(after[2]).toEqual(before[2]);
    expect(after[1]).toMatchObject({ id: before[1]!.id, sectionId: before[1]!.sectionId, plan: before[1]!.plan, status: "done" });
    expect(after[1]!.words).toBeGreaterThan(0);
  });
});
