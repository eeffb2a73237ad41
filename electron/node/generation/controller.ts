// The Plan-Write-Reflect controller: drives a backend through the IS-CoT protocol the way the paper's
// synthesis loop does, made interactive. It watches the stream with the core parser, forces tags at the
// decision points, writes the exact progress into every reflection, cuts segments that overrun or loop,
// takes in the writer's edits at step boundaries, and compacts the context before the window fills.
import type { ParserEvent } from "../../common/iscot/events";
import { TranscriptParser } from "../../common/iscot/parser";
import { renderPlan } from "../../common/iscot/plan";
import { writeGlobalPlan, writeStep } from "../../common/iscot/transcript";
import { applyEdit, effectiveLanguage, type ManuscriptEdit } from "../../common/manuscript/edits";
import { applyEvent, nextSectionNumber, withRevision } from "../../common/manuscript/reducer";
import { matchSections } from "../../common/manuscript/sections";
import type { Manuscript, Step } from "../../common/manuscript/types";
import { countWriterWords } from "../../common/metrics/words";
import type { GenerationMode, GenerationProgress, PendingEdit } from "../../common/api/generation";
import { endsTooEarly, findLoop, normalizedBudgets, overrun, progressLine, stepBudget, targetReached, targetTolerance, writtenWords } from "../../common/generation/rules";
import { nativeMessages, promptedMessages, type PromptLanguage } from "../../common/generation/prompts";
import type { Backend, GenerateResult, SamplingSettings, TokenId } from "../engine/backend";
import { TokenContext, type Piece } from "./context";

/** What the model is writing now. */
export type Phase = GenerationProgress["phase"];

/** Grammars for models that need them to keep the protocol (the tiny test model; weak models). */
export interface PhaseGrammars {
  /** After the forced `<global_plan>\n`: the plan, up to `</global_plan>`. */
  plan?: string;
  /** After the forced `<step_plan>\n`: the step plan, the content, up to `<reflection>`. */
  step?: string;
  /** After `<content>\n` is forced (a regenerated step): the content up to `<reflection>`. */
  content?: string;
  /** After the forced `<reflection>\n` and progress line: the reflection, up to `</reflection>`. */
  reflection?: string;
}

export interface ControllerLimits {
  /** The most steps a document gets, at least: a long target raises it (see `stepWords`). */
  maxSteps: number;
  /**
   * A long target gets a step per this many words of it, when that is more than `maxSteps`: the limit
   * stops a model that makes no headway, not a long document written in short steps.
   */
  stepWords: number;
  /** The most tokens one step (plan, content, reflection) may take. */
  maxTokensPerSegment: number;
  /** The most tokens of a global plan. */
  maxPlanTokens: number;
  /** The most tokens of a reflection. */
  maxReflectionTokens: number;
  /** Steps kept in full when the context is compacted. */
  keepFullSteps: number;
}

export const DEFAULT_LIMITS: ControllerLimits = {
  maxSteps: 200,
  stepWords: 25,
  maxTokensPerSegment: 8192,
  maxPlanTokens: 2048,
  maxReflectionTokens: 384,
  keepFullSteps: 2,
};

export type Outcome = { status: "finished" | "stopped"; reason: string } | { status: "error"; reason: string };

/** What the controller reports as it goes (the service coalesces these for the UI). */
export interface ControllerHooks {
  /** The manuscript changed (a parser event, an edit taken in, a cut). */
  onChange?: (m: Manuscript) => void;
  /** Something the writer may want to know: a cut, a compaction, a continuation. */
  onNote?: (note: string) => void;
  /** The pending edits changed. */
  onEdits?: (edits: PendingEdit[]) => void;
  /** Pause state changed. */
  onPaused?: (paused: boolean) => void;
  /** After every backend call: tokens sent, decoded (not in the KV cache), and generated tokens kept in the context. */
  onCall?: (call: { sent: number; decoded: number; kept: number }) => void;
}

export interface ControllerOptions extends ControllerHooks {
  backend: Backend;
  manuscript: Manuscript;
  /** IS-CoT from the model itself ("native") or taught by a system prompt ("prompted"). */
  mode: Extract<GenerationMode, "native" | "prompted">;
  /** Sampling of every request; a function is asked before each request (the writer may change it meanwhile). */
  sampling?: SamplingSettings | (() => SamplingSettings | undefined);
  grammars?: PhaseGrammars;
  limits?: Partial<ControllerLimits>;
  /** Steps to write again, in order (regenerate a step or a section); the others stay. Default: continue the document. */
  regenerate?: number[];
}

export type AbortReason = "pause" | "stop" | "cut" | "loop";

/** The writer paused or stopped the call: what the engine sends from then on is dropped. */
const isHalt = (reason: AbortReason | null) => reason === "pause" || reason === "stop";

export interface Live {
  piece: Piece;
  parser: TranscriptParser;
  /** Steps before this piece: its parser counts steps from 0. */
  stepBase: number;
}

interface QueuedEdit {
  info: PendingEdit;
  edit: ManuscriptEdit;
}

const STOPS_IN_STEP = ["<reflection>", "</reflection>", "<FINISHED>"];

export class WritingController {
  protected m: Manuscript;
  protected readonly backend: Backend;
  protected readonly limits: ControllerLimits;
  protected readonly context = new TokenContext();
  protected live: Live | null = null;
  protected phase: Phase = "none";
  protected abort: AbortController | null = null;
  protected abortReason: AbortReason | null = null;
  protected paused = false;
  protected resumeWaiter: (() => void) | null = null;
  protected stopped = false;
  protected edits: QueuedEdit[] = [];
  protected editCounter = 0;
  protected contentTokensSinceCheck = 0;
  /** Content length at which the segment passed its soft limit (-1: not yet). */
  protected cutFrom = -1;
  /** How a cut segment is trimmed: back to its last paragraph break, or to the sentence end nearest the target. */
  protected cutMode: "paragraph" | "sentence" = "paragraph";
  /** Where token batches of the live step ended: tokens of the piece and characters of its content. */
  protected marks: { tokens: number; content: number }[] = [];
  /** The model ended the current step itself (end of generation or FINISHED). */
  protected modelEnded = false;
  protected readonly started = Date.now();
  protected generationMs = 0;
  /** Totals of this run. */
  /** Totals of this run: context tokens sent with every call, those decoded (not in the KV cache), those generated. */
  readonly accounting = { tokensSent: 0, tokensDecoded: 0, tokensGenerated: 0, calls: 0 };

  constructor(protected readonly options: ControllerOptions) {
    this.m = options.manuscript;
    this.backend = options.backend;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  get manuscript(): Manuscript {
    return this.m;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  progress(): GenerationProgress {
    return {
      words: writtenWords(this.m),
      target: this.m.targetWords,
      projectedScore: null,
      tokensPerSecond: this.generationMs > 0 ? (this.accounting.tokensGenerated * 1000) / this.generationMs : 0,
      elapsedMs: Date.now() - this.started,
      currentStep: this.live && this.live.piece.kind === "step" ? (this.live.piece.stepIndex ?? null) : null,
      phase: this.phase,
      contextTokens: this.context.length,
      contextSize: this.backend.contextSize,
      tokensDecoded: this.accounting.tokensDecoded,
      tokensGenerated: this.accounting.tokensGenerated,
    };
  }

  /** Where a step starts in the model's context, in tokens (-1 when it has no piece there). */
  stepOffset(index: number): number {
    const piece = this.context.stepPiece(index);
    return piece ? this.context.offsetOf(piece) : -1;
  }

  /** The writer's edits not yet in the model's context, and those just taken in. */
  pendingEdits(): PendingEdit[] {
    return this.edits.map((e) => e.info);
  }

  pause(): void {
    if (this.paused || this.stopped) return;
    this.paused = true;
    this.requestAbort("pause");
    this.options.onPaused?.(true);
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.options.onPaused?.(false);
    const wake = this.resumeWaiter;
    this.resumeWaiter = null;
    wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.requestAbort("stop");
    this.resume();
  }

  /**
   * Takes a writer's edit at any time. It changes the manuscript at once (the writer sees it); the
   * model's context takes it in at the next step boundary. Returns the refusal when the edit is invalid.
   */
  submitEdit(edit: ManuscriptEdit): { ok: true; edit: PendingEdit } | { ok: false; message: string } {
    const result = applyEdit(this.m, edit);
    if (!result.ok) return { ok: false, message: result.error.message };
    this.m = result.manuscript;
    const info: PendingEdit = {
      id: `edit-${++this.editCounter}`,
      kind: edit.type === "editStep" ? "text" : "plan",
      description: describeEdit(edit),
      state: "pending",
    };
    this.edits.push({ info, edit });
    this.options.onChange?.(this.m);
    this.options.onEdits?.(this.pendingEdits());
    return { ok: true, edit: info };
  }

  /** Writes until the document is finished, the writer stops it, or a limit is reached. */
  async run(): Promise<Outcome> {
    try {
      await this.buildContext();
      if (this.options.regenerate && this.options.regenerate.length > 0) return await this.runRegeneration(this.options.regenerate);
      if (this.m.revisions.length === 0) {
        await this.writeGlobalPlan();
        if (this.stopped) return { status: "stopped", reason: "Stopped by the writer." };
      }
      return await this.writeSteps();
    } catch (error) {
      return { status: "error", reason: error instanceof Error ? error.message : String(error) };
    }
  }

  // ---- context ---------------------------------------------------------------------------------

  protected language(): PromptLanguage {
    return effectiveLanguage(this.m);
  }

  protected async tokenize(text: string): Promise<TokenId[]> {
    return this.backend.tokenize(text, { specialTokens: false });
  }

  /** The prompt, then the transcript so far: each plan revision before the step it precedes, each step. */
  protected async buildContext(): Promise<void> {
    const messages = this.options.mode === "native" ? nativeMessages(this.m.instruction, this.m.targetWords, this.language()) : promptedMessages(this.m.instruction, this.m.targetWords, this.language());
    const prompt = await this.backend.applyChatTemplate(messages);
    const pieces: Piece[] = [{ kind: "prompt", tokens: prompt.tokens }];
    // A step still in progress (an interrupted run) is written again from its start.
    const steps = this.m.steps.filter((s) => s.status === "done" || s.status === "edited");
    if (steps.length !== this.m.steps.length) this.setManuscript({ ...this.m, steps, finished: false });
    if (this.m.finished) this.setManuscript({ ...this.m, finished: false });
    let r = 0;
    for (let i = 0; i <= this.m.steps.length; i++) {
      while (r < this.m.revisions.length && this.m.revisions[r]!.afterStep <= i) pieces.push({ kind: "plan", tokens: await this.planPieceTokens(this.m.revisions[r++]!.text) });
      const step = this.m.steps[i];
      if (step) pieces.push({ kind: "step", stepIndex: i, tokens: await this.stepPieceTokens(step, false) });
    }
    while (r < this.m.revisions.length) pieces.push({ kind: "plan", tokens: await this.planPieceTokens(this.m.revisions[r++]!.text) });
    this.context.replaceAll(pieces);
  }

  /** The tokens of a written step in the context (its text elided when compacted). */
  protected async stepPieceTokens(step: Step, compacted: boolean): Promise<TokenId[]> {
    return this.tokenize(writeStep(compacted ? elided(step, this.language()) : step));
  }

  /** The tokens of a plan revision in the context. */
  protected async planPieceTokens(text: string): Promise<TokenId[]> {
    return this.tokenize(writeGlobalPlan(text));
  }

  protected setManuscript(m: Manuscript): void {
    this.m = m;
    this.options.onChange?.(m);
  }

  protected startLive(kind: "plan" | "step"): Live {
    const piece = this.context.push({ kind, tokens: [], ...(kind === "step" ? { stepIndex: this.m.steps.length } : {}) });
    this.live = { piece, parser: new TranscriptParser(), stepBase: this.m.steps.length };
    this.marks = [];
    return this.live;
  }

  /** Feeds text of the live piece to its parser and folds the events into the manuscript. */
  protected feedLive(text: string): void {
    const live = this.live;
    if (!live || text === "") return;
    this.applyParserEvents(live.parser.feed(text), live.stepBase);
  }

  protected applyParserEvents(events: ParserEvent[], stepBase: number): void {
    if (events.length === 0) return;
    let m = this.m;
    for (const event of events) {
      const shifted = "step" in event && typeof event.step === "number" ? ({ ...event, step: event.step + stepBase } as ParserEvent) : event;
      m = applyEvent(m, shifted);
      this.trackPhase(shifted);
    }
    this.setManuscript(m);
  }

  protected trackPhase(event: ParserEvent): void {
    switch (event.type) {
      case "globalPlanStarted":
        this.phase = "plan";
        break;
      case "stepStarted":
        this.phase = "step-plan";
        break;
      case "stepPlanComplete":
      case "contentDelta":
        this.phase = "content";
        break;
      case "reflectionDelta":
        this.phase = "reflection";
        break;
      case "stepComplete":
      case "globalPlanComplete":
      case "finished":
        this.phase = "none";
        break;
      default:
        break;
    }
  }

  /** Appends forced text to the live piece (its tokens and its parser). */
  protected async force(text: string): Promise<void> {
    const live = this.live;
    if (!live) throw new Error("No live piece to force text into.");
    live.piece.tokens.push(...(await this.tokenize(text)));
    this.feedLive(text);
  }

  protected endLive(): void {
    const live = this.live;
    if (!live) return;
    this.applyParserEvents(live.parser.end(), live.stepBase);
    this.live = null;
    this.phase = "none";
  }

  // ---- generation ------------------------------------------------------------------------------

  protected requestAbort(reason: AbortReason): void {
    if (!this.abort || this.abort.signal.aborted) return;
    // A stop or pause wins over a cut that is still pending.
    this.abortReason = reason;
    this.abort.abort();
  }

  /**
   * One call of the backend into the live piece; waits while paused, resolves null when stopped.
   * `expected`: the tokens to make room for (compacting if needed); `maxTokens`: the hard limit of the
   * call (it also stops where the window ends).
   */
  protected async generate(expected: number, maxTokens: number, stop: string[], grammar: string | undefined): Promise<{ result: GenerateResult; reason: AbortReason | null } | null> {
    for (;;) {
      if (this.stopped) return null;
      if (this.paused) {
        await new Promise<void>((resolve) => (this.resumeWaiter = resolve));
        continue;
      }
      const room = Math.min(maxTokens, await this.ensureRoom(Math.min(expected, maxTokens)));
      const abort = new AbortController();
      this.abort = abort;
      this.abortReason = null;
      this.cutFrom = -1;
      this.contentTokensSinceCheck = 0;
      const started = Date.now();
      let streamed = "";
      const base = this.live?.piece.tokens.length ?? 0;
      let streamedTokens = 0;
      const tokens = this.context.tokens();
      this.accounting.tokensSent += tokens.length;
      const sampling = typeof this.options.sampling === "function" ? this.options.sampling() : this.options.sampling;
      const result = await this.backend.generate({
        tokens,
        maxTokens: room,
        stop,
        ...(grammar ? { grammar } : {}),
        ...(sampling ? { sampling } : {}),
        signal: abort.signal,
        onToken: (tokens, text) => {
          // Tokens still on their way when the writer paused or stopped (an engine in another
          // process, a server) are not taken in: the words stand where they were at the click.
          if (isHalt(this.abortedFor(abort))) return;
          streamed += text;
          streamedTokens += tokens.length;
          this.feedLive(text);
          this.mark(base + streamedTokens);
          this.watch(tokens.length);
        },
      });
      this.generationMs += Date.now() - started;
      this.abort = null;
      this.accounting.calls++;
      this.accounting.tokensDecoded += result.inputTokensDecoded;
      this.accounting.tokensGenerated += result.generatedTokens;
      // After a pause or stop only the tokens taken in stay in the context; the engine's cache holds
      // more, and the next call keeps the common prefix (one token decoded again).
      const aborted = this.abortedFor(abort);
      const halted = isHalt(aborted);
      const kept = halted ? result.tokens.slice(0, streamedTokens) : result.tokens;
      this.live?.piece.tokens.push(...kept);
      this.options.onCall?.({ sent: tokens.length, decoded: result.inputTokensDecoded, kept: kept.length });
      // Text the backend held back (a possible stop string when it was aborted) is in the tokens too.
      if (!halted && result.text.length > streamed.length && result.text.startsWith(streamed)) this.feedLive(result.text.slice(streamed.length));
      // A call the writer halted counts as halted however it ended (a stop string may have come in
      // with the dropped tokens).
      const reason = halted || result.stopReason === "abort" ? aborted : null;
      if (reason === "pause" && !this.stopped) continue; // the context is intact: go on where it stood
      if (reason === "stop" || this.stopped) return null;
      return { result, reason };
    }
  }

  /** Why the call of `abort` was aborted (a stop wins over any other reason), or null while it runs on. */
  private abortedFor(abort: AbortController): AbortReason | null {
    if (!abort.signal.aborted) return null;
    return this.stopped ? "stop" : this.abortReason;
  }

  /** Watches the segment being written: closes it when it runs far past its budget or loops. */
  protected watch(tokenCount: number): void {
    if (this.phase !== "content" || !this.live || this.live.piece.kind !== "step") return;
    const index = this.live.piece.stepIndex ?? -1;
    const step = this.m.steps[index];
    if (!step) return;
    const state = overrun(step.words, stepBudget(this.m, index));
    const target = this.m.targetWords;
    const total = writtenWords(this.m);
    if (target !== null && total >= target + targetTolerance(target)) {
      // Past the whole document's target: it ends at the sentence end nearest the target.
      this.cutMode = "sentence";
      this.requestAbort("cut");
    } else if (state === "hard") {
      this.cutMode = "sentence";
      this.requestAbort("cut");
    } else {
      if (state === "soft" && this.cutFrom < 0) this.cutFrom = step.content.length;
      // A paragraph break after the soft limit: the parser shows it once the next paragraph begins.
      if (this.cutFrom >= 0 && step.content.lastIndexOf("\n\n") >= this.cutFrom) {
        this.cutMode = "paragraph";
        this.requestAbort("cut");
      }
    }
    this.watchLoops(tokenCount);
  }

  /** Remembers where the live step's content stood after a batch of tokens, for trimming it later. */
  protected mark(tokens: number): void {
    const index = this.live?.piece.stepIndex;
    const step = index === undefined ? undefined : this.m.steps[index];
    if (step && this.phase === "content") this.marks.push({ tokens, content: step.content.length });
  }

  /** Every few tokens of content: a segment that began to loop is cut. */
  protected watchLoops(tokenCount: number): void {
    const step = this.live?.piece.stepIndex === undefined ? undefined : this.m.steps[this.live.piece.stepIndex];
    if (!step || this.phase !== "content") return;
    this.contentTokensSinceCheck += tokenCount;
    if (this.contentTokensSinceCheck >= 24) {
      this.contentTokensSinceCheck = 0;
      if (findLoop(step.content) !== null) this.requestAbort("loop");
    }
  }

  /**
   * The most tokens the context may hold when a request is sent. node-llama-cpp keeps at most the
   * window less its context-shift reserve (a tenth of it) of a request's input and silently drops the
   * oldest tokens beyond that (the prompt first), even with context shift disabled: measured with a
   * 1024-token window, every request past 922 tokens decoded its whole input again. So the controller
   * compacts before that.
   */
  protected inputLimit(): number {
    const size = this.backend.contextSize;
    return size - Math.floor(size / 10);
  }

  /**
   * Makes sure `wanted` tokens fit after the context: compacts it when they would not, and returns how
   * many may be generated.
   */
  protected async ensureRoom(wanted: number): Promise<number> {
    const size = this.inputLimit();
    const margin = 64;
    if (this.context.length + wanted + margin > size) await this.compact(wanted + margin);
    const room = size - this.context.length - margin;
    if (room < 16) throw new Error(`The context window (${this.backend.contextSize} tokens) is too small for this document even after compacting it. Load the model with a larger context.`);
    return room;
  }

  /**
   * Makes room: keeps the prompt, the current global plan and the last steps in full; older steps keep
   * their step plans and reflections, their content is elided. The live piece stays as it is.
   */
  protected async compact(needed: number): Promise<void> {
    const size = this.inputLimit();
    const prompt = this.context.pieces.find((p) => p.kind === "prompt");
    const latest = this.m.revisions[this.m.revisions.length - 1];
    const live = this.live?.piece;
    const doneSteps = this.m.steps.map((s, i) => ({ s, i })).filter(({ s, i }) => (s.status === "done" || s.status === "edited") && i !== live?.stepIndex);
    let keep = Math.min(this.limits.keepFullSteps, doneSteps.length);
    for (;;) {
      const pieces: Piece[] = [];
      if (prompt) pieces.push(prompt);
      if (latest) pieces.push({ kind: "plan", tokens: await this.planPieceTokens(latest.text) });
      const cut = doneSteps.length - keep;
      for (let k = 0; k < doneSteps.length; k++) {
        const { s, i } = doneSteps[k]!;
        const existing = this.context.stepPiece(i);
        if (k >= cut) pieces.push(existing && !existing.compacted ? existing : { kind: "step", stepIndex: i, tokens: await this.stepPieceTokens(s, false) });
        else pieces.push(existing?.compacted ? existing : { kind: "step", stepIndex: i, compacted: true, tokens: await this.stepPieceTokens(s, true) });
      }
      if (live) pieces.push(live);
      let length = pieces.reduce((n, p) => n + p.tokens.length, 0);
      if (keep === 0 && length + needed > size) {
        // Even elided, the oldest steps do not fit: they leave the model's view, one line stands for them.
        const first = pieces.findIndex((p) => p.kind === "step" && p.compacted);
        let drop = 0;
        let dropped = 0;
        let words = 0;
        while (first >= 0 && pieces[first + drop]?.compacted && length - dropped + needed > size) {
          const piece = pieces[first + drop]!;
          dropped += piece.tokens.length;
          words += this.m.steps[piece.stepIndex ?? -1]?.words ?? 0;
          drop++;
        }
        if (drop > 0) {
          const line = this.language() === "zh" ? `[前${drop}步共${words}字，此处不再显示。]\n` : `[The first ${drop} steps, ${words} words, are not shown here.]\n`;
          const marker: Piece = { kind: "turn", tokens: await this.tokenize(line) };
          pieces.splice(first, drop, marker);
          length = length - dropped + marker.tokens.length;
        }
      }
      // Compacting re-decodes what follows the first elided step, so it makes room for several segments
      // at once: the context comes down to 60% of the window (or as low as it goes).
      if (length + needed <= Math.min(size, size * 0.6 + needed) || keep === 0) {
        const before = this.context.length;
        if (length >= before) return; // nothing to gain: the caller generates what fits
        this.context.replaceAll(pieces);
        this.options.onNote?.(`The context was compacted to make room: ${before} → ${length} tokens; the text of the ${cut} oldest step${cut === 1 ? " is" : "s are"} elided from the model's view (not from the document).`);
        return;
      }
      keep--;
    }
  }

  // ---- the protocol ----------------------------------------------------------------------------

  protected async writeGlobalPlan(): Promise<void> {
    this.startLive("plan");
    await this.force("<global_plan>\n");
    const out = await this.generate(this.limits.maxPlanTokens, this.limits.maxPlanTokens, ["</global_plan>"], this.options.grammars?.plan);
    if (!out) return;
    await this.force("\n</global_plan>\n");
    this.endLive();
    await this.ensureSteerablePlan();
  }

  /** Gives the plan sections and budgets the controller can steer by (see normalizedBudgets). */
  protected async ensureSteerablePlan(): Promise<void> {
    const language = this.language();
    let drafts = this.m.sections.map((s) => ({ title: s.title, brief: s.brief, budget: s.budget }));
    let reason: string | null = null;
    if (drafts.length === 0 && this.m.targetWords !== null) {
      drafts = [{ title: language === "zh" ? "正文" : "Text", brief: "", budget: 0 }];
      reason = "The plan named no sections: the document is written as one section.";
    }
    const normalized = normalizedBudgets(drafts, this.m.targetWords);
    if (normalized) {
      drafts = drafts.map((d, i) => ({ ...d, budget: normalized.budgets[i] ?? d.budget }));
      reason = reason ? `${reason} ${normalized.reason}` : normalized.reason;
    }
    if (!reason) return;
    const { sections, next } = matchSections(this.m.sections, drafts, nextSectionNumber(this.m));
    const text = renderPlan(drafts, language);
    this.setManuscript(withRevision(this.m, text, sections, next));
    this.context.push({ kind: "plan", tokens: await this.planPieceTokens(text) });
    this.options.onNote?.(reason);
  }

  /** The most steps this document gets: `maxSteps`, or more for a long target. */
  protected stepLimit(): number {
    const target = this.m.targetWords;
    return target === null ? this.limits.maxSteps : Math.max(this.limits.maxSteps, Math.ceil(target / this.limits.stepWords));
  }

  /** Steps until the target is reached (then FINISHED), the writer stops, or the step limit. */
  protected async writeSteps(): Promise<Outcome> {
    for (;;) {
      await this.takeInEdits();
      if (this.stopped) return { status: "stopped", reason: "Stopped by the writer." };
      const words = writtenWords(this.m);
      if (targetReached(words, this.m.targetWords)) {
        await this.finish();
        return { status: "finished", reason: `Finished at ${words} words${this.m.targetWords === null ? "" : ` of ${this.m.targetWords}`}.` };
      }
      const stepLimit = this.stepLimit();
      if (this.m.steps.length >= stepLimit) return { status: "stopped", reason: `Stopped at the limit of ${stepLimit} steps (${words} words).` };
      const ended = await this.writeStep();
      if (ended === "stopped") return { status: "stopped", reason: "Stopped by the writer." };
      if (ended === "model-ended") {
        const now = writtenWords(this.m);
        if (!endsTooEarly(now, this.m.targetWords)) {
          await this.takeInEdits();
          await this.finish();
          return { status: "finished", reason: `The model finished at ${now} words${this.m.targetWords === null ? "" : ` of ${this.m.targetWords}`}.` };
        }
        this.options.onNote?.(`The model ended at ${now} of ${this.m.targetWords} words: its ending was removed and it plans another step.`);
      }
    }
  }

  /** Appends FINISHED to the transcript. */
  protected async finish(): Promise<void> {
    this.startLive("plan");
    await this.force("<FINISHED>");
    this.endLive();
  }

  /**
   * Writes one step: forces `<step_plan>`, lets the model plan and write, writes the progress into its
   * reflection, and closes the step. Returns how it ended.
   */
  protected async writeStep(preset?: { plan: string; sectionId: string | null }): Promise<"done" | "model-ended" | "stopped"> {
    this.modelEnded = false;
    this.startLive("step");
    if (preset) {
      await this.force(`<step_plan>\n${preset.plan}\n</step_plan>\n<content>\n`);
    } else {
      await this.force("<step_plan>\n");
    }
    let out = await this.generate(this.segmentTokens(), this.limits.maxTokensPerSegment, STOPS_IN_STEP, preset ? this.options.grammars?.content : this.options.grammars?.step);
    if (!out) return this.abandonLive();
    // The model may end the segment in many ways; each path leads to a closed reflection.
    for (;;) {
      const { result, reason } = out;
      if (reason === "loop" || reason === "cut") await this.trimContent(reason);
      const inReflection = this.phase === "reflection";
      if (result.stopReason === "stop" && result.stopString === "</reflection>") {
        await this.force("</reflection>\n");
        break;
      }
      if (result.stopReason === "stop" && result.stopString === "<reflection>") {
        await this.force(`<reflection>\n${progressLine(this.stepWordsTotal(), this.m.targetWords, this.language())}\n`);
      } else if (inReflection) {
        // The reflection ran too long or the model ended inside it: close it.
        if (result.stopReason !== "stop") this.modelEnded = result.stopReason === "eog";
        await this.force("\n</reflection>\n");
        break;
      } else if (this.phase === "step-plan") {
        // Ended inside its own step plan: close the plan and have it write the content.
        await this.force("\n</step_plan>\n<content>\n");
        out = await this.generate(this.segmentTokens(), this.limits.maxTokensPerSegment, STOPS_IN_STEP, this.options.grammars?.content);
        if (!out) return this.abandonLive();
        continue;
      } else {
        // In the content: cut (overrun, loop), the token limit, or the model ending there.
        if (result.stopReason === "eog" || (result.stopReason === "stop" && result.stopString === "<FINISHED>")) this.modelEnded = true;
        if (reason === "cut") {
          const target = this.m.targetWords;
          this.options.onNote?.(
            target !== null && writtenWords(this.m) >= target - targetTolerance(target)
              ? `The document reached its target in step ${this.currentStepNumber()}: the step ends at the sentence nearest the target.`
              : `Step ${this.currentStepNumber()} ran far past its budget: it was closed at a ${this.cutMode === "paragraph" ? "paragraph break" : "sentence end"}.`,
          );
        }
        if (reason === "loop") this.options.onNote?.(`Step ${this.currentStepNumber()} began to repeat itself: the repetition was cut.`);
        await this.force(`\n</content>\n<reflection>\n${progressLine(this.stepWordsTotal(), this.m.targetWords, this.language())}\n`);
      }
      out = await this.generate(this.limits.maxReflectionTokens, this.limits.maxReflectionTokens, ["</reflection>", "<FINISHED>", "<step_plan>"], this.options.grammars?.reflection);
      if (!out) return this.abandonLive();
      if (out.result.stopReason === "eog" || (out.result.stopReason === "stop" && out.result.stopString === "<FINISHED>")) this.modelEnded = true;
      if (out.result.stopReason !== "stop" || out.result.stopString !== "</reflection>") {
        await this.force("\n</reflection>\n");
        break;
      }
    }
    this.endLive();
    return this.modelEnded ? "model-ended" : "done";
  }

  /**
   * Tokens to make room for before a segment: its budget at the tokens per word seen so far (2 before
   * any), with room to run past it and for its plan and reflection; never more than the hard limit.
   */
  protected segmentTokens(): number {
    const index = this.live?.piece.stepIndex ?? this.m.steps.length;
    const budget = stepBudget(this.m, index) ?? 1000;
    // Tokens per word as the context holds them: the full step pieces against their words.
    let tokens = 0;
    let words = 0;
    for (const piece of this.context.pieces) {
      const step = piece.kind === "step" && !piece.compacted && piece.stepIndex !== undefined ? this.m.steps[piece.stepIndex] : undefined;
      if (step && piece !== this.live?.piece) {
        tokens += piece.tokens.length;
        words += step.words;
      }
    }
    const perWord = words > 50 ? Math.min(8, tokens / words) : 2;
    return Math.min(this.limits.maxTokensPerSegment, Math.ceil(budget * 1.7 * perWord) + this.limits.maxReflectionTokens + 128);
  }

  /** Words of every step, the one being written included. */
  protected stepWordsTotal(): number {
    return writtenWords(this.m);
  }

  protected currentStepNumber(): number {
    return (this.live?.piece.stepIndex ?? this.m.steps.length - 1) + 1;
  }

  /** A step interrupted by Stop: its piece and its unfinished text leave the context and the manuscript. */
  protected abandonLive(): "stopped" {
    const live = this.live;
    if (live) {
      const index = this.context.pieces.indexOf(live.piece);
      if (index >= 0) this.context.truncate(index);
      const step = this.m.steps[live.stepBase];
      // Text the model wrote stays in the document: the step is kept as the writer saw it, closed.
      if (step && (step.status === "planned" || step.status === "writing")) {
        const steps = this.m.steps.slice();
        if (step.content.trim() === "") steps.splice(live.stepBase, 1);
        else steps[live.stepBase] = { ...step, status: "done", planComplete: true };
        this.setManuscript({ ...this.m, steps });
      }
      this.live = null;
      this.phase = "none";
    }
    return "stopped";
  }

  /**
   * Cuts the segment being written back: a loop to the end of the repeated block's first occurrence, an
   * overrun to its last paragraph break. Only this step is tokenized again.
   */
  protected async trimContent(reason: "loop" | "cut"): Promise<void> {
    const live = this.live;
    const index = live?.piece.stepIndex;
    if (!live || index === undefined) return;
    const step = this.m.steps[index];
    if (!step || this.phase !== "content") return;
    let end: number | null;
    if (reason === "loop") end = findLoop(step.content);
    else if (this.cutMode === "paragraph") end = step.content.lastIndexOf("\n\n") > 0 ? step.content.lastIndexOf("\n\n") : null;
    else end = this.sentenceEndNearTarget(index, step.content);
    if (end === null || end >= step.content.length) return;
    const content = step.content.slice(0, end).trimEnd();
    // Keep the model's own tokens up to the last batch inside the kept text; tokenize only the rest.
    const mark = [...this.marks].reverse().find((m) => m.content <= content.length);
    const keptTokens = mark ? live.piece.tokens.slice(0, mark.tokens) : [];
    const rest = mark ? content.slice(mark.content) : `<step_plan>\n${step.plan}\n</step_plan>\n<content>\n${content}`;
    live.piece.tokens = [...keptTokens, ...(await this.tokenize(rest))];
    this.marks = mark ? this.marks.filter((m) => m.tokens <= mark.tokens) : [];
    // The manuscript and the live parser start again from the trimmed step.
    this.setManuscript({ ...this.m, steps: this.m.steps.slice(0, index) });
    live.parser = new TranscriptParser();
    this.feedLive(`<step_plan>\n${step.plan}\n</step_plan>\n<content>\n${content}`);
  }

  /** Of the content's sentence ends, the one that brings the document nearest its target. */
  protected sentenceEndNearTarget(index: number, content: string): number | null {
    const target = this.m.targetWords;
    const before = writtenWords({ steps: this.m.steps.slice(0, index) });
    const budget = stepBudget(this.m, index);
    const goal = target !== null ? target - before : budget;
    const ends: number[] = [];
    // A Latin sentence ends before white space; a Chinese one needs none.
    const re = /[.!?]["'”’)]?(?=\s|$)|[。！？]["'”’」』）]?/g;
    for (let m = re.exec(content); m !== null; m = re.exec(content)) ends.push(m.index + m[0].length);
    if (ends.length === 0) return null;
    if (goal === null) return ends[ends.length - 1]!;
    let best = ends[ends.length - 1]!;
    let bestGap = Infinity;
    for (let i = ends.length - 1; i >= 0; i--) {
      const words = countWriterWords(content.slice(0, ends[i]));
      const gap = Math.abs(words - goal);
      if (gap < bestGap) {
        best = ends[i]!;
        bestGap = gap;
      }
      if (words < goal) break;
    }
    return best;
  }

  /**
   * The step boundary: the writer's pending edits enter the model's context. Plan edits (sections,
   * budgets, target) become one plan revision appended to the context, so nothing already evaluated is
   * decoded again; edits to written text replace that step's piece, so only what follows is decoded.
   */
  protected async takeInEdits(): Promise<void> {
    const pending = this.edits.filter((e) => e.info.state === "pending");
    if (pending.length === 0) {
      if (this.edits.length > 0) {
        this.edits = [];
        this.options.onEdits?.([]);
      }
      return;
    }
    const planChanged = pending.some((e) => e.edit.type !== "editStep" && e.edit.type !== "setTarget");
    const textEdits = new Set(pending.flatMap((e) => (e.edit.type === "editStep" ? [e.edit.stepId] : [])));
    for (const id of textEdits) {
      const index = this.m.steps.findIndex((s) => s.id === id);
      const piece = this.context.stepPiece(index);
      const step = this.m.steps[index];
      if (piece && step) piece.tokens = await this.stepPieceTokens(step, piece.compacted === true);
    }
    if (planChanged) {
      const latest = this.m.revisions[this.m.revisions.length - 1];
      if (latest) this.context.push({ kind: "plan", tokens: await this.planPieceTokens(latest.text) });
    }
    for (const e of pending) e.info = { ...e.info, state: "applied" };
    this.options.onEdits?.(this.pendingEdits());
    this.edits = [];
  }

  /** Writes the given steps again, one after the other, each from the context that precedes it. */
  protected async runRegeneration(indices: number[]): Promise<Outcome> {
    for (const index of [...indices].sort((a, b) => a - b)) {
      const old = this.m.steps[index];
      if (!old) continue;
      // The context up to the step; the steps after it stay in the document and come back after.
      const pieceIndex = this.context.pieces.findIndex((p) => p.kind === "step" && p.stepIndex === index);
      if (pieceIndex < 0) continue;
      const after = this.context.pieces.slice(pieceIndex + 1);
      const laterSteps = this.m.steps.slice(index + 1);
      this.context.truncate(pieceIndex);
      this.setManuscript({ ...this.m, steps: this.m.steps.slice(0, index) });
      const ended = await this.writeStep({ plan: old.plan, sectionId: old.sectionId });
      const fresh = this.m.steps[index] ?? { ...old, content: "", words: 0 };
      this.setManuscript({ ...this.m, steps: [...this.m.steps.slice(0, index), fresh, ...laterSteps] });
      this.context.pieces.splice(this.context.pieces.length, 0, ...after);
      if (ended === "stopped") return { status: "stopped", reason: "Stopped by the writer." };
    }
    return { status: "finished", reason: `Wrote ${indices.length === 1 ? "the step" : `${indices.length} steps`} again.` };
  }
}

/** A step as the compacted context shows it: its plan and reflection, its text elided. */
export function elided(step: Step, language: "en" | "zh"): Step {
  const note = language === "zh" ? `[此处省略本步正文，共${step.words}字]` : `[The text of this step, ${step.words} words, is not shown here.]`;
  return { ...step, content: note, status: "done" };
}

function describeEdit(edit: ManuscriptEdit): string {
  switch (edit.type) {
    case "editSection":
      return `Section ${edit.sectionId}: ${[edit.title !== undefined ? "title" : "", edit.brief !== undefined ? "brief" : "", edit.budget !== undefined ? `budget ${edit.budget}` : ""].filter(Boolean).join(", ")}`;
    case "addSection":
      return `New section "${edit.title}" (${edit.budget} words)`;
    case "removeSection":
      return `Section ${edit.sectionId} removed`;
    case "moveSection":
      return `Section ${edit.sectionId} moved to position ${edit.toIndex + 1}`;
    case "editStep":
      return `Step ${edit.stepId}: ${edit.content !== undefined ? "text" : "plan"} edited`;
    case "setTarget":
      return `Target: ${edit.targetWords ?? "none"} words`;
    default:
      return edit satisfies never;
  }
}
