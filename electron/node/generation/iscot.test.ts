import { describe, expect, it } from "vitest";
import { checkInvariants, createManuscript, type Manuscript, type Step } from "../../common/manuscript";
import { budgetChange, writtenWords } from "../../common/generation/rules";
import { IsCotMode } from "./iscot";
import { fakeWriter, prose, type FakeWriterOptions } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { Writer, type WriterOptions } from "./writer";

function setup(writer: FakeWriterOptions = {}, target = 1000, extra: Partial<WriterOptions> & { contextSize?: number } = {}) {
  const backend = new ScriptedBackend(fakeWriter(writer), { contextSize: extra.contextSize ?? 1_000_000 });
  const notes: string[] = [];
  const controller = new Writer({
    backend,
    manuscript: createManuscript({ instruction: "Write a story about a harbor town.", targetWords: target, language: "en" }),
    mode: new IsCotMode("native"),
    onNote: (n) => notes.push(n),
    ...extra,
  });
  return { backend, controller, notes };
}

function expectSound(m: Manuscript) {
  expect(checkInvariants(m)).toEqual([]);
}

describe("the IS-CoT mode, native", () => {
  it("writes the plan, one step per section, the exact progress in each reflection, then FINISHED", async () => {
    const { controller, backend } = setup();
    const outcome = await controller.run();
    const m = controller.manuscript;
    expect(outcome.status).toBe("finished");
    expect(m.sections.map((s) => [s.title, s.budget])).toEqual([
      ["Opening", 300],
      ["Middle", 400],
      ["Ending", 300],
    ]);
    expect(m.steps.map((s) => s.words)).toEqual([300, 400, 300]);
    expect(m.steps.map((s) => s.sectionId)).toEqual(m.sections.map((s) => s.id));
    expect(m.steps.map((s) => s.progress?.written)).toEqual([300, 700, 1000]);
    expect(m.steps[1]?.reflection).toMatch(/^Word count: 700\/1000\.\nThe text follows the plan\.$/);
    expect(m.finished).toBe(true);
    expectSound(m);
    // The context of the last call is the whole transcript, as the model read it.
    const last = backend.calls[backend.calls.length - 1]!.context;
    expect(last).toContain("<|user|>\nWrite a story about a harbor town.\n\nTarget length: about 1000 words.");
    expect(last.match(/<step_plan>/g)).toHaveLength(3);
  });

  it("forces another step plan when the model ends well below the target (continuation rule)", async () => {
    const { controller, notes } = setup({ endsInStep: (k) => k === 1, wordsInStep: (_k, budget) => budget });
    const outcome = await controller.run();
    expect(outcome.status).toBe("finished");
    expect(notes.some((n) => /ended at 700 of 1000 words/.test(n))).toBe(true);
    expect(writtenWords(controller.manuscript)).toBe(1000);
    expect(controller.manuscript.steps).toHaveLength(3);
    expectSound(controller.manuscript);
  });

  it("accepts the model's own ending once it is close to the target", async () => {
    const { controller } = setup({ sections: [["All", 1000]], wordsInStep: () => 950, endsInStep: () => true });
    const outcome = await controller.run();
    expect(outcome).toMatchObject({ status: "finished", reason: expect.stringContaining("The model finished at 950") });
    expect(controller.manuscript.finished).toBe(true);
  });

  it("keeps planning steps while the document is below the target, and stops at the target", async () => {
    const { controller } = setup({ sections: [["A", 500], ["B", 500]], wordsInStep: () => 200 });
    await controller.run();
    const m = controller.manuscript;
    expect(m.steps.length).toBe(5);
    // The last part ends at its paragraph end once the document has its length (1000 less 2%).
    expect(writtenWords(m)).toBeGreaterThanOrEqual(980);
    expect(writtenWords(m)).toBeLessThanOrEqual(1000);
  });

  it("closes a segment that runs far past its budget at a paragraph break", async () => {
    const { controller, notes } = setup({ wordsInStep: (k, budget) => (k === 0 ? budget * 4 : budget), paragraphWords: 40 });
    await controller.run();
    const first = controller.manuscript.steps[0]!;
    expect(first.words).toBeGreaterThan(300 * 1.3);
    expect(first.words).toBeLessThanOrEqual(300 * 1.6 + 1);
    expect(first.content.endsWith(".")).toBe(true);
    expect(notes.some((n) => n.includes("ran far past its budget"))).toBe(true);
    expect(first.reflection).toMatch(new RegExp(`^Word count: ${first.words}/1000\\.`));
    expectSound(controller.manuscript);
  });

  it("a plan that runs long is still written to its end: each section left gets one step of at least its floor, none is cut to a few words", async () => {
    // 20 sections of 100 words; the model writes each step 45% past its budget (as the tiny model does).
    const sections = Array.from({ length: 20 }, (_, i) => [`Part ${i + 1}`, 100] as [string, number]);
    const { controller } = setup({ sections, wordsInStep: (_k, budget) => Math.round(budget * 1.45), paragraphWords: 40 }, 2000);
    const outcome = await controller.run();
    const m = controller.manuscript;
    expect(outcome.status).toBe("finished");
    // Every section written, each by one step (none revisited for a few more words), none below the floor (40 words of 2,000).
    expect(m.steps.map((s) => s.sectionId)).toEqual(m.sections.map((s) => s.id));
    for (const step of m.steps) expect(step.words).toBeGreaterThanOrEqual(40);
    expect(writtenWords(m)).toBeGreaterThanOrEqual(1960);
    expect(writtenWords(m)).toBeLessThanOrEqual(2300);
    expectSound(m);
  });

  it("cuts a segment that repeats itself and forces the reflection", async () => {
    const { controller, notes } = setup({ loopsInStep: (k) => k === 0 });
    await controller.run();
    const first = controller.manuscript.steps[0]!;
    expect(first.content.match(/The tide came in/g)?.length).toBe(1);
    expect(notes.some((n) => n.includes("repeat itself"))).toBe(true);
    expect(controller.manuscript.finished).toBe(true);
    expectSound(controller.manuscript);
  });

  it("cuts a step that re-tells an earlier step (its phrases again, not a verbatim loop) and says so", async () => {
    const { controller, notes } = setup({ retellsInStep: (k) => k === 1 });
    await controller.run();
    const [first, second] = controller.manuscript.steps as [Step, Step];
    // The new sentences before the retelling are kept; none of step 1's sentences comes back.
    expect(second.content).toBe(prose(36, 1));
    for (const sentence of first.content.match(/[^.]+\./g)!.slice(0, 5)) expect(second.content).not.toContain(sentence.trim());
    expect(notes).toContain("Step 2 began to re-tell earlier steps (most of its last phrases were already written): the retelling was cut.");
    expect(second.reflection).toMatch(new RegExp(`^Word count: ${first.words + second.words}/1000\\.`));
    expectSound(controller.manuscript);
  });

  it("spreads the target over the sections when the plan gives no budgets", async () => {
    const { controller, notes } = setup({ sections: [["One", 0], ["Two", 0]], wordsInStep: () => 300 }, 600);
    await controller.run();
    expect(controller.manuscript.sections.map((s) => s.budget)).toEqual([300, 300]);
    expect(notes[0]).toMatch(/no word budgets/);
    expect(writtenWords(controller.manuscript)).toBeGreaterThanOrEqual(588);
  });

  it("stops at the step limit", async () => {
    const { controller } = setup({ wordsInStep: () => 10 }, 1000, { limits: { maxSteps: 4, stepWords: 1000 } });
    const outcome = await controller.run();
    expect(outcome).toMatchObject({ status: "stopped", reason: expect.stringContaining("limit of 4 steps") });
    expect(controller.manuscript.steps).toHaveLength(4);
  });

  it("gives a long target more steps than the limit: a step per `stepWords` words of the target", async () => {
    // 1,000 words in steps of 10 words: the limit of 4 steps grows to 1000 / 100 = 10.
    const { controller } = setup({ wordsInStep: () => 10 }, 1000, { limits: { maxSteps: 4, stepWords: 100 } });
    const outcome = await controller.run();
    expect(outcome).toMatchObject({ status: "stopped", reason: expect.stringContaining("limit of 10 steps (100 words)") });
    expect(controller.manuscript.steps).toHaveLength(10);
  });

  it("reads a model that opens its first step before closing its plan, and writes <local_plan> and skips closing its reflections", async () => {
    const sections: [string, number][] = [["Opening", 300], ["Middle", 400], ["Ending", 300]];
    const stepPlan = (k: number) => `Section: ${sections[Math.min(k, 2)]![0]}. ${sections[Math.min(k, 2)]![1]} words.`;
    // An IS-Writer that keeps writing: each answer runs on into the next block, with the paper's alias.
    const script = (context: string) => {
      const k = (context.match(/<\/reflection>/g) ?? []).length;
      const rest = `\n<local_plan>\n${stepPlan(k)}\n</local_plan>\n<content>\n${prose(sections[k]?.[1] ?? 50, k)}\n</content>\n<reflection>\nOn plan.\n<local_plan>\n`;
      if (context.endsWith("<global_plan>\n")) return `${sections.map(([t, n]) => `## ${t}\nWord count: ${n}\nThe part called ${t.toLowerCase()}.`).join("\n")}${rest}`;
      if (context.endsWith("<step_plan>\n")) return `${stepPlan(k)}\n</local_plan>\n<content>\n${prose(sections[k]?.[1] ?? 50, k)}\n</content>\n<reflection>\nOn plan.\n<local_plan>\n`;
      return `The text follows the plan.\n<local_plan>\n${stepPlan(k + 1)}`;
    };
    const backend = new ScriptedBackend(script);
    const controller = new Writer({ backend, manuscript: createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }), mode: new IsCotMode("native") });
    const outcome = await controller.run();
    const m = controller.manuscript;
    expect(outcome.status).toBe("finished");
    // The plan ended where the model opened its first step: the step was not written inside it.
    expect(backend.calls[0]).toMatchObject({ stopReason: "stop" });
    expect(m.revisions[0]!.text).not.toMatch(/local_plan|content|Section:/);
    expect(m.sections.map((x) => [x.title, x.budget])).toEqual(sections);
    expect(m.steps.map((x) => x.plan)).toEqual([0, 1, 2].map(stepPlan));
    expect(m.steps.map((x) => x.words)).toEqual([300, 400, 300]);
    for (const step of m.steps) {
      expect(step.content).not.toMatch(/local_plan|reflection/);
      expect(step.reflection).toMatch(/^Word count: \d+\/1000\.\nThe text follows the plan\.$/);
    }
    expectSound(m);
  });

  it("prompted mode teaches the protocol in a system prompt", async () => {
    const { controller, backend } = setup({}, 1000, { mode: new IsCotMode("prompted") });
    await controller.run();
    expect(backend.calls[0]!.context).toMatch(/^<\|system\|>\nYou write long documents in a fixed protocol/);
    expect(controller.manuscript.finished).toBe(true);
  });
});

describe("edits while the model writes", () => {
  it("takes a plan edit in at the next step boundary, decoding nothing already evaluated", async () => {
    let submittedAt = -1;
    const backend = new ScriptedBackend(fakeWriter({ sections: [["A", 300], ["B", 300], ["C", 200], ["D", 200]] }), {
      beforeGenerate(_context, call) {
        // Call 3 writes step 2: while the model writes, the writer halves section D's budget.
        if (call === 3) {
          const d = controller.manuscript.sections[3]!;
          const result = controller.submitEdit({ type: "editSection", sectionId: d.id, budget: 100 });
          expect(result.ok).toBe(true);
          expect(controller.pendingEdits()).toMatchObject([{ kind: "plan", state: "pending" }]);
          submittedAt = call;
        }
      },
    });
    const controller: Writer = new Writer({ backend, manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }), mode: new IsCotMode("native") });
    const outcome = await controller.run();
    expect(submittedAt).toBe(3);
    expect(outcome.status).toBe("finished");
    const m = controller.manuscript;
    expect(m.sections[3]?.budget).toBe(100);
    // The writer's budget is locked; the section not yet written took up the difference (a rebalance).
    expect(m.memory.lockedSections).toEqual([m.sections[3]!.id]);
    expect(m.sections[2]?.budget).toBe(300);
    expect(m.revisions).toHaveLength(3);
    expect(m.revisions[2]?.cause).toBe("rebalanced");
    // The timeline shows what it changed and why (budgetChange), until the writer sets that budget.
    expect(budgetChange(m.revisions, m.sections[2]!.id)).toEqual({ from: 200, to: 300, reason: expect.stringMatching(/^The writing ran short \(heading for \d+ of 1000 words\): the budget of the section "[^"]+" went from 200 to 300 words\.$/) });
    expect(budgetChange(m.revisions, m.sections[3]!.id)).toBeNull();
    // The call after the boundary decoded only the revision and the forced <step_plan>: the prefix was kept.
    const boundary = backend.calls.findIndex((c, i) => i > 3 && c.context.split("<global_plan>").length === 3);
    const revisionText = backend.calls[boundary]!.context.slice(backend.calls[boundary - 1]!.context.length);
    expect(backend.calls[boundary]!.inputTokensDecoded).toBeLessThanOrEqual(Array.from(revisionText).length + 1);
    expect(revisionText).toContain("Word count: 100");
    // The model read the revised plan: section D got the new budget.
    expect(m.steps[3]?.words).toBe(100);
    expectSound(m);
  });

  it("takes a new target while it writes: a longer document goes on past the old target, a shorter one ends sooner", async () => {
    const run = async (from: number, to: number) => {
      const backend = new ScriptedBackend(fakeWriter({ sections: [["A", 300], ["B", 300], ["C", 200], ["D", 200]] }), {
        beforeGenerate(_context, call) {
          // While step 2 is written, the writer changes the target.
          if (call === 3) expect(controller.submitEdit({ type: "setTarget", targetWords: to }).ok).toBe(true);
        },
      });
      const controller: Writer = new Writer({ backend, manuscript: createManuscript({ instruction: "x", targetWords: from, language: "en" }), mode: new IsCotMode("native") });
      const outcome = await controller.run();
      expect(outcome.status).toBe("finished");
      expectSound(controller.manuscript);
      return controller.manuscript;
    };
    const longer = await run(1000, 1600);
    expect(longer.targetWords).toBe(1600);
    expect(writtenWords(longer)).toBeGreaterThanOrEqual(1600 * 0.9);
    expect(writtenWords(longer)).toBeLessThanOrEqual(1600 * 1.1);
    // The reflections after the change count against the new target.
    expect(longer.steps.at(-1)?.reflection).toMatch(/\/1600\./);
    // A shorter target: the sections not yet written shrink to their floor and are still written;
    // the document stays under the hard cap (15% over the target).
    const shorter = await run(2000, 1000);
    expect(shorter.targetWords).toBe(1000);
    expect(writtenWords(shorter)).toBeGreaterThanOrEqual(980);
    expect(writtenWords(shorter)).toBeLessThanOrEqual(1150);
    expect(shorter.sections.every((x) => shorter.steps.some((step) => step.sectionId === x.id && step.words > 0))).toBe(true);
  });

  it("re-decodes only from an edited step's text on", async () => {
    const edited = prose(120, 99);
    const backend = new ScriptedBackend(fakeWriter({ sections: [["A", 200], ["B", 200], ["C", 200], ["D", 200], ["E", 200]] }), {
      beforeGenerate(_context, call) {
        // While step 4 is written (call 7), the writer rewrites step 2 (index 1).
        if (call === 7) expect(controller.submitEdit({ type: "editStep", stepId: "step-2", content: edited }).ok).toBe(true);
      },
    });
    const controller: Writer = new Writer({ backend, manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }), mode: new IsCotMode("native") });
    await controller.run();
    const m = controller.manuscript;
    expect(m.steps[1]).toMatchObject({ content: edited, status: "edited", words: 120 });
    const after = backend.calls.findIndex((c) => c.context.includes(edited));
    const before = backend.calls[after - 1]!.context;
    const now = backend.calls[after]!.context;
    const firstDifferent = Array.from(now).findIndex((ch, i) => Array.from(before)[i] !== ch);
    const step2Start = now.indexOf("<step_plan>", now.indexOf("<step_plan>") + 1);
    expect(firstDifferent).toBeGreaterThan(step2Start);
    expect(backend.calls[after]!.inputTokensDecoded).toBe(Array.from(now).length - firstDifferent);
    // Step 1 and everything before it were not decoded again.
    expect(backend.calls[after]!.inputTokensDecoded).toBeLessThan(Array.from(now).length - step2Start);
    expect(writtenWords(m)).toBeGreaterThanOrEqual(980);
    expectSound(m);
  });

  it("refuses an invalid edit with the manuscript's own message and changes nothing", async () => {
    const { controller } = setup();
    await controller.run();
    const before = controller.manuscript;
    const result = controller.submitEdit({ type: "editSection", sectionId: "sec-99", budget: 10 });
    expect(result).toEqual({ ok: false, error: expect.objectContaining({ message: expect.stringContaining("sec-99") }) });
    expect(controller.manuscript).toBe(before);
  });
});

describe("pause, resume, stop, regenerate", () => {
  it("pauses after the token in flight and resumes with the context kept", async () => {
    let paused = false;
    const backend = new ScriptedBackend(fakeWriter());
    const controller: Writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }),
      mode: new IsCotMode("native"),
      onChange(m) {
        if (!paused && (m.steps[1]?.words ?? 0) >= 100) {
          paused = true;
          controller.pause();
          setTimeout(() => {
            expect(controller.isPaused).toBe(true);
            controller.resume();
          }, 20);
        }
      },
    });
    const outcome = await controller.run();
    expect(outcome.status).toBe("finished");
    const aborted = backend.calls.findIndex((c) => c.stopReason === "abort");
    expect(aborted).toBeGreaterThan(0);
    // The call after the pause decoded just the last token again: the KV cache was kept.
    expect(backend.calls[aborted + 1]!.inputTokensDecoded).toBe(1);
    expect(controller.manuscript.steps[1]?.words).toBe(400);
  });

  it("takes in nothing the engine sends after a pause: the words stand still, and resuming goes on from there", async () => {
    // An engine in another process keeps sending for a moment after the pause is asked (here 40 tokens).
    const backend = new ScriptedBackend(fakeWriter(), { tokensAfterAbort: 40 });
    let atPause: string | null = null;
    const whilePaused: string[] = [];
    const controller: Writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }),
      mode: new IsCotMode("native"),
      onChange(m) {
        const text = m.steps[1]?.content ?? "";
        if (controller.isPaused) whilePaused.push(text);
        if (atPause === null && (m.steps[1]?.words ?? 0) >= 100) {
          atPause = text;
          controller.pause();
          setTimeout(() => controller.resume(), 20);
        }
      },
    });
    const outcome = await controller.run();
    expect(outcome.status).toBe("finished");
    expect(whilePaused.every((t) => t === atPause)).toBe(true);
    const aborted = backend.calls.findIndex((c) => c.stopReason === "abort");
    expect(backend.calls[aborted]!.generated).toBeGreaterThan(40);
    // The resumed call sends the context as it stood at the pause: one token decoded again, none of the 40.
    expect(backend.calls[aborted + 1]!.inputTokensDecoded).toBe(1);
    expect(backend.calls[aborted + 1]!.context.endsWith(atPause!)).toBe(true);
    expect(controller.manuscript.steps[1]?.words).toBe(400);
    expectSound(controller.manuscript);
  });

  it("keeps no text the engine sends after a stop", async () => {
    const backend = new ScriptedBackend(fakeWriter(), { tokensAfterAbort: 40 });
    let atStop: string | null = null;
    const controller: Writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }),
      mode: new IsCotMode("native"),
      onChange(m) {
        if (atStop === null && (m.steps[1]?.words ?? 0) >= 50) {
          atStop = m.steps[1]!.content;
          controller.stop();
        }
      },
    });
    const outcome = await controller.run();
    expect(outcome.status).toBe("stopped");
    expect(controller.manuscript.steps[1]?.content).toBe(atStop);
    expectSound(controller.manuscript);
  });

  it("stops on request and keeps the text already written", async () => {
    const backend = new ScriptedBackend(fakeWriter());
    const controller: Writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }),
      mode: new IsCotMode("native"),
      onChange(m) {
        if ((m.steps[1]?.words ?? 0) >= 50) controller.stop();
      },
    });
    const outcome = await controller.run();
    expect(outcome.status).toBe("stopped");
    const m = controller.manuscript;
    expect(m.steps).toHaveLength(2);
    // Cut before its end, the step is unfinished, not done: the next run continues it.
    expect(m.steps[1]?.status).toBe("stopped");
    expect(m.steps[1]?.words).toBeGreaterThanOrEqual(50);
    expect(m.finished).toBe(false);
    expectSound(m);
  });

  it("continues a stopped document where it stood", async () => {
    const first = setup({}, 1000, { limits: { maxSteps: 1, stepWords: 1000 } });
    await first.controller.run();
    const second = new Writer({ backend: new ScriptedBackend(fakeWriter()), manuscript: first.controller.manuscript, mode: new IsCotMode("native") });
    await second.run();
    expect(second.manuscript.steps.map((s) => s.words)).toEqual([300, 400, 300]);
    expect(second.manuscript.steps[0]).toEqual(first.controller.manuscript.steps[0]);
  });

  it("regenerates one step and leaves the others as they were", async () => {
    const { controller } = setup();
    await controller.run();
    const before = controller.manuscript;
    const again = new Writer({
      backend: new ScriptedBackend(fakeWriter({ wordsInStep: (k, budget) => (k === 1 ? 380 : budget) })),
      manuscript: before,
      mode: new IsCotMode("native"),
      regenerate: [1],
    });
    const outcome = await again.run();
    expect(outcome.status).toBe("finished");
    const after = again.manuscript;
    expect(after.steps[0]).toEqual(before.steps[0]);
    expect(after.steps[2]).toEqual(before.steps[2]);
    expect(after.steps[1]).toMatchObject({ plan: before.steps[1]!.plan, words: 380, status: "done" });
    expect(after.steps[1]?.content).not.toEqual(before.steps[1]?.content);
    expectSound(after);
  });
});

describe("beyond the context window", () => {
  it("compacts the context before it fills and still writes the whole document", async () => {
    const { controller, backend, notes } = setup({ sections: [["A", 800], ["B", 800], ["C", 800], ["D", 800], ["E", 800]], paragraphWords: 50 }, 4000, {
      contextSize: 16_000,
      limits: { maxTokensPerSegment: 6_000 },
    });
    const outcome = await controller.run();
    expect(outcome.status).toBe("finished");
    expect(notes.some((n) => n.includes("compacted"))).toBe(true);
    const m = controller.manuscript;
    // The document keeps every word; only the model's view was compacted. The last part ends at its paragraph end.
    expect(writtenWords(m)).toBeGreaterThanOrEqual(3920);
    expect(writtenWords(m)).toBeLessThanOrEqual(4000);
    expect(m.steps.every((s) => !s.content.includes("is not shown here"))).toBe(true);
    // The earlier steps stand in the model's view by the summaries the model wrote of them.
    const last = backend.calls[backend.calls.length - 1]!.context;
    expect(last).toContain("[Earlier steps, whose text is not shown here:\nStep 1: ");
    expect(m.steps[0]?.memory).toMatchObject({ summaryBy: "model" });
    expect(last).toContain(m.steps[0]!.memory!.summary!);
    expect(Math.max(...backend.calls.map((c) => Array.from(c.context).length))).toBeLessThan(16_000);
    expectSound(m);
  });

  it("keeps the memory within its share of the window: the oldest summaries are merged into the story so far", async () => {
    // Fifteen steps of 40 words: their summaries outgrow a quarter of a 3,400-token window.
    const sections: Array<[string, number]> = [["A", 200], ["B", 200], ["C", 200]];
    const { controller, backend } = setup({ sections, wordsInStep: () => 40, plant: (k) => (k === 0 ? "Mara Vell had green eyes." : null) }, 600, { contextSize: 3400, limits: { maxTokensPerSegment: 1200 } });
    const outcome = await controller.run();
    expect(outcome.status).toBe("finished");
    expect(writtenWords(controller.manuscript)).toBeGreaterThanOrEqual(590);
    const digest = controller.manuscript.memory.digest;
    expect(digest?.by).toBe("model");
    expect(digest?.text).toContain("Mara Vell had green eyes.");
    // The next rebuild shows it in place of the summaries it merged.
    expect(backend.calls.some((c) => c.context.includes(`The story so far (steps 1 to ${digest!.throughStep + 1}): ${digest!.text}`))).toBe(true);
    expect(Math.max(...backend.calls.map((c) => Array.from(c.context).length))).toBeLessThanOrEqual(3400 - 340);
    expectSound(controller.manuscript);
  });
});
