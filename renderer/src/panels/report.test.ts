import { describe, expect, it } from "vitest";
import { repetition } from "../../../electron/common/report/report";
import { budgetState, niceCeiling, phrasesToText, repetitionBars, sectionChart, textToPhrases } from "./report";

describe("the words-per-section chart", () => {
  it("draws each section's words as a bar and its budget as a mark, on one scale", () => {
    const chart = sectionChart(
      [
        { id: "a", title: "Opening", budget: 400, words: 400, score: 100, steps: 1 },
        { id: "b", title: "Middle", budget: 800, words: 300, score: 0, steps: 1 },
        { id: "c", title: "Notes", budget: 0, words: 150, score: null, steps: 1 },
        { id: "d", title: "End", budget: 200, words: 260, score: 90, steps: 1 },
      ],
      570,
      24,
      170,
    );
    expect(chart.max).toBe(1000);
    expect(chart.plotWidth).toBe(376);
    expect(chart.rows.map((r) => [r.state, r.wordsWidth, r.budgetX, r.y])).toEqual([
      ["on", 150.4, 150.4, 0],
      ["under", 112.8, 300.8, 24],
      ["none", 56.4, null, 48],
      ["over", 97.8, 75.2, 72],
    ]);
    expect(chart.height).toBe(4 * 24 + 22);
    expect(chart.ticks.map((t) => t.value)).toEqual([0, 250, 500, 750, 1000]);
  });

  it("has a scale even with nothing written", () => {
    expect(sectionChart([]).rows).toEqual([]);
    expect(sectionChart([{ id: "a", title: "A", budget: 0, words: 0, score: null, steps: 0 }]).max).toBe(1);
  });

  it("rounds the axis up to 1, 2 or 5 times a power of ten, and calls ±10% on budget", () => {
    expect([0, 1, 3, 12, 150, 2001, 5000].map(niceCeiling)).toEqual([1, 1, 5, 20, 200, 5000, 5000]);
    expect([budgetState(89, 100), budgetState(90, 100), budgetState(110, 100), budgetState(111, 100), budgetState(5, 0)]).toEqual(["under", "on", "on", "over", "none"]);
  });
});

describe("repetition bars and the phrase list", () => {
  it("makes a column per step, high from a fifth repeated", () => {
    const { bars, barWidth } = repetitionBars(repetition(["a b c d e f", "a b c d a b c d"], 3), 100, 50);
    expect(barWidth).toBe(16);
    expect(bars.map((b) => [b.step, b.x, b.height, b.high])).toEqual([
      [1, 0, 0, false],
      [2, 50, 50 * (4 / 6), true],
    ]);
  });

  it("turns the list into lines and back", () => {
    expect(phrasesToText(["a b", "c"])).toBe("a b\nc");
    expect(textToPhrases("a b\n\nc")).toEqual(["a b", "", "c"]);
  });
});
