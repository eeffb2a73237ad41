import { acceptanceRate, type SpeculativeStats } from "../../common/engine/draft";
import type { GenerationState } from "../../common/api/generation";
import type { CliIO } from "./command";

/**
 * The terminal's view of a generation: a bar redrawn in place on a terminal, a line every few seconds
 * otherwise (logs, CI), and the controller's notes as they come.
 */
export class ProgressBar {
  private lastLine = 0;
  private notesShown = 0;
  private drawn = false;

  constructor(
    private readonly io: CliIO,
    private readonly label = "",
  ) {}

  update(state: GenerationState): void {
    for (const note of state.notes.slice(this.notesShown)) this.print(`  · ${note}`);
    this.notesShown = state.notes.length;
    const p = state.progress;
    const target = p.target ?? 0;
    const fraction = target > 0 ? Math.min(1, p.words / target) : 0;
    const width = 28;
    const filled = Math.round(fraction * width);
    const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
    const step = p.currentStep === null ? "" : ` · step ${p.currentStep + 1} (${p.phase})`;
    const line = `${this.label}${bar} ${p.words}${target ? `/${target}` : ""} words${step} · ${p.tokensPerSecond.toFixed(0)} tok/s${draftText(p.speculative)} · ${(p.elapsedMs / 1000).toFixed(0)} s`;
    if (this.io.isTTY) {
      this.io.stderr.write(`\r\x1b[2K${line}`);
      this.drawn = true;
    } else if (Date.now() - this.lastLine > 5000) {
      this.io.stderr.write(`${line}\n`);
      this.lastLine = Date.now();
    }
  }

  private print(line: string): void {
    if (this.drawn) this.io.stderr.write("\r\x1b[2K");
    this.io.stderr.write(`${line}\n`);
  }

  end(): void {
    if (this.drawn) this.io.stderr.write("\n");
    this.drawn = false;
  }
}

/** " · 64% drafts accepted" with a draft model, once a draft was checked; else "". */
export function draftText(stats: SpeculativeStats | undefined): string {
  const rate = acceptanceRate(stats);
  return rate === undefined ? "" : ` · ${Math.round(rate * 100)}% drafts accepted`;
}
