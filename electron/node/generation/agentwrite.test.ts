import { describe, expect, it } from "vitest";
import { targetTolerance, writtenWords } from "../../common/generation/rules";
import { checkInvariants, createManuscript, type Manuscript } from "../../common/manuscript";
import { AgentWriteMode } from "./agentwrite";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { Writer } from "./writer";

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe("AgentWrite", () => {
  it("plans paragraphs with main point and word count, then writes each in turn, keeping one token array", async () => {
    const backend = new ScriptedBackend(fakeWriter());
    const seen: Manuscript[] = [];
    const controller = new Writer({
      mode: new AgentWriteMode(),
      backend,
      manuscript: createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }),
      onChange: (m) => seen.push(m),
    });
    expect(await controller.run()).toMatchObject({ status: "finished" });
    const m = controller.manuscript;
    // The plan landed on the timeline like an IS-CoT global plan: streamed as a draft, then a revision.
    expect(seen.some((s) => s.planDraft !== null && s.planDraft.sections.length >= 1 && s.revisions.length === 0)).toBe(true);
    expect(m.revisions[0]!.text).toMatch(/^Paragraph 1 - Main point: The part called opening\. - Word count: 300 words\nParagraph 2/);
    expect(m.sections.map((s) => [s.title, s.brief, s.budget])).toEqual([
      ["Paragraph 1", "The part called opening.", 300],
      ["Paragraph 2", "The part called middle.", 400],
      ["Paragraph 3", "The part called ending.", 300],
    ]);
    expect(m.steps.map((s) => s.sectionId)).toEqual(m.sections.map((s) => s.id));
    for (const [i, step] of m.steps.entries()) {
      expect(step.plan).toBe(`Paragraph ${i + 1} - Word count: ${m.sections[i]!.budget} words - Main point: ${m.sections[i]!.brief}`);
      expect(step.targetWords).toBe(m.sections[i]!.budget);
      expect(step.words).toBe(m.sections[i]!.budget);
      expect(step.reflection).toMatch(/^Word count: \d+\/1000\.$/);
    }
    expect(m.finished).toBe(true);
    expect(checkInvariants(m)).toEqual([]);

    // Each paragraph request names the paragraph by its line of the plan (point and length), as LongWriter's
    // write.txt does; write.txt's rules come with the first and stay in the context, said once.
    expect(backend.calls[1]!.context).toContain("and now continue writing Paragraph 1 - Main point: The part called opening. - Word count: 300 words. If needed, you can add a small subtitle");
    expect(backend.calls[2]!.context).toContain("and now continue writing Paragraph 2 - Main point: The part called middle. - Word count: 400 words.\n<|assistant|>\n");
    // The text so far is in the context once (not re-sent with every request), and each request
    // decoded only its own new turn: the prefix stayed in the KV cache.
    const last = backend.calls[backend.calls.length - 1]!.context;
    expect(occurrences(last, "If needed, you can add a small subtitle")).toBe(1);
    expect(occurrences(last, m.steps[0]!.content.slice(0, 80))).toBe(1);
    // The plan once, and paragraph 1's line once more in its own request: not re-sent with each request.
    expect(occurrences(last, "Paragraph 1 - Main point: The part called opening.")).toBe(2);
    for (let i = 1; i < backend.calls.length; i++) {
      const grown = backend.calls[i]!.context.length - backend.calls[i - 1]!.context.length;
      expect(backend.calls[i]!.inputTokensDecoded).toBeLessThanOrEqual(grown + 1);
    }
  });

  it("goes on with a paragraph the model ended short, then with the next, until the target", async () => {
    const backend = new ScriptedBackend(fakeWriter({ wordsInStep: (k, asked) => (k === 0 ? 120 : asked) }));
    const controller = new Writer({ mode: new AgentWriteMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }) });
    expect((await controller.run()).status).toBe("finished");
    const m = controller.manuscript;
    expect(m.steps[0]!.words).toBe(120);
    expect(m.steps[1]!.sectionId).toBe(m.sections[0]!.id);
    expect(backend.calls[2]!.context).toContain("This paragraph was begun: go on from where the text stopped. Please integrate the original writing instruction, writing steps, and the already written text, and now continue writing Paragraph 1 - Main point: The part called opening. - Word count: 180 words.");
    expect(Math.abs(writtenWords(m) - 1000)).toBeLessThanOrEqual(targetTolerance(1000) + 12);
    expect(checkInvariants(m)).toEqual([]);
  });

  it("bounds each paragraph by its word count: a model that runs on is cut at the first sentence end past it", async () => {
    const backend = new ScriptedBackend(fakeWriter({ wordsInStep: (_k, asked) => asked * 3 }));
    const controller = new Writer({ mode: new AgentWriteMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 600, language: "en" }), limits: {} });
    await controller.run();
    const m = controller.manuscript;
    for (const step of m.steps) {
      expect(step.words).toBeGreaterThanOrEqual(step.targetWords!);
      expect(step.words).toBeLessThan(step.targetWords! + 13);
    }
    expect(writtenWords(m)).toBeLessThanOrEqual(600 + 12);
  });

  it("carries a plan the writer revised in the next paragraph's request, as plan lines", async () => {
    const backend = new ScriptedBackend(fakeWriter(), {
      beforeGenerate(_context, call) {
        if (call === 2) expect(controller.submitEdit({ type: "editSection", sectionId: controller.manuscript.sections[2]!.id, budget: 150 }).ok).toBe(true);
      },
    });
    const controller: Writer = new Writer({ mode: new AgentWriteMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }) });
    await controller.run();
    const revised = backend.calls.find((c) => c.context.includes("The plan was revised; it now is:"));
    expect(revised?.context).toContain("Paragraph 3 - Main point: The part called ending. - Word count: 150 words");
    expect(controller.manuscript.steps[2]!.words).toBeGreaterThanOrEqual(150);
    expect(controller.manuscript.steps[2]!.words).toBeLessThan(165);
  });

  it("compacts a full window by putting the summaries of the oldest paragraphs after the plan, which stays in place", async () => {
    const notes: string[] = [];
    const backend = new ScriptedBackend(fakeWriter(), { contextSize: 5200 });
    const controller = new Writer({ mode: new AgentWriteMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }), onNote: (n) => notes.push(n), limits: { keepFullSteps: 1 } });
    expect((await controller.run()).status).toBe("finished");
    expect(notes.some((n) => n.startsWith("The context was compacted to make room"))).toBe(true);
    const marker = "[Earlier steps, whose text is not shown here:\nStep 1: ";
    const after = backend.calls.findIndex((c) => c.context.includes(marker));
    expect(after).toBeGreaterThan(0);
    const call = backend.calls[after]!;
    // Only the memory of the earlier paragraphs (their summaries) and what follows it were decoded
    // again: the prompt and the model's plan stayed cached.
    const noteTurn = call.context.lastIndexOf("<|user|>", call.context.indexOf(marker));
    expect(call.inputTokensDecoded).toBeLessThanOrEqual(call.context.length - noteTurn + 2);
    expect(controller.manuscript.steps[0]?.memory?.summaryBy).toBe("model");
    expect(call.context).toContain(`Step 1: ${controller.manuscript.steps[0]!.memory!.summary!}`);
    for (const c of backend.calls.slice(1)) expect(c.context).toContain("Paragraph 1 - Main point: The part called opening. - Word count: 300 words");
    expect(backend.calls.some((c) => c.context.includes("The plan was revised"))).toBe(false);
    expect(Math.abs(writtenWords(controller.manuscript) - 1000)).toBeLessThanOrEqual(targetTolerance(1000) + 12);
    expect(checkInvariants(controller.manuscript)).toEqual([]);
  });

  it("writes the paragraph requests in Chinese for a Chinese document", async () => {
    const backend = new ScriptedBackend(() => "茶。\u0000");
    const controller = new Writer({ mode: new AgentWriteMode(), backend, manuscript: createManuscript({ instruction: "写茶。", targetWords: 100, language: "zh" }), limits: { maxSteps: 2, stepWords: 1000 } });
    await controller.run();
    expect(backend.calls[0]!.context).toContain("段落1 - 主要内容：");
    expect(backend.calls[1]!.context).toMatch(/现在接着写段落1 - 主要内容：.* - 字数要求：\d+字。如有需要，可以在开头加一个小标题。/);
  });
});
