// Rewriting a selection through the store, against the in-memory back end: the draft is an editor state
// behind the same bridge the draft editor registers (passage.ts), so what is kept is what the page keeps.
import { getSchema } from "@tiptap/core";
import { history, undo } from "@tiptap/pm/history";
import { EditorState, TextSelection } from "@tiptap/pm/state";
import { beforeEach, describe, expect, it } from "vitest";
import { createDraftDoc } from "../editor/draftSync";
import { draftExtensions } from "../editor/extensions";
import { findStepBlock } from "../editor/extensions/stepBlock";
import { serializeMarkdown } from "../editor/markdown";
import { passageFromSelection, replacePassageTransaction } from "../editor/passage";
import { InMemoryBackend } from "../testing/inMemoryBackend";
import { startEventPump } from "./eventPump";
import { createAppStore, type AppStore } from "./store";

const schema = getSchema(draftExtensions);
const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("rewriting a selection through the store", () => {
  let fake: InMemoryBackend;
  let store: AppStore;
  let draft: EditorState;
  let run: (ms: number) => Promise<void>;

  /** Selects the first `words` words of step-1's text in the draft. */
  const selectStart = (words: number) => {
    const block = findStepBlock(draft.doc, "step-1")!;
    const text = block.node.textContent;
    const length = text.split(" ").slice(0, words).join(" ").length;
    draft = draft.apply(draft.tr.setSelection(TextSelection.create(draft.doc, block.pos + 2, block.pos + 2 + length)));
    return text.slice(0, length);
  };
  const step1 = () => serializeMarkdown(findStepBlock(draft.doc, "step-1")!.node);

  beforeEach(async () => {
    fake = new InMemoryBackend({ tokensPerSecond: 400, stepWords: 120 });
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
        await flushPromises();
      }
    };
    await store.getState().refreshModels();
    await store.getState().createDocument({ instruction: "A story about a river town", targetWords: 400, language: "en", mode: null });
    await store.getState().generate();
    for (let i = 0; i < 400 && store.getState().generation?.status !== "finished"; i++) await run(250);
    expect(store.getState().generation?.status).toBe("finished");
    draft = EditorState.create({ schema, doc: createDraftDoc(schema, store.getState().manuscript!, new Map()), plugins: [history()] });
    store.getState().setDraftBridge({
      takeSelection: () => passageFromSelection(draft),
      replacePassage: (passage, markdown) => {
        const tr = replacePassageTransaction(draft, passage, markdown);
        if (!tr) return false;
        draft = draft.apply(tr);
        return true;
      },
    });
  });

  it("streams the new passage, shows it against the original, and keeps it in place of the selection only", async () => {
    const original = step1();
    const selected = selectStart(20);
    store.getState().openRewrite();
    expect(store.getState().rewrite).toMatchObject({ status: "ready", passage: { stepId: "step-1", selection: selected } });
    store.getState().setRewriteOptions({ kind: "shorten", targetWords: 12 });
    await store.getState().startRewrite();
    expect(store.getState().rewrite?.status).toBe("writing");
    await run(100);
    const partial = store.getState().rewrite!;
    expect(partial.status).toBe("writing");
    expect(partial.text.length).toBeGreaterThan(0);
    expect(step1()).toBe(original);
    for (let i = 0; i < 100 && store.getState().rewrite?.status === "writing"; i++) await run(100);
    const done = store.getState().rewrite!;
    expect(done).toMatchObject({ status: "done", aimedAt: 12 });
    // The back end's request carried the passage and the step's text after it.
    const asked = fake.requests.find((r) => r.method === "generation.rewrite")!.params as { selection: string; after: string; kind: string; targetWords: number };
    expect(asked).toMatchObject({ selection: selected, kind: "shorten", targetWords: 12 });
    expect(original.endsWith(asked.after.slice(-40))).toBe(true);

    store.getState().editRewriteText(`${done.text} Edited.`);
    store.getState().keepRewrite();
    expect(store.getState().rewrite).toBeNull();
    expect(step1()).toBe(`${done.text} Edited.${original.slice(selected.length)}`);
    undo(draft, (tr) => (draft = draft.apply(tr)));
    expect(step1()).toBe(original);
  });

  it("a stop mid-rewrite leaves the passage, with nothing to keep; discard closes it and changes nothing", async () => {
    const original = step1();
    selectStart(30);
    store.getState().openRewrite();
    store.getState().setRewriteOptions({ kind: "expand", targetWords: 2000 });
    await store.getState().startRewrite();
    await run(100);
    expect(store.getState().rewrite?.status).toBe("writing");
    await store.getState().stopRewrite();
    await run(50);
    expect(store.getState().rewrite).toMatchObject({ status: "stopped", text: "" });
    store.getState().keepRewrite();
    expect(step1()).toBe(original);
    await store.getState().discardRewrite();
    expect(store.getState().rewrite).toBeNull();
    expect(step1()).toBe(original);
  });

  it("refuses with a message: no selection, the model writing the document, an instruction with no words, a step changed before keeping", async () => {
    store.getState().openRewrite();
    expect(store.getState().rewrite).toBeNull();
    expect(store.getState().notices.at(-1)?.key).toBe("selection.noSelection");

    selectStart(5);
    store.getState().openRewrite();
    store.getState().setRewriteOptions({ kind: "instruction", instruction: "  " });
    await store.getState().startRewrite();
    expect(store.getState().notices.at(-1)?.key).toBe("selection.needsInstruction");
    expect(fake.requests.some((r) => r.method === "generation.rewrite")).toBe(false);

    store.getState().setRewriteOptions({ instruction: "make it tenser" });
    await store.getState().startRewrite();
    for (let i = 0; i < 100 && store.getState().rewrite?.status !== "done"; i++) await run(100);
    // The writer typed in that step meanwhile: Keep replaces nothing and says why.
    draft = draft.apply(draft.tr.insertText("Meanwhile. ", findStepBlock(draft.doc, "step-1")!.pos + 2));
    const typed = step1();
    store.getState().keepRewrite();
    expect(store.getState().notices.at(-1)?.key).toBe("selection.stepChanged");
    expect(step1()).toBe(typed);
    await store.getState().discardRewrite();

    await store.getState().generate({ fromStep: 1 });
    expect(store.getState().generation?.status).toBe("writing");
    store.getState().openRewrite();
    expect(store.getState().rewrite).toBeNull();
    expect(store.getState().notices.at(-1)?.key).toBe("selection.modelWriting");
  });
});
