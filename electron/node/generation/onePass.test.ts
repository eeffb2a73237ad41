import { describe, expect, it } from "vitest";
import { targetTolerance, writtenWords } from "../../common/generation/rules";
import { checkInvariants, createManuscript, type Manuscript } from "../../common/manuscript";
import { directMode } from "./onePass";
import { fakeWriter, prose } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { thinkAnswerMode } from "./thinkAnswer";
import { Writer } from "./writer";

const titles = (m: Manuscript) => m.sections.map((s) => s.title);

describe("the direct mode", () => {
  it("writes the draft in one pass; its headings become sections and steps as they stream", async () => {
    const backend = new ScriptedBackend(fakeWriter());
    const seen: Manuscript[] = [];
    const controller = new Writer({ mode: directMode(), backend, manuscript: createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }), onChange: (m) => seen.push(m) });
    expect(await controller.run()).toMatchObject({ status: "finished" });
    const m = controller.manuscript;
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]!.context).toContain('Target length: about 1000 words.\n\nWrite the whole text in Markdown, each section under a "## " heading.');
    expect(titles(m)).toEqual(["Opening", "Middle", "Ending"]);
    // One plan, grown as the headings came: the timeline saw one section, then two, then three.
    expect(m.revisions).toHaveLength(1);
    const counts = [...new Set(seen.map((s) => s.sections.length))];
    expect(counts).toEqual([1, 2, 3]);
    expect(seen.some((s) => s.sections.length === 2 && s.steps[1]?.status === "writing")).toBe(true);
    expect(m.steps.map((s) => s.sectionId)).toEqual(m.sections.map((s) => s.id));
    expect(m.steps.map((s) => s.content.split("\n")[0])).toEqual(["## Opening", "## Middle", "## Ending"]);
    // Each section's words and its heading's title word.
    expect(m.steps.map((s) => s.words)).toEqual([301, 401, 301]);
    expect(m.steps.map((s) => s.reflection)).toEqual(["Word count: 301/1000.", "Word count: 702/1000.", "Word count: 1003/1000."]);
    expect(m.finished).toBe(true);
    expect(checkInvariants(m)).toEqual([]);
  });

  it("asks the model to continue when it ends well below the target, keeping the token array", async () => {
    const backend = new ScriptedBackend(fakeWriter({ wordsInStep: (_k, budget) => Math.round(budget / 3) }));
    const notes: string[] = [];
    const controller = new Writer({ mode: directMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }), onNote: (n) => notes.push(n) });
    expect((await controller.run()).status).toBe("finished");
    const m = controller.manuscript;
    const ended = /^The model ended at (\d+) of 1000 words: it is asked to continue\.$/.exec(notes[0] ?? "");
    expect(ended).not.toBeNull();
    expect(backend.calls).toHaveLength(2);
    const [first, second] = backend.calls as [(typeof backend.calls)[0], (typeof backend.calls)[0]];
    expect(second.context.startsWith(first.context)).toBe(true);
    expect(second.context).toContain(`<|user|>\nThe text stopped at ${ended![1]} of the 1000 words asked for.`);
    // Only the request was decoded: the first answer stayed in the KV cache.
    expect(second.inputTokensDecoded).toBeLessThan(400);
    expect(titles(m)).toEqual(["Opening", "Middle", "Ending", "More"]);
    expect(Math.abs(writtenWords(m) - 1000)).toBeLessThanOrEqual(targetTolerance(1000));
    expect(checkInvariants(m)).toEqual([]);
  });

  it("ends a draft that runs past the target at the sentence end nearest it", async () => {
    const backend = new ScriptedBackend(fakeWriter());
    const notes: string[] = [];
    const controller = new Writer({ mode: directMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 600, language: "en" }), onNote: (n) => notes.push(n) });
    expect((await controller.run()).status).toBe("finished");
    const m = controller.manuscript;
    expect(Math.abs(writtenWords(m) - 600)).toBeLessThanOrEqual(6);
    expect(m.steps[m.steps.length - 1]!.content).toMatch(/\.$/);
    expect(notes).toContain("The draft reached its target: it ends at the sentence nearest 600 words.");
    expect(m.steps[m.steps.length - 1]!.reflection).toBe(`Word count: ${writtenWords(m)}/600.`);
    expect(checkInvariants(m)).toEqual([]);
  });

  it("speaks a raw prompt format and stops at its stop strings", async () => {
    let call = 0;
    const backend = new ScriptedBackend((context) => {
      call++;
      if (!context.endsWith("[/INST]")) throw new Error(`unexpected context end: ${context.slice(-40)}`);
      return call === 1 ? `## A\n\n${prose(100)}<|user|>: now something else` : `## B\n\n${prose(200, 1)}\u0000`;
    });
    const controller = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write about rain.", targetWords: 300, language: "en" }),
      mode: directMode({ promptFormat: { kind: "raw", turn: "[INST]{prompt}[/INST]", stop: ["<|user|>"] } }),
    });
    expect((await controller.run()).status).toBe("finished");
    expect(backend.calls[0]!.context).toMatch(/^\[INST\]Write about rain\.\n\nTarget length: about 300 words\./);
    expect(backend.calls[1]!.context).toMatch(/\.\n\[INST\]The text stopped at 101 of the 300 words asked for\.[^]*\[\/INST\]$/);
    expect(controller.manuscript.steps.map((s) => s.content).join("\n")).not.toContain("<|user|>");
    expect(titles(controller.manuscript)).toEqual(["A", "B"]);
  });

  it("opens the document with a section for text before any heading, and goes on with the last section after a continuation", async () => {
    let call = 0;
    const backend = new ScriptedBackend(() => (++call === 1 ? `# Rain\n\n${prose(80)}\n\n## Clouds\n\n${prose(50, 1)}\u0000` : `${prose(200, 2)}\u0000`));
    const controller = new Writer({ mode: directMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 330, language: "en" }) });
    await controller.run();
    const m = controller.manuscript;
    expect(titles(m)).toEqual(["Rain", "Clouds"]);
    expect(m.steps.map((s) => m.sections.find((x) => x.id === s.sectionId)?.title)).toEqual(["Rain", "Clouds", "Clouds"]);
    expect(m.steps[0]!.content.startsWith("# Rain\n\n")).toBe(true);
    expect(checkInvariants(m)).toEqual([]);
  });

  it("takes a text edit in at the next request: the model reads the edited draft", async () => {
    const backend = new ScriptedBackend(fakeWriter({ wordsInStep: (_k, budget) => Math.round(budget / 3) }));
    const controller: Writer = new Writer({
      mode: directMode(),
      backend,
      manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }),
      onNote: (note) => {
        if (note.includes("asked to continue")) {
          const step = controller.manuscript.steps[1]!;
          expect(controller.submitEdit({ type: "editStep", stepId: step.id, content: `${step.content}\n\nA sentence the writer added.` }).ok).toBe(true);
        }
      },
    });
    await controller.run();
    expect(backend.calls[1]!.context).toContain("A sentence the writer added.");
    expect(controller.manuscript.steps[1]!.content).toMatch(/A sentence the writer added\.$/);
    expect(controller.pendingEdits()).toEqual([]);
  });

  it("keeps what was written when the writer stops it mid-draft", async () => {
    const backend = new ScriptedBackend(fakeWriter());
    const controller: Writer = new Writer({
      mode: directMode(),
      backend,
      manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }),
      onChange: (m) => {
        if (writtenWords(m) > 450) controller.stop();
      },
    });
    expect((await controller.run()).status).toBe("stopped");
    const m = controller.manuscript;
    expect(writtenWords(m)).toBeGreaterThan(450);
    expect(m.steps.every((s) => s.status === "done")).toBe(true);
    expect(checkInvariants(m)).toEqual([]);
  });

  it("compacts the context when the window fills, the oldest text standing in the model's view by its summaries", async () => {
    let call = 0;
    const backend = new ScriptedBackend(() => `## Part ${++call}\n\n${prose(150, call)}\u0000`, { contextSize: 2600 });
    const notes: string[] = [];
    const controller = new Writer({ backend, manuscript: createManuscript({ instruction: "x", targetWords: 1500, language: "en" }), onNote: (n) => notes.push(n), mode: directMode({ maxContinuations: 20 }), limits: { maxTokensPerSegment: 1200 } });
    expect((await controller.run()).status).toBe("finished");
    expect(notes.some((n) => n.startsWith("The context was compacted to make room"))).toBe(true);
    // The earlier text stands in the model's view by the summaries the model wrote of its steps.
    const m = controller.manuscript;
    expect(backend.calls[backend.calls.length - 1]!.context).toMatch(/\[Earlier steps, whose text is not shown here:\n(Step 1: |The story so far \(steps 1 to \d+\): )[^\n]+\n/);
    // Every step that left the model's view was summarized before it left.
    const compacted = m.steps.slice(0, -2);
    expect(compacted.every((step) => step.memory?.summaryBy === "model")).toBe(true);
    // The model ended each answer itself; the run ends once it ends within 10% of the target.
    expect(writtenWords(controller.manuscript)).toBeGreaterThanOrEqual(1350);
    expect(checkInvariants(controller.manuscript)).toEqual([]);
  });

  it("refuses to write one step again: the draft is one pass", async () => {
    const controller = new Writer({ mode: directMode(), backend: new ScriptedBackend(fakeWriter()), manuscript: createManuscript({ instruction: "x", targetWords: 100 }), regenerate: [0] });
    expect(await controller.run()).toMatchObject({ status: "error", reason: expect.stringMatching(/one pass/) });
  });
});

describe("the think-answer mode", () => {
  it("streams the think block into the plan and splits the answer into steps of its sections", async () => {
    const backend = new ScriptedBackend(fakeWriter());
    const seen: Manuscript[] = [];
    const controller = new Writer({ mode: thinkAnswerMode(), backend, manuscript: createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }), onChange: (m) => seen.push(m) });
    expect((await controller.run()).status).toBe("finished");
    const m = controller.manuscript;
    expect(backend.calls[0]!.context).toMatch(/<think> <\/think> and the finished text inside <answer> <\/answer>[^]*<\|assistant\|>\n<think>\n$/);
    expect(backend.calls[1]!.context).toMatch(/The part called ending\.\n<\/think>\n<answer>\n$/);
    // The planning was on the timeline while it streamed, then became the plan.
    expect(seen.some((s) => s.planDraft !== null && s.planDraft.text.startsWith("## Opening"))).toBe(true);
    expect(m.revisions[0]!.text).toBe("## Opening\nWord count: 300\nThe part called opening.\n\n## Middle\nWord count: 400\nThe part called middle.\n\n## Ending\nWord count: 300\nThe part called ending.");
    expect(m.sections.map((s) => [s.title, s.budget])).toEqual([["Opening", 300], ["Middle", 400], ["Ending", 300]]);
    expect(m.steps.map((s) => s.sectionId)).toEqual(m.sections.map((s) => s.id));
    expect(m.steps.map((s) => s.content.split("\n")[0])).toEqual(["## Opening", "## Middle", "## Ending"]);
    expect(m.finished).toBe(true);
    expect(checkInvariants(m)).toEqual([]);
  });

  it("asks for more when the answer stops short, and opens the next answer with <answer>", async () => {
    const backend = new ScriptedBackend(fakeWriter({ wordsInStep: (_k, budget) => Math.round(budget / 2) }));
    const controller = new Writer({ mode: thinkAnswerMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }) });
    expect((await controller.run()).status).toBe("finished");
    const last = backend.calls[backend.calls.length - 1]!;
    expect(last.context).toMatch(/<\|user\|>\nThe text stopped at \d+ of the 1000 words asked for\.[^]*<\|assistant\|>\n<answer>\n$/);
    expect(last.inputTokensDecoded).toBeLessThan(400);
    expect(Math.abs(writtenWords(controller.manuscript) - 1000)).toBeLessThanOrEqual(targetTolerance(1000));
    expect(checkInvariants(controller.manuscript)).toEqual([]);
  });

  it("makes a think block without sections one section with the target", async () => {
    const backend = new ScriptedBackend((context) => (context.endsWith("<think>\n") ? "I will write calmly about the sea, in one flowing piece.</think>" : `${prose(500)}</answer>`));
    const notes: string[] = [];
    const controller = new Writer({ mode: thinkAnswerMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 500, language: "en" }), onNote: (n) => notes.push(n) });
    expect((await controller.run()).status).toBe("finished");
    const m = controller.manuscript;
    expect(m.revisions[0]!.text).toBe("I will write calmly about the sea, in one flowing piece.");
    expect(m.sections.map((s) => [s.title, s.budget])).toEqual([["Text", 500]]);
    expect(m.steps).toHaveLength(1);
    expect(m.steps[0]!.sectionId).toBe(m.sections[0]!.id);
    expect(notes.some((n) => n.startsWith("The plan named no sections: the document is written as one section."))).toBe(true);
    expect(checkInvariants(m)).toEqual([]);
  });

  it("begins the answer when the thinking runs out of room without </think>", async () => {
    const backend = new ScriptedBackend((context) => (context.endsWith("<think>\n") ? "think more ".repeat(600) : `${prose(300)}</answer>`));
    const notes: string[] = [];
    const controller = new Writer({ mode: thinkAnswerMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 300, language: "en" }), onNote: (n) => notes.push(n) });
    expect((await controller.run()).status).toBe("finished");
    expect(notes).toContain("The model's thinking did not end with </think>: its plan is taken as it stands and the answer begins.");
    expect(backend.calls[1]!.context).toMatch(/<think>\n(think more )+thi?n?k?\n<\/think>\n<answer>\n$/);
    expect(writtenWords(controller.manuscript)).toBe(300);
  });
});
