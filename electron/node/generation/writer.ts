// The writer: runs a mode on a session until the document is finished, the writer stops it, or a limit
// is reached. The loop is the paper's synthesis loop, made interactive: at every boundary the writer's
// edits go in, a document at its target is finished, otherwise the mode writes its next part; a model
// that ends well below the target is made to go on (the continuation rule).
import type { GenerationProgress, PendingEdit } from "../../common/api/generation";
import { endsTooEarly, targetReached, writtenWords } from "../../common/generation/rules";
import type { ManuscriptEdit } from "../../common/manuscript/edits";
import type { Manuscript } from "../../common/manuscript/types";
import type { PartEnd, WritingMode } from "./mode";
import { STOPPED, WritingSession, type Outcome, type SessionOptions, type SubmittedEdit } from "./session";

export interface WriterOptions extends SessionOptions {
  mode: WritingMode;
  /** Steps to write again, in order (regenerate a step or a section); the others stay. Default: continue the document. */
  regenerate?: number[];
}

const words = (n: number, target: number | null) => `${n} words${target === null ? "" : ` of ${target}`}`;

export class Writer {
  readonly session: WritingSession;
  readonly mode: WritingMode;
  private readonly regenerate: number[];

  constructor(options: WriterOptions) {
    const { mode, regenerate, ...session } = options;
    this.mode = mode;
    this.regenerate = regenerate ?? [];
    this.session = new WritingSession(session);
    this.session.compactor = (needed) => mode.compact(this.session, needed);
  }

  get manuscript(): Manuscript {
    return this.session.manuscript;
  }

  get accounting(): WritingSession["accounting"] {
    return this.session.accounting;
  }

  get isPaused(): boolean {
    return this.session.isPaused;
  }

  progress(): GenerationProgress {
    return this.session.progress();
  }

  pause(): void {
    this.session.pause();
  }

  resume(): void {
    this.session.resume();
  }

  stop(): void {
    this.session.stop();
  }

  /** Takes a writer's edit at any time: the manuscript changes at once, the model's context at the next boundary. */
  submitEdit(edit: ManuscriptEdit): SubmittedEdit {
    return this.session.submitEdit(edit);
  }

  pendingEdits(): PendingEdit[] {
    return this.session.pendingEdits();
  }

  /** Where a step starts in the model's context, in tokens (-1 when it has no piece there). */
  stepOffset(index: number): number {
    return this.session.stepOffset(index);
  }

  /** Writes until the document is finished, the writer stops it, or a limit is reached. */
  async run(): Promise<Outcome> {
    const s = this.session;
    const mode = this.mode;
    try {
      if (this.regenerate.length > 0 && !mode.rewritesSteps) {
        return { status: "error", reason: "This mode writes the document in one pass: a step cannot be written again on its own. Continue from that step instead." };
      }
      await mode.open(s);
      if (this.regenerate.length > 0) return await this.rewrite(this.regenerate);
      if (mode.plan && s.manuscript.revisions.length === 0) {
        await mode.plan(s);
        if (s.stopped) return STOPPED;
      }
      let shortEnds = 0;
      for (;;) {
        await s.takeInEdits((edits) => mode.takeIn(s, edits));
        if (s.stopped) return STOPPED;
        const written = writtenWords(s.manuscript);
        if (targetReached(written, s.manuscript.targetWords)) {
          await mode.finish(s);
          return { status: "finished", reason: `Finished at ${words(written, s.manuscript.targetWords)}.` };
        }
        const limit = mode.limit(s, shortEnds);
        if (limit) return { status: "stopped", reason: limit };
        const ended: PartEnd = await mode.write(s);
        if (ended === "stopped") return STOPPED;
        if (ended === "done") continue;
        const now = writtenWords(s.manuscript);
        const target = s.manuscript.targetWords;
        if (ended === "cut") {
          await mode.finish(s);
          return { status: "finished", reason: `Finished at ${words(now, target)}.` };
        }
        if (!endsTooEarly(now, target)) {
          await mode.finish(s);
          return { status: "finished", reason: `The model finished at ${words(now, target)}.` };
        }
        shortEnds++;
        s.note(mode.shortEnd(now, target));
      }
    } catch (error) {
      // What the model wrote before the failure (a server that closed the connection mid-stream, an
      // engine that crashed) stays in the document, its step closed, so a new run goes on after it.
      s.abandonLive();
      return { status: "error", reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Writes the given steps again, one after the other, each from the context that precedes it. */
  private async rewrite(indices: number[]): Promise<Outcome> {
    const s = this.session;
    for (const index of [...indices].sort((a, b) => a - b)) {
      const old = s.manuscript.steps[index];
      if (!old) continue;
      // The context up to the step; the steps after it stay in the document and come back after.
      const pieceIndex = s.context.pieces.findIndex((p) => p.kind === "step" && p.stepIndex === index);
      if (pieceIndex < 0) continue;
      const after = s.context.pieces.slice(pieceIndex + 1);
      const laterSteps = s.manuscript.steps.slice(index + 1);
      s.context.truncate(pieceIndex);
      s.setManuscript({ ...s.manuscript, steps: s.manuscript.steps.slice(0, index) });
      let ended: PartEnd;
      try {
        ended = await this.mode.write(s, { plan: old.plan, sectionId: old.sectionId });
      } catch (error) {
        // A rewrite that failed (the engine or server broke off) leaves the step and those after it as they were.
        s.dropLive();
        s.setManuscript({ ...s.manuscript, steps: [...s.manuscript.steps.slice(0, index), old, ...laterSteps] });
        throw error;
      }
      const fresh = s.manuscript.steps[index] ?? { ...old, content: "", words: 0 };
      s.setManuscript({ ...s.manuscript, steps: [...s.manuscript.steps.slice(0, index), fresh, ...laterSteps] });
      s.context.pieces.push(...after);
      if (ended === "stopped") return STOPPED;
    }
    return { status: "finished", reason: `Wrote ${indices.length === 1 ? "the step" : `${indices.length} steps`} again.` };
  }
}
