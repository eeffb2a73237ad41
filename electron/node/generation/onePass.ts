// The one-pass modes, for models that write a whole document in one answer without protocol tags:
// "direct" (the LongWriter models: Markdown with headings) and "think-answer" (LongWriter-Zero:
// `<think>` planning, then the `<answer>`; thinkAnswer.ts). The manuscript is still fed IS-CoT, made up
// from the draft as it streams: each section heading starts a step of its section, the text under it
// is its content, and a closed step gets the exact progress as its reflection. One token array: when
// the model ends well below the target it is asked to continue (the continuation rule), and past the
// target the draft ends at the sentence end nearest it.
import type { PromptFormat } from "../../common/engine/catalog";
import type { OnePassGrammars } from "../../common/generation/grammars";
import { HeadingSplitter, type DraftPiece } from "../../common/generation/headings";
import { summaryGrammar } from "../../common/generation/grammars";
import { continueAsk, directMessages, noteAcknowledged, withBible, withVoice, type PromptLanguage } from "../../common/generation/prompts";
import { progressLine, unwrittenSections, writtenWords } from "../../common/generation/rules";
import { renderPlan } from "../../common/iscot/plan";
import { TranscriptParser } from "../../common/iscot/parser";
import { isPlanEdit, type ManuscriptEdit } from "../../common/manuscript/edits";
import { nextSectionNumber, withRevision } from "../../common/manuscript/reducer";
import { matchSections } from "../../common/manuscript/sections";
import type { Manuscript, PlanRevision } from "../../common/manuscript/types";
import { manuscriptText } from "../../common/manuscript/views";
import { countWriterWords } from "../../common/metrics/words";
import type { ChatMessage, TokenId } from "../engine/backend";
import { compactWithMemory, type Unit } from "./compaction";
import type { Piece } from "./context";
import type { MemoryFormat } from "./memory";
import { SegmentGuard, type Verdict } from "./guard";
import type { PartEnd, WritingMode } from "./mode";
import type { SegmentWatch, WritingSession } from "./session";
import { voicePrompt } from "./voice";
import { PromptBuilder } from "./turns";

export interface OnePassOptions {
  /** The model's prompt format from the catalog; left out: its chat template. */
  promptFormat?: PromptFormat;
  /** Grammars for the tiny test model (see onePassGrammars). */
  grammars?: Partial<OnePassGrammars>;
  /** How many times a model that ends short is asked to go on before the run stops (default 12). */
  maxContinuations?: number;
}

/** What sets the one-pass modes apart. */
export interface OnePassFlavor {
  readonly kind: "direct" | "think-answer";
  /** The first request's messages. */
  messages(m: Manuscript, language: PromptLanguage): ChatMessage[];
  /** Stop strings of the draft besides the prompt format's (think-answer: `</answer>`). */
  readonly stops: readonly string[];
  /** The text that opens the model's answer after a continuation request (think-answer: `<answer>`). */
  readonly answerOpener: string;
  /** The tokens that stand for a plan already written, when a project is continued. */
  resumedPlan(s: WritingSession): Promise<TokenId[]>;
  /** The section a new step goes to, and whether that adds it to the plan. */
  sectionFor(m: Manuscript, title: string | null, heading: boolean, language: PromptLanguage): { title: string | null; adds: boolean };
  /** Writes the plan before the draft; true when the plan was then revised to be steerable. */
  plan?(s: WritingSession, ask: { grammar: string | undefined; stops: readonly string[] }): Promise<boolean>;
}

/** Direct: one pass of Markdown; its headings are the sections of the plan, as they stream. */
export const directFlavor: OnePassFlavor = {
  kind: "direct",
  messages: (m, language) => directMessages(m.instruction, m.targetWords, language),
  stops: [],
  answerOpener: "",
  resumedPlan: async () => [],
  // A heading adds a section to the plan; text with no heading goes on with the last section (or opens the document).
  sectionFor: (m, title, heading, language) => {
    const lastTitle = lastSectionTitle(m);
    if (!heading && lastTitle !== null && title === null) return { title: lastTitle, adds: false };
    return { title: title ?? (language === "zh" ? "开篇" : "Opening"), adds: true };
  },
};

/** The title of the section the last step wrote, if any. */
export function lastSectionTitle(m: Manuscript): string | null {
  const last = m.steps[m.steps.length - 1];
  return last?.sectionId ? (m.sections.find((s) => s.id === last.sectionId)?.title ?? null) : null;
}

export class OnePassMode implements WritingMode {
  readonly rewritesSteps = false;
  readonly kind: OnePassFlavor["kind"];
  readonly plan?: (s: WritingSession) => Promise<void>;
  private builder: PromptBuilder | null = null;
  private readonly splitter = new HeadingSplitter();
  private readonly guard: SegmentGuard;
  private readonly maxContinuations: number;
  /** The plan changed (the writer's edit, budgets made to add up): the next continuation request carries it. */
  private planRevised = false;
  /** The next answer follows a continuation request (the document already has text). */
  private askNext = false;
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
  /** The plan revision this run grows from the headings (replaced in place while it is the last). */
  private headingRevision: PlanRevision | null = null;
  /** The text of each closed answer piece. */
  private readonly pieceTexts = new Map<Piece, string>();
  /** The steps whose text each closed answer piece holds, for compacting the context. */
  private readonly pieceSteps = new Map<Piece, number[]>();
  /** The steps there were when the live answer piece began. */
  private pieceStart = 0;

  /**
   * A note goes in as a user turn the model answers with a fixed acknowledgement, only where its answer
   * has ended (before a continuation request); in the middle of its answer it waits. A request is a
   * user turn (a detour dropped once answered).
   */
  readonly memory: MemoryFormat = {
    note: async (s, text) => (this.askNext ? [...(await this.turns.userTurn(text)), ...(await s.tokenize(noteAcknowledged(s.language())))] : null),
    request: async (s, ask) => ({
      tokens: await this.turns.userTurn(ask),
      stop: [...this.flavor.stops, ...this.turns.stops],
      grammar: this.options.grammars?.answer ? summaryGrammar(s.language()) : undefined,
    }),
  };

  constructor(
    private readonly flavor: OnePassFlavor,
    private readonly options: OnePassOptions = {},
  ) {
    this.kind = flavor.kind;
    this.guard = new SegmentGuard("target", { retell: options.grammars === undefined });
    this.maxContinuations = options.maxContinuations ?? 12;
    const plan = flavor.plan;
    if (plan) {
      this.plan = async (s) => {
        if (await plan(s, { grammar: this.options.grammars?.think, stops: this.turns.stops })) this.planRevised = true;
      };
    }
  }

  private get turns(): PromptBuilder {
    if (!this.builder) throw new Error("The one-pass mode was not opened.");
    return this.builder;
  }

  /** The prompt, then what the model already wrote (a project being continued): the plan (think-answer) and the draft. */
  async open(s: WritingSession): Promise<void> {
    this.builder = new PromptBuilder(s.backend, this.options.promptFormat);
    s.resumeWritten();
    const pieces: Piece[] = [await s.promptPiece(await s.memory.opening(s), (bible) => this.promptTokens(s, bible))];
    const plan = await this.flavor.resumedPlan(s);
    if (plan.length > 0) pieces.push({ kind: "plan", tokens: plan });
    const draft = manuscriptText(s.manuscript);
    if (draft !== "") {
      const piece: Piece = { kind: "turn", tokens: await s.tokenize(draft) };
      this.pieceTexts.set(piece, draft);
      this.pieceSteps.set(piece, s.manuscript.steps.map((_, i) => i));
      pieces.push(piece);
    }
    s.context.replaceAll(pieces);
    this.askNext = draft !== "";
  }

  /** The first request, with the bible's entries in use. */
  private async promptTokens(s: WritingSession, bible: string): Promise<TokenId[]> {
    return this.turns.first(withVoice(withBible(this.flavor.messages(s.manuscript, s.language()), bible), await voicePrompt(s)));
  }

  async revisePlan(): Promise<void> {
    this.planRevised = true;
  }

  partTokens(s: WritingSession): number {
    // The continuation request comes with the draft.
    return this.draftTokens(s) + (this.askNext ? 400 : 0);
  }

  /**
   * One answer of the model: after a continuation request when the document has text, until the model
   * ends it, the target cuts it, or the writer stops. A call that runs out of tokens goes on in a fresh
   * piece (so the context can be compacted between them) without any request.
   */
  async write(s: WritingSession): Promise<PartEnd> {
    const ask = this.askNext;
    this.askNext = true;
    this.startDraftPiece(s);
    if (ask) await this.askToContinue(s);
    const watch: SegmentWatch = {
      // The loop check counts tokens from the start of each step (openStep), not of each call.
      begin: () => {},
      batch: (pieceTokens, tokens) => {
        this.answerMarks.push({ tokens: pieceTokens, text: this.answerText.length });
        return this.stepOpen ? this.guard.check(s.manuscript, s.manuscript.steps.length - 1, tokens) : null;
      },
    };
    // The model's own limit of new tokens an answer (LongWriter-Zero's card: 15,500), if its format has one.
    const limit = this.turns.maxNewTokens;
    let answerLeft = limit ?? Number.POSITIVE_INFINITY;
    for (;;) {
      const out = await s.generate({
        expected: Math.min(this.draftTokens(s), answerLeft),
        maxTokens: Math.min(s.limits.maxTokensPerSegment, answerLeft),
        stop: [...this.flavor.stops, ...this.turns.stops],
        grammar: this.options.grammars?.answer,
        read: (text) => this.readDraft(s, text),
        watch,
      });
      if (!out) return this.abandonDraft(s);
      if (out.verdict) {
        await this.trimDraft(s, out.verdict);
        if (out.verdict === "loop") s.note("The draft began to repeat itself: the repetition was cut.");
        if (out.verdict === "retell") s.note("The draft began to re-tell its earlier sections (most of its last phrases were already written): the retelling was cut.");
        this.splitter.flush();
        this.endDraftPiece(s);
        if (out.verdict === "loop" || out.verdict === "retell") return "ended";
        s.note(`The draft reached its target: it ends at the sentence nearest ${s.manuscript.targetWords} words.`);
        return "cut";
      }
      if (out.result.stopReason !== "maxTokens") break;
      answerLeft -= out.result.generatedTokens;
      if (answerLeft <= 0) {
        // As long an answer as the model was made for: it ends here, and is asked to go on if short.
        s.note(`The answer reached the model's limit of ${limit!.toLocaleString("en-US")} new tokens: it ends there.`);
        break;
      }
      // The call's token limit, not the model: it goes on where it stood, in a fresh piece (room made first).
      this.endDraftPiece(s);
      await s.memory.prepare(s, this.draftTokens(s));
      if (s.stopped) return "stopped";
      const draftInView = s.context.pieces.at(-1)?.kind === "turn";
      this.startDraftPiece(s);
      // Room was made by letting all of the draft go: the model has no text of its own to go on from,
      // so it is asked to continue (as after an answer that ended short, but the model did not end).
      if (!draftInView) {
        // Its answer starts again at a line start: the text the splitter held back is the draft's.
        this.takePieces(s, this.splitter.flush());
        if (this.stepOpen) this.closeStep(s);
        await this.askToContinue(s);
      }
    }
    this.takePieces(s, this.splitter.flush());
    this.endDraftPiece(s);
    return "ended";
  }

  /**
   * The writer's edits, at a request boundary. Plan edits reach the model in the next continuation
   * request; an edit of written text makes the model read the draft again from the manuscript.
   */
  async takeIn(s: WritingSession, edits: readonly ManuscriptEdit[]): Promise<void> {
    if (edits.some(isPlanEdit)) this.planRevised = true;
    if (!edits.some((e) => e.type === "editStep")) return;
    const first = s.context.pieces.findIndex((p) => p.kind === "turn");
    if (first < 0) return;
    const draft = manuscriptText(s.manuscript);
    const piece: Piece = { kind: "turn", tokens: await s.tokenize(draft) };
    s.context.truncate(first);
    s.context.push(piece);
    this.pieceTexts.set(piece, draft);
    this.pieceSteps.set(piece, s.manuscript.steps.map((_, i) => i));
    s.note("The writer's edit of the text is in the model's context: it reads the draft again from the start.");
  }

  /**
   * Makes room: the first request (with the bible's entries in use), the plan, the memory of the
   * earlier text as a note in the draft, then the latest pieces of the draft (as many as fit, at most
   * `keepFullSteps`). The older text stays in the document.
   */
  compact(s: WritingSession, needed: number): Promise<void> {
    const live = s.live?.piece;
    const units: Unit[] = s.context.pieces.flatMap((p) => (p.kind === "turn" && p !== live && this.pieceSteps.has(p) ? [{ pieces: [p], steps: this.pieceSteps.get(p)! }] : []));
    return compactWithMemory(s, needed, units, async (bible, memory) => [
      await s.promptPiece(bible, (b) => this.promptTokens(s, b)),
      ...s.context.pieces.filter((p) => p.kind === "plan" && p !== live),
      ...(memory ? [{ kind: "memory" as const, tokens: await s.tokenize(`\n${memory}\n`) }] : []),
    ]);
  }

  async finish(s: WritingSession): Promise<void> {
    s.setManuscript({ ...s.manuscript, finished: true });
  }

  limit(s: WritingSession, shortEnds: number): string | null {
    if (shortEnds < this.maxContinuations) return null;
    return `The model ended short ${shortEnds} times: stopped at ${writtenWords(s.manuscript)} of ${s.manuscript.targetWords} words.`;
  }

  shortEnd(words: number, target: number | null): string {
    return `The model ended at ${words} of ${target} words: it is asked to continue.`;
  }

  /** The continuation request the live draft piece opens with: the words written and still wanted, the plan if revised, the sections not written. */
  private async askToContinue(s: WritingSession): Promise<void> {
    const live = s.live!;
    const m = s.manuscript;
    const language = s.language();
    const target = m.targetWords ?? writtenWords(m);
    const missing = unwrittenSections(m).map((x) => ({ title: x.title, budget: x.budget }));
    live.piece.tokens.push(...(await this.turns.userTurn(continueAsk(writtenWords(m), target, language, this.planRevised ? renderPlan(m.sections, language) : null, missing))));
    this.planRevised = false;
    if (this.flavor.answerOpener) live.piece.tokens.push(...(await s.tokenizeProtocol(this.flavor.answerOpener)));
    this.answerBase = live.piece.tokens.length;
  }

  // ---- the draft -------------------------------------------------------------------------------

  private startDraftPiece(s: WritingSession): void {
    s.startLive("turn");
    this.pieceStart = s.manuscript.steps.length;
    this.answerText = "";
    this.emitted = 0;
    this.answerMarks = [];
    this.answerBase = 0;
    this.stepTextStart = 0;
  }

  private endDraftPiece(s: WritingSession): void {
    const live = s.live;
    if (!live) return;
    if (this.stepOpen) this.closeStep(s);
    this.pieceTexts.set(live.piece, this.answerText);
    this.pieceSteps.set(
      live.piece,
      s.manuscript.steps.flatMap((_, i) => (i >= this.pieceStart ? [i] : [])),
    );
    s.endLive();
  }

  /** Stopped by the writer: the text written stays in the document, its step closed. */
  private abandonDraft(s: WritingSession): "stopped" {
    const live = s.live;
    if (live) {
      this.takePieces(s, this.splitter.flush());
      if (this.stepOpen) this.closeStep(s);
      s.applyParserEvents(live.parser.end(), live.stepBase);
      s.dropLive();
    }
    return "stopped";
  }

  /** Tokens to make room for: what is left of the target at the tokens per word seen so far. */
  private draftTokens(s: WritingSession): number {
    const m = s.manuscript;
    const words = writtenWords(m);
    const left = m.targetWords === null ? 2000 : Math.max(200, m.targetWords - words);
    const generated = s.accounting.tokensGenerated;
    const perWord = words > 50 && generated > 0 ? Math.min(8, generated / words) : 2;
    return Math.min(s.limits.maxTokensPerSegment, Math.ceil(left * 1.3 * perWord) + 64);
  }

  /** The model's text goes through the heading splitter. */
  private readDraft(s: WritingSession, text: string): void {
    if (!s.live || text === "") return;
    this.answerText += text;
    this.takePieces(s, this.splitter.push(text));
  }

  private takePieces(s: WritingSession, pieces: DraftPiece[]): void {
    for (const p of pieces) {
      if (p.type === "section") {
        this.openStep(s, p.title, p.heading);
        continue;
      }
      if (!this.stepOpen) this.openStep(s, null, false);
      if (this.stepTextStart < 0) this.stepTextStart = this.emitted;
      this.emitted += p.text.length;
      s.feedLive(p.text);
    }
  }

  /**
   * A step starts: at a section heading, or where text goes on with no step open (the opening, or the
   * text after a continuation request or a piece boundary, which goes on with the last section).
   */
  private openStep(s: WritingSession, title: string | null, heading: boolean): void {
    if (this.stepOpen) this.closeStep(s);
    const language = s.language();
    const section = this.flavor.sectionFor(s.manuscript, title, heading, language);
    if (section.adds && section.title !== null) this.addSection(s, section.title);
    s.feedLive(`<step_plan>\n${section.title === null ? "" : `${language === "zh" ? "部分" : "Section"}: ${section.title}`}\n</step_plan>\n<content>\n`);
    this.stepOpen = true;
    this.stepTextStart = -1;
    this.guard.reset();
  }

  /** Adds a section to the plan this run grows from the headings. */
  private addSection(s: WritingSession, title: string): void {
    const m = s.manuscript;
    const drafts = [...m.sections.map((x) => ({ title: x.title, brief: x.brief, budget: x.budget })), { title, brief: "", budget: 0 }];
    const own = this.headingRevision !== null && m.revisions[m.revisions.length - 1] === this.headingRevision;
    const { sections, next } = matchSections(m.sections, drafts, nextSectionNumber(m));
    const text = drafts.map((d) => `## ${d.title}`).join("\n");
    if (own) {
      const revision: PlanRevision = { ...this.headingRevision!, text, sections, nextSectionNumber: next };
      this.headingRevision = revision;
      s.setManuscript({ ...m, sections, revisions: [...m.revisions.slice(0, -1), revision] });
    } else {
      const grown = withRevision(m, text, sections, next);
      this.headingRevision = grown.revisions[grown.revisions.length - 1]!;
      s.setManuscript(grown);
    }
  }

  /** Closes the open step with the exact progress as its reflection. */
  private closeStep(s: WritingSession): void {
    s.feedLive("\n</content>\n");
    s.feedLive(`<reflection>\n${progressLine(writtenWords(s.manuscript), s.manuscript.targetWords, s.language())}\n</reflection>\n`);
    this.stepOpen = false;
  }

  /**
   * Cuts the open step back: past the target to the sentence end nearest it, a loop to the end of its
   * first occurrence. The model's tokens are kept up to the last batch inside the kept text; only the
   * rest is tokenized again.
   */
  private async trimDraft(s: WritingSession, verdict: Verdict): Promise<void> {
    const live = s.live;
    const index = s.manuscript.steps.length - 1;
    const step = s.manuscript.steps[index];
    if (!live || !step || !this.stepOpen || this.stepTextStart < 0) return;
    const end = this.guard.cutPoint(s.manuscript, index, verdict);
    if (end === null || end >= step.content.length) return;
    const kept = step.content.slice(0, end).trimEnd();
    const from = this.stepTextStart + (this.answerText.slice(this.stepTextStart).length - this.answerText.slice(this.stepTextStart).trimStart().length);
    let cutAt = from + kept.length;
    // The step's content is the streamed text with its leading white space dropped; else cut by words.
    if (this.answerText.slice(from, cutAt) !== kept) cutAt = this.answerText.length;
    const mark = [...this.answerMarks].reverse().find((m) => m.text <= cutAt);
    const keptTokens = live.piece.tokens.slice(0, mark ? mark.tokens : this.answerBase);
    live.piece.tokens = [...keptTokens, ...(await s.tokenize(this.answerText.slice(mark ? mark.text : 0, cutAt)))];
    this.answerText = this.answerText.slice(0, cutAt);
    this.answerMarks = this.answerMarks.filter((m) => m.text <= cutAt);
    // The step starts again from its plan with the kept text; the splitter's held text is dropped.
    s.setManuscript({ ...s.manuscript, steps: s.manuscript.steps.slice(0, index) });
    live.parser = new TranscriptParser();
    live.stepBase = index;
    s.feedLive(`<step_plan>\n${step.plan}\n</step_plan>\n<content>\n${kept}`);
    this.splitter.flush();
    if (s.manuscript.steps[index]?.words !== countWriterWords(kept)) throw new Error("The trimmed step does not hold the kept text.");
  }
}

/** The direct mode. */
export function directMode(options: OnePassOptions = {}): OnePassMode {
  return new OnePassMode(directFlavor, options);
}
