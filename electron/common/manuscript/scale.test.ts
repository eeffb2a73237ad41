// The reducer and the section assignment do their work in time linear in the transcript; these check that
// they still give what the plain definitions give (testing/reference.ts), on random transcripts built to
// exercise sections, revisions and malformed tags, on the adversarial shapes, and on the live path.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TranscriptParser } from "../iscot/parser";
import { ADVERSARIAL_SHAPES } from "../iscot/testing/adversarial";
import { checkInvariants } from "./invariants";
import { applyEvent, applyEvents, createManuscript, parseTranscript } from "./reducer";
import { assignSection, matchSections, replayAssignments } from "./sections";
import { referenceApplyEvent, referenceAssignSection, referenceMatchSections, referenceParseTranscript, referenceReplayAssignments } from "./testing/reference";
import type { Manuscript, Section, Step } from "./types";

function createManuscriptStep(index: number): Step {
  return { id: `step-${index + 1}`, sectionId: null, plan: "", planComplete: false, targetWords: null, content: "", reflection: "", progress: null, words: 0, status: "planned" };
}

// Titles that contain one another, differ only at a word or number boundary, or are too short to name.
const TITLES = ["Intro", "Introduction", "History", "Prehistory", "History of tea", "Section 1", "Subsection 1", "Section 10", "Section 1 a", "Part 2: Origins", "引言", "历史", "历史发展", "x-y", "a", "1", "Tea & trade", "Culture", "tea"];
const title = fc.constantFrom(...TITLES);
const budget = fc.integer({ min: 0, max: 40 });

const planLine = fc.oneof(
  fc.tuple(fc.nat(20), title, budget).map(([i, t, b]) => `${i}. ${t} (${b} words)`),
  fc.tuple(title, budget).map(([t, b]) => `## ${t}\nWord count: ${b}`),
  fc.tuple(title, fc.constantFrom("brief", "", "about History")).map(([t, brief]) => `- ${t}${brief ? `: ${brief}` : ""}`),
  fc.tuple(fc.nat(20), title, budget).map(([i, t, b]) => `Paragraph ${i} - Main point: ${t} - Word count: ${b} words`),
  fc.tuple(fc.nat(20), title, budget).map(([i, t, b]) => `${i}. ${t}（约${b}字）`),
  fc.constantFrom("Total: 100 words", "Some preamble.", "", "   "),
);
const plan = fc.array(planLine, { maxLength: 6 }).map((lines) => lines.join("\n"));
const words = (vocabulary: string[], max: number) => fc.array(fc.constantFrom(...vocabulary), { maxLength: max }).map((w) => w.join(" "));
const stepPlan = words([...TITLES, "write", "the", "next", "about 30 words", "继续", "Section 100", "section 1a", ",", ".", "-"], 6);
const content = words(["w", "tea", "中文", "don't", "😀", "1,000", "\n\n", "a < b", "well-known"], 30);
const reflection = fc.constantFrom("", "ok", "Word count: 30/100", "已完成50字，目标100字", "word   count :  12 / 40");

const item = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(stepPlan, content, reflection).map(([p, c, r]) => `<step_plan>${p}</step_plan>\n<content>${c}</content>\n<reflection>${r}</reflection>\n`) },
  { weight: 2, arbitrary: plan.map((p) => `<global_plan>\n${p}\n</global_plan>\n`) },
  { weight: 1, arbitrary: fc.tuple(stepPlan, content).map(([p, c]) => `<local_plan>${p}</local_plan>${c}`) },
  { weight: 1, arbitrary: content.map((c) => `<content>${c}`) },
  { weight: 1, arbitrary: fc.constantFrom("</content>", "<reflection>r", "stray words ", "<br>", "< Step_Plan >", "<global_plan>## A\nWord count: 5") },
  { weight: 1, arbitrary: fc.constant("<FINISHED>") },
);
const transcript = fc.array(item, { maxLength: 14 }).map((items) => items.join(""));
const chunkSizes = fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 6 });

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function chunk(text: string, sizes: number[]): string[] {
  const out: string[] = [];
  for (let at = 0, k = 0; at < text.length; k++) {
    const size = sizes[k % sizes.length]!;
    out.push(text.slice(at, at + size));
    at += size;
  }
  return out;
}

describe("section assignment, linear", () => {
  const section = fc.record({ title, budget }).map(({ title: t, budget: b }) => ({ title: t, brief: "", budget: b }));
  const sections = fc.array(section, { maxLength: 8 }).map((ss): Section[] => ss.map((s, i) => ({ ...s, id: `sec-${i + 1}` })));

  it("assigns the section the definition gives, for any sections, earlier steps and plan", () => {
    fc.assert(
      fc.property(sections, fc.array(fc.record({ pick: fc.integer({ min: -1, max: 9 }), words: fc.nat(40) }), { maxLength: 8 }), stepPlan, (ss, earlier, p) => {
        const steps = earlier.map((e) => ({ sectionId: e.pick < 0 ? null : `sec-${e.pick + 1}`, words: e.words }));
        expect(assignSection(ss, steps, p)).toBe(referenceAssignSection(ss, steps, p));
      }),
      { numRuns: 3000 },
    );
  });

  it("replays any sequence of plan revisions and steps as the definition does", () => {
    // Small budgets and counts, so that sections fill one by one; plans that name one section or none.
    const names = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta"];
    const op = fc.oneof(
      {
        weight: 1,
        arbitrary: fc
          .array(fc.record({ title: fc.constantFrom(...names), budget: fc.integer({ min: 0, max: 8 }), brief: fc.constant("") }), { maxLength: 6 })
          .map((drafts) => ({ kind: "revision" as const, drafts })),
      },
      {
        weight: 8,
        arbitrary: fc
          .record({ plan: fc.oneof({ weight: 3, arbitrary: fc.constantFrom("next", "", "continue") }, { weight: 2, arbitrary: fc.constantFrom(...names) }, { weight: 1, arbitrary: stepPlan }), words: fc.nat(5), planComplete: fc.nat(9) })
          .map((step) => ({ kind: "step" as const, ...step, planComplete: step.planComplete > 0 })),
      },
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const m: Pick<Manuscript, "revisions" | "steps"> = { revisions: [], steps: [] };
        let current: Section[] = [];
        let next = 1;
        for (const o of ops) {
          if (o.kind === "revision") {
            ({ sections: current, next } = matchSections(current, o.drafts, next));
            m.revisions.push({ afterStep: m.steps.length, text: "", sections: current, nextSectionNumber: next });
          } else {
            m.steps.push({ ...createManuscriptStep(m.steps.length), plan: o.plan, planComplete: o.planComplete, words: o.words, status: "done" });
          }
        }
        expect(replayAssignments(m)).toEqual(referenceReplayAssignments(m));
      }),
      { numRuns: 3000 },
    );
  });

  it("leads on from the latest step that still has a section once a revision drops the latest one's", () => {
    const plan = (titles: string[]) => `<global_plan>\n${titles.map((t) => `## ${t}\nWord count: 10`).join("\n")}\n</global_plan>\n`;
    const step = (p: string, words: number) => `<step_plan>${p}</step_plan><content>${"w ".repeat(words)}</content><reflection>r</reflection>\n`;
    // Steps in B (named), then C (named); the revision keeps A and B and drops C; the next step names nothing.
    const text = plan(["A", "Bee", "Cee"]) + step("Bee", 2) + step("Cee", 2) + plan(["A", "Bee"]) + step("next", 2);
    const { manuscript } = parseTranscript(text);
    expect(manuscript.steps.map((s) => s.sectionId)).toEqual(["sec-2", null, "sec-2"]);
    expect(manuscript).toEqual(referenceParseTranscript(text).manuscript);
  });

  it("gives new sections the ids the definition gives", () => {
    fc.assert(
      fc.property(sections, fc.array(section, { maxLength: 8 }), fc.integer({ min: 1, max: 20 }), (old, drafts, next) => {
        expect(matchSections(old, drafts, next)).toEqual(referenceMatchSections(old, drafts, next));
      }),
      { numRuns: 2000 },
    );
  });
});

describe("the reducer, linear", () => {
  it("reads any transcript, in any chunks, into the manuscript and warnings the plain fold gives", () => {
    fc.assert(
      fc.property(transcript, chunkSizes, (text, sizes) => {
        const reference = referenceParseTranscript(text);
        const parsed = parseTranscript(chunk(text, sizes));
        expect(parsed).toEqual(reference);
        expect(checkInvariants(parsed.manuscript)).toEqual([]);
        expect(replayAssignments(parsed.manuscript)).toEqual(referenceReplayAssignments(parsed.manuscript));
      }),
      { numRuns: 1500 },
    );
  });

  it("gives the same manuscript live: events applied batch by batch or one by one, the manuscript reloaded from JSON at times", () => {
    fc.assert(
      fc.property(transcript, chunkSizes, fc.array(fc.boolean(), { minLength: 1, maxLength: 5 }), (text, sizes, reloads) => {
        const parser = new TranscriptParser();
        let batched: Manuscript = createManuscript();
        let single: Manuscript = createManuscript();
        let reference: Manuscript = createManuscript();
        const pieces = chunk(text, sizes);
        pieces.forEach((piece, k) => {
          const events = parser.feed(piece);
          if (k === pieces.length - 1) events.push(...parser.end());
          batched = applyEvents(batched, events);
          for (const e of events) {
            single = applyEvent(single, e);
            reference = referenceApplyEvent(reference, e);
          }
          if (reloads[k % reloads.length]) batched = JSON.parse(JSON.stringify(batched)) as Manuscript;
        });
        if (pieces.length === 0) return;
        expect(batched).toEqual(reference);
        expect(single).toEqual(reference);
      }),
      { numRuns: 1000 },
    );
  });

  it("never changes a manuscript it is given, wherever the text was cut (inside a plan, a step, a block)", () => {
    fc.assert(
      fc.property(transcript, fc.integer({ min: 0, max: 1000 }), (text, cut) => {
        const parser = new TranscriptParser();
        const at = Math.floor((cut / 1000) * text.length);
        const before = deepFreeze(applyEvents(createManuscript(), parser.feed(text.slice(0, at))));
        const copy = JSON.parse(JSON.stringify(before)) as Manuscript;
        applyEvents(before, [...parser.feed(text.slice(at)), ...parser.end()]);
        expect(before).toEqual(copy);
      }),
      { numRuns: 1000 },
    );
  });

  it.each(Object.entries(ADVERSARIAL_SHAPES))("reads the adversarial shape %s, small, as the plain fold does", (_name, shape) => {
    for (const n of [1, 2, 7, 150]) {
      const text = shape(n);
      const parsed = parseTranscript(text);
      expect(parsed).toEqual(referenceParseTranscript(text));
      expect(checkInvariants(parsed.manuscript)).toEqual([]);
    }
  });
});
