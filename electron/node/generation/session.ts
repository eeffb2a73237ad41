// A writing session: what every mode needs to drive a model through one document. It owns the
// manuscript as the run changes it, the model's context as token pieces (context.ts), the live piece
// the model is writing into and its parser, the calls of the backend with pause, stop and abort, the
// token accounting, the writer's edits waiting for the next boundary, and when to compact. What to ask
// and how to read the answer is the mode's (mode.ts); when a segment should end is the guard's.
import { addSpeculativeStats, type SpeculativeStats } from "../../common/engine/draft";
import type { GenerationProgress, PendingEdit } from "../../common/api/generation";
import { targetReached, writtenWords } from "../../common/generation/rules";
import type { ParserEvent } from "../../common/iscot/events";
import { TranscriptParser } from "../../common/iscot/parser";
import { applyEdit, effectiveLanguage, isPlanEdit, type EditError, type ManuscriptEdit } from "../../common/manuscript/edits";
import { stopStepInProgress } from "../../common/manuscript/stopped";
import { applyEvent, isInProgress } from "../../common/manuscript/reducer";
import type { Manuscript } from "../../common/manuscript/types";
import type { PromptLanguage } from "../../common/generation/prompts";
import { ThinkFilter } from "../../common/generation/thinking";
import type { Backend, GenerateResult, SamplingSettings, TokenId } from "../engine/backend";
import { memoryTokensDecoded, TokenContext, type Piece } from "./context";
import { tokenizeProtocol } from "./protocolTokens";
import type { Verdict } from "./guard";
import { phaseAfter } from "../../common/iscot/phase";
import { describeEdit } from "../../common/manuscript/describe";
import type { MemoryKeeper } from "./memory";

/** What the model is writing now. */
export type Phase = GenerationProgress["phase"];

export interface WritingLimits {
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

export const DEFAULT_LIMITS: WritingLimits = {
  maxSteps: 200,
  stepWords: 25,
  maxTokensPerSegment: 8192,
  maxPlanTokens: 2048,
  maxReflectionTokens: 384,
  keepFullSteps: 2,
};

/** How a run ended. */
export type Outcome = { status: "finished" | "stopped"; reason: string } | { status: "error"; reason: string };

export const STOPPED: Outcome = { status: "stopped", reason: "Stopped by the writer." };

/** What a session reports as it goes (the generation service coalesces these for the UI). */
export interface SessionHooks {
  /** The manuscript changed (a parser event, an edit taken in, a cut). */
  onChange?: (m: Manuscript) => void;
  /** Something the writer may want to know: a cut, a compaction, a continuation. */
  onNote?: (note: string) => void;
  /** The pending edits changed. */
  onEdits?: (edits: PendingEdit[]) => void;
  /** Pause state changed. */
  onPaused?: (paused: boolean) => void;
  /**
   * After every backend call: tokens sent, decoded (not in the KV cache), generated tokens kept in the
   * context, and whether it wrote the document or was a memory request (a summary, a digest).
   */
  onCall?: (call: { sent: number; decoded: number; kept: number; purpose: "write" | "memory" }) => void;
}

export interface SessionOptions extends SessionHooks {
  backend: Backend;
  manuscript: Manuscript;
  /** Sampling of every request; a function is asked before each request (the writer may change it meanwhile). */
  sampling?: SamplingSettings | (() => SamplingSettings | undefined);
  limits?: Partial<WritingLimits>;
}

/** The piece the model is writing into, and the parser that reads it into the manuscript. */
export interface Live {
  piece: Piece;
  parser: TranscriptParser;
  /** Steps before this piece: its parser counts steps from 0. */
  stepBase: number;
}

/** Watches a segment as it streams (see guard.ts). */
export interface SegmentWatch {
  /** A call of the model begins (a call resumed after a pause too). */
  begin(): void;
  /** After a batch of `tokens` tokens, the live piece holding `pieceTokens`: the verdict, or null to go on. */
  batch(pieceTokens: number, tokens: number): Verdict | null;
}

/** One request to the model, written into the live piece. */
export interface Ask {
  /** "memory": a request of the story memory (a summary, a digest), not a part of the document. */
  purpose?: "write" | "memory";
  /** The tokens to make room for (compacting if needed). */
  expected: number;
  /** The hard limit of the call (it also stops where the window ends). */
  maxTokens: number;
  /**
   * Tokens the part still needs after this call (an IS-CoT step's reflection): the call stops short
   * of the window by as many, so that what follows is not written after a rebuild of the context.
   */
  after?: number;
  stop: readonly string[];
  grammar?: string | undefined;
  /** How the model's text is read; by default the live piece's parser. */
  read?: (text: string) => void;
  /**
   * "keep": the text is read as the model wrote it, think blocks included (LongWriter-Zero's plan).
   * By default a `<think>…</think>` the model writes is taken out before the text is read, and said.
   */
  thinking?: "keep";
  watch?: SegmentWatch;
}

/** What came back: the backend's result, and the guard's verdict when the segment was cut short. */
export interface Answer {
  result: GenerateResult;
  verdict: Verdict | null;
}

/** A writer's edit, taken or refused with the manuscript's own reason. */
export type SubmittedEdit = { ok: true; manuscript: Manuscript; edit: PendingEdit } | { ok: false; error: EditError };

type AbortReason = "pause" | "stop" | Verdict;

/** The writer paused or stopped the call: what the engine sends from then on is dropped. */
const isHalt = (reason: AbortReason | null) => reason === "pause" || reason === "stop";

interface QueuedEdit {
  info: PendingEdit;
  edit: ManuscriptEdit;
}

export class WritingSession {
  readonly backend: Backend;
  readonly limits: WritingLimits;
  readonly context = new TokenContext();
  /**
   * Totals of this run: context tokens sent with every call, those decoded (not in the KV cache), those
   * generated; and of those decoded, the story memory's (notes, the memory note, summary requests, the
   * bible in a prompt decoded again), each counted once, by the call that decoded it.
   */
  readonly accounting = { tokensSent: 0, tokensDecoded: 0, tokensGenerated: 0, calls: 0, memoryTokensDecoded: 0 };
  /** Think blocks the model wrote where the protocol asked for none, taken out of the draft, and their words. */
  readonly thinking = { blocks: 0, words: 0 };
  /** With a draft model: its tokens checked and accepted in this run. */
  private speculative: SpeculativeStats | undefined;
  live: Live | null = null;
  phase: Phase = "none";
  /** How the mode makes room for `needed` more tokens (the writer sets it). */
  compactor: (needed: number) => Promise<void> = async () => {};
  /** The story memory of the run: the bible in view, summaries, proposals (the writer sets it). */
  memory!: MemoryKeeper;
  private m: Manuscript;
  private abort: AbortController | null = null;
  private abortReason: AbortReason | null = null;
  private paused = false;
  /** The writer typed into the live step while paused: the call waiting there ends when the run resumes. */
  private cut = false;
  private resumeWaiter: (() => void) | null = null;
  private halted = false;
  private edits: QueuedEdit[] = [];
  private editCounter = 0;
  private readonly started = Date.now();
  private generationMs = 0;

  constructor(private readonly options: SessionOptions) {
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

  /** The writer stopped the run. */
  get stopped(): boolean {
    return this.halted;
  }

  setManuscript(m: Manuscript): void {
    this.m = m;
    this.options.onChange?.(m);
  }

  note(text: string): void {
    this.options.onNote?.(text);
  }

  language(): PromptLanguage {
    return effectiveLanguage(this.m);
  }

  tokenize(text: string): Promise<TokenId[]> {
    return this.backend.tokenize(text, { specialTokens: false });
  }

  /** The first request's piece, built with the bible's entries in use (`bible`, "" for none), which it counts as the memory's. */
  async promptPiece(bible: string, build: (bible: string) => Promise<TokenId[]>): Promise<Piece> {
    const tokens = await build(bible);
    return bible === "" ? { kind: "prompt", tokens } : { kind: "prompt", tokens, bibleTokens: (await this.tokenize(bible)).length };
  }

  /** Text with protocol tags (forced, or a transcript): each tag as the vocabulary holds it (protocolTokens.ts). */
  tokenizeProtocol(text: string): Promise<TokenId[]> {
    return tokenizeProtocol(this.backend, text);
  }

  /** True when the document is long enough to end. */
  targetReached(): boolean {
    return targetReached(writtenWords(this.m), this.m.targetWords);
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
      ...(this.speculative ? { speculative: this.speculative } : {}),
    };
  }

  /** Where a step starts in the model's context, in tokens (-1 when it has no piece there). */
  stepOffset(index: number): number {
    const piece = this.context.stepPiece(index);
    return piece ? this.context.offsetOf(piece) : -1;
  }

  /**
   * A run goes on from the steps written to the end: a step still in progress (a run that was cut off)
   * keeps its words as a stopped step, which the writer continues first, and a finished document is no
   * longer finished.
   */
  resumeWritten(): void {
    const m = stopStepInProgress(this.m);
    if (m !== this.m || this.m.finished) this.setManuscript({ ...m, finished: false });
  }

  /** Stopped steps become done (a one-pass draft goes on after its text as it stands). */
  settleStopped(): void {
    if (!this.m.steps.some((s) => s.status === "stopped")) return;
    this.setManuscript({ ...this.m, steps: this.m.steps.map((s) => (s.status === "stopped" ? { ...s, status: "done" } : s)) });
  }

  // ---- pause, stop and the writer's edits --------------------------------------------------------

  pause(): void {
    if (this.paused || this.halted) return;
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
    this.halted = true;
    this.requestAbort("stop");
    this.resume();
  }

  /**
   * The writer typed into the step the model writes while the run is paused: the step is cut where the
   * model stood (a stopped step: its plan and its text so far, even none), the writer's edit goes in,
   * and when the run resumes the step is continued from the writer's text (the writing loop continues
   * a stopped step first). Null when the edit is not of the live step's text while paused. The same in
   * the step's reflection (in a chat mode, a turn of its own): the reflection being written is dropped,
   * and the step, stopped with the writer's text, gets a new one when it is continued.
   */
  cutLiveStep(edit: Extract<ManuscriptEdit, { type: "editStep" }>): SubmittedEdit | null {
    const live = this.live;
    if (!this.paused || this.halted || !live || live.piece.kind !== "step") return null;
    if (this.phase !== "step-plan" && this.phase !== "content" && this.phase !== "reflection") return null;
    const index = live.stepBase;
    const step = this.m.steps[index];
    if (!step || step.id !== edit.stepId || index !== this.m.steps.length - 1 || !isInProgress(step)) return null;
    const stopped = stopStepInProgress(this.m, { keepEmpty: true });
    const result = applyEdit(stopped, edit);
    if (!result.ok) return result;
    this.m = stopped;
    this.cut = true;
    return this.submitEdit(edit);
  }

  /** The writer's edits not yet in the model's context, and those just taken in. */
  pendingEdits(): PendingEdit[] {
    return this.edits.map((e) => e.info);
  }

  /**
   * Takes a writer's edit at any time. It changes the manuscript at once (the writer sees it); the
   * model's context takes it in at the next boundary. A refused edit changes nothing and says why.
   */
  submitEdit(edit: ManuscriptEdit): SubmittedEdit {
    const result = applyEdit(this.m, edit);
    if (!result.ok) return result;
    this.m = result.manuscript;
    const info: PendingEdit = {
      id: `edit-${++this.editCounter}`,
      kind: edit.type === "editStep" ? "text" : isPlanEdit(edit) || edit.type === "setTarget" || edit.type === "lockBudget" ? "plan" : "memory",
      description: describeEdit(edit),
      state: "pending",
    };
    this.edits.push({ info, edit });
    this.options.onChange?.(this.m);
    this.options.onEdits?.(this.pendingEdits());
    return { ok: true, manuscript: this.m, edit: info };
  }

  /** The boundary: the mode takes the pending edits into the model's context, and they are marked applied. */
  async takeInEdits(takeIn: (edits: ManuscriptEdit[]) => Promise<void>): Promise<void> {
    const pending = this.edits.filter((e) => e.info.state === "pending");
    if (pending.length === 0) {
      if (this.edits.length > 0) {
        this.edits = [];
        this.options.onEdits?.([]);
      }
      return;
    }
    await takeIn(pending.map((e) => e.edit));
    for (const e of pending) e.info = { ...e.info, state: "applied" };
    this.options.onEdits?.(this.pendingEdits());
    this.edits = [];
  }

  // ---- the live piece ----------------------------------------------------------------------------

  /** Starts a piece the model writes into, with a parser of its own. */
  startLive(kind: "plan" | "step" | "turn"): Live {
    return this.openLive(this.context.push({ kind, tokens: [], ...(kind === "step" ? { stepIndex: this.m.steps.length } : {}) }));
  }

  /** Makes a piece already in the context the live one. */
  openLive(piece: Piece): Live {
    this.live = { piece, parser: new TranscriptParser(), stepBase: this.m.steps.length };
    return this.live;
  }

  /** Feeds IS-CoT text of the live piece to its parser and folds the events into the manuscript. */
  feedLive(text: string): void {
    const live = this.live;
    if (!live || text === "") return;
    this.applyParserEvents(live.parser.feed(text), live.stepBase);
  }

  /** Appends forced text to the live piece (its tokens and its parser). */
  async force(text: string): Promise<void> {
    const live = this.live;
    if (!live) throw new Error("No live piece to force text into.");
    live.piece.tokens.push(...(await this.tokenizeProtocol(text)));
    this.feedLive(text);
  }

  /** The live piece is complete: its parser's last events are taken in. */
  endLive(): void {
    const live = this.live;
    if (!live) return;
    this.applyParserEvents(live.parser.end(), live.stepBase);
    this.live = null;
    this.phase = "none";
  }

  /** The live piece leaves the context (a call the writer stopped); the manuscript keeps what it holds. */
  dropLive(): void {
    const live = this.live;
    if (!live) return;
    const index = this.context.pieces.indexOf(live.piece);
    if (index >= 0) this.context.truncate(index);
    this.live = null;
    this.phase = "none";
  }

  /**
   * A step cut short (Stop, a failed call): its piece leaves the context; the text the model wrote stays
   * in the document as a stopped step, which the next run continues (a step already in its reflection
   * when the writer stopped it is done; one with no text yet goes).
   */
  abandonLive(): "stopped" {
    const live = this.live;
    if (live) {
      const step = this.m.steps[live.stepBase];
      if (step && isInProgress(step) && live.stepBase === this.m.steps.length - 1) {
        this.setManuscript(stopStepInProgress(this.m, { reflectionCloses: this.phase === "reflection" }));
      }
      this.dropLive();
    }
    return "stopped";
  }

  applyParserEvents(events: ParserEvent[], stepBase: number): void {
    if (events.length === 0) return;
    let m = this.m;
    for (const event of events) {
      const shifted = "step" in event && typeof event.step === "number" ? ({ ...event, step: event.step + stepBase } as ParserEvent) : event;
      m = applyEvent(m, shifted);
      this.phase = phaseAfter(this.phase, shifted);
    }
    this.setManuscript(m);
  }

  // ---- calls of the model ------------------------------------------------------------------------

  /**
   * One call of the backend into the live piece; waits while paused, resolves null when stopped. The
   * tokens the model generates stay in the piece as it produced them.
   */
  async generate(ask: Ask): Promise<Answer | null> {
    const readText = ask.read ?? ((text: string) => this.feedLive(text));
    for (;;) {
      // Each call reads the model's text through its own filter: a think block never reaches the draft.
      const filter = ask.thinking === "keep" ? null : new ThinkFilter();
      const read = filter ? (text: string) => readText(filter.push(text)) : readText;
      if (this.halted) return null;
      if (this.paused) {
        await new Promise<void>((resolve) => (this.resumeWaiter = resolve));
        continue;
      }
      if (this.cut) {
        // The writer cut the live step (cutLiveStep): the mode leaves it, and it is continued from their text.
        this.cut = false;
        return null;
      }
      const after = ask.after ?? 0;
      const fits = await this.ensureRoom(Math.min(ask.expected, ask.maxTokens) + after);
      const room = Math.min(ask.maxTokens, Math.max(fits - after, Math.min(fits, 16)));
      const abort = new AbortController();
      this.abort = abort;
      this.abortReason = null;
      ask.watch?.begin();
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
        stop: [...ask.stop],
        ...(ask.grammar ? { grammar: ask.grammar } : {}),
        ...(sampling ? { sampling } : {}),
        signal: abort.signal,
        onToken: (batch, text) => {
          // Tokens still on their way when the writer paused or stopped (an engine in another
          // process, a server) are not taken in: the words stand where they were at the click.
          if (isHalt(this.abortedFor(abort))) return;
          streamed += text;
          streamedTokens += batch.length;
          read(text);
          const verdict = ask.watch?.batch(base + streamedTokens, batch.length) ?? null;
          if (verdict) this.requestAbort(verdict);
        },
      });
      this.generationMs += Date.now() - started;
      this.abort = null;
      this.accounting.calls++;
      this.accounting.tokensDecoded += result.inputTokensDecoded;
      this.accounting.memoryTokensDecoded += memoryTokensDecoded(this.context.pieces, Math.min(result.inputTokensDecoded, tokens.length));
      this.accounting.tokensGenerated += result.generatedTokens;
      this.speculative = addSpeculativeStats(this.speculative, result.speculative);
      // After a pause or stop only the tokens taken in stay in the context; the engine's cache holds
      // more, and the next call keeps the common prefix (one token decoded again).
      const aborted = this.abortedFor(abort);
      const halted = isHalt(aborted);
      const kept = halted ? result.tokens.slice(0, streamedTokens) : result.tokens;
      this.live?.piece.tokens.push(...kept);
      this.options.onCall?.({ sent: tokens.length, decoded: result.inputTokensDecoded, kept: kept.length, purpose: ask.purpose ?? "write" });
      // Text the backend held back (a possible stop string when it was aborted) is in the tokens too.
      if (!halted && result.text.length > streamed.length && result.text.startsWith(streamed)) read(result.text.slice(streamed.length));
      if (filter) {
        if (!halted) readText(filter.end());
        this.tookOutThinking(filter);
      }
      // A call the writer halted counts as halted however it ended (a stop string may have come in
      // with the dropped tokens).
      const reason = halted || result.stopReason === "abort" ? aborted : null;
      if (reason === "pause" && !this.halted) continue; // the context is intact: go on where it stood
      if (reason === "stop" || reason === "pause" || this.halted) return null;
      return { result, verdict: reason };
    }
  }

  /** Counts and says the thinking a call's filter took out of the text. */
  private tookOutThinking(filter: ThinkFilter): void {
    const { blocks, words } = filter.removed;
    if (blocks === 0) return;
    this.thinking.blocks += blocks;
    this.thinking.words += words;
    const piece = this.live?.piece;
    const where = piece?.kind === "step" && piece.stepIndex !== undefined ? `in step ${piece.stepIndex + 1}` : piece?.kind === "plan" ? "in its plan" : "";
    this.note(`The model thought aloud${where ? ` ${where}` : ""} (<think>…</think>, ${words} ${words === 1 ? "word" : "words"}): its thinking was taken out of the draft and of every count.`);
  }

  private requestAbort(reason: AbortReason): void {
    if (!this.abort || this.abort.signal.aborted) return;
    // A stop or pause wins over a cut that is still pending.
    this.abortReason = reason;
    this.abort.abort();
  }

  /** Why the call of `abort` was aborted (a stop wins over any other reason), or null while it runs on. */
  private abortedFor(abort: AbortController): AbortReason | null {
    if (!abort.signal.aborted) return null;
    return this.halted ? "stop" : this.abortReason;
  }

  // ---- room in the context -----------------------------------------------------------------------

  /**
   * The most tokens the context may hold when a request is sent. node-llama-cpp keeps at most the
   * window less its context-shift reserve (a tenth of it) of a request's input and silently drops the
   * oldest tokens beyond that (the prompt first), even with context shift disabled: measured with a
   * 1024-token window, every request past 922 tokens decoded its whole input again. So the session
   * compacts before that.
   */
  inputLimit(): number {
    const size = this.backend.contextSize;
    return size - Math.floor(size / 10);
  }

  /**
   * Tokens a call leaves free after what it generates: a few for the engine, and room for the story
   * memory's short requests at the next boundary (not in those requests themselves).
   */
  margin(): number {
    return 64 + (this.live?.piece.kind === "request" ? 0 : (this.memory?.reserve(this.inputLimit()) ?? 0));
  }

  /** Makes sure `wanted` tokens fit after the context: compacts it when they would not, and returns how many may be generated. */
  private async ensureRoom(wanted: number): Promise<number> {
    const size = this.inputLimit();
    const margin = this.margin();
    if (this.context.length + wanted + margin > size) await this.compactor(wanted + margin);
    const room = size - this.context.length - margin;
    if (room < 16) throw new Error(`The context window (${this.backend.contextSize} tokens) is too small for this document even after compacting it. Load the model with a larger context.`);
    return room;
  }
}
