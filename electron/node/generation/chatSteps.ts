// What the chat modes share (orchestrated, AgentWrite): every request is a chat turn appended to one
// token array, so each request decodes only its own new turn. Each step's text is bounded by its
// budget (it ends at the first sentence end past it), a plan the writer revised goes with the next
// step's request, and a full window gives way by putting one line in place of the oldest steps.
import type { PromptFormat } from "../../common/engine/catalog";
import { summaryGrammar } from "../../common/generation/grammars";
import { noteAcknowledged, withBible } from "../../common/generation/prompts";
import type { ChatMessage } from "../engine/backend";
import type { ManuscriptEdit } from "../../common/manuscript/edits";
import type { Step } from "../../common/manuscript/types";
import { countWriterWords } from "../../common/metrics/words";
import type { TokenId } from "../engine/backend";
import { compactWithMemory, stepUnits } from "./compaction";
import type { Piece } from "./context";
import { SegmentGuard, type Verdict } from "./guard";
import type { MemoryFormat } from "./memory";
import type { Answer, WritingSession } from "./session";
import { StepWatch, takeInTextEdits } from "./steps";
import { PromptBuilder } from "./turns";

export class ChatSteps {
  /** The plan changed since the model last read it: the next step's request carries it. */
  planRevised = false;
  /** The plan revisions there were when the model's answer to the plan request was read. */
  planRevisions = 0;
  private builder: PromptBuilder | null = null;
  private readonly guard: SegmentGuard;
  private watch: StepWatch | null = null;
  /** Where the model's text of the step being written starts in its piece (after its request). */
  private contentStart = 0;

  /** The first request's messages (set at open); the bible's entries in use go with them. */
  private messages: ChatMessage[] = [];

  /** `useGrammars`: the model is held to its format by grammars (no retelling check: see SegmentGuard). */
  constructor(
    private readonly promptFormat?: PromptFormat,
    private readonly useGrammars = false,
  ) {
    this.guard = new SegmentGuard("bounded", { retell: !useGrammars });
  }

  /** A note is a user turn the model answers with a fixed acknowledgement; a request is a user turn. */
  readonly memory: MemoryFormat = {
    note: async (s, text) => [...(await this.userTurn(text)), ...(await s.tokenize(noteAcknowledged(s.language())))],
    request: async (s, ask) => ({ tokens: await this.userTurn(ask), stop: this.stops, grammar: this.useGrammars ? summaryGrammar(s.language()) : undefined }),
  };

  private get turns(): PromptBuilder {
    if (!this.builder) throw new Error("The chat mode was not opened.");
    return this.builder;
  }

  /** Strings that end the model's answer besides its end token. */
  get stops(): string[] {
    return this.turns.stops;
  }

  /** The context starts with the first request (with the bible's entries in use); what the document holds goes on from its written steps. */
  async open(s: WritingSession, messages: ChatMessage[]): Promise<void> {
    this.builder = new PromptBuilder(s.backend, this.promptFormat);
    this.messages = messages;
    s.resumeWritten();
    s.context.replaceAll([await s.promptPiece(await s.memory.opening(s), (bible) => this.turns.first(withBible(messages, bible)))]);
  }

  /** Tokens that end the assistant's turn, say `message` as the user, and open the assistant's answer. */
  userTurn(message: string): Promise<TokenId[]> {
    return this.turns.userTurn(message);
  }

  /**
   * Asks for the step's text (its request already in the live piece), bounded by its budget; a cut text
   * is trimmed. `prefill`: the text of a stopped step, which opens the answer for the model to go on from.
   * `after`: the tokens the step still needs once its text is written (a reflection turn): the text
   * stops short of the window by as many.
   */
  async content(s: WritingSession, expected: number, grammar: string | undefined, prefill = "", after = 0): Promise<Answer | null> {
    this.contentStart = s.live?.piece.tokens.length ?? 0;
    if (prefill !== "" && s.live) {
      s.live.piece.tokens.push(...(await s.tokenize(prefill)));
      s.feedLive(prefill);
    }
    // The text it goes on from is the writer's (or was kept when it stopped): no cut goes into it.
    const index = s.live?.piece.stepIndex;
    this.guard.keepFirst(prefill !== "" && index !== undefined ? (s.manuscript.steps[index]?.content.length ?? 0) : 0);
    this.watch = new StepWatch(this.guard, s);
    const out = await s.generate({ expected, maxTokens: s.limits.maxTokensPerSegment, stop: this.stops, grammar, watch: this.watch, after });
    if (out?.verdict) await this.trim(s, out.verdict);
    return out;
  }

  /** Text edits rewrite their step's turns; a plan edit goes with the next step's request. */
  async takeIn(s: WritingSession, edits: readonly ManuscriptEdit[], stepTokens: (step: Step) => Promise<TokenId[]>): Promise<void> {
    if (await takeInTextEdits(s, edits, stepTokens)) this.planRevised = true;
  }

  /**
   * Makes room: the first request (with the bible's entries in use), the current plan as the model's
   * answer to it, the memory of the earlier steps as a note, then the last steps in full.
   */
  compact(s: WritingSession, needed: number, planAnswer: () => Promise<TokenId[] | null>): Promise<void> {
    return compactWithMemory(s, needed, stepUnits(s), async (bible, memory) => {
      // The model's own answer to the plan request while the plan is as it answered it (it stays
      // cached); the current plan once a revision was carried by a request the rebuild leaves out.
      const own = s.context.pieces.find((p) => p.kind === "plan");
      const plan = own && s.manuscript.revisions.length <= this.planRevisions ? own.tokens : await planAnswer();
      const pieces: Piece[] = [await s.promptPiece(bible, (b) => this.turns.first(withBible(this.messages, b)))];
      if (plan) pieces.push({ kind: "plan", tokens: plan });
      if (memory) pieces.push({ kind: "memory", tokens: (await this.memory.note(s, memory)) ?? [] });
      return pieces;
    });
  }

  async finish(s: WritingSession): Promise<void> {
    s.setManuscript({ ...s.manuscript, finished: true });
  }

  /**
   * A cut text is trimmed back: a loop to the end of its first occurrence, a budget cut to the first
   * sentence end past the budget. The context keeps the model's tokens up to the last batch inside the
   * kept text; only the rest of it is tokenized again.
   */
  private async trim(s: WritingSession, verdict: Verdict): Promise<void> {
    const live = s.live;
    const index = live?.piece.stepIndex;
    const watch = this.watch;
    if (!live || index === undefined || !watch) return;
    const step = s.manuscript.steps[index];
    if (!step) return;
    const end = this.guard.cutPoint(s.manuscript, index, verdict);
    if (end === null || end >= step.content.length) return;
    const kept = step.content.slice(0, end).trimEnd();
    const mark = [...watch.marks].reverse().find((m) => m.content <= kept.length && m.tokens >= this.contentStart);
    live.piece.tokens = [...live.piece.tokens.slice(0, mark ? mark.tokens : this.contentStart), ...(await s.tokenize(kept.slice(mark ? mark.content : 0)))];
    watch.marks = watch.marks.filter((m) => m.content <= kept.length);
    s.setManuscript({ ...s.manuscript, steps: s.manuscript.steps.map((x, i) => (i === index ? { ...x, content: kept, words: countWriterWords(kept) } : x)) });
  }
}
