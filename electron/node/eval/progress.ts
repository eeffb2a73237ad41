// The terminal's view of an evaluation: one line per item as it is done (its length, words, S_l, S_q
// and how it ended), and a bar with the items done, the words written (those being written too) and
// the running scores, redrawn in place on a terminal and printed every few seconds otherwise.
import { qualityScore, type DimensionScores } from "../../common/metrics/quality";
import type { EvalTask } from "./dataset";
import type { EvalRecord } from "./results";
import type { CompletedItem, RunListener } from "./runner";

export interface ProgressIO {
  stderr: { write(text: string): unknown };
  isTTY: boolean;
}

const fmt = (n: number) => n.toLocaleString("en-US");

export class EvalProgress implements RunListener {
  private readonly running = new Map<number, { words: number; judging: boolean }>();
  private done = 0;
  private doneWords = 0;
  private lengthSum = 0;
  private readonly judged: DimensionScores[] = [];
  private judgeFailures = 0;
  private drawn = false;
  private lastDraw = 0;

  constructor(
    private readonly io: ProgressIO,
    /** Every prompt of the run, those done before a resume included. */
    private readonly total: number,
    earlier: readonly EvalRecord[] = [],
    private readonly now: () => number = Date.now,
  ) {
    for (const r of earlier) this.count(r);
  }

  private count(r: EvalRecord): void {
    this.done++;
    this.doneWords += r.produced;
    this.lengthSum += r.score;
    if (r.judge?.scores) this.judged.push(r.judge.scores);
    else if (r.judge) this.judgeFailures++;
  }

  started(task: EvalTask): void {
    this.running.set(task.index, { words: 0, judging: false });
    this.draw(true);
  }

  words(task: EvalTask, words: number): void {
    const entry = this.running.get(task.index);
    if (entry) entry.words = words;
    this.draw(false);
  }

  judging(task: EvalTask): void {
    const entry = this.running.get(task.index);
    if (entry) entry.judging = true;
    this.draw(true);
  }

  note(task: EvalTask, note: string): void {
    this.print(`  · [${task.index}] ${note}`);
  }

  finished(item: CompletedItem): void {
    const r = item.record;
    this.running.delete(r.index);
    this.count(r);
    const quality = r.judge ? (r.judge.scores ? `  S_q ${qualityScore([r.judge.scores])!.score.toFixed(1).padStart(5)}` : "  S_q   —  ") : "";
    const ending = `${r.status}${r.error ? `: ${r.error}` : ""}${r.judge?.error ? ` (judge: ${r.judge.error})` : ""}`;
    this.print(`${String(r.index).padStart(3)}/${this.total}  ${String(r.required).padStart(6)} → ${String(r.produced).padStart(6)} words  S_l ${r.score.toFixed(1).padStart(5)}${quality}  ${ending}`);
    this.draw(true);
  }

  /** The bar's text. */
  line(): string {
    const width = 24;
    const filled = Math.round((this.done / Math.max(1, this.total)) * width);
    const writing = [...this.running.values()].filter((e) => !e.judging).length;
    const judging = this.running.size - writing;
    const words = this.doneWords + [...this.running.values()].reduce((n, e) => n + e.words, 0);
    const parts = [`[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${this.done}/${this.total} prompts`];
    if (writing > 0) parts.push(`${writing} writing`);
    if (judging > 0) parts.push(`${judging} judging`);
    parts.push(`${fmt(words)} words`);
    if (this.done > 0) parts.push(`S_l ${(this.lengthSum / this.done).toFixed(2)}`);
    const q = qualityScore(this.judged);
    if (q) parts.push(`S_q ${q.score.toFixed(2)} (${q.items} judged${this.judgeFailures ? `, ${this.judgeFailures} failed` : ""})`);
    return parts.join(" · ");
  }

  private draw(force: boolean): void {
    const now = this.now();
    if (this.io.isTTY) {
      if (!force && now - this.lastDraw < 100) return;
      this.io.stderr.write(`\r\x1b[2K${this.line()}`);
      this.drawn = true;
    } else {
      if (now - this.lastDraw < 5000) return;
      this.io.stderr.write(`${this.line()}\n`);
    }
    this.lastDraw = now;
  }

  private print(text: string): void {
    if (this.drawn) this.io.stderr.write("\r\x1b[2K");
    this.drawn = false;
    this.io.stderr.write(`${text}\n`);
  }

  end(): void {
    if (this.drawn) this.io.stderr.write("\n");
    this.drawn = false;
  }
}
