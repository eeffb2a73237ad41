// Destructive actions say what they replace and can be undone from the window: continue from here
// and regenerate ask first, a snapshot is kept, and History brings it back (keeping the draft first).
import { beforeEach, describe, expect, it } from "vitest";
import { InMemoryBackend } from "../testing/inMemoryBackend";
import { describeRewrite } from "../panels/ConfirmRewrite";
import { runCommand } from "../shell/commands";
import { startEventPump } from "./eventPump";
import { createAppStore, type AppStore } from "./store";

const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("rewrites and the history", () => {
  let fake: InMemoryBackend;
  let store: AppStore;
  let run: (ms: number) => Promise<void>;
  beforeEach(async () => {
    fake = new InMemoryBackend({ tokensPerSecond: 400, stepWords: 100 });
    store = createAppStore();
    store.getState().setConnected(fake.client, fake.documents, await fake.client.call("app.info", {}));
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
    await store.getState().generate();
    await run(4000);
    await store.getState().stop();
    await run(100);
  });

  it("continue from here says what it writes again, and restoring the snapshot brings the steps back", async () => {
    const before = store.getState().manuscript!;
    expect(before.steps.length).toBeGreaterThanOrEqual(3);
    store.setState({ focus: { stepId: "step-1", sectionId: null, source: "timeline" } });
    expect(runCommand("generate.continueHere", store)).toBe(true);
    expect(store.getState().panel).toBe("confirmRewrite");
    const words = before.steps.slice(1).reduce((n, s) => n + s.words, 0);
    expect(describeRewrite(before, store.getState().rewriteQuestion!)).toEqual({ key: "rewrite.continue", values: { from: 1, first: 2, last: before.steps.length, words } });

    await store.getState().confirmRewrite();
    await run(100);
    expect(store.getState().notices.at(-1)).toMatchObject({ key: "notice.snapshotKept" });
    await store.getState().stop();
    const [snapshot] = await fake.documents.history(store.getState().document!.projectId);
    expect(snapshot).toMatchObject({ label: "Before continuing from step 2", reason: "before-regeneration" });

    expect(await store.getState().restoreSnapshot(snapshot!.id)).toEqual({ ok: true });
    expect(store.getState().manuscript!.steps.map((s) => s.content)).toEqual(before.steps.map((s) => s.content));
    const after = await fake.documents.history(store.getState().document!.projectId);
    expect(after[0]).toMatchObject({ label: 'Before restoring "Before continuing from step 2"', reason: "before-restore" });
  });

  it("continue from the last step replaces nothing: it goes ahead without a question", async () => {
    const steps = store.getState().manuscript!.steps.length;
    store.getState().askRewrite({ kind: "continue", fromStep: steps });
    expect(store.getState().panel).toBeNull();
  });
});
