import { describe, expect, it } from "vitest";
import type { GenerationUpdate, RewriteUpdate } from "../../common/api/generation";
import { rewriteCut, rewriteTarget } from "../../common/generation/rewrite";
import { renderPlan } from "../../common/iscot/plan";
import { applyEdit, createManuscript, type Manuscript, type Step } from "../../common/manuscript";
import { withRevision } from "../../common/manuscript/reducer";
import { countWriterWords } from "../../common/metrics/words";
import { fakeWriter, prose } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { MemoryStore } from "./memoryStore";
import { locatePassage, replacePassage, rewritePassage, RewriteRefused } from "./rewrite";
import { GenerationService } from "./service";

const step = (n: number, sectionId: string, content: string, plan = ""): Step => ({
  id: `step-${n}`,
  sectionId,
  plan,
  planComplete: true,
  targetWords: null,
  content,
  reflection: "",
  progress: null,
  words: countWriterWords(content),
  status: "done",
});

const FIRST = "The harbor woke before the gulls. Nets lay in grey heaps on the quay.\n\nOld Tomas counted the boats twice, as he always did, and found one missing.";
const SECOND = "By noon the wind had turned. **Nobody** spoke of the missing boat.";

function draft(): Manuscript {
  const sections = [
    { id: "sec-1", title: "Dawn", brief: "The harbor wakes.", budget: 300 },
    { id: "sec-2", title: "Noon", brief: "The wind turns.", budget: 300 },
  ];
  let m = withRevision(createManuscript({ instruction: "Write a story about a fishing harbor.", targetWords: 600, language: "en" }), renderPlan(sections, "en"), sections, 3);
  m = { ...m, steps: [step(1, "sec-1", FIRST, "Dawn: open on the harbor."), step(2, "sec-2", SECOND, "Noon: the wind turns.")] };
  const voiced = applyEdit(m, { type: "setVoice", sectionId: null, sample: "Short lines. Salt in them." });
  if (!voiced.ok) throw new Error(voiced.error.message);
  return voiced.manuscript;
}

describe("rewriting a passage", () => {
  it("asks with the passage, the text around it, the section's plan, the step's plan and the voice, and holds the answer to its target", async () => {
    const backend = new ScriptedBackend(fakeWriter({ rewriteWords: 200 }));
    const m = draft();
    const passage = locatePassage(m, { find: "Old Tomas counted the boats twice" });
    const outcome = await rewritePassage({ backend }, m, { ...passage, kind: "shorten", targetWords: 30 });
    expect(outcome.status).toBe("done");
    // Cut at the first sentence end past 30 words (the scripted prose has 12-word sentences).
    expect(outcome.words).toBeGreaterThanOrEqual(30);
    expect(outcome.words).toBeLessThan(30 + 12);
    expect(outcome.text).toMatch(/\.$/);
    const prompt = backend.calls[0]!.context;
    expect(prompt).toContain("Shorten the passage to about 30 words: keep what matters.");
    expect(prompt).toContain('The passage:\n"""\nOld Tomas counted the boats twice\n"""');
    expect(prompt).toContain("The text before the passage:");
    expect(prompt).toContain("Nets lay in grey heaps on the quay.");
    expect(prompt).toContain(", as he always did, and found one missing.");
    expect(prompt).toContain('The passage is in the section "Dawn": The harbor wakes.');
    expect(prompt).toContain("The plan of this part: Dawn: open on the harbor.");
    expect(prompt).toContain('like this sample of their prose (not its content):\n"""\nShort lines. Salt in them.\n"""');
  });

  it("puts the new text in place of the passage and touches nothing outside it", async () => {
    const m = draft();
    const passage = locatePassage(m, { find: "Nets lay in grey heaps on the quay." });
    const outcome = await rewritePassage({ backend: new ScriptedBackend(fakeWriter()) }, m, { ...passage, kind: "expand" });
    expect(outcome.targetWords).toBe(rewriteTarget("expand", 8));
    const next = replacePassage(m, passage, outcome.text);
    const content = next.steps[0]!.content;
    expect(content.startsWith(passage.before)).toBe(true);
    expect(content.endsWith(passage.after)).toBe(true);
    expect(content).toBe(`The harbor woke before the gulls. ${outcome.text}\n\nOld Tomas counted the boats twice, as he always did, and found one missing.`);
    expect(next.steps[0]!.status).toBe("edited");
    expect(next.steps[0]!.words).toBe(countWriterWords(content));
    expect(next.steps[1]).toEqual(m.steps[1]);
    expect(next.sections).toEqual(m.sections);
    // A whole step.
    const whole = locatePassage(m, { stepId: "step-2" });
    expect(replacePassage(m, whole, "Calm.").steps.map((s) => s.content)).toEqual([FIRST, "Calm."]);
  });

  it("leaves the original when stopped mid-rewrite: the outcome says stopped and nothing is replaced", async () => {
    const m = draft();
    const passage = locatePassage(m, { stepId: "step-1" });
    const stop = new AbortController();
    const seen: string[] = [];
    const outcome = await rewritePassage({ backend: new ScriptedBackend(fakeWriter({ rewriteWords: 400 })) }, m, { ...passage, kind: "rewrite" }, {
      signal: stop.signal,
      onText: (text) => {
        seen.push(text);
        if (text.length > 40) stop.abort();
      },
    });
    expect(outcome.status).toBe("stopped");
    expect(seen.length).toBeGreaterThan(0);
    expect(outcome.words).toBeLessThan(countWriterWords(FIRST));
    expect(m.steps[0]!.content).toBe(FIRST);
  });

  it("refuses a passage it cannot find, an unknown step, and an instruction with no words, saying why", async () => {
    const m = draft();
    expect(() => locatePassage(m, { find: "a lighthouse" })).toThrow(RewriteRefused);
    expect(() => locatePassage(m, { stepId: "step-9" })).toThrow("There is no step step-9. The steps are step-1, step-2.");
    expect(() => locatePassage(m, { find: "the" })).toThrow(/^"the" occurs \d+ times \(step-1, step-2\)/);
    expect(locatePassage(m, { find: "the wind", section: 2 })).toMatchObject({ stepId: "step-2", selection: "the wind" });
    expect(() => locatePassage(m, { find: "gulls", section: 2 })).toThrow('"gulls" is not in section 2');
    expect(() => locatePassage(m, { find: "gulls", section: 3 })).toThrow('There is no section 3: the document has 2 (1 "Dawn", 2 "Noon").');
    await expect(rewritePassage({ backend: new ScriptedBackend(fakeWriter()) }, m, { ...locatePassage(m, { stepId: "step-1" }), kind: "instruction", instruction: " " })).rejects.toThrow("Say how to change the passage");
    const passage = locatePassage(m, { find: "gulls" });
    const changed = { ...m, steps: [{ ...m.steps[0]!, content: "Other words entirely." }, m.steps[1]!] };
    expect(() => replacePassage(changed, passage, "x")).toThrow("The step changed since the passage was taken");
  });
});

describe("where a rewrite is cut", () => {
  it("ends at the first sentence end at or past the target, not before", () => {
    const text = "One two three. Four five six seven. Eight nine.";
    expect(rewriteCut(text, 20)).toBeNull();
    expect(rewriteCut(text, 3)).toBe("One two three.".length);
    expect(rewriteCut(text, 4)).toBe("One two three. Four five six seven.".length);
    expect(rewriteCut("守塔人来了。他点亮了灯。", 4)).toBe("守塔人来了。".length);
    expect(rewriteCut("Four words but no end", 2)).toBeNull();
  });

  it("aims at the passage's length, half again to expand, about 60% to shorten, or the writer's own number", () => {
    expect(rewriteTarget("rewrite", 40)).toBe(40);
    expect(rewriteTarget("expand", 40)).toBe(60);
    expect(rewriteTarget("shorten", 40)).toBe(24);
    expect(rewriteTarget("shorten", 40, 10)).toBe(10);
    expect(rewriteTarget("instruction", 0)).toBe(1);
  });
});

describe("rewrites through the generation service", () => {
  function setup(initial: Manuscript = draft(), backend = new ScriptedBackend(fakeWriter())) {
    const store = new MemoryStore();
    store.put("p1", initial);
    const rewrites: RewriteUpdate[] = [];
    const updates: GenerationUpdate[] = [];
    const service = new GenerationService({
      store,
      model: () => ({ backend, profile: "native", useProtocolGrammars: false }),
      emit: (u) => updates.push(u),
      emitRewrite: (u) => rewrites.push(u),
      flushMs: 5,
    });
    return { service, store, rewrites, backend };
  }
  const ask = (m: Manuscript, find: string) => ({ projectId: "p1", ...locatePassage(m, { find }), kind: "rewrite" as const });

  it("streams the new passage in events and ends with it, leaving the document as it was", async () => {
    const { service, store, rewrites } = setup();
    const before = store.getManuscript("p1");
    const { rewriteId, targetWords } = service.rewrites.start(ask(before, "Old Tomas counted the boats twice"));
    expect(service.busy).toBe(true);
    await service.rewrites.whenDone();
    const last = rewrites.at(-1)!;
    expect(last).toMatchObject({ projectId: "p1", rewriteId, status: "done", targetWords, error: null });
    expect(last.text.length).toBeGreaterThan(0);
    expect(last.words).toBe(countWriterWords(last.text));
    expect(store.getManuscript("p1")).toBe(before);
    expect(service.busy).toBe(false);
  });

  it("stops when asked: the last event says stopped, with no text to keep", async () => {
    const backend = new ScriptedBackend(fakeWriter({ rewriteWords: 2000 }), { tokensPerSecond: 2000 });
    const { service, store, rewrites } = setup(draft(), backend);
    const before = store.getManuscript("p1");
    service.rewrites.start(ask(before, "By noon the wind had turned."));
    for (let i = 0; i < 500 && !rewrites.some((u) => u.status === "writing" && u.text.length > 0); i++) await new Promise((r) => setTimeout(r, 5));
    expect(service.rewrites.stop("p1")).toEqual({ stopped: true });
    await service.rewrites.whenDone();
    expect(rewrites.at(-1)).toMatchObject({ status: "stopped", text: "" });
    expect(store.getManuscript("p1")).toBe(before);
    expect(service.rewrites.stop("p1")).toEqual({ stopped: false });
  });

  it("refuses a rewrite while the model writes the document, and a document while a passage is rewritten", async () => {
    const backend = new ScriptedBackend(fakeWriter(), { tokensPerSecond: 2000 });
    const { service, store } = setup(createManuscript({ instruction: "Write about a harbor.", targetWords: 3000, language: "en" }), backend);
    await service.start("p1");
    for (let i = 0; i < 500 && store.getManuscript("p1").steps.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const m = store.getManuscript("p1");
    expect(() => service.rewrites.start({ projectId: "p1", stepId: m.steps[0]!.id, before: "", selection: "words", after: "", kind: "rewrite" })).toThrow(
      "The model is writing this document: stop it (or let it finish) before rewriting a passage.",
    );
    await service.stop("p1");
    await service.whenDone("p1");

    const slow = setup(draft(), new ScriptedBackend(fakeWriter({ rewriteWords: 2000 }), { tokensPerSecond: 2000 }));
    slow.service.rewrites.start(ask(slow.store.getManuscript("p1"), "gulls"));
    await expect(slow.service.start("p1")).rejects.toThrow("The model is rewriting a passage: wait for it, or stop it, first.");
    expect(() => slow.service.rewrites.start(ask(slow.store.getManuscript("p1"), "quay"))).toThrow("A passage of this document is being rewritten");
    slow.service.rewrites.stop("p1");
    await slow.service.rewrites.whenDone();
  });

  it("refuses a step the model is writing, and a step that is gone, with the reason", () => {
    const writing = { ...draft(), steps: [{ ...step(1, "sec-1", prose(20)), status: "writing" as const }] };
    const { service } = setup(writing);
    expect(() => service.rewrites.start({ projectId: "p1", stepId: "step-1", before: "", selection: "river", after: "", kind: "rewrite" })).toThrow("The model is writing that step");
    expect(() => service.rewrites.start({ projectId: "p1", stepId: "step-7", before: "", selection: "river", after: "", kind: "rewrite" })).toThrow("There is no step step-7");
  });
});
