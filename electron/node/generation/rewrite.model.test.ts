// Rewriting a passage with real node-llama-cpp: the tiny test model (random weights) held to prose by
// the rewrite grammar, one thread. The grammar never ends the passage by itself, so what ends it is the
// rewrite's target (cut at the first sentence end past it), as it would end a real model that runs on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPlan } from "../../common/iscot/plan";
import { createManuscript, type Manuscript, type Step } from "../../common/manuscript";
import { withRevision } from "../../common/manuscript/reducer";
import { countWriterWords } from "../../common/metrics/words";
import { EmbeddedBackend } from "../engine/embedded";
import { ensureTestModel } from "../engine/testModel";
import { locatePassage, replacePassage, rewritePassage } from "./rewrite";

const FIRST = "The harbor woke before the gulls. Nets lay in grey heaps on the quay.\n\nOld Tomas counted the boats twice, as he always did, and found one missing.";
const SECOND = "By noon the wind had turned. Nobody spoke of the missing boat.";

function draft(): Manuscript {
  const sections = [
    { id: "sec-1", title: "Dawn", brief: "The harbor wakes.", budget: 300 },
    { id: "sec-2", title: "Noon", brief: "The wind turns.", budget: 300 },
  ];
  const step = (n: number, sectionId: string, content: string, plan: string): Step => ({
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
  const m = withRevision(createManuscript({ instruction: "Write a story about a fishing harbor.", targetWords: 600, language: "en" }), renderPlan(sections, "en"), sections, 3);
  return { ...m, steps: [step(1, "sec-1", FIRST, "Dawn: open on the harbor."), step(2, "sec-2", SECOND, "Noon: the wind turns.")] };
}

describe("rewriting a passage with the tiny model", () => {
  const backend = new EmbeddedBackend();

  beforeAll(async () => {
    await backend.load({ model: await ensureTestModel(), threads: 1, contextSize: 2048 });
  });
  afterAll(() => backend.dispose());

  it("writes a shorter passage held to its target, ended at a sentence, and only the passage changes", async () => {
    const m = draft();
    const passage = locatePassage(m, { find: "Old Tomas counted the boats twice, as he always did, and found one missing." });
    const streamed: string[] = [];
    const outcome = await rewritePassage(
      { backend, useProtocolGrammars: true, sampling: { temperature: 0.9, seed: 11 } },
      m,
      { ...passage, kind: "shorten", targetWords: 20 },
      { onText: (text) => streamed.push(text) },
    );
    expect(outcome.status).toBe("done");
    expect(outcome.targetWords).toBe(20);
    // The grammar's sentences have 5 to 15 words: the cut comes within one sentence past the target.
    expect(outcome.words).toBeGreaterThanOrEqual(20);
    expect(outcome.words).toBeLessThan(20 + 15);
    expect(outcome.text).toMatch(/\.$/);
    expect(streamed.length).toBeGreaterThan(1);
    const next = replacePassage(m, passage, outcome.text);
    expect(next.steps[0]!.content).toBe(`${passage.before}${outcome.text}`);
    expect(next.steps[0]!.content.startsWith("The harbor woke before the gulls. Nets lay in grey heaps on the quay.\n\n")).toBe(true);
    expect(next.steps[1]).toEqual(m.steps[1]);
  });

  it("stopped mid-rewrite, says so and leaves the draft as it was", async () => {
    const m = draft();
    const passage = locatePassage(m, { stepId: "step-1" });
    const stop = new AbortController();
    const outcome = await rewritePassage({ backend, useProtocolGrammars: true, sampling: { temperature: 0.9, seed: 2 } }, m, { ...passage, kind: "expand", targetWords: 400 }, {
      signal: stop.signal,
      onText: (text) => {
        if (countWriterWords(text) >= 5) stop.abort();
      },
    });
    expect(outcome.status).toBe("stopped");
    expect(outcome.words).toBeLessThan(400);
    expect(m.steps.map((s) => s.content)).toEqual([FIRST, SECOND]);
  });
});
