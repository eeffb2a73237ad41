import { beforeEach, describe, expect, it } from "vitest";
import type { GenerationUpdate, UiCommand } from "../../../electron/common/api";
import { InMemoryBackend } from "../testing/inMemoryBackend";
import { startEventPump } from "./eventPump";
import { createAppStore, type AppStore } from "./store";

/** A frame clock the test drives: callbacks wait until `frame()`. */
function manualFrames() {
  let waiting: Array<() => void> = [];
  return {
    schedule: (callback: () => void) => void waiting.push(callback),
    frame() {
      const run = waiting;
      waiting = [];
      for (const callback of run) callback();
    },
    get pending() {
      return waiting.length;
    },
  };
}

const content = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");

function update(version: number, words: number): GenerationUpdate {
  return {
    projectId: "project-1",
    version,
    state: {
      projectId: "project-1",
      status: "writing",
      mode: null,
      progress: { words, target: 1000, projectedScore: null, tokensPerSecond: 200, elapsedMs: version * 10, currentStep: 0, phase: "content", contextTokens: 0, contextSize: 0, tokensDecoded: 0, tokensGenerated: version },
      edits: [],
      error: null,
      notes: [],
    },
    steps: [{ index: 0, step: { id: "step-1", sectionId: null, plan: "p", planComplete: true, targetWords: null, content: content(words), reflection: "", progress: null, words, status: "writing" } }],
    stepCount: 1,
    finished: false,
  };
}

describe("the event pump", () => {
  let fake: InMemoryBackend;
  let store: AppStore;
  beforeEach(async () => {
    fake = new InMemoryBackend();
    store = createAppStore();
    store.getState().setConnected(fake.client, fake.documents, { name: "Draftline", version: "0", shell: "web", platform: "linux" });
    expect((await store.getState().createDocument({ instruction: "A story", targetWords: 1000, language: "en", mode: null })).ok).toBe(true);
  });

  it("folds every update of a frame into one change of the store", () => {
    const frames = manualFrames();
    const commands: UiCommand[] = [];
    startEventPump(fake.client, store, { schedule: frames.schedule, onCommand: (c) => commands.push(c) });
    let changes = 0;
    store.subscribe(() => changes++);

    for (let v = 1; v <= 10; v++) fake.emit("generation.update", update(v, v * 3));
    fake.emit("ui.command", { command: "generate.pause" });
    fake.emit("ui.command", { command: "generate.resume" });
    expect(frames.pending).toBe(1);
    expect(changes).toBe(0);

    frames.frame();
    expect(changes).toBe(1);
    const s = store.getState();
    expect(s.manuscript?.steps[0]?.words).toBe(30);
    expect(s.generation?.progress.tokensGenerated).toBe(10);
    expect(s.document?.version).toBe(10);
    expect(commands).toEqual(["generate.pause", "generate.resume"]);
  });

  it("an answer to a control is not overwritten by events sent before it", async () => {
    const frames = manualFrames();
    startEventPump(fake.client, store, { schedule: frames.schedule });
    await store.getState().refreshModels();
    await store.getState().generate();
    fake.advance(500);
    expect(frames.pending).toBe(1);
    await store.getState().pause();
    expect(store.getState().generation?.status).toBe("paused");
    frames.frame();
    expect(store.getState().generation?.status).toBe("paused");
    expect(store.getState().manuscript?.planDraft ?? store.getState().manuscript?.sections).toBeTruthy();
  });

  it("keeps only the latest state of each download and of the engine", () => {
    const frames = manualFrames();
    startEventPump(fake.client, store, { schedule: frames.schedule });
    const download = (id: string, bytes: number) => ({ id, status: "downloading", downloadedBytes: bytes, totalBytes: 100, bytesPerSecond: 1, secondsLeft: 1, error: null });
    fake.emit("models.download", download("a", 10));
    fake.emit("models.download", download("b", 5));
    fake.emit("models.download", download("a", 20));
    fake.emit("engine.state", { ...fake.engine, status: "loading", loadProgress: 0.2 });
    fake.emit("engine.state", { ...fake.engine, status: "loading", loadProgress: 0.6 });
    frames.frame();
    const s = store.getState();
    expect(s.downloads.a?.downloadedBytes).toBe(20);
    expect(s.downloads.b?.downloadedBytes).toBe(5);
    expect(s.engine?.loadProgress).toBe(0.6);
  });

  it("shows whether the document has unsaved changes, and tells the writer when a save failed", () => {
    const frames = manualFrames();
    startEventPump(fake.client, store, { schedule: frames.schedule });
    const projectId = store.getState().document!.projectId;
    fake.emit("project.changed", { projectId, currentVersion: 3, modified: true, source: "model", words: 10 });
    fake.emit("project.saved", { projectId, kind: "autosave", path: null, savedAt: 1, version: 3, modified: true });
    frames.frame();
    expect(store.getState().document?.modified).toBe(true);
    fake.emit("project.saved", { projectId, kind: "save", path: "/tmp/a.draftline", savedAt: 2, version: 3, modified: false });
    fake.emit("project.saveFailed", { projectId, kind: "autosave", code: "disk-full", message: "The disk is full." });
    frames.frame();
    expect(store.getState().document).toMatchObject({ modified: false, path: "/tmp/a.draftline" });
    expect(store.getState().notices.map((n) => n.values.message)).toEqual(["The disk is full."]);
  });

  it("ignores updates of another project and events it does not know", () => {
    const frames = manualFrames();
    startEventPump(fake.client, store, { schedule: frames.schedule });
    fake.emit("generation.update", { ...update(1, 5), projectId: "someone-else" });
    fake.emit("no.such.event", { anything: true });
    frames.frame();
    expect(store.getState().manuscript?.steps).toEqual([]);
  });

  it("stops feeding the store once unsubscribed", () => {
    const frames = manualFrames();
    const stop = startEventPump(fake.client, store, { schedule: frames.schedule });
    fake.emit("generation.update", update(1, 5));
    stop();
    frames.frame();
    fake.emit("generation.update", update(2, 6));
    frames.frame();
    expect(store.getState().manuscript?.steps).toEqual([]);
  });
});
