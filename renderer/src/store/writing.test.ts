// The store driving a generation end to end against the fake back end: the writer's point of view.
import { beforeEach, describe, expect, it } from "vitest";
import { InMemoryBackend } from "../testing/inMemoryBackend";
import { startEventPump } from "./eventPump";
import { generationSelectors, manuscriptSelectors } from "./selectors";
import { createAppStore, type AppStore } from "./store";

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("writing a document through the store", () => {
  let fake: InMemoryBackend;
  let store: AppStore;
  /** Moves the fake model on and delivers the frame's events. */
  let run: (ms: number) => Promise<void>;

  beforeEach(async () => {
    fake = new InMemoryBackend({ tokensPerSecond: 200, stepWords: 150 });
    store = createAppStore();
    store.getState().setConnected(fake.client, fake.documents, { name: "Draftline", version: "0", shell: "web", platform: "linux" });
    let waiting: Array<() => void> = [];
    startEventPump(fake.client, store, { schedule: (cb) => void waiting.push(cb) });
    run = async (ms) => {
      for (let t = 0; t < ms; t += 50) {
        fake.advance(50);
        const frame = waiting;
        waiting = [];
        for (const cb of frame) cb();
      }
      await flushPromises();
    };
    await store.getState().refreshModels();
    await store.getState().createDocument({ instruction: "A story about a river town", targetWords: 3000, language: "en", mode: null });
  });

  it("the plan's sections and then step cards fill in as the model writes", async () => {
    expect(generationSelectors.canGenerate(store.getState())).toBe(true);
    await store.getState().generate();
    expect(generationSelectors.status(store.getState())).toBe("writing");
    await run(3000);
    const s = store.getState();
    expect(s.manuscript!.sections.length).toBeGreaterThanOrEqual(3);
    expect(manuscriptSelectors.plannedWords(s)).toBe(3000);
    expect(s.manuscript!.steps.length).toBeGreaterThan(0);
    expect(manuscriptSelectors.totalWords(s)).toBeGreaterThan(0);
    expect(s.generation?.progress.words).toBe(manuscriptSelectors.totalWords(s));
  });

  it("an edit to a future section's budget is pending until the next step boundary, then applied", async () => {
    await store.getState().generate();
    await run(2500);
    const s = store.getState();
    const written = manuscriptSelectors.figures(s)!.written;
    const future = s.manuscript!.sections.find((x) => !written.has(x.id))!;
    expect(future).toBeDefined();

    const outcome = await store.getState().editManuscript({ type: "editSection", sectionId: future.id, budget: 1234 }, { kind: "section", sectionId: future.id });
    expect(outcome).toEqual({ ok: true });
    expect(manuscriptSelectors.section(future.id)(store.getState())?.budget).toBe(1234);
    expect(manuscriptSelectors.isPending({ kind: "section", sectionId: future.id })(store.getState())).toBe(true);

    await run(4000);
    expect(manuscriptSelectors.isPending({ kind: "section", sectionId: future.id })(store.getState())).toBe(false);
    expect(manuscriptSelectors.section(future.id)(store.getState())?.budget).toBe(1234);
  });

  it("a refused edit changes nothing and says why", async () => {
    await store.getState().generate();
    await run(2500);
    const sections = store.getState().manuscript!.sections;
    const outcome = await store.getState().editManuscript({ type: "editSection", sectionId: sections[1]!.id, title: sections[0]!.title }, { kind: "section", sectionId: sections[1]!.id });
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? "" : outcome.message).toContain("already called");
    expect(store.getState().manuscript!.sections).toBe(sections);
    expect(store.getState().localEdits).toEqual([]);
  });

  it("pausing holds the words still and resuming goes on", async () => {
    await store.getState().generate();
    await run(2000);
    await store.getState().pause();
    expect(generationSelectors.canResume(store.getState())).toBe(true);
    const words = store.getState().generation!.progress.tokensGenerated;
    await run(1000);
    expect(store.getState().generation!.progress.tokensGenerated).toBe(words);
    await store.getState().resume();
    await run(1000);
    expect(store.getState().generation!.progress.tokensGenerated).toBeGreaterThan(words);
  });

  it("editing a finished step's text updates its count and the total", async () => {
    await store.getState().generate();
    await run(6000);
    await store.getState().stop();
    await run(100);
    const s = store.getState();
    const done = s.manuscript!.steps.findIndex((x) => x.status === "done");
    expect(done).toBeGreaterThanOrEqual(0);
    const step = s.manuscript!.steps[done]!;
    const before = manuscriptSelectors.totalWords(s);
    await store.getState().editManuscript({ type: "editStep", stepId: step.id, content: `${step.content} three more words` }, { kind: "step", stepId: step.id });
    const after = store.getState();
    expect(after.manuscript!.steps[done]!.words).toBe(step.words + 3);
    expect(after.manuscript!.steps[done]!.status).toBe("edited");
    expect(manuscriptSelectors.totalWords(after)).toBe(before + 3);
  });

  it("stopping ends the generation and keeps what was written", async () => {
    await store.getState().generate();
    await run(3000);
    const steps = store.getState().manuscript!.steps.length;
    await store.getState().stop();
    await run(500);
    expect(generationSelectors.status(store.getState())).toBe("stopped");
    expect(generationSelectors.canStop(store.getState())).toBe(false);
    expect(store.getState().manuscript!.steps.length).toBe(steps);
  });
});
