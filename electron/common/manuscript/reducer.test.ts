import { describe, expect, it } from "vitest";
import { TranscriptParser } from "../iscot/parser";
import { countWriterWords } from "../metrics/words";
import { checkInvariants } from "./invariants";
import { applyEvent, applyEvents, createManuscript, parseTranscript, revisionPosition } from "./reducer";
import { manuscriptText, planGap } from "./views";

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe("applyEvent", () => {
  it("keeps a live word count equal to the count of the content, whatever the deltas", () => {
    const parser = new TranscriptParser();
    let m = createManuscript();
    const text = "<step_plan>p</step_plan><content>It's a well-known fact: tea—not coffee—is 中文 loved by 1,000s.</content>";
    for (const ch of text) {
      m = deepFreeze(applyEvents(m, parser.feed(ch)));
      const step = m.steps[0];
      if (step) expect(step.words).toBe(countWriterWords(step.content));
    }
    expect(m.steps[0]!.words).toBe(13);
  });

  it("counts right when a delta continues a word of a manuscript loaded from JSON", () => {
    const parser = new TranscriptParser();
    const before = applyEvents(createManuscript(), parser.feed("<step_plan>p</step_plan><content>a well-kno"));
    const loaded = JSON.parse(JSON.stringify(before)) as typeof before;
    const after = applyEvents(loaded, parser.feed("wn fact"));
    expect(after.steps[0]).toMatchObject({ content: "a well-known fact", words: 3 });
    // The original object again, after another one was counted: the count is still right.
    expect(applyEvents(before, [{ type: "contentDelta", step: 0, text: "wn" }]).steps[0]!.words).toBe(2);
  });

  it("ignores an event that does not fit, returning the same manuscript", () => {
    const m = deepFreeze(createManuscript());
    expect(applyEvent(m, { type: "contentDelta", step: 0, text: "x" })).toBe(m);
    expect(applyEvent(m, { type: "stepStarted", step: 3 })).toBe(m);
    expect(applyEvent(m, { type: "stepComplete", step: 0, reflection: "", progress: null })).toBe(m);
    expect(applyEvent(m, { type: "warning", warning: { kind: "after-finished", offset: 0 } })).toBe(m);
  });

  it("shows a global plan while the model writes it, then gives its sections ids", () => {
    const parser = new TranscriptParser();
    let m = applyEvents(createManuscript(), parser.feed("<global_plan>\n1. Intro (100 words)\n2. Body (200 words)\n3. En"));
    expect(m.planDraft).toEqual({ text: "1. Intro (100 words)\n2. Body (200 words)\n3. En", sections: [{ title: "Intro", brief: "", budget: 100 }] });
    expect(m.sections).toEqual([]);
    m = applyEvents(m, parser.feed("d (50 words)\n</global_plan>"));
    expect(m.planDraft).toBeNull();
    expect(m.sections.map((s) => [s.id, s.title, s.budget])).toEqual([["sec-1", "Intro", 100], ["sec-2", "Body", 200], ["sec-3", "End", 50]]);
    expect(checkInvariants(m)).toEqual([]);
  });
});

describe("section of a step", () => {
  const plan = "<global_plan>\n1. Introduction (20 words)\n2. History (20 words)\n3. Culture (20 words)\n</global_plan>\n";
  const step = (p: string, words: number) => `<step_plan>${p}</step_plan><content>${"w ".repeat(words)}</content><reflection>r</reflection>`;

  it("goes to the section its plan names", () => {
    const { manuscript } = parseTranscript(plan + step("Now the Culture part.", 5) + step("Back to the introduction.", 5));
    expect(manuscript.steps.map((s) => s.sectionId)).toEqual(["sec-3", "sec-1"]);
  });

  it("goes on with the current section until 80% of its budget is written, then to the next", () => {
    const { manuscript } = parseTranscript(plan + step("Start.", 10) + step("More.", 6) + step("More.", 20) + step("More.", 20) + step("More.", 20));
    // Intro: 10 < 16 (80% of 20), stay; 16 reaches it, go on. History and Culture are filled by 20 each; the extra step stays in the last.
    expect(manuscript.steps.map((s) => s.sectionId)).toEqual(["sec-1", "sec-1", "sec-2", "sec-3", "sec-3"]);
  });

  it("skips a named section that is filled for one that is not", () => {
    const { manuscript } = parseTranscript(plan + step("Introduction.", 20) + step("After the Introduction, the History.", 5));
    expect(manuscript.steps.map((s) => s.sectionId)).toEqual(["sec-1", "sec-2"]);
  });

  it("matches Chinese titles and gives one step to each section without a budget", () => {
    const { manuscript } = parseTranscript("<global_plan>\n1. 引言\n2. 历史\n3. 文化\n</global_plan>" + step("写文化部分", 3) + step("继续", 3) + step("继续", 3));
    expect(manuscript.steps.map((s) => s.sectionId)).toEqual(["sec-3", "sec-3", "sec-3"]);
    const inOrder = parseTranscript("<global_plan>\n1. 引言\n2. 历史\n</global_plan>" + step("开头", 3) + step("继续", 3) + step("继续", 3)).manuscript;
    expect(inOrder.steps.map((s) => s.sectionId)).toEqual(["sec-1", "sec-2", "sec-2"]);
  });

  it("does not take 'Paragraph 1' for 'Paragraph 10'", () => {
    const titles = Array.from({ length: 10 }, (_, i) => `Paragraph ${i + 1} - Main point: p - Word count: 10 words`).join("\n");
    const { manuscript } = parseTranscript(`<global_plan>\n${titles}\n</global_plan>` + step("Paragraph 10 now.", 3));
    expect(manuscript.steps[0]!.sectionId).toBe("sec-10");
  });

  it("has no section without a plan, and loses it when a revision drops it", () => {
    expect(parseTranscript(step("x", 2)).manuscript.steps[0]!.sectionId).toBeNull();
    const { manuscript } = parseTranscript(plan + step("Culture.", 2) + "<global_plan>\n1. Introduction (20 words)\n</global_plan>");
    expect(manuscript.sections.map((s) => s.id)).toEqual(["sec-1"]);
    expect(manuscript.steps[0]!.sectionId).toBeNull();
    expect(checkInvariants(manuscript)).toEqual([]);
  });
});

describe("views", () => {
  it("joins the document's text and reports the plan's gap to the target", () => {
    const { manuscript } = parseTranscript(
      "<global_plan>\nTotal: 900 words\n1. A (300 words)\n2. B (500 words)\n</global_plan><step_plan>a</step_plan><content>One.</content><reflection>r</reflection><step_plan>b</step_plan><content>Two.</content>",
      { targetWords: 1000 },
    );
    expect(manuscriptText(manuscript)).toBe("One.\n\nTwo.");
    expect(planGap(manuscript)).toEqual({ planned: 800, target: 1000, gap: -200, statedTotal: 900 });
    expect(revisionPosition(manuscript)).toBe(1);
  });
});
