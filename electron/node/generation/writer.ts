// The writer: runs a mode on a session until the document is finished, the writer stops it, or a limit
// is reached. The loop is the paper's synthesis loop, made interactive: at every boundary the writer's
// edits go in, a document at its target is finished, otherwise the mode writes its next part; a model
// that ends well below the target is made to go on (the continuation rule).
import type { GenerationProgress, PendingEdit } from "../../common/api/generation";
import { endsTooEarly, mayFinish, overrunCap, rebalancedBudgets, unwrittenSections, writtenWords } from "../../common/generation/rules";
import { renderPlan } from "../../common/iscot/plan";
import { isPlanEdit, type ManuscriptEdit } from "../../common/manuscript/edits";
import { finishBlocker, firstStoppedStep, leaveOutUnwritten } from "../../common/manuscript/stopped";
import { nextSectionNumber, withRevision } from "../../common/manuscript/reducer";
import type { Manuscript, Step } from "../../common/manuscript/types";
import { emptyStepMemory } from "../../common/memory/types";
import { MemoryKeeper, type MemoryOptions } from "./memory";
import type { PartEnd, StepPreset, WritingMode } from "./mode";
import { STOPPED, WritingSession, type Outcome, type SessionOptions, type SubmittedEdit } from "./session";

export interface WriterOptions extends SessionOptions {
  mode: WritingMode;
  /** Steps to write again, in order (regenerate a step or a section); the others stay. Default: continue the document. */
  regenerate?: number[];
  /** Where the summaries of steps leaving the window come from (default: the model's short requests). */
  memory?: MemoryOptions;
}

/** The titles of sections, quoted, for the writer's notes. */
const titles = (sections: readonly { title: string }[]) => sections.map((x) => `"${x.title}"`).join(", ");

const words = (n: number, target: number | null) => `${n} words${target === null ? "" : ` of ${target}`}`;

export class Writer {
  readonly session: WritingSession;
  readonly mode: WritingMode;
  private readonly regenerate: number[];
  /** While step `index` is written again: the step as it was, and the steps after it, kept aside. */
  private aside: { index: number; old: Step | undefined; later: Step[] } | null = null;
  /** The last document shown with the steps aside (the same object while nothing changed). */
  private shown: { base: Manuscript; aside: NonNullable<Writer["aside"]>; m: Manuscript } | null = null;
  /** The steps of this regeneration not written again yet, by id. */
  private pending: string[] = [];

  constructor(options: WriterOptions) {
    const { mode, regenerate, memory, ...session } = options;
    this.mode = mode;
    this.regenerate = regenerate ?? [];
    this.session = new WritingSession(session);
    // Named from the start, so the first state the writer sees already marks what is replaced.
    const steps = this.session.manuscript.steps;
    this.pending = [...this.regenerate].sort((a, b) => a - b).flatMap((i) => (steps[i] ? [steps[i]!.id] : []));
    this.session.compactor = (needed) => mode.compact(this.session, needed);
    this.session.memory = new MemoryKeeper(mode.memory, memory);
  }

  /** The tokens the story memory spent in this run. */
  get memoryAccounting(): MemoryKeeper["accounting"] {
    return this.session.memory.accounting;
  }

  /**
   * The document as the writer sees it: while a step is written again, the steps after it (kept aside
   * from the model's view) stay in it, and so does the old step until the new one begins.
   */
  get manuscript(): Manuscript {
    const base = this.session.manuscript;
    const aside = this.aside;
    if (!aside || (aside.later.length === 0 && (base.steps.length > aside.index || !aside.old))) return base;
    if (this.shown?.base === base && this.shown.aside === aside) return this.shown.m;
    const old = base.steps.length === aside.index && aside.old ? [aside.old] : [];
    const m = { ...base, steps: [...base.steps, ...old, ...aside.later] };
    this.shown = { base, aside, m };
    return m;
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
    const aside = this.aside;
    if (aside && edit.type === "editStep") {
      // The steps kept aside are not in the model's view until the step before them is written.
      const waiting = new Set(aside.later.map((step) => step.id));
      if (aside.old && this.session.manuscript.steps.length === aside.index) waiting.add(aside.old.id);
      if (waiting.has(edit.stepId)) {
        return { ok: false, error: { kind: "step-in-progress", stepId: edit.stepId, message: `This step waits while step ${aside.index + 1} is written again: edit it once that is done.` } };
      }
    }
    // Typed into the step being written while paused: the step is cut there and goes on from the writer's text.
    if (edit.type === "editStep" && this.mode.rewritesSteps) {
      const cut = this.session.cutLiveStep(edit);
      if (cut) return cut;
    }
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
        this.pending = [];
        return { status: "error", reason: "This mode writes the document in one pass: a step cannot be written again on its own. Continue from that step instead." };
      }
      await mode.open(s);
      if (this.regenerate.length > 0) return await this.rewrite(this.regenerate);
      // A one-pass draft goes on after its text as it stands: a step cut short is part of that text.
      if (!mode.rewritesSteps) s.settleStopped();
      if (mode.plan && s.manuscript.revisions.length === 0) {
        await mode.plan(s);
        if (s.stopped) return STOPPED;
      }
      let shortEnds = 0;
      for (;;) {
        // Budgets rebalanced first, so that a plan edit taken in now shows the model the plan as it stands.
        const rebalanced = this.rebalance();
        let planTaken = false;
        let voiceChanged = false;
        await s.takeInEdits(async (edits) => {
          planTaken = edits.some(isPlanEdit);
          voiceChanged = edits.some((e) => e.type === "setVoice");
          await mode.takeIn(s, edits);
        });
        if (s.stopped) return STOPPED;
        if (voiceChanged) {
          // The voice is in the opening prompt: the model's context is made again from the document,
          // as when a run goes on, and the next part is written in the new voice.
          await mode.open(s);
          s.note("The voice sample changed: the model writes in it from the next part on.");
        } else if (rebalanced && !planTaken) await mode.revisePlan(s);
        // A step cut short (the writer stopped it, or typed into it) is continued first, within its budget.
        const stopped = mode.rewritesSteps ? firstStoppedStep(s.manuscript) : -1;
        if (stopped >= 0) {
          await this.writeAgain(stopped, resumeFrom(s.manuscript.steps[stopped]!));
          if (s.stopped) return STOPPED;
          continue;
        }
        await s.memory.boundary(s);
        const m = s.manuscript;
        const written = writtenWords(m);
        if (mayFinish(m)) return await this.finish(`Finished at ${words(written, m.targetWords)}.`);
        // Past the hard cap the document ends; the sections it left no room for are left out (said so).
        if (m.targetWords !== null && written >= overrunCap(m.targetWords)) return await this.finish(`Finished at ${words(written, m.targetWords)}, the hard cap on overrun.`);
        const limit = mode.limit(s, shortEnds);
        if (limit) return { status: "stopped", reason: limit };
        await s.memory.prepare(s, mode.partTokens(s));
        if (s.stopped) return STOPPED;
        const first = s.manuscript.steps.length;
        const ended: PartEnd = await mode.write(s);
        s.memory.afterPart(s, first);
        if (ended === "stopped") {
          if (s.stopped) return STOPPED;
          continue; // a live edit cut the step: the loop continues it once the writer resumes
        }
        if (ended === "done") continue;
        const after = s.manuscript;
        const now = writtenWords(after);
        const target = after.targetWords;
        // A planned section still unwritten: the document goes on with it (the plan is written to its end).
        const left = unwrittenSections(after);
        if (ended === "cut" && left.length === 0) return await this.finish(`Finished at ${words(now, target)}.`);
        if (ended !== "cut" && !endsTooEarly(now, target) && left.length === 0) return await this.finish(`The model finished at ${words(now, target)}.`);
        shortEnds++;
        s.note(left.length > 0 && !endsTooEarly(now, target) ? `The model ended at ${words(now, target)} with ${titles(left)} not written: it goes on with ${left.length === 1 ? "that section" : "them"}.` : mode.shortEnd(now, target));
      }
    } catch (error) {
      this.pending = [];
      // What the model wrote before the failure (a server that closed the connection mid-stream, an
      // engine that crashed) stays in the document as a stopped step, so a new run continues it.
      s.abandonLive();
      return { status: "error", reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** The steps this run writes again that are not written yet (the one being written included), by id. */
  replacing(): string[] {
    return this.pending.slice();
  }

  /**
   * Ends the run as finished, unless a step is stopped (the document is not finished then). Planned
   * sections the target left no room for are left out of the plan first, and the writer is told.
   */
  private async finish(reason: string): Promise<Outcome> {
    const s = this.session;
    const blocker = finishBlocker(s.manuscript);
    if (blocker) return { status: "stopped", reason: blocker };
    // The last steps bring their proposals too (no boundary follows them).
    await s.memory.finishing(s);
    const leftOut = leaveOutUnwritten(s.manuscript);
    if (leftOut) s.setManuscript(leftOut.manuscript);
    await this.mode.finish(s);
    return { status: "finished", reason: leftOut ? `${reason} ${leftOut.note}` : reason };
  }

  /**
   * When the writing runs long or short, the budgets of the sections not yet written are rebalanced
   * toward the target (the locked ones kept): a plan revision the timeline shows and the model reads
   * at its next request. True when it made one.
   */
  private rebalance(): boolean {
    const s = this.session;
    const m = s.manuscript;
    if (m.revisions.length === 0) return false;
    const rebalanced = rebalancedBudgets(m, m.memory.lockedSections);
    if (!rebalanced) return false;
    const revised = withRevision(m, renderPlan(rebalanced.sections, s.language()), rebalanced.sections, nextSectionNumber(m));
    const last = revised.revisions.length - 1;
    const revisions = revised.revisions.map((r, i) => (i === last ? { ...r, cause: "rebalanced" as const, reason: rebalanced.reason.slice(0, 1000) } : r));
    s.setManuscript({ ...revised, revisions });
    s.note(rebalanced.reason);
    return true;
  }

  /** Writes the given steps again, one after the other, each from the context that precedes it. */
  private async rewrite(indices: number[]): Promise<Outcome> {
    const s = this.session;
    const order = [...indices].sort((a, b) => a - b);
    this.pending = order.flatMap((i) => (s.manuscript.steps[i] ? [s.manuscript.steps[i]!.id] : []));
    try {
      for (const index of order) {
        const old = s.manuscript.steps[index];
        if (!old) continue;
        await this.writeAgain(index, { plan: old.plan, sectionId: old.sectionId });
        this.pending = this.pending.filter((id) => id !== old.id);
        if (s.stopped) return STOPPED;
      }
    } finally {
      this.pending = [];
    }
    return { status: "finished", reason: `Wrote ${indices.length === 1 ? "the step" : `${indices.length} steps`} again.` };
  }

  /**
   * Writes step `index` again (with a preset: its plan, and for a stopped step its text so far). The
   * model's context is cut before the step; the steps after it are kept aside, still shown and counted
   * (see `manuscript`), and come back after it. A step a live edit cuts goes on from the writer's text
   * once the writer resumes. Stopped before it wrote anything, the step stays as it was.
   */
  private async writeAgain(index: number, preset: StepPreset): Promise<PartEnd> {
    const s = this.session;
    const old = s.manuscript.steps[index];
    const later = s.manuscript.steps.slice(index + 1);
    const pieces = s.context.pieces;
    let cut = pieces.findIndex((p) => p.kind === "step" && p.stepIndex === index);
    const own = cut >= 0;
    if (!own) cut = pieces.findIndex((p) => p.kind === "step" && (p.stepIndex ?? -1) > index);
    if (cut < 0) cut = pieces.length;
    const after = pieces.slice(own ? cut + 1 : cut);
    s.context.truncate(cut);
    this.aside = { index, old, later };
    s.setManuscript({ ...s.manuscript, steps: s.manuscript.steps.slice(0, index) });
    s.memory.rewound(index);
    let ended: PartEnd;
    try {
      for (;;) {
        ended = await this.mode.write(s, preset);
        s.memory.afterPart(s, index);
        if (ended !== "stopped" || s.stopped) break;
        // A live edit cut the step at the writer's text: it goes on from there.
        const cutStep = s.manuscript.steps[index];
        if (cutStep) {
          preset = resumeFrom(cutStep);
          s.setManuscript({ ...s.manuscript, steps: s.manuscript.steps.slice(0, index) });
        }
      }
    } catch (error) {
      // A part that failed (the engine or server broke off) leaves the step and those after it as they were.
      s.dropLive();
      this.aside = null;
      s.setManuscript({ ...s.manuscript, steps: [...s.manuscript.steps.slice(0, index), ...(old ? [old] : []), ...later] });
      s.context.pieces.push(...after);
      throw error;
    }
    this.aside = null;
    // The step's pin stays; what the model remembered of its old text does not.
    const written = s.manuscript.steps[index];
    const fresh = written && old?.memory?.pinned ? { ...written, memory: { ...(written.memory ?? emptyStepMemory()), pinned: true } } : (written ?? old);
    s.setManuscript({ ...s.manuscript, steps: [...s.manuscript.steps.slice(0, index), ...(fresh ? [fresh] : []), ...later] });
    s.context.pieces.push(...after);
    return ended;
  }
}

/** What continues a stopped step: its plan, its section, and its text so far. */
function resumeFrom(step: Step): StepPreset {
  return { plan: step.plan, sectionId: step.sectionId, content: step.content };
}
