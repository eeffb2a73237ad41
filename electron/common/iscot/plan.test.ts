import { describe, expect, it } from "vitest";
import { comparePlanToTarget, extractPlan, PlanExtractor, renderPlan, type SectionDraft } from "./plan";

const s = (title: string, budget: number, brief = ""): SectionDraft => ({ title, brief, budget });

describe("extractPlan", () => {
  it.each<[string, string, SectionDraft[]]>([
    [
      "a numbered list with (N words)",
      "1. Introduction (300 words): Present the topic.\n2. History (800 words): Origins and spread.\n3. Conclusion (200 words): Wrap up.",
      [s("Introduction", 300, "Present the topic."), s("History", 800, "Origins and spread."), s("Conclusion", 200, "Wrap up.")],
    ],
    [
      "markdown headings with a Word count line",
      "## Introduction\nWord count: 300\nPresent the topic.\n\n## History\nWord count: 800\nOrigins.\n- China\n- Europe",
      [s("Introduction", 300, "Present the topic."), s("History", 800, "Origins.\n- China\n- Europe")],
    ],
    [
      "a bullet list with budgets in several spellings",
      "- Introduction: present the topic (300 words)\n- History: origins, ~800 words\n- Conclusion - 200 words",
      [s("Introduction", 300, "present the topic"), s("History", 800, "origins, ~800 words"), s("Conclusion", 200)],
    ],
    [
      "the LongWriter AgentWrite format",
      "Paragraph 1 - Main point: Introduce tea and its importance. - Word count: 400 words\nParagraph 2 - Main Point: The history of tea in China. - Word count: 600 words",
      [s("Paragraph 1", 400, "Introduce tea and its importance."), s("Paragraph 2", 600, "The history of tea in China.")],
    ],
    [
      "a title heading and a preamble before a numbered list, with a stated total",
      "# Essay plan\nThe essay has three parts.\n1. Intro (300 words)\n2. Body (1,200 words)\n3. End (300 words)\nTotal: 1800 words",
      [s("Intro", 300), s("Body", 1200), s("End", 300)],
    ],
    [
      "budgets in nested items",
      "1. Intro\n   - hook the reader\n   - Length: 300 words\n2. History\n   - Length: 800 words",
      [s("Intro", 300, "- hook the reader"), s("History", 800)],
    ],
    ["headings with a range", "## Intro (300 words)\nhook\n## History (800-1000 words)\nstory", [s("Intro", 300, "hook"), s("History", 900, "story")]],
    ["bold titles", "**Introduction** (200 words): hook the reader\n**Body** (600 words): develop", [s("Introduction", 200, "hook the reader"), s("Body", 600, "develop")]],
    ["labelled sections", "Section 1: Introduction (300 words)\nSection 2: Background - 500 words", [s("Section 1: Introduction", 300), s("Section 2: Background", 500)]],
    ["a list without budgets", "1. Intro\n2. Body\n3. End", [s("Intro", 0), s("Body", 0), s("End", 0)]],
    ["budgets in the brief summed", "## Part one\nCover a in 300 words.\nThen b in 200 words.\n## Part two\nWord count: 100", [s("Part one", 500, "Cover a in 300 words.\nThen b in 200 words."), s("Part two", 100)]],
    ["budgeted items under a title heading", "# Essay\n- Intro (300 words)\n- Body (600 words)", [s("Intro", 300), s("Body", 600)]],
    ["free text without structure or budgets", "I will write about tea in a relaxed tone.", []],
  ])("reads %s", (_name, text, sections) => {
    expect(extractPlan(text).sections).toEqual(sections);
  });

  it.each<[string, string, SectionDraft[]]>([
    [
      "a numbered list with （约N字）",
      "1. 引言（约300字）：介绍背景\n2. 历史发展（800字）：从中国到世界\n3. 结论（200字左右）：总结",
      [s("引言", 300, "介绍背景"), s("历史发展", 800, "从中国到世界"), s("结论", 200, "总结")],
    ],
    ["headings with 字数", "## 第一部分：历史\n字数：800字\n介绍茶的历史。\n\n## 第二部分：文化\n字数：600字\n茶文化。", [s("第一部分：历史", 800, "介绍茶的历史。"), s("第二部分：文化", 600, "茶文化。")]],
    ["labelled parts with 约N字", "第一部分：引言，约300字\n第二部分：正文，约1200字\n第三部分：结语，约200字", [s("第一部分：引言", 300), s("第二部分：正文", 1200), s("第三部分：结语", 200)]],
    ["a range in 字", "一、开头（800-1000字）\n二、结尾（200字）", [s("开头", 900), s("结尾", 200)]],
    ["a stated total", "全文共计3000字\n1. 起源（1000字）\n2. 发展（2000字）", [s("起源", 1000), s("发展", 2000)]],
    ["a bullet list", "- 引言：介绍茶（300字）\n- 历史：约800字\n- 结语 - 200字", [s("引言", 300, "介绍茶"), s("历史", 800), s("结语", 200)]],
    ["the AgentWrite format in Chinese", "段落1 - 主要内容：介绍茶 - 字数要求：400字\n段落2 - 主要内容：茶的历史 - 字数要求：600字", [s("段落1", 400, "介绍茶"), s("段落2", 600, "茶的历史")]],
  ])("reads Chinese: %s", (_name, text, sections) => {
    expect(extractPlan(text).sections).toEqual(sections);
  });

  it("reports the total a plan states", () => {
    expect(extractPlan("Total: 1800 words\n1. A (900 words)\n2. B (900 words)").statedTotal).toBe(1800);
    expect(extractPlan("全文共计3000字\n1. 起源（1000字）").statedTotal).toBe(3000);
    expect(extractPlan("1. A (900 words)").statedTotal).toBeNull();
  });
});

describe("PlanExtractor", () => {
  it("announces each section once the next one starts, and the same sections as extractPlan", () => {
    const lines = ["# Plan", "1. Intro (300 words)", "hook", "2. Body (600 words)", "3. End (100 words)"];
    const x = new PlanExtractor();
    const announced = lines.map((l) => x.pushLine(l).map((d) => d.title));
    expect(announced).toEqual([[], [], [], ["Intro"], ["Body"]]);
    const rest = x.finish();
    expect(rest.sections.map((d) => d.title)).toEqual(["Intro", "Body", "End"]);
    expect(rest.sections).toEqual(extractPlan(lines.join("\n")).sections);
  });

  it("waits for the first budget before it settles which lines start sections", () => {
    const x = new PlanExtractor();
    expect(x.pushLine("## Intro")).toEqual([]);
    expect(x.pushLine("hook")).toEqual([]);
    expect(x.pushLine("## Body")).toEqual([]);
    expect(x.pushLine("Word count: 300")).toEqual([s("Intro", 0, "hook")]);
  });
});

describe("comparePlanToTarget", () => {
  it("reports the gap between the budgets and the target", () => {
    const sections = [s("A", 300), s("B", 600)];
    expect(comparePlanToTarget(sections, 1000)).toEqual({ planned: 900, target: 1000, gap: -100, statedTotal: null });
    expect(comparePlanToTarget(sections, 800, 900)).toEqual({ planned: 900, target: 800, gap: 100, statedTotal: 900 });
    expect(comparePlanToTarget(sections, null).gap).toBeNull();
  });
});

describe("renderPlan", () => {
  it.each(["en", "zh"] as const)("writes a plan that reads back the same (%s)", (language) => {
    const sections = [s("Introduction: why tea", 300, "Hook the reader.\n- a fact\n- a question"), s("茶的历史", 0), s("Part 3", 1200, "Close.")];
    expect(extractPlan(renderPlan(sections, language)).sections).toEqual(sections);
  });
});

// Patterns such as `\s+$` or `^1\.\s*(.+)$` once rescanned a long run of spaces once per space; a plan
// line holding one took time quadratic in its length. These lines are 200,000 characters or more.
describe("plans with long lines", () => {
  const spaces = " ".repeat(200_000);

  it("reads sections from lines with long runs of spaces, dashes and line separators inside them", () => {
    const plan = extractPlan([`1. Intro${spaces}x (100 words)`, `2. Body${"-".repeat(200_000)}y (200 words)`, `3. End:${spaces}\r${spaces}z (300 words)`].join("\n"));
    // A line holding a line separator (\r) is no list item, as `.` does not match it: the third line is Body's brief.
    expect(plan.sections.map((x) => x.budget)).toEqual([100, 200]);
    expect(plan.sections[1]!.brief).toContain("z (300 words)");
    expect(plan.sections[1]!.title).toBe(`Body${"-".repeat(200_000)}y`);
  });

  it("reads headings with long runs of spaces and closing #s", () => {
    const plan = extractPlan(`## Intro${spaces}x${spaces}##\nWord count: 100\n## Body${spaces}#\nWord count: 200`);
    expect(plan.sections.map((x) => [x.title.length, x.budget])).toEqual([[200_006, 100], [4, 200]]);
  });
});
