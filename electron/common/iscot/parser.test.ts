import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkInvariants, parseTranscript } from "../manuscript";
import type { ParserEvent, ParserWarning } from "./events";
import { parseEvents, TranscriptParser } from "./parser";

/** Feeds a text cut at the given sizes (cycled), then ends. */
function feedChunked(text: string, sizes: number[]): ParserEvent[] {
  const parser = new TranscriptParser();
  const events: ParserEvent[] = [];
  let at = 0;
  let k = 0;
  while (at < text.length) {
    const size = sizes.length === 0 ? text.length : sizes[k++ % sizes.length]!;
    events.push(...parser.feed(text.slice(at, at + size)));
    at += size;
  }
  events.push(...parser.end());
  return events;
}

/** Joins adjacent deltas of the same kind: the event stream as it does not depend on chunking. */
function normalize(events: ParserEvent[]): ParserEvent[] {
  const out: ParserEvent[] = [];
  for (const e of events) {
    const last = out[out.length - 1];
    if (last && (e.type === "contentDelta" || e.type === "stepPlanDelta" || e.type === "reflectionDelta" || e.type === "globalPlanDelta") && last.type === e.type) {
      out[out.length - 1] = { ...e, text: (last as { text: string }).text + e.text };
    } else out.push(e);
  }
  return out;
}

const kinds = (warnings: ParserWarning[]) => warnings.map((w) => w.kind);

/** The event stream's own rules: steps in order, plan closed before text, nothing but warnings after FINISHED. */
function eventProblems(events: ParserEvent[]): string[] {
  const problems: string[] = [];
  let step = -1;
  let planClosed = false;
  let stepOpen = false;
  let inPlan = false;
  let finished = false;
  for (const e of events) {
    if (finished && e.type !== "warning") problems.push(`${e.type} after finished`);
    switch (e.type) {
      case "stepStarted":
        if (e.step !== step + 1 || stepOpen || inPlan) problems.push(`stepStarted ${e.step} out of order`);
        step = e.step;
        stepOpen = true;
        planClosed = false;
        break;
      case "stepPlanDelta":
        if (!stepOpen || planClosed || e.step !== step) problems.push("stepPlanDelta outside an open plan");
        break;
      case "stepPlanComplete":
        if (!stepOpen || planClosed) problems.push("stepPlanComplete twice");
        planClosed = true;
        break;
      case "contentDelta":
      case "reflectionDelta":
        if (!stepOpen || !planClosed || e.step !== step) problems.push(`${e.type} before the plan closed`);
        break;
      case "stepComplete":
        if (!stepOpen || !planClosed) problems.push("stepComplete of a step not open");
        stepOpen = false;
        break;
      case "globalPlanStarted":
        if (stepOpen || inPlan) problems.push("plan started inside a step");
        inPlan = true;
        break;
      case "globalPlanDelta":
      case "globalPlanSection":
        if (!inPlan) problems.push(`${e.type} outside a plan`);
        break;
      case "globalPlanComplete":
        if (!inPlan) problems.push("plan completed twice");
        inPlan = false;
        break;
      case "finished":
        if (stepOpen || inPlan) problems.push("finished inside a block");
        finished = true;
        break;
      case "warning":
        break;
      default:
        e satisfies never;
    }
    if ("text" in e && e.type.endsWith("Delta") && e.text === "") problems.push(`empty ${e.type}`);
  }
  return problems;
}

const FRAGMENTS = [
  "<global_plan>", "</global_plan>", "<step_plan>", "</step_plan>", "<local_plan>", "</LOCAL_PLAN>", "<content>", "</content>",
  "<reflection>", "</reflection>", "<FINISHED>", "< content >", "</ Reflection>", "<Global-Plan>", "<br>", "<note>", "</p>",
  "<", ">", "/", "</", "<glo", "bal_plan>", "<con", "tent>", "a < b", "x<y", "text", "Tea is old.", "中文写作", "约800字",
  " ", "  ", "\n", "\n\n", "\t", "\u3000", "1. Intro (300 words): hook", "## History", "Word count: 120/500", "已完成1200字",
  "Paragraph 1 - Main point: x - Word count: 400 words", "don't", "\uD83D\uDE00", "\uD83D", "\uDE00", "é", "<<content>>",
];
const fragmentSoup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 60 }).map((a) => a.join(""));
const chunkSizes = fc.array(fc.integer({ min: 1, max: 24 }), { minLength: 1, maxLength: 8 });

describe("TranscriptParser on well-formed text", () => {
  const text = [
    "<global_plan>\n1. Introduction (300 words): hook\n2. History (700 words): origins\n</global_plan>\n",
    "<step_plan>\nIntroduction, about 300 words.\n</step_plan>\n<content>\nTea is old.\n\nIt is loved.\n</content>\n",
    "<reflection>\nWord count: 6/1000\n</reflection>\n<FINISHED>",
  ].join("");

  it("emits the plan, its sections, the step and the end in order", () => {
    const events = normalize(parseEvents(text));
    expect(events).toEqual([
      { type: "globalPlanStarted", revision: 1 },
      { type: "globalPlanDelta", text: "1. Introduction (300 words): hook\n2. History (700 words): origins" },
      { type: "globalPlanSection", index: 0, section: { title: "Introduction", brief: "hook", budget: 300 } },
      { type: "globalPlanSection", index: 1, section: { title: "History", brief: "origins", budget: 700 } },
      {
        type: "globalPlanComplete",
        revision: 1,
        text: "1. Introduction (300 words): hook\n2. History (700 words): origins",
        sections: [
          { title: "Introduction", brief: "hook", budget: 300 },
          { title: "History", brief: "origins", budget: 700 },
        ],
        statedTotal: null,
      },
      { type: "stepStarted", step: 0 },
      { type: "stepPlanDelta", step: 0, text: "Introduction, about 300 words." },
      { type: "stepPlanComplete", step: 0, text: "Introduction, about 300 words.", targetWords: 300 },
      { type: "contentDelta", step: 0, text: "Tea is old.\n\nIt is loved." },
      { type: "reflectionDelta", step: 0, text: "Word count: 6/1000" },
      { type: "stepComplete", step: 0, reflection: "Word count: 6/1000", progress: { written: 6, target: 1000, phrase: "Word count: 6/1000" } },
      { type: "finished" },
    ]);
  });

  it("emits content as it arrives, holding back only a possible tag and trailing white space", () => {
    const parser = new TranscriptParser();
    parser.feed("<step_plan>p</step_plan><content>Hello wor");
    expect(parser.feed("ld, and more </con")).toEqual([{ type: "contentDelta", step: 0, text: "ld, and more" }]);
    expect(parser.feed("tent>")).toEqual([]);
    expect(parser.feed("<reflection>ok")).toEqual([
      { type: "reflectionDelta", step: 0, text: "ok" },
    ]);
  });

  it("reads a tag split across every possible pair of chunks", () => {
    const whole = normalize(parseEvents(text));
    for (let cut = 0; cut <= text.length; cut++) {
      expect(normalize(feedChunked(text, [cut || 1, text.length]))).toEqual(whole);
    }
  });

  it("accepts aliases, any case and white space inside the brackets", () => {
    const { manuscript, warnings } = parseTranscript("< Global_Plan >\n## A\nWord count: 10\n</GLOBAL_PLAN>\n<LOCAL_PLAN>a</ local_plan ><Content>x</ content><Reflection>r</Reflection><finished/>");
    expect(warnings).toEqual([]);
    expect(manuscript.sections.map((s) => s.title)).toEqual(["A"]);
    expect(manuscript.steps).toMatchObject([{ plan: "a", content: "x", reflection: "r", status: "done" }]);
    expect(manuscript.finished).toBe(true);
  });

  it("reads a Chinese transcript", () => {
    const zh = "<global_plan>\n1. 引言（约300字）：介绍\n2. 历史（700字）：起源\n</global_plan>\n<step_plan>\n写引言，约300字。\n</step_plan>\n<content>\n茶，是中国的国饮。\n</content>\n<reflection>\n已完成9字，目标1000字。\n</reflection>\n<FINISHED>";
    const { manuscript, warnings } = parseTranscript(zh);
    expect(warnings).toEqual([]);
    expect(manuscript.sections.map((s) => [s.title, s.budget])).toEqual([["引言", 300], ["历史", 700]]);
    expect(manuscript.steps[0]).toMatchObject({ sectionId: "sec-1", targetWords: 300, content: "茶，是中国的国饮。", words: 7, progress: { written: 9, target: 1000 } });
  });
});

describe("TranscriptParser on malformed text", () => {
  it.each<[string, string, string[], Record<string, unknown>]>([
    ["a missing closing tag (en)", "<step_plan>Intro<content>Tea is old.</content><reflection>ok</reflection>", ["missing-closing-tag"], { plan: "Intro", content: "Tea is old." }],
    ["a missing closing tag (zh)", "<step_plan>引言<content>茶很古老。<reflection>好</reflection>", ["missing-closing-tag", "missing-closing-tag"], { plan: "引言", content: "茶很古老。", reflection: "好" }],
    ["text after the step plan without <content> (en)", "<step_plan>Intro</step_plan>\nTea is old.\n<reflection>ok</reflection>", ["text-taken-as-content"], { content: "Tea is old." }],
    ["text after the step plan without <content> (zh)", "<step_plan>引言</step_plan>茶很古老。<reflection>好</reflection>", ["text-taken-as-content"], { content: "茶很古老。" }],
    ["a stray closing tag (en)", "</content><step_plan>p</step_plan><content>x</content></step_plan><reflection>r</reflection>", ["stray-closing-tag", "stray-closing-tag"], { content: "x" }],
    ["a stray closing tag (zh)", "<step_plan>计划</step_plan><content>正文</reflection>续</content><reflection>好</reflection>", ["stray-closing-tag"], { content: "正文续" }],
    ["a comparison in content (en)", "<step_plan>p</step_plan><content>if a < b and b<c then a <= c</content><reflection>r</reflection>", [], { content: "if a < b and b<c then a <= c" }],
    ["a comparison in content (zh)", "<step_plan>计划</step_plan><content>当 a < b 时，甲<乙。</content><reflection>好</reflection>", [], { content: "当 a < b 时，甲<乙。" }],
    ["an HTML tag in content (en)", "<step_plan>p</step_plan><content>line one<br>line two <b>bold</b></content><reflection>r</reflection>", ["unknown-tag", "unknown-tag", "unknown-tag"], { content: "line one<br>line two <b>bold</b>" }],
    ["an HTML tag in content (zh)", "<step_plan>计划</step_plan><content>第一行<br/>第二行</content><reflection>好</reflection>", ["unknown-tag"], { content: "第一行<br/>第二行" }],
    ["an unknown tag in the step plan (en)", "<step_plan>use <thinking> less</step_plan><content>x</content><reflection>r</reflection>", ["unknown-tag"], { plan: "use <thinking> less" }],
    ["an unknown tag in content (zh)", "<step_plan>计划</step_plan><content>正文<note>注释</note>结束</content><reflection>好</reflection>", ["unknown-tag", "unknown-tag"], { content: "正文<note>注释</note>结束" }],
    ["content with no step plan", "<content>Tea.</content><reflection>r</reflection>", ["step-without-plan"], { plan: "", content: "Tea.", status: "done" }],
    ["output that ends mid-step (en)", "<step_plan>p</step_plan><content>Tea is", ["truncated"], { content: "Tea is", status: "writing" }],
    ["output that ends mid-step (zh)", "<step_plan>计划</step_plan><content>茶是", ["truncated"], { content: "茶是", status: "writing" }],
    ["output that ends in a step plan", "<step_plan>Intro, about 300", ["truncated"], { plan: "Intro, about 300", status: "planned", planComplete: false }],
    ["output that ends in a partial tag", "<step_plan>p</step_plan><content>Tea</cont", ["truncated"], { content: "Tea</cont", status: "writing" }],
  ])("recovers from %s", (_name, text, warnings, step) => {
    const result = parseTranscript(text);
    expect(kinds(result.warnings)).toEqual(warnings);
    expect(result.manuscript.steps[0]).toMatchObject(step);
    expect(checkInvariants(result.manuscript)).toEqual([]);
  });

  it("drops text outside any block and reports it (en, zh)", () => {
    const en = parseTranscript("Sure! Here is your essay.\n<global_plan>## A\nWord count: 5</global_plan>\nOK\n<step_plan>p</step_plan><content>x</content>");
    expect(en.warnings.filter((w) => w.kind === "stray-text")).toEqual([
      { kind: "stray-text", preview: "Sure! Here is your essay.", length: 25, offset: 0 },
      { kind: "stray-text", preview: "OK", length: 2, offset: expect.any(Number) },
    ]);
    expect(en.manuscript.steps[0]!.content).toBe("x");
    const zh = parseTranscript("好的，下面是文章。<step_plan>计划</step_plan><content>正文</content><reflection>好</reflection>多余的话");
    expect(kinds(zh.warnings)).toEqual(["stray-text", "stray-text"]);
    expect(zh.manuscript.steps.map((s) => s.content)).toEqual(["正文"]);
  });

  it("reports an unknown tag outside blocks, and the text it stands in", () => {
    expect(kinds(parseTranscript("<note>hi</note>").warnings)).toEqual(["unknown-tag", "unknown-tag", "stray-text"]);
  });

  it("takes a second global plan as a revision that keeps the ids of sections it names again (en, zh)", () => {
    const en = parseTranscript(
      "<global_plan>1. Intro (100 words)\n2. Body (200 words)</global_plan><step_plan>Intro</step_plan><content>Hi.</content><reflection>r</reflection>" +
        "<global_plan>1. Intro (100 words)\n2. Body (300 words)\n3. Coda (50 words)</global_plan>",
    );
    expect(kinds(en.warnings)).toEqual(["plan-revised"]);
    expect(en.manuscript.revisions.map((r) => r.afterStep)).toEqual([0, 1]);
    expect(en.manuscript.sections).toEqual([
      { id: "sec-1", title: "Intro", brief: "", budget: 100 },
      { id: "sec-2", title: "Body", brief: "", budget: 300 },
      { id: "sec-3", title: "Coda", brief: "", budget: 50 },
    ]);
    const zh = parseTranscript("<global_plan>1. 引言（100字）\n2. 正文（200字）</global_plan><global_plan>1. 正文（300字）\n2. 引言（100字）</global_plan>");
    expect(zh.manuscript.sections.map((s) => [s.id, s.title])).toEqual([["sec-2", "正文"], ["sec-1", "引言"]]);
  });

  it("closes an open step when a global plan opens inside it", () => {
    const { manuscript, warnings } = parseTranscript("<step_plan>p</step_plan><content>x<global_plan>## A\nWord count: 5</global_plan>");
    expect(kinds(warnings)).toEqual(["missing-closing-tag"]);
    expect(manuscript.steps[0]!.status).toBe("done");
    expect(manuscript.revisions[0]!.afterStep).toBe(1);
  });

  it("starts a new step when a block cannot follow the current one", () => {
    const { manuscript, warnings } = parseTranscript("<step_plan>p</step_plan><content>a</content><content>b</content>");
    expect(manuscript.steps.map((s) => [s.content, s.status])).toEqual([["a", "done"], ["b", "writing"]]);
    expect(kinds(warnings)).toEqual(["step-without-plan", "truncated"]);
  });

  it("ignores everything after FINISHED, reporting it once", () => {
    const { manuscript, warnings } = parseTranscript("<step_plan>p</step_plan><content>a</content><FINISHED>then <step_plan>q</step_plan> more");
    expect(manuscript.steps).toHaveLength(1);
    expect(manuscript.finished).toBe(true);
    expect(kinds(warnings)).toEqual(["after-finished"]);
  });

  it("never leaks white space into a block's text", () => {
    const { manuscript } = parseTranscript("<step_plan>\n\n  p  \n</step_plan><content>\u3000\n a \n\n b\t\n</content><reflection> </reflection>");
    expect(manuscript.steps[0]).toMatchObject({ plan: "p", content: "a \n\n b", reflection: "" });
  });
});

describe("a closing tag that closes nothing", () => {
  it("is ignored without joining the text on its sides into a tag", () => {
    // Found by the property below: "<glo" + "bal_plan>" made a tag inside the plan once the stray tag went.
    const text = "<global_plan><glo</ Reflection>bal_plan>";
    expect(eventProblems(feedChunked(text, [1]))).toEqual([]);
    const { manuscript } = parseTranscript(text);
    expect(checkInvariants(manuscript)).toEqual([]);
    expect(manuscript.planDraft?.text).toBe("<glo bal_plan>");
    // Text that ends like no tag joins as before.
    expect(parseTranscript("<global_plan>a</reflection>b</global_plan>").manuscript.revisions[0]!.text).toBe("ab");
  });
});

describe("TranscriptParser properties", () => {
  it("never throws on random text and keeps its invariants and the manuscript's", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 300 }), fragmentSoup), chunkSizes, (text, sizes) => {
        const events = feedChunked(text, sizes);
        expect(eventProblems(events)).toEqual([]);
        const { manuscript } = parseTranscript(text);
        expect(checkInvariants(manuscript)).toEqual([]);
      }),
      { numRuns: 1500 },
    );
  });

  it("gives the same events, deltas joined, however the text is chunked", () => {
    fc.assert(
      fc.property(fragmentSoup, chunkSizes, (text, sizes) => {
        expect(normalize(feedChunked(text, sizes))).toEqual(normalize(parseEvents(text)));
        expect(normalize(feedChunked(text, [1]))).toEqual(normalize(parseEvents(text)));
      }),
      { numRuns: 1500 },
    );
  });

  it("gives the same manuscript however the text is chunked", () => {
    fc.assert(
      fc.property(fragmentSoup, chunkSizes, (text, sizes) => {
        const chunks: string[] = [];
        for (let at = 0, k = 0; at < text.length; at += sizes[k++ % sizes.length]!) chunks.push(text.slice(at, at + sizes[k % sizes.length]!));
        expect(parseTranscript(chunks)).toEqual(parseTranscript(text));
      }),
      { numRuns: 1000 },
    );
  });

  it("never emits half a surrogate pair in a delta", () => {
    const events = feedChunked("<step_plan>p</step_plan><content>ab😀cd😀</content>", [1]);
    for (const e of events) if (e.type === "contentDelta") expect(e.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });
});
