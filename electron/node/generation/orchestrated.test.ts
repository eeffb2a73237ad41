import { describe, expect, it } from "vitest";
import { writtenWords } from "../../common/generation/rules";
import { checkInvariants, createManuscript } from "../../common/manuscript";
import { OrchestratedMode, readJsonPlan } from "./orchestrated";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { Writer } from "./writer";

describe("the orchestrated mode", () => {
  it("asks for the plan, then each step's plan, text and reflection, keeping one token array", async () => {
    const backend = new ScriptedBackend(fakeWriter({ wordsInStep: (_k, asked) => asked * 2 }));
    const controller = new Writer({ mode: new OrchestratedMode(), backend, manuscript: createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }) });
    const outcome = await controller.run();
    expect(outcome.status).toBe("finished");
    const m = controller.manuscript;
    expect(m.sections.map((s) => [s.title, s.budget])).toEqual([["Opening", 300], ["Middle", 400], ["Ending", 300]]);
    // Each text is bounded by its budget: it ends at the first sentence end past it.
    for (const [i, step] of m.steps.entries()) {
      expect(step.words).toBeGreaterThanOrEqual(m.sections[i]!.budget);
      expect(step.words).toBeLessThan(m.sections[i]!.budget + 13);
      expect(step.plan).toMatch(new RegExp(`^Section: ${m.sections[i]!.title}\\. Cover the next part of the plan\\.$`));
      expect(step.reflection).toMatch(/^Word count: \d+\/1000\.\nThe text follows the plan\.$/);
    }
    expect(m.finished).toBe(true);
    expect(checkInvariants(m)).toEqual([]);
    // Every request after the first decoded only its own new turn: the prefix stayed in the cache.
    const contexts = backend.calls.map((c) => Array.from(c.context).length);
    for (let i = 1; i < backend.calls.length; i++) expect(backend.calls[i]!.inputTokensDecoded).toBeLessThanOrEqual(contexts[i]! - contexts[i - 1]! + 1);
    expect(backend.calls[1]!.context).toContain("Next step: the section \"Opening\" (The part called opening.), about 300 words.");
  });

  it("reads a plan the model wrapped in prose, and refuses sections without a title", () => {
    expect(readJsonPlan('Here is the plan: {"sections":[{"title":"A","brief":"x","budget":200},{"brief":"no title"}]} Done.')).toEqual([{ title: "A", brief: "x", budget: 200 }]);
    expect(readJsonPlan("no json at all")).toEqual([]);
  });

  it("tells the model about a plan revised while it writes, in the next step's request", async () => {
    const backend = new ScriptedBackend(fakeWriter(), {
      beforeGenerate(_context, call) {
        if (call === 2) {
          const last = controller.manuscript.sections[2]!;
          expect(controller.submitEdit({ type: "editSection", sectionId: last.id, budget: 150 }).ok).toBe(true);
        }
      },
    });
    const controller: Writer = new Writer({ mode: new OrchestratedMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }) });
    await controller.run();
    expect(backend.calls.some((c) => c.context.includes("The plan was revised:") && c.context.includes('"budget":150'))).toBe(true);
    expect(controller.manuscript.steps[2]?.words).toBeGreaterThanOrEqual(150);
    expect(controller.manuscript.steps[2]?.words).toBeLessThan(170);
  });

  it("continues after the sections are written until the target is reached", async () => {
    const backend = new ScriptedBackend(fakeWriter({ sections: [["Only", 200]] }));
    const controller = new Writer({ mode: new OrchestratedMode(), backend, manuscript: createManuscript({ instruction: "x", targetWords: 600, language: "en" }) });
    await controller.run();
    // The plan's 200 words were scaled to the target of 600.
    expect(controller.manuscript.sections[0]?.budget).toBe(600);
    expect(writtenWords(controller.manuscript)).toBeGreaterThanOrEqual(588);
  });

  it("writes a long document in a small window: a step's text leaves room for its reflection turn", async () => {
    // 4,096 scripted tokens (one a character) hold about 700 words: a 500-word section does not fit in
    // one step with its reflection. Before, the text filled the window and the reflection had no room:
    // the run ended with "the context window is too small".
    const sections = Array.from({ length: 6 }, (_, i) => [`Part ${i + 1}`, 500] as [string, number]);
    const backend = new ScriptedBackend(fakeWriter({ sections }), { contextSize: 4096 });
    const controller = new Writer({ mode: new OrchestratedMode(), backend, manuscript: createManuscript({ instruction: "Write a long story.", targetWords: 3000, language: "en" }), limits: { maxTokensPerSegment: 2500 } });
    const outcome = await controller.run();
    expect(outcome).toMatchObject({ status: "finished" });
    const m = controller.manuscript;
    expect(writtenWords(m)).toBeGreaterThanOrEqual(2700);
    // A section too long for one step goes on in the next, and every step has its reflection.
    expect(m.steps.length).toBeGreaterThan(6);
    for (const step of m.steps) expect(step.reflection).toMatch(/^Word count: \d+\/3000\./);
    expect(new Set(m.steps.map((s) => s.sectionId))).toEqual(new Set(m.sections.map((s) => s.id)));
    expect(checkInvariants(m)).toEqual([]);
    // No request ever asked for more than the window holds.
    for (const call of backend.calls) expect(Array.from(call.context).length).toBeLessThanOrEqual(4096);
  });
});
