import { describe, expect, it } from "vitest";
import { findBudget, parseWrittenNumber, reportedProgress, stepTargetWords } from "./budget";

describe("findBudget", () => {
  it.each<[string, number]>([
    ["Introduction (800 words)", 800],
    ["write 800 words here", 800],
    ["~800 words", 800],
    ["about 800 words", 800],
    ["Word count: 800", 800],
    ["Word Count: 400 words", 400],
    ["words: 800", 800],
    ["800-1000 words", 900],
    ["800 – 1,000 words", 900],
    ["between 800 to 1000 words", 900],
    ["1,200 words", 1200],
    ["1.5k words", 1500],
    ["Length: 600 words", 600],
    ["at least 500 words", 500],
    ["800字", 800],
    ["约800字", 800],
    ["800字左右", 800],
    ["（约800字）", 800],
    ["800-1000字", 900],
    ["800～1000字", 900],
    ["字数：800", 800],
    ["字数要求：1200字", 1200],
    ["本段约600字", 600],
    ["不少于500字", 500],
    ["5千字", 5000],
    ["1万字", 10000],
  ])("reads %j as %i words", (text, words) => {
    expect(findBudget(text)?.words).toBe(words);
  });

  it.each(["Length: 3 paragraphs", "In 2024 the market grew", "keywords: 5", "the 3 examples", "第3章", "2024年"])("finds no budget in %j", (text) => {
    expect(findBudget(text)).toBeNull();
  });

  it("reports where the phrase stands and whether it is a labelled field", () => {
    const text = "Intro (300 words): hook";
    const m = findBudget(text)!;
    expect(text.slice(m.index, m.end)).toBe("300 words");
    expect(m.labelled).toBe(false);
    expect(findBudget("x - Word count: 400 words")).toMatchObject({ labelled: true, words: 400 });
  });

  it("takes the first budget of several", () => {
    expect(findBudget("Part A (300 words), then part B (500 words)")?.words).toBe(300);
  });
});

describe("parseWrittenNumber", () => {
  it.each<[string, number | null]>([
    ["1,234", 1234],
    ["1.5k", 1500],
    ["2 K", 2000],
    ["3万", 30000],
    ["abc", null],
  ])("reads %j as %j", (text, value) => {
    expect(parseWrittenNumber(text)).toBe(value);
  });
});

describe("stepTargetWords", () => {
  it("reads the length a step plan sets, in English and Chinese", () => {
    expect(stepTargetWords("Cover the origins of tea in about 600 words.")).toBe(600);
    expect(stepTargetWords("本段介绍茶的起源，约600字。")).toBe(600);
    expect(stepTargetWords("Cover the origins of tea.")).toBeNull();
  });
});

describe("reportedProgress", () => {
  it.each<[string, number, number | null]>([
    ["word count: 1200/5000", 1200, 5000],
    ["Word count: 1234/5000. The section flows well.", 1234, 5000],
    ["Progress: 1,234 of 5,000 words", 1234, 5000],
    ["Words written so far: 2000 out of 5000", 2000, 5000],
    ["So far 1200 / 5000 words.", 1200, 5000],
    ["Word count: 1234", 1234, null],
    ["I have written about 900 words so far.", 900, null],
    ["已完成1200字", 1200, null],
    ["已完成约1200字，目标5000字。", 1200, 5000],
    ["当前字数：1200/5000", 1200, 5000],
    ["字数：3000/8000字", 3000, 8000],
    ["目前已写了2400字", 2400, null],
  ])("reads %j as %i of %j", (text, written, target) => {
    expect(reportedProgress(text)).toMatchObject({ written, target });
  });

  it("keeps the phrase it read", () => {
    expect(reportedProgress("Good. Word count: 1234/5000.")?.phrase).toBe("Word count: 1234/5000");
  });

  it("finds no progress in a reflection that reports none", () => {
    expect(reportedProgress("The tone is consistent; next, the history.")).toBeNull();
    expect(reportedProgress("衔接自然，下一步写历史。")).toBeNull();
  });
});

// A long run of spaces or digits inside a line once made these patterns backtrack in time quadratic or
// cubic in its length (a reflection of "word" and 8,000 spaces took 4 minutes): now they are linear, and
// these lines, each 200,000 characters or more, are read at once.
describe("long runs in a line", () => {
  const spaces = " ".repeat(200_000);

  it("reads progress across long runs of spaces, and finds none after them", () => {
    expect(reportedProgress(`word${spaces}count:${spaces}1${spaces}/${spaces}2`)).toMatchObject({ written: 1, target: 2 });
    expect(reportedProgress(`已完成${spaces}1${spaces}字${spaces}目标${spaces}2字`)).toMatchObject({ written: 1, target: 2 });
    for (const start of ["word", "words", "total", "progress", "已完成", "字数", "100 words", "1200", "约1"]) {
      expect(reportedProgress(`${start}${spaces}x`)).toBeNull();
      expect(reportedProgress(`${start}${"\u3000".repeat(200_000)}x`)).toBeNull();
    }
    expect(reportedProgress(`${"1".repeat(200_000)}x`)).toBeNull();
  });

  it("finds budgets across long runs, and none in long runs of digits and digit groups", () => {
    expect(findBudget(`Word count:${spaces}300`)?.words).toBe(300);
    expect(findBudget(`about${spaces}300${spaces}words`)?.words).toBe(300);
    expect(findBudget(`${"1".repeat(200_000)}x`)).toBeNull();
    expect(findBudget(`${"1，".repeat(100_000)}x`)).toBeNull();
    expect(findBudget(`${"1,".repeat(100_000)}x`)).toBeNull();
  });
});
