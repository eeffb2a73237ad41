import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEdit, applyEvents, checkInvariants, createManuscript, parseTranscript, type Manuscript, type ManuscriptEdit } from "../manuscript";
import { TranscriptParser } from "./parser";
import { writeStep, writeTranscript } from "./transcript";

// ---- random model output ----

const TITLES = ["Introduction", "History", "Culture today", "Conclusion", "引言", "历史发展", "Part 1: Origins", "Paragraph 2", "Tea & trade"];
const section = fc.record({ title: fc.constantFrom(...TITLES), budget: fc.integer({ min: 0, max: 3000 }), brief: fc.constantFrom("", "hook the reader", "介绍背景", "a < b, <br> ok") });
const planText = fc.oneof(
  fc.array(section, { minLength: 1, maxLength: 5 }).map((ss) => ss.map((s, i) => `${i + 1}. ${s.title} (${s.budget} words)${s.brief ? `: ${s.brief}` : ""}`).join("\n")),
  fc.array(section, { minLength: 1, maxLength: 5 }).map((ss) => ss.map((s) => `## ${s.title}\nWord count: ${s.budget}\n${s.brief}`).join("\n\n")),
  fc.array(section, { minLength: 1, maxLength: 5 }).map((ss) => ss.map((s, i) => `Paragraph ${i + 1} - Main point: ${s.brief || s.title} - Word count: ${s.budget} words`).join("\n")),
  fc.array(section, { minLength: 1, maxLength: 5 }).map((ss) => ss.map((s, i) => `${i + 1}. ${s.title}（约${s.budget}字）：${s.brief}`).join("\n")),
  fc.constantFrom("", "I will write freely.", "Total: 1000 words\n- A\n- B"),
);
const WORDS = ["Tea", "is", "old.", "a < b", "<br>", "don't", "中文", "写作。", "\n\n", " ", "x<y", "😀", "well-known", "1,000", "</p>", "<", "about 300 words", "Introduction"];
const prose = fc.array(fc.constantFrom(...WORDS), { maxLength: 25 }).map((w) => w.join(" "));
const stepPlan = fc.oneof(prose, fc.constantFrom("", "Write the Introduction, about 300 words.", "写引言，约300字", "Continue with History (800 words)."));
const reflection = fc.oneof(prose, fc.constantFrom("", "Word count: 300/1000", "Word count: 1234/5000. Flows well.", "已完成500字，目标2000字。"));
const open = (name: string) => fc.constantFrom(`<${name}>`, `< ${name.toUpperCase()} >`, `<${name}>\n`);
const stepText = fc
  .record({ open: fc.constantFrom("<step_plan>", "<local_plan>", "< Step_Plan >\n"), plan: stepPlan, content: prose, reflection, contentOpen: open("content"), closeReflection: fc.boolean() })
  .map((s) => `${s.open}${s.plan}</step_plan>\n${s.contentOpen}${s.content}\n</content>\n<reflection>${s.reflection}${s.closeReflection ? "</reflection>\n" : "\n"}`);
const modelOutput = fc
  .tuple(planText, fc.array(fc.oneof({ weight: 5, arbitrary: stepText }, { weight: 1, arbitrary: planText.map((p) => `<global_plan>\n${p}\n</global_plan>\n`) }), { minLength: 1, maxLength: 7 }), fc.boolean())
  .map(([plan, items, finished]) => `<global_plan>\n${plan}\n</global_plan>\n${items.join("")}${finished ? "<FINISHED>" : ""}`);

// ---- random edits, resolved against the manuscript of the moment ----

/** A number in [0, 1), spread evenly (fast-check otherwise favours the ends). */
const unit = fc.noBias(fc.integer({ min: 0, max: 999 })).map((n) => n / 1000);

const editIntent = fc.oneof(
  fc.record({ kind: fc.constant("title" as const), pick: unit, title: fc.constantFrom(...TITLES, "New title", "Epilogue", "Top 10 words", "") }),
  fc.record({ kind: fc.constant("brief" as const), pick: unit, brief: fc.constantFrom("A new brief.", "", "two\nlines", "## Heading", "<content>", "新的简介") }),
  fc.record({ kind: fc.constant("budget" as const), pick: unit, budget: fc.integer({ min: -5, max: 2000 }) }),
  fc.record({ kind: fc.constant("add" as const), pick: unit, title: fc.constantFrom("Epilogue", "Appendix", "附录", "History"), budget: fc.integer({ min: 0, max: 900 }) }),
  fc.record({ kind: fc.constant("remove" as const), pick: unit }),
  fc.record({ kind: fc.constant("move" as const), pick: unit, to: unit }),
  fc.record({ kind: fc.constant("content" as const), pick: unit, text: fc.oneof(prose, fc.constant("bad </content> tag")) }),
  fc.record({ kind: fc.constant("plan" as const), pick: unit, text: stepPlan }),
  fc.record({ kind: fc.constant("target" as const), value: fc.constantFrom(null, 0, 1500, 2.5) }),
);
type Intent = typeof editIntent extends fc.Arbitrary<infer T> ? T : never;

function resolve(m: Manuscript, intent: Intent): ManuscriptEdit {
  const at = <T>(list: T[], pick: number): T | undefined => list[Math.min(list.length - 1, Math.floor(pick * list.length))];
  const sectionId = (pick: number) => at(m.sections, pick)?.id ?? "sec-404";
  const stepId = (pick: number) => at(m.steps, pick)?.id ?? "step-404";
  switch (intent.kind) {
    case "title":
      return { type: "editSection", sectionId: sectionId(intent.pick), title: intent.title };
    case "brief":
      return { type: "editSection", sectionId: sectionId(intent.pick), brief: intent.brief };
    case "budget":
      return { type: "editSection", sectionId: sectionId(intent.pick), budget: intent.budget };
    case "add":
      return { type: "addSection", index: Math.floor(intent.pick * (m.sections.length + 1)), title: intent.title, budget: intent.budget };
    case "remove":
      return { type: "removeSection", sectionId: sectionId(intent.pick) };
    case "move":
      return { type: "moveSection", sectionId: sectionId(intent.pick), toIndex: Math.floor(intent.to * m.sections.length) };
    case "content":
      return { type: "editStep", stepId: stepId(intent.pick), content: intent.text };
    case "plan":
      return { type: "editStep", stepId: stepId(intent.pick), plan: intent.text };
    case "target":
      return { type: "setTarget", targetWords: intent.value };
  }
}

/** The manuscript as a transcript can carry it: who wrote a step's text is not in the text. */
function asTranscriptCarries(m: Manuscript): Manuscript {
  // The story memory (a budget's lock included) is the project's, not the transcript's.
  return { ...m, memory: { ...m.memory, lockedSections: [] }, steps: m.steps.map((s) => (s.status === "edited" ? { ...s, status: "done" as const } : s)) };
}

function chunk(text: string, sizes: number[]): string[] {
  const chunks: string[] = [];
  let k = 0;
  for (let at = 0; at < text.length; ) {
    const size = sizes[k++ % sizes.length]!;
    chunks.push(text.slice(at, at + size));
    at += size;
  }
  return chunks;
}

/**
 * A manuscript as the app makes it: the model's output streamed in chunks, and the writer's edits made
 * between chunks (also while a step is being written), each checked against the invariants.
 */
const liveManuscript = fc
  .tuple(modelOutput, unit, fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.array(editIntent, { maxLength: 3 })), { minLength: 1, maxLength: 20 }), fc.constantFrom("en", "zh", "auto" as const))
  .map(([output, keep, schedule, language]) => {
    const text = output.slice(0, Math.max(1, Math.ceil(output.length * (keep < 0.5 ? keep / 0.5 : 1))));
    const parser = new TranscriptParser();
    let m = createManuscript({ instruction: "Write about tea.", language, targetWords: 1000 });
    const problems: string[] = [];
    let at = 0;
    let k = 0;
    while (at < text.length) {
      const [size, intents] = schedule[k++ % schedule.length]!;
      m = applyEvents(m, parser.feed(text.slice(at, at + size)));
      at += size;
      problems.push(...checkInvariants(m));
      for (const intent of intents) {
        const edit = resolve(m, intent);
        const result = applyEdit(m, edit);
        if (result.ok) m = result.manuscript;
        problems.push(...checkInvariants(m).map((p) => `${p} after ${JSON.stringify(edit)}`));
      }
    }
    m = applyEvents(m, parser.end());
    problems.push(...checkInvariants(m));
    return { m, problems };
  });

describe("writeTranscript", () => {
  it("writes a manuscript that parses back to itself, however it is chunked", () => {
    fc.assert(
      fc.property(liveManuscript, fc.array(fc.integer({ min: 1, max: 16 }), { minLength: 1, maxLength: 6 }), ({ m, problems }, sizes) => {
        expect(problems).toEqual([]);
        const text = writeTranscript(m);
        const init = { instruction: m.instruction, language: m.language, targetWords: m.targetWords };
        const back = parseTranscript(text, init).manuscript;
        expect(back).toEqual(asTranscriptCarries(m));
        expect(parseTranscript(chunk(text, sizes), init).manuscript).toEqual(back);
        expect(parseTranscript(chunk(text, [4]), init).manuscript).toEqual(back);
      }),
      { numRuns: 300 },
    );
  });

  it("writes the canonical form of a model's transcript, which it then reproduces exactly", () => {
    fc.assert(
      fc.property(modelOutput, (output) => {
        const once = writeTranscript(parseTranscript(output).manuscript);
        expect(writeTranscript(parseTranscript(once).manuscript)).toBe(once);
      }),
      { numRuns: 300 },
    );
  });

  it("builds the same text step by step as at once", () => {
    const { manuscript } = parseTranscript(
      "<global_plan>\n1. A (10 words)\n</global_plan>\n<step_plan>a</step_plan><content>one</content><reflection>r</reflection><step_plan>b</step_plan><content>two",
    );
    const incremental = `<global_plan>\n${manuscript.revisions[0]!.text}\n</global_plan>\n` + manuscript.steps.map(writeStep).join("");
    expect(writeTranscript(manuscript)).toBe(incremental);
    expect(incremental.endsWith("<content>\ntwo")).toBe(true);
  });

  it("puts a plan revision made during a step before that step, and the model reads it there", () => {
    let m = parseTranscript("<global_plan>\n1. Alpha (10 words)\n2. Beta (10 words)\n</global_plan>\n<step_plan>Write Beta.</step_plan><content>Partial").manuscript;
    expect(m.steps[0]).toMatchObject({ sectionId: "sec-2", status: "writing" });
    const edited = applyEdit(m, { type: "editSection", sectionId: "sec-2", title: "Gamma" });
    expect(edited.ok).toBe(true);
    if (!edited.ok) return;
    m = edited.manuscript;
    expect(m.revisions.map((r) => r.afterStep)).toEqual([0, 0]);
    // The step plan no longer names a section, so the step goes to the first section not filled.
    expect(m.steps[0]!.sectionId).toBe("sec-1");
    const text = writeTranscript(m);
    expect(text).toBe(
      "<global_plan>\n1. Alpha (10 words)\n2. Beta (10 words)\n</global_plan>\n<global_plan>\n## Alpha\nWord count: 10\n\n## Gamma\nWord count: 10\n</global_plan>\n<step_plan>\nWrite Beta.\n</step_plan>\n<content>\nPartial",
    );
    expect(parseTranscript(text).manuscript).toEqual(m);
  });
});
