// The report panel's logic, apart from React: the chart of words per section against budgets (plain
// SVG geometry), the bars of repetition per step, and the stock-phrase list as the writer edits it.
import type { RepetitionReport, SectionReport } from "../../../electron/common/report/report";

/** A section's words against its budget: within 10% either way is on budget. */
export type BudgetState = "under" | "on" | "over" | "none";

export function budgetState(words: number, budget: number): BudgetState {
  if (budget <= 0) return "none";
  if (words < budget * 0.9) return "under";
  if (words > budget * 1.1) return "over";
  return "on";
}

export interface ChartRow {
  id: string;
  title: string;
  words: number;
  budget: number;
  state: BudgetState;
  /** The top of the row. */
  y: number;
  /** The words' bar, from the left edge of the plot. */
  wordsWidth: number;
  /** Where the budget's mark is; null without a budget. */
  budgetX: number | null;
}

export interface SectionChart {
  width: number;
  height: number;
  /** Where bars start (room for the titles on the left). */
  plotX: number;
  plotWidth: number;
  rowHeight: number;
  /** The largest value on the axis (words or budget), rounded up. */
  max: number;
  ticks: { value: number; x: number }[];
  rows: ChartRow[];
}

/** A round number at or above `x` (1, 2 or 5 times a power of ten). */
export function niceCeiling(x: number): number {
  if (x <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  for (const step of [1, 2, 5, 10]) if (step * power >= x) return step * power;
  return 10 * power;
}

/** Geometry of the chart: one row per section, the words as a bar, the budget as a mark across it. */
export function sectionChart(sections: readonly SectionReport[], width = 560, rowHeight = 24, labelWidth = 170): SectionChart {
  const plotX = labelWidth;
  // Room on the right for the last tick's label.
  const plotWidth = Math.max(40, width - labelWidth - 24);
  const max = niceCeiling(Math.max(1, ...sections.map((s) => Math.max(s.words, s.budget))));
  // Tenths of a pixel: enough for the eye, and the SVG stays short.
  const scale = (v: number) => Math.round((v / max) * plotWidth * 10) / 10;
  const rows = sections.map((s, i): ChartRow => ({
    id: s.id,
    title: s.title,
    words: s.words,
    budget: s.budget,
    state: budgetState(s.words, s.budget),
    y: i * rowHeight,
    wordsWidth: scale(s.words),
    budgetX: s.budget > 0 ? scale(s.budget) : null,
  }));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ value: Math.round(max * f), x: plotX + f * plotWidth }));
  return { width, height: sections.length * rowHeight + 22, plotX, plotWidth, rowHeight, max, ticks, rows };
}

export interface RepetitionBar {
  step: number;
  share: number;
  x: number;
  height: number;
  /** A step where a fifth or more of the n-grams repeat: worth a look. */
  high: boolean;
}

/** Columns of the repeated share per step, in a box `width` × `height` (share 0..1 maps to 0..height). */
export function repetitionBars(rep: RepetitionReport, width = 560, height = 60): { bars: RepetitionBar[]; barWidth: number } {
  const n = rep.perStep.length;
  const barWidth = n === 0 ? 0 : Math.max(1, Math.min(16, width / n - 1));
  const bars = rep.perStep.map((s, i) => ({ step: s.step, share: s.share, x: (i * width) / Math.max(1, n), height: s.share * height, high: s.share >= 0.2 }));
  return { bars, barWidth };
}

/** The list as the writer types it: one phrase a line. */
export function phrasesToText(phrases: readonly string[]): string {
  return phrases.join("\n");
}

export function textToPhrases(text: string): string[] {
  return text.split("\n");
}
