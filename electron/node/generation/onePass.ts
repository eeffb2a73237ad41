// The one-pass modes, for models that write a whole document in one answer without protocol tags:
// "direct" (the LongWriter models: Markdown with headings) and "think-answer" (LongWriter-Zero:
// `<think>` planning, then the `<answer>`). The manuscript is still fed IS-CoT, made up from the draft
// as it streams: each section heading starts a step of its section, the text under it is its content,
// and a closed step gets the exact progress as its reflection; think-answer's `<think>` block is the
// global plan. The controller keeps one token array: when the model ends well below the target it is
// asked to continue (the continuation rule), and past the target the draft ends at the sentence end
// nearest it.
import type { PromptFormat } from "../../common/engine/catalog";
import type { OnePassGrammars } from "../../common/generation/grammars";
import { HeadingSplitter, type DraftPiece } from "../../common/generation/headings";
import { continueAsk, directMessages } from "../../common/generation/prompts";
import { endsTooEarly, findLoop, progressLine, targetReached, targetTolerance, writtenWords } from "../../common/generation/rules";
import { renderPlan } from "../../common/iscot/plan";
import { TranscriptParser } from "../../common/iscot/parser";
import { nextSectionNumber, withRevision } from "../../common/manuscript/reducer";
import { matchSections } from "../../common/manuscript/sections";
import type { PlanRevision } from "../../common/manuscript/types";
import { manuscriptText } from "../../common/manuscript/views";
import { countWriterWords } from "../../common/metrics/words";
import type { ChatMessage, TokenId } from "../engine/backend";
import type { Piece } from "./context";
import { WritingController, type ControllerOptions, type Outcome } from "./controller";
import { PromptBuilder } from "./turns";

export interface OnePassOptions extends Omit<ControllerOptions, "mode" | "grammars"> {
  /** The model's prompt format from the catalog; left out: its chat template. */
  promptFormat?: PromptFormat;
  /** Grammars for the tiny test model (see onePassGrammars). */
  passGrammars?: Partial<OnePassGrammars>;
  /** How many times a model that ends short is asked to go on before the run stops (default 12). */
  maxContinuations?: number;
}

const STOPPED: Outcome = { status: "stopped", reason: "Stopped by the writer." };

/** Direct mode: one pass of Markdown; its headings are the sections of the plan, as they stream. */
export class DirectController extends WritingController {
  protected readonly turns: PromptBuilder;
  protected readonly passGrammars: Partial<OnePassGrammars>;
  protected readonly splitter = new HeadingSplitter();
  /** What the model writes now: its planning (think-answer) or the draft. */
  protected stage: "think" | "draft" = "draft";
  /** The text that opens the model's answer after a continuation request (think-answer: `<answer>`). */
  protected answerOpener = "";
  /** The plan changed (the writer's edit, budgets made to add up): the next continuation request carries it. */
  protected planRevised = false;
  private readonly maxContinuations: number;
  private stepOpen = false;
  /** The draft text of the live piece, as streamed, and how much of it the splitter has passed on. */
  private answerText = "";
  private emitted = 0;
  /** Where token batches of the live piece ended: tokens of the piece, characters of answerText. */
  private answerMarks: { tokens: number; text: number }[] = [];
  /** Tokens of the live piece before the model's text (the continuation request). */
  private answerBase = 0;
  /** Where the open step's text starts in answerText. */
  private stepTextStart = 0;
  private contentSinceLoopCheck = 0;
  /** The plan revision this run grows from the headings (replaced in place while it is the last). */
  private headingRevision: PlanRevision | null = null;
  /** The text of each closed answer piece, for compacting the context. */
  private readonly pieceTexts = new Map<Piece, string>();
  /** Words of the draft no longer in the model's view (compacted away). */
  private elidedWords = 0;

  constructor(options: OnePassOptions) {
    super({ ...options, mode: "native" });
    this.turns = new PromptBuilder(this.backend, options.promptFormat);
    this.passGrammars = options.passGrammars ?? {};
    this.maxContinuations = options.maxContinuations ?? 12;
  }

  /** The first request's messages. */
  protected messages(): ChatMessage[] {
    return directMessages(this.m.instruction, this.m.targetWords, this.language());
  }

  /** True when the model plans before it writes (think-answer). */
  protected plansFirst(): boolean {
    return false;
  }

  /** Think-answer: the planning, as the global plan. */
  protected async writeThink(): Promise<void> {}

  override async run(): Promise<Outcome> {
    try {
      if (this.options.regenerate && this.options.regenerate.length > 0) {
        return { status: "error", reason: "This mode writes the document in one pass: a step cannot be written again on its own. Continue from that step instead." };
      }
      let ask = await this.buildOnePassContext();
      if (this.plansFirst() && this.m.revisions.length === 0) {
        await this.writeThink();
        if (this.stopped) return STOPPED;
      }
      let continuations = 0;
      for (;;) {
        await this.takeInEdits();
        if (this.stopped) return STOPPED;
        const words = writtenWords(this.m);
        const target = this.m.targetWords;
        if (targetReached(words, target)) {
          await this.finish();
          return { status: "finished", reason: `Finished at ${words} words${target === null ? "" : ` of ${target}`}.` };
        }
        if (continuations >= this.maxContinuations) {
          return { status: "stopped", reason: `The model ended short ${continuations} times: stopped at ${words} of ${target} words.` };
        }
        const ended = await this.writeDraft(ask);
        ask = true;
        if (ended === "stopped") return STOPPED;
        const now = writtenWords(this.m);
        if (ended === "cut") {
          this.options.onNote?.(`The draft reached its target: it ends at the sentence nearest ${target} words.`);
          await this.finish();
          return { status: "finished", reason: `Finished at ${now} words${target === null ? "" : ` of ${target}`}.` };
        }
        if (!endsTooEarly(now, target)) {
          await this.finish();
          return { status: "finished", reason: `The model finished at ${now} words${target === null ? "" : ` of ${target}`}.` };
        }
        continuations++;
        this.options.onNote?.(`The model ended at ${now} of ${target} words: it is asked to continue.`);
      }
    } catch (error) {
      return { status: "error", reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /**
   * The prompt, then what the model already wrote (a project being continued): the plan (think-answer)
   * and the draft. Returns true when the next request must ask the model to go on.
   */
  protected async buildOnePassContext(): Promise<boolean> {
    const pieces: Piece[] = [{ kind: "prompt", tokens: await this.turns.first(this.messages()) }];
    const steps = this.m.steps.filter((s) => s.status === "done" || s.status === "edited");
    if (steps.length !== this.m.steps.length || this.m.finished) this.setManuscript({ ...this.m, steps, finished: false });
    const plan = await this.resumedPlanTokens();
    if (plan.length > 0) pieces.push({ kind: "plan", tokens: plan });
    const draft = manuscriptText(this.m);
    if (draft !== "") {
      const piece: Piece = { kind: "turn", tokens: await this.tokenize(draft) };
      this.pieceTexts.set(piece, draft);
      pieces.push(piece);
    }
    this.context.replaceAll(pieces);
    return draft !== "";
  }

  /** The tokens that stand for a plan already written, when a project is continued. */
  protected async resumedPlanTokens(): Promise<TokenId[]> {
    return [];
  }

  protected override async buildContext(): Promise<void> {
    await this.buildOnePassContext();
  }

  /** A plan revision is not in the model's text: the next continuation request carries it. */
  protected override async planPieceTokens(): Promise<TokenId[]> {
    this.planRevised = true;
    return [];
  }

  protected override async finish(): Promise<void> {
    this.setManuscript({ ...this.m, finished: true });
  }

  // ---- the draft -------------------------------------------------------------------------------

  /**
   * One answer of the model: after a continuation request when `ask`, until the model ends it, the
   * target cuts it, or the writer stops. A call that runs out of tokens goes on in a fresh piece (so
   * the context can be compacted between them) without any request.
   */
  private async writeDraft(ask: boolean): Promise<"ended" | "cut" | "stopped"> {
    this.startDraftPiece();
    const live = this.live!;
    if (ask) {
      const target = this.m.targetWords ?? writtenWords(this.m);
      live.piece.tokens.push(...(await this.turns.userTurn(continueAsk(writtenWords(this.m), target, this.language(), this.planRevised ? renderPlan(this.m.sections, this.language()) : null))));
      this.planRevised = false;
      if (this.answerOpener) live.piece.tokens.push(...(await this.tokenize(this.answerOpener)));
      this.answerBase = live.piece.tokens.length;
    }
    for (;;) {
      const out = await this.generate(this.draftTokens(), this.limits.maxTokensPerSegment, [...this.draftStops(), ...this.turns.stops], this.passGrammars.answer);
      if (!out) return this.abandonDraft();
      if (out.reason === "cut" || out.reason === "loop") {
        await this.trimDraft(out.reason);
        if (out.reason === "loop") this.options.onNote?.("The draft began to repeat itself: the repetition was cut.");
        this.splitter.flush();
        this.endDraftPiece();
        return out.reason === "cut" ? "cut" : "ended";
      }
      if (out.result.stopReason !== "maxTokens") break;
      // The call's token limit, not the model: it goes on where it stood, in a fresh piece.
      this.endDraftPiece();
      this.startDraftPiece();
    }
    this.takePieces(this.splitter.flush());
    this.endDraftPiece();
    return "ended";
  }

  /** Stop strings of the draft besides the prompt format's (think-answer: `</answer>`). */
  protected draftStops(): string[] {
    return [];
  }

  private startDraftPiece(): void {
    const piece = this.context.push({ kind: "turn", tokens: [] });
    this.live = { piece, parser: new TranscriptParser(), stepBase: this.m.steps.length };
    this.marks = [];
    this.answerText = "";
    this.emitted = 0;
    this.answerMarks = [];
    this.answerBase = 0;
    this.stepTextStart = 0;
  }

  private endDraftPiece(): void {
    const live = this.live;
    if (!live) return;
    if (this.stepOpen) this.closeStep();
    this.pieceTexts.set(live.piece, this.answerText);
    this.endLive();
  }

  /** Stopped by the writer: the text written stays in the document, its step closed. */
  private abandonDraft(): "stopped" {
    const live = this.live;
    if (live) {
      this.takePieces(this.splitter.flush());
      if (this.stepOpen) this.closeStep();
      this.applyParserEvents(live.parser.end(), live.stepBase);
      const index = this.context.pieces.indexOf(live.piece);
      if (index >= 0) this.context.truncate(index);
      this.live = null;
      this.phase = "none";
    }
    return "stopped";
  }

  /** Tokens to make room for: what is left of the target at the tokens per word seen so far. */
  private draftTokens(): number {
    const words = writtenWords(this.m);
    const left = this.m.targetWords === null ? 2000 : Math.max(200, this.m.targetWords - words);
    const perWord = words > 50 && this.accounting.tokensGenerated > 0 ? Math.min(8, this.accounting.tokensGenerated / words) : 2;
    return Math.min(this.limits.maxTokensPerSegment, Math.ceil(left * 1.3 * perWord) + 64);
  }

  /** The model's text: the draft goes through the heading splitter; the planning straight to the plan. */
  protected override feedLive(text: string): void {
    if (this.stage === "think") {
      super.feedLive(text);
      return;
    }
    if (!this.live || text === "") return;
    this.answerText += text;
    this.takePieces(this.splitter.push(text));
  }

  /** Feeds IS-CoT the controller made up to the live parser (bypassing the splitter). */
  protected feedProtocol(text: string): void {
    super.feedLive(text);
  }

  private takePieces(pieces: DraftPiece[]): void {
    for (const p of pieces) {
      if (p.type === "section") {
        this.openStep(p.title, p.heading);
        continue;
      }
      if (!this.stepOpen) this.openStep(null, false);
      if (this.stepTextStart < 0) this.stepTextStart = this.emitted;
      this.emitted += p.text.length;
      this.feedProtocol(p.text);
    }
  }

  /**
   * A step starts: at a section heading, or where text goes on with no step open (the opening, or the
   * text after a continuation request or a piece boundary, which goes on with the last section).
   */
  private openStep(title: string | null, heading: boolean): void {
    if (this.stepOpen) this.closeStep();
    const section = this.sectionForStep(title, heading);
    this.feedProtocol(`<step_plan>\n${section === null ? "" : `${this.language() === "zh" ? "部分" : "Section"}: ${section}`}\n</step_plan>\n<content>\n`);
    this.stepOpen = true;
    this.stepTextStart = -1;
    this.contentSinceLoopCheck = 0;
  }

  /**
   * The title the new step's plan names. Direct: a heading adds a section to the plan; text with no
   * heading goes on with the last section (or opens the document).
   */
  protected sectionForStep(title: string | null, heading: boolean): string | null {
    const last = this.m.steps[this.m.steps.length - 1];
    const lastTitle = last?.sectionId ? (this.m.sections.find((s) => s.id === last.sectionId)?.title ?? null) : null;
    if (!heading && lastTitle !== null && title === null) return lastTitle;
    const name = title ?? (this.language() === "zh" ? "开篇" : "Opening");
    this.addSection(name);
    return name;
  }

  /** Adds a section to the plan this run grows from the headings. */
  private addSection(title: string): void {
    const drafts = [...this.m.sections.map((s) => ({ title: s.title, brief: s.brief, budget: s.budget })), { title, brief: "", budget: 0 }];
    const own = this.headingRevision !== null && this.m.revisions[this.m.revisions.length - 1] === this.headingRevision;
    const base = own ? this.m.revisions.slice(0, -1) : this.m.revisions;
    const { sections, next } = matchSections(this.m.sections, drafts, nextSectionNumber(this.m));
    const text = drafts.map((d) => `## ${d.title}`).join("\n");
    if (own) {
      const revision: PlanRevision = { ...this.headingRevision!, text, sections, nextSectionNumber: next };
      this.headingRevision = revision;
      this.setManuscript({ ...this.m, sections, revisions: [...base, revision] });
    } else {
      const m = withRevision(this.m, text, sections, next);
      this.headingRevision = m.revisions[m.revisions.length - 1]!;
      this.setManuscript(m);
    }
  }

  /** Closes the open step with the exact progress as its reflection. */
  private closeStep(): void {
    this.feedProtocol("\n</content>\n");
    this.feedProtocol(`<reflection>\n${progressLine(writtenWords(this.m), this.m.targetWords, this.language())}\n</reflection>\n`);
    this.stepOpen = false;
  }

  protected override mark(tokens: number): void {
    if (this.stage === "draft") this.answerMarks.push({ tokens, text: this.answerText.length });
  }

  /** Past the target (with its tolerance) the draft is cut; a draft that loops is cut too. */
  protected override watch(tokenCount: number): void {
    if (this.stage !== "draft" || !this.stepOpen) return;
    const target = this.m.targetWords;
    if (target !== null && writtenWords(this.m) >= target + targetTolerance(target)) {
      this.requestAbort("cut");
      return;
    }
    this.contentSinceLoopCheck += tokenCount;
    if (this.contentSinceLoopCheck >= 24) {
      this.contentSinceLoopCheck = 0;
      const step = this.m.steps[this.m.steps.length - 1];
      if (step && findLoop(step.content) !== null) this.requestAbort("loop");
    }
  }

  /**
   * Cuts the open step back: past the target to the sentence end nearest it, a loop to the end of its
   * first occurrence. The model's tokens are kept up to the last batch inside the kept text; only the
   * rest is tokenized again.
   */
  private async trimDraft(reason: "cut" | "loop"): Promise<void> {
    const live = this.live;
    const index = this.m.steps.length - 1;
    const step = this.m.steps[index];
    if (!live || !step || !this.stepOpen || this.stepTextStart < 0) return;
    const end = reason === "loop" ? findLoop(step.content) : this.sentenceEndNearTarget(index, step.content);
    if (end === null || end >= step.content.length) return;
    const kept = step.content.slice(0, end).trimEnd();
    const from = this.stepTextStart + (this.answerText.slice(this.stepTextStart).length - this.answerText.slice(this.stepTextStart).trimStart().length);
    let cutAt = from + kept.length;
    // The step's content is the streamed text with its leading white space dropped; else cut by words.
    if (this.answerText.slice(from, cutAt) !== kept) cutAt = this.answerText.length;
    const mark = [...this.answerMarks].reverse().find((m) => m.text <= cutAt);
    const keptTokens = live.piece.tokens.slice(0, mark ? mark.tokens : this.answerBase);
    live.piece.tokens = [...keptTokens, ...(await this.tokenize(this.answerText.slice(mark ? mark.text : 0, cutAt)))];
    this.answerText = this.answerText.slice(0, cutAt);
    this.answerMarks = this.answerMarks.filter((m) => m.text <= cutAt);
    // The step starts again from its plan with the kept text; the splitter's held text is dropped.
    this.setManuscript({ ...this.m, steps: this.m.steps.slice(0, index) });
    live.parser = new TranscriptParser();
    live.stepBase = index;
    this.feedProtocol(`<step_plan>\n${step.plan}\n</step_plan>\n<content>\n${kept}`);
    this.splitter.flush();
    if (this.m.steps[index]?.words !== countWriterWords(kept)) throw new Error("The trimmed step does not hold the kept text.");
  }

  /**
   * The writer's edits, at a request boundary. Plan edits reach the model in the next continuation
   * request; an edit of written text makes the model read the draft again from the manuscript.
   */
  protected override async takeInEdits(): Promise<void> {
    const pending = this.edits.filter((e) => e.info.state === "pending");
    if (pending.length === 0) {
      if (this.edits.length > 0) {
        this.edits = [];
        this.options.onEdits?.([]);
      }
      return;
    }
    if (pending.some((e) => e.edit.type !== "editStep")) this.planRevised = true;
    if (pending.some((e) => e.edit.type === "editStep")) {
      const first = this.context.pieces.findIndex((p) => p.kind === "turn");
      if (first >= 0) {
        const draft = manuscriptText(this.m);
        const piece: Piece = { kind: "turn", tokens: await this.tokenize(draft) };
        this.context.truncate(first);
        this.context.push(piece);
        this.pieceTexts.set(piece, draft);
        this.options.onNote?.("The writer's edit of the text is in the model's context: it reads the draft again from the start.");
      }
    }
    for (const e of pending) e.info = { ...e.info, state: "applied" };
    this.options.onEdits?.(this.pendingEdits());
    this.edits = [];
  }

  /**
   * Makes room: the prompt and the plan stay, and the latest pieces of the draft (as many as fit, at
   * most `keepFullSteps`); the older pieces are replaced by one line that says how many words they held
   * (they stay in the document).
   */
  protected override async compact(needed: number): Promise<void> {
    const size = this.inputLimit();
    const live = this.live?.piece;
    const drafts = this.context.pieces.filter((p) => p.kind === "turn" && p !== live && this.pieceTexts.get(p) !== "");
    for (let keep = Math.min(this.limits.keepFullSteps, drafts.length - 1); keep >= 0; keep--) {
      const old = drafts.slice(0, drafts.length - keep);
      const words = this.elidedWords + old.reduce((n, p) => n + countWriterWords(this.pieceTexts.get(p) ?? ""), 0);
      const note = this.language() === "zh" ? `\n[此处省略前文${words}字]\n` : `\n[${words} words of the text above are not shown here.]\n`;
      const elided: Piece = { kind: "turn", tokens: await this.tokenize(note) };
      // Notes of earlier compactions go too: the new one counts their words.
      const notes = this.context.pieces.filter((p) => p.kind === "turn" && this.pieceTexts.get(p) === "");
      const pieces = this.context.pieces.filter((p) => !old.includes(p) && !notes.includes(p));
      const at = pieces.findIndex((p) => p.kind === "turn");
      pieces.splice(at < 0 ? pieces.length : at, 0, elided);
      const length = pieces.reduce((n, p) => n + p.tokens.length, 0);
      if (length + needed > size && keep > 0) continue;
      const before = this.context.length;
      if (length >= before) return;
      this.pieceTexts.set(elided, "");
      this.elidedWords = words;
      this.context.replaceAll(pieces);
      this.options.onNote?.(`The context was compacted to make room: ${before} → ${length} tokens; ${this.elidedWords} words of the earlier text are elided from the model's view (not from the document).`);
      return;
    }
  }
}
