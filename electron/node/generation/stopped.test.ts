// A step cut by Stop is unfinished, not done: it keeps its words as "stopped", the next run continues
// it within its budget before anything else, and the document is never called finished while a step
// is stopped; a planned section the target left little room for is still written (rebalanced to its
// floor), and the writer is told. While a part is written again, the steps after it stay in the document the writer sees.
import { describe, expect, it } from "vitest";
import { applyEdit, checkInvariants, createManuscript, type Manuscript } from "../../common/manuscript";
import { writtenWords } from "../../common/generation/rules";
import { IsCotMode } from "./iscot";
import { OrchestratedMode } from "./orchestrated";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { Writer } from "./writer";

const SECTIONS: Array<[string, number]> = [
  ["Opening", 300],
  ["Middle", 400],
  ["Ending", 300],
];

function ok(result: ReturnType<typeof applyEdit>): Manuscript {
  if (!result.ok) throw new Error(result.error.message);
  return result.manuscript;
}

/** Writes until step 2 has `words` words, then stops. */
async function stoppedInStep2(words = 60): Promise<Manuscript> {
  const writer: Writer = new Writer({
    backend: new ScriptedBackend(fakeWriter({ sections: SECTIONS })),
    manuscript: createManuscript({ instruction: "Write a story about a harbor town.", targetWords: 1000, language: "en" }),
    mode: new IsCotMode("native"),
    onChange(m) {
      if ((m.steps[1]?.words ?? 0) >= words) writer.stop();
    },
  });
  expect((await writer.run()).status).toBe("stopped");
  return writer.manuscript;
}

describe("a step cut by Stop", () => {
  it("keeps its words as a stopped step, and the next run continues it within its budget before anything else", async () => {
    const stopped = await stoppedInStep2();
    const cut = stopped.steps[1]!;
    expect(cut).toMatchObject({ status: "stopped", reflection: "", progress: null, planComplete: true, sectionId: "sec-2" });
    expect(cut.words).toBeGreaterThanOrEqual(60);
    expect(cut.words).toBeLessThan(400);
    expect(stopped.finished).toBe(false);
    expect(checkInvariants(stopped)).toEqual([]);

    const backend = new ScriptedBackend(fakeWriter({ sections: SECTIONS }));
    const again = new Writer({ backend, manuscript: stopped, mode: new IsCotMode("native") });
    expect((await again.run()).status).toBe("finished");
    // The first request goes on from the stopped text, inside its open content block.
    expect(backend.calls[0]!.context.endsWith(`<content>\n${cut.content}`)).toBe(true);
    const m = again.manuscript;
    expect(m.steps.map((s) => [s.sectionId, s.words, s.status])).toEqual([
      ["sec-1", 300, "done"],
      ["sec-2", 400, "done"],
      ["sec-3", 300, "done"],
    ]);
    expect(m.steps[1]!.content.startsWith(cut.content)).toBe(true);
    expect(m.finished).toBe(true);
    expect(checkInvariants(m)).toEqual([]);
  });

  it("is continued in a chat mode too: its text opens the model's answer", async () => {
    const stopped = await stoppedInStep2();
    const backend = new ScriptedBackend(fakeWriter({ sections: SECTIONS }));
    const again = new Writer({ backend, manuscript: stopped, mode: new OrchestratedMode() });
    await again.run();
    expect(again.manuscript.steps[1]!.content.startsWith(stopped.steps[1]!.content)).toBe(true);
    expect(again.manuscript.steps[1]!.status).toBe("done");
    expect(again.manuscript.steps[1]!.words).toBeGreaterThan(stopped.steps[1]!.words);
  });

  it("is a step in progress of a run that was cut off (a crash) too: its words stay and are continued", async () => {
    const stopped = await stoppedInStep2();
    // As an autosave written while the model wrote holds it: the last step still "writing".
    const crashed: Manuscript = { ...stopped, steps: stopped.steps.map((s, i) => (i === 1 ? { ...s, status: "writing" } : s)) };
    const again = new Writer({ backend: new ScriptedBackend(fakeWriter({ sections: SECTIONS })), manuscript: crashed, mode: new IsCotMode("native") });
    await again.run();
    expect(again.manuscript.steps[1]!.content.startsWith(stopped.steps[1]!.content)).toBe(true);
    expect(again.manuscript.steps).toHaveLength(3);
  });
});

describe("finished", () => {
  it("never leaves a planned section without words: one the target left little room for is rebalanced to its floor and written, and the run says so", async () => {
    const first = new Writer({
      backend: new ScriptedBackend(fakeWriter({ sections: SECTIONS })),
      manuscript: createManuscript({ instruction: "Write a story.", targetWords: 1000, language: "en" }),
      mode: new IsCotMode("native"),
    });
    expect((await first.run()).status).toBe("finished");
    // The writer adds a section but leaves the target: the target is reached, the section is not written.
    const withCoda = ok(applyEdit(first.manuscript, { type: "addSection", index: 3, title: "Coda", budget: 200 }));
    const notes: string[] = [];
    const second = new Writer({ backend: new ScriptedBackend(fakeWriter({ sections: SECTIONS })), manuscript: withCoda, mode: new IsCotMode("native"), onNote: (n) => notes.push(n) });
    const outcome = await second.run();
    expect(outcome.status).toBe("finished");
    expect(notes).toContain('The writing ran long (heading for 1200 of 1000 words): the budget of the section "Coda" went from 200 to 30 words.');
    const m = second.manuscript;
    expect(m.sections[3]).toMatchObject({ title: "Coda", budget: 30 });
    expect(m.steps.at(-1)).toMatchObject({ sectionId: m.sections[3]!.id });
    expect(m.steps.at(-1)!.words).toBeGreaterThan(0);
    expect(writtenWords(m)).toBeLessThanOrEqual(1150);
    expect(checkInvariants(m)).toEqual([]);
  });
});

describe("writing a part again", () => {
  it("keeps the steps after it in the document, counted, while the model writes; the steps still to be replaced are named", async () => {
    const first = new Writer({
      backend: new ScriptedBackend(fakeWriter({ sections: [["A", 200], ["B", 200], ["C", 200], ["D", 200]] })),
      manuscript: createManuscript({ instruction: "Write a story.", targetWords: 800, language: "en" }),
      mode: new IsCotMode("native"),
    });
    await first.run();
    const before = first.manuscript;
    const seen: { steps: string[]; words: number; replacing: string[] }[] = [];
    const again: Writer = new Writer({
      backend: new ScriptedBackend(fakeWriter({ sections: [["A", 200], ["B", 200], ["C", 200], ["D", 200]], wordsInStep: (k, budget) => (k === 1 || k === 2 ? 170 : budget) }), {
        beforeGenerate() {
          seen.push({ steps: again.manuscript.steps.map((s) => s.id), words: writtenWords(again.manuscript), replacing: again.replacing() });
        },
      }),
      manuscript: before,
      mode: new IsCotMode("native"),
      regenerate: [1, 2],
    });
    expect((await again.run()).status).toBe("finished");
    expect(seen.length).toBeGreaterThan(0);
    // Every step stays in view while steps 2 and 3 are written again; the later ones count their words.
    for (const view of seen) expect(view.steps).toEqual(["step-1", "step-2", "step-3", "step-4"]);
    // The first request: step 2 begins anew (no words yet); steps 3 and 4 still count theirs.
    expect(seen[0]).toMatchObject({ replacing: ["step-2", "step-3"], words: 600 });
    expect(seen.at(-1)!.replacing).toEqual(["step-3"]);
    expect(again.replacing()).toEqual([]);
    expect(again.manuscript.steps.map((s) => s.words)).toEqual([200, 170, 170, 200]);
    expect(again.manuscript.steps[3]).toEqual(before.steps[3]);
    expect(checkInvariants(again.manuscript)).toEqual([]);
  });

  it("refuses an edit of a step kept aside, saying why", async () => {
    const first = new Writer({ backend: new ScriptedBackend(fakeWriter({ sections: SECTIONS })), manuscript: createManuscript({ instruction: "Write.", targetWords: 1000, language: "en" }), mode: new IsCotMode("native") });
    await first.run();
    let answer: ReturnType<Writer["submitEdit"]> | null = null;
    const again: Writer = new Writer({
      backend: new ScriptedBackend(fakeWriter({ sections: SECTIONS }), {
        beforeGenerate() {
          answer ??= again.submitEdit({ type: "editStep", stepId: "step-3", content: "New words." });
        },
      }),
      manuscript: first.manuscript,
      mode: new IsCotMode("native"),
      regenerate: [0],
    });
    await again.run();
    expect(answer).toMatchObject({ ok: false, error: { kind: "step-in-progress", message: "This step waits while step 1 is written again: edit it once that is done." } });
    expect(again.manuscript.steps[2]).toEqual(first.manuscript.steps[2]);
  });
});
