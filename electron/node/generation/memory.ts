// The story memory of a run: what of the bible and of the steps already written the model has in view.
// - At the start, the bible's entries in use go into the first request with the instruction.
// - At every step boundary, entries that came into use (their name in the plan, the section's brief or
//   the recent text) or that the writer added or changed are appended as a note, as plan revisions
//   are: the prefix is never decoded again. Each step records the entries in view while it was written.
// - After every step, the model is asked in a short request at the boundary (appended to the same
//   token array and dropped after its answer, so the prefix stays cached) for the new names and
//   changed facts the step introduced; what the step's text supports is proposed for the bible, and a
//   model that answers nothing usable falls back to the rules over the text (proposals.ts).
// - Before a part that would not fit the window, the steps about to leave it are summarized by the
//   model in short requests appended at the boundary (or their reflection stands as their summary,
//   where the profile says so), and summaries that outgrow their share are merged into a digest of the
//   story so far. Then the context is rebuilt (compaction.ts): the instruction with the bible entries
//   in use, the current plan, the summaries of the compacted steps, and the recent steps in full.
import { bibleNote, entriesInUse, entryLine, removedNote } from "../../common/memory/bible";
import { MAX_WAITING, PROPOSAL_TOKENS, proposalAsk, proposalsFromAnswer, proposalsFromStep } from "../../common/memory/proposals";
import { cleanSummary, DIGEST_TOKENS, DIGEST_WORDS, digestAsk, elidedLine, memoryNote, SUMMARY_TOKENS, summaryAsk, summaryFromReflection, summaryLine } from "../../common/memory/summaries";
import { emptyStepMemory, type BibleEntry, type Proposal, type StepMemory } from "../../common/memory/types";
import { overrunCap, writtenWords } from "../../common/generation/rules";
import { isInProgress } from "../../common/manuscript/reducer";
import type { Manuscript } from "../../common/manuscript/types";
import type { TokenId } from "../engine/backend";
import type { WritingSession } from "./session";

/** How the memory reaches one mode's model. */
export interface MemoryFormat {
  /** The tokens of a note the model reads at a boundary; null when none can be put in now (it waits). */
  note(s: WritingSession, text: string): Promise<TokenId[] | null>;
  /** A short request at a boundary: its tokens, and how its answer ends. */
  request(s: WritingSession, ask: string): Promise<{ tokens: TokenId[]; stop: string[]; grammar?: string | undefined }>;
}

/** Where summaries come from: the model's short requests, the step's reflection, or nowhere (the step's length stands for it). */
export type SummarySourceOption = "request" | "reflection" | "none";

export interface MemoryOptions {
  summaries?: SummarySourceOption;
  /**
   * Where proposals come from: the model, asked after each step (where summaries are asked of it too;
   * the generation service sets it for the writer's documents), or the rules over the step's text
   * only (the default: a model check, a bench or a test asks for the model's proposals by name).
   */
  proposals?: "model" | "rules";
  /** The share of the window the memory note may take (default a quarter). */
  noteShare?: number;
  /**
   * The share of the window the bible's entries in use may take, counted with the model's tokenizer
   * (default a fifth): whatever the writer's budget, a small window takes fewer entries.
   */
  bibleShare?: number;
}

/**
 * Tokens the memory spent: notes appended, requests decoded and generated. (The memory's share of the
 * tokens decoded, each counted once, is the session's `accounting.memoryTokensDecoded`.)
 */
export interface MemoryAccounting {
  /** Tokens of bible notes appended at boundaries. */
  noteTokens: number;
  /** Input tokens the summary and digest calls decoded (their request, and what before it was not in the KV cache). */
  requestTokensDecoded: number;
  /** Tokens the model generated for summaries and digests (and proposals: counted here too). */
  requestTokensGenerated: number;
  summaries: number;
  digests: number;
  /** Proposal requests made, and their tokens (also in `requestTokensDecoded`/`requestTokensGenerated`). */
  proposalRequests: number;
  proposalTokensDecoded: number;
  proposalTokensGenerated: number;
  /** Proposal requests whose answer was not usable: the rules proposed instead. */
  proposalFallbacks: number;
}

/** The most proposal requests at one boundary (the steps closed since the last one): older steps get the rules'. */
const MAX_PROPOSAL_REQUESTS = 3;

/** The most summaries asked for at one boundary: older steps left without one show their length. */
const MAX_REQUESTS_AT_ONCE = 24;

/** What a rebuild puts in view, and what it stands for. */
export interface RebuildTexts {
  bible: string;
  memory: string;
  commit(): void;
}

export class MemoryKeeper {
  /** Bible entries in the model's view: id → the line it read. */
  private inView = new Map<string, string>();
  /** Entries in view when the part being written began. */
  private atPartStart: string[] = [];
  /** Steps (a count) already read for proposals and reflections. */
  private readThrough = 0;
  /** The steps the memory note in view stands for: index → its line. */
  private noted = new Map<number, string>();
  /** Steps whose text is no longer in the model's view (the last rebuild left them out). */
  private outOfView = new Set<number>();
  private readonly tokenCache = new Map<string, number>();
  readonly accounting: MemoryAccounting = {
    noteTokens: 0,
    requestTokensDecoded: 0,
    requestTokensGenerated: 0,
    summaries: 0,
    digests: 0,
    proposalRequests: 0,
    proposalTokensDecoded: 0,
    proposalTokensGenerated: 0,
    proposalFallbacks: 0,
  };
  private readonly proposals: "model" | "rules";
  private readonly summaries: SummarySourceOption;
  private readonly noteShare: number;
  private readonly bibleShare: number;
  /** What the timeline was last told the window left out of the memory (told again only when it changes). */
  private toldLeftOut = "";

  constructor(
    private readonly format: MemoryFormat,
    options: MemoryOptions = {},
  ) {
    this.summaries = options.summaries ?? "request";
    this.noteShare = options.noteShare ?? 0.25;
    this.bibleShare = options.bibleShare ?? 0.2;
    this.proposals = options.proposals === "model" && this.summaries === "request" ? "model" : "rules";
  }

  /**
   * Tokens every part leaves free at the end of a window of `size` input tokens, so that a summary can
   * be asked for at the next boundary: at most a fifth of the window (a small window keeps its room
   * for the text; a summary that does not fit is not asked for).
   */
  reserve(size: number): number {
    return this.summaries === "request" ? Math.min(SUMMARY_TOKENS + 250, Math.floor(size / 5)) : 0;
  }

  /**
   * The entries in use for the next step: within the bible's budget (the writer's, by estimate), then
   * within the window's share for them (`scale` of it), counted with the model's tokenizer. The least
   * relevant give way first (a smaller one after them may still go in); `left` are those the window
   * left out.
   */
  private async selection(s: WritingSession, scale = 1): Promise<{ chosen: BibleEntry[]; left: BibleEntry[] }> {
    const language = s.language();
    const room = Math.floor(s.inputLimit() * this.bibleShare * scale);
    const chosen: BibleEntry[] = [];
    const left: BibleEntry[] = [];
    let used = await this.tokens(s, bibleNote([], language));
    for (const { entry } of entriesInUse(s.manuscript, language).chosen) {
      const cost = await this.tokens(s, entryLine(entry, language));
      if (used + cost > room) left.push(entry);
      else {
        chosen.push(entry);
        used += cost;
      }
    }
    return { chosen, left };
  }

  /**
   * Tells the timeline what the window left out of the story memory (bible entries, summaries folded
   * into their length), once for each change.
   */
  private tellLeftOut(s: WritingSession, entries: readonly BibleEntry[], folded: { from: number; to: number; summaries: boolean } | null): void {
    const parts: string[] = [];
    if (entries.length > 0) {
      const names = entries.slice(0, 8).map((e) => e.name);
      const more = entries.length - names.length;
      parts.push(`the bible ${entries.length === 1 ? "entry" : "entries"} ${names.join(", ")}${more > 0 ? ` and ${more} more` : ""}`);
    }
    if (folded?.summaries) parts.push(`the summaries of steps ${folded.from} to ${folded.to} (their length stands for them)`);
    const text = parts.length === 0 ? "" : `The story memory was cut to fit the window (${s.backend.contextSize} tokens): left out of the model's view ${parts.join("; ")}. They stay in the document.`;
    if (text === this.toldLeftOut) return;
    this.toldLeftOut = text;
    if (text) s.note(text);
  }

  /** The bible note for the first request: the entries in use now. They are in view from then on. */
  async opening(s: WritingSession): Promise<string> {
    // Steps written before this run were read in their own run.
    const closed = s.manuscript.steps.findIndex((step) => isInProgress(step));
    this.readThrough = closed < 0 ? s.manuscript.steps.length : closed;
    const { chosen, left } = await this.selection(s);
    this.tellLeftOut(s, left, null);
    this.inView = new Map(chosen.map((e) => [e.id, entryLine(e, s.language())]));
    this.noted.clear();
    this.outOfView.clear();
    return chosen.length > 0 ? bibleNote(chosen, s.language()) : "";
  }

  /**
   * A step boundary: the steps closed since the last one are read for proposals (and for their
   * reflection, where it stands as the summary), then the entries in use that the model has not seen
   * as they are now are appended as a note, with a note for entries the writer removed.
   */
  async boundary(s: WritingSession): Promise<void> {
    await this.propose(s, this.readSteps(s));
    if (s.stopped) return;
    const language = s.language();
    const m = s.manuscript;
    const { chosen: wanted, left } = await this.selection(s);
    this.tellLeftOut(s, left, null);
    const fresh = wanted.filter((e) => this.inView.get(e.id) !== entryLine(e, language));
    const existing = new Set(m.memory.entries.map((e) => e.id));
    const removed = [...this.inView.keys()].filter((id) => !existing.has(id));
    const corrections = this.correctedSummaries(s);
    const parts: string[] = [];
    if (fresh.length > 0) parts.push(bibleNote(fresh, language, fresh.some((e) => this.inView.has(e.id))));
    if (removed.length > 0) parts.push(removedNote(removed.map((id) => this.removedName(id)), language));
    if (corrections) parts.push(corrections.text);
    if (parts.length > 0) {
      const tokens = await this.format.note(s, parts.join("\n"));
      if (tokens) {
        if (tokens.length > 0) s.context.push({ kind: "note", tokens });
        this.accounting.noteTokens += tokens.length;
        for (const e of fresh) this.inView.set(e.id, entryLine(e, language));
        for (const id of removed) this.inView.delete(id);
        corrections?.commit();
      }
    }
    this.atPartStart = [...this.inView.keys()];
  }

  /** The document ends: the steps closed since the last boundary are read for proposals too (the last one included). */
  async finishing(s: WritingSession): Promise<void> {
    await this.propose(s, this.readSteps(s));
  }

  /** Names of entries the model saw, for the note that they were removed (their line starts "- name ("). */
  private removedName(id: string): string {
    const line = this.inView.get(id) ?? id;
    const match = /^- (.+?)\s*[（(]/.exec(line);
    return match?.[1] ?? id;
  }

  /** Summaries the writer changed while the model had the old one in view: a correction to append. */
  private correctedSummaries(s: WritingSession): { text: string; commit(): void } | null {
    const m = s.manuscript;
    const language = s.language();
    const changed: [number, string][] = [];
    for (const [index, line] of this.noted) {
      const step = m.steps[index];
      if (!step?.memory?.summary) continue;
      const now = summaryLine(index + 1, step.memory.summary, language);
      if (now !== line) changed.push([index, now]);
    }
    if (changed.length === 0) return null;
    const head = language === "zh" ? "作者更正了以下摘要" : "The writer corrected these summaries";
    return {
      text: `[${head}:\n${changed.map(([, line]) => line).join("\n")}]`,
      commit: () => {
        for (const [index, line] of changed) this.noted.set(index, line);
      },
    };
  }

  /** Steps closed since the last boundary (their indices, to propose from); their reflection as summary where asked. */
  private readSteps(s: WritingSession): number[] {
    const m = s.manuscript;
    const closed = m.steps.findIndex((step) => isInProgress(step));
    const end = closed < 0 ? m.steps.length : closed;
    if (end <= this.readThrough) {
      this.readThrough = Math.min(this.readThrough, end);
      return [];
    }
    const read: number[] = [];
    let steps = m.steps;
    for (let i = this.readThrough; i < end; i++) {
      read.push(i);
      const step = steps[i]!;
      if (this.summaries === "reflection" && !step.memory?.summary) {
        const summary = summaryFromReflection(step);
        if (summary) {
          if (steps === m.steps) steps = steps.slice();
          steps[i] = { ...step, memory: { ...(step.memory ?? emptyStepMemory()), summary, summaryBy: "reflection" } };
        }
      }
    }
    this.readThrough = end;
    if (steps !== m.steps) s.setManuscript({ ...m, steps });
    return read;
  }

  /**
   * Proposals for the steps just read: the model is asked for each of the last few (the step's text is
   * still in its view), and its answer read defensively; the rules propose for a step whose answer was
   * not usable, for older steps, and where proposals do not come from the model. Waiting proposals are
   * capped (the oldest give way).
   */
  private async propose(s: WritingSession, indices: readonly number[]): Promise<void> {
    const language = s.language();
    const byModel = new Set(this.proposals === "model" && !s.live ? indices.slice(-MAX_PROPOSAL_REQUESTS) : []);
    for (const index of indices) {
      const step = s.manuscript.steps[index];
      if (!step || step.content.trim() === "") continue;
      let proposals: Proposal[] | null = null;
      if (byModel.has(index)) {
        const before = { decoded: this.accounting.requestTokensDecoded, generated: this.accounting.requestTokensGenerated };
        const answer = await this.ask(s, proposalAsk(index + 1, step, language), PROPOSAL_TOKENS);
        if (answer === null) return;
        // No room for the request in the window: nothing was asked, the rules propose.
        const asked = this.accounting.requestTokensDecoded > before.decoded;
        if (asked) {
          this.accounting.proposalRequests++;
          this.accounting.proposalTokensDecoded += this.accounting.requestTokensDecoded - before.decoded;
          this.accounting.proposalTokensGenerated += this.accounting.requestTokensGenerated - before.generated;
          const read = proposalsFromAnswer(answer, step, s.manuscript.memory);
          if (read.usable) proposals = read.proposals;
          else this.accounting.proposalFallbacks++;
        }
      }
      const memory = s.manuscript.memory;
      proposals ??= proposalsFromStep(step, memory, language);
      if (proposals.length === 0) continue;
      const all = [...memory.proposals, ...proposals];
      s.setManuscript({ ...s.manuscript, memory: { ...memory, proposals: all.slice(Math.max(0, all.length - MAX_WAITING)), nextProposal: memory.nextProposal + proposals.length } });
    }
  }

  /** After a part: each step it wrote records the entries the model had in view. */
  afterPart(s: WritingSession, firstNew: number): void {
    const m = s.manuscript;
    if (firstNew >= m.steps.length) return;
    const entries = [...new Set([...this.atPartStart, ...this.inView.keys()])];
    const steps = m.steps.slice();
    for (let i = firstNew; i < steps.length; i++) {
      const step = steps[i]!;
      const memory: StepMemory = { ...(step.memory ?? emptyStepMemory()), entries };
      steps[i] = { ...step, memory };
    }
    s.setManuscript({ ...m, steps });
  }

  /** A step was written again (or the run went back): its reading starts over from there. */
  rewound(index: number): void {
    this.readThrough = Math.min(this.readThrough, index);
    for (const key of [...this.noted.keys()]) if (key >= index) this.noted.delete(key);
    for (const key of [...this.outOfView]) if (key >= index) this.outOfView.delete(key);
  }

  // ---- making room --------------------------------------------------------------------------------

  /**
   * Before a part of `expected` tokens: once the context is past half the window, the steps in view get
   * their summaries (short requests appended at this boundary, dropped after their answer); when the
   * part would not fit, the context is compacted at once, and summaries that take too much of the
   * window are then merged into the digest of the story so far.
   */
  async prepare(s: WritingSession, expected: number): Promise<void> {
    const size = s.inputLimit();
    if (s.live) return;
    // With some slack: the part's own request and forced text come on top of what it expects.
    const full = s.context.length + expected + 256 > size;
    // Past half the window, each step is summarized at the boundary after it (while there is room for
    // the request), so every step has its summary by the time it leaves; unless the whole document
    // will fit the window, when no step leaves it and no summary is needed.
    if (this.summaries === "request" && (full || (s.context.length > size / 2 && this.outgrowsWindow(s, size)))) {
      await this.summarizeLeaving(s);
      if (s.stopped) return;
    }
    if (!full) return;
    await s.compactor(expected + 256);
    // With room made, summaries that take too much of the window are merged for the next rebuild.
    if (this.summaries === "request" && !s.stopped) await this.mergeIntoDigest(s);
  }

  /**
   * Whether the document may outgrow the window: a step already left it, or the words still to come
   * up to the hard cap on overrun, at the tokens per word seen so far, do not fit what is left of it.
   */
  private outgrowsWindow(s: WritingSession, size: number): boolean {
    const m = s.manuscript;
    if (this.outOfView.size > 0 || m.targetWords === null) return true;
    const written = writtenWords(m);
    const perWord = written > 50 ? Math.max(s.context.length, s.accounting.tokensGenerated) / written : 2;
    return s.context.length + Math.max(0, overrunCap(m.targetWords) - written) * perWord > size;
  }

  /**
   * Steps that may leave the window at the next compaction: every closed step still in view (a
   * compaction keeps as many recent steps as fit, sometimes none), less the pinned ones.
   */
  private leaving(s: WritingSession): number[] {
    const m = s.manuscript;
    const through = m.memory.digest?.throughStep ?? -1;
    const closed = m.steps.flatMap((step, i) => (!isInProgress(step) && i > through ? [i] : []));
    return closed.filter((i) => !m.steps[i]!.memory?.pinned);
  }

  /** Asks the model for the summaries of the steps about to leave its window that have none. */
  private async summarizeLeaving(s: WritingSession): Promise<void> {
    const language = s.language();
    // A step already out of view cannot be summarized by the model: its length stands for it.
    const missing = this.leaving(s).filter((i) => !s.manuscript.steps[i]!.memory?.summary && !this.outOfView.has(i));
    for (const index of missing.slice(-MAX_REQUESTS_AT_ONCE)) {
      const step = s.manuscript.steps[index]!;
      const answer = await this.ask(s, summaryAsk(index + 1, step, language), SUMMARY_TOKENS);
      if (answer === null) return;
      const summary = cleanSummary(answer);
      if (summary === "") continue;
      // The writer may have written one meanwhile: theirs stays.
      const now = s.manuscript.steps[index];
      if (!now || now.memory?.summary) continue;
      const steps = s.manuscript.steps.slice();
      steps[index] = { ...now, memory: { ...(now.memory ?? emptyStepMemory()), summary, summaryBy: "model" } };
      s.setManuscript({ ...s.manuscript, steps });
      this.accounting.summaries++;
    }
  }

  /**
   * When the lines of the steps out of view (and the digest) take more than three quarters of their
   * share of the window, the oldest of them are merged with the digest into a new digest of the story
   * so far, which the next rebuild shows in their place.
   */
  private async mergeIntoDigest(s: WritingSession): Promise<void> {
    const m = s.manuscript;
    const language = s.language();
    const share = Math.floor(s.inputLimit() * this.noteShare);
    const digest = m.memory.digest;
    const through = digest?.throughStep ?? -1;
    const out = [...this.outOfView].filter((i) => i > through && i < m.steps.length).sort((a, b) => a - b);
    let total = (digest ? await this.tokens(s, digest.text) : 0) + (await this.sum(s, out.map((i) => this.lineFor(m, i, language))));
    if (total <= share * 0.75 || out.length < 2) return;
    // Merge the oldest (at least two) until what stays takes less than half the share.
    const merge: number[] = [];
    for (const i of out) {
      if (total <= share * 0.4 && merge.length >= 2) break;
      merge.push(i);
      total -= await this.tokens(s, this.lineFor(m, i, language));
    }
    const parts = [...(digest ? [digest.text] : []), ...merge.map((i) => this.lineFor(m, i, language))];
    const answer = await this.ask(s, digestAsk(parts, language), DIGEST_TOKENS);
    if (answer === null) return;
    const text = cleanSummary(answer, DIGEST_WORDS);
    if (text === "") return;
    s.setManuscript({ ...s.manuscript, memory: { ...s.manuscript.memory, digest: { throughStep: merge[merge.length - 1]!, text, by: "model" } } });
    this.accounting.digests++;
  }

  /** One short request at the end of the context; its pieces leave the context after the answer. Null when stopped. */
  private async ask(s: WritingSession, text: string, maxTokens: number): Promise<string | null> {
    const request = await this.format.request(s, text);
    if (s.context.length + request.tokens.length + maxTokens + 64 > s.inputLimit()) return "";
    const piece = s.context.push({ kind: "request", tokens: request.tokens });
    s.openLive(piece);
    let answer = "";
    const before = { ...s.accounting };
    const out = await s.generate({ purpose: "memory", expected: maxTokens, maxTokens, stop: request.stop, grammar: request.grammar, read: (t) => (answer += t) });
    this.accounting.requestTokensDecoded += s.accounting.tokensDecoded - before.tokensDecoded;
    this.accounting.requestTokensGenerated += s.accounting.tokensGenerated - before.tokensGenerated;
    s.dropLive();
    return out ? answer : null;
  }

  // ---- the rebuilt context ------------------------------------------------------------------------

  /** A step's line in the memory note: its summary, else its length. */
  private lineFor(m: Manuscript, index: number, language: "en" | "zh"): string {
    const step = m.steps[index]!;
    return step.memory?.summary ? summaryLine(index + 1, step.memory.summary, language) : elidedLine(index + 1, step.words, language);
  }

  /**
   * The texts of a rebuilt context that shows `compacted` steps only through the memory: the bible's
   * entries in use, and the memory note (the digest, then a line per compacted step after it). The
   * bible and the note each take at most their share of the window, times `shareScale` (a small
   * window's rebuild asks for less, down to 0: nothing of the memory): the least relevant entries
   * are left out, and the oldest lines (then the digest) are folded into one line of their length.
   * `commit` makes them what the model has in view and tells the timeline what was left out.
   */
  async rebuildTexts(s: WritingSession, compacted: readonly number[], shareScale = 1): Promise<RebuildTexts> {
    const m = s.manuscript;
    const language = s.language();
    const { chosen, left } = await this.selection(s, shareScale);
    const bible = chosen.length > 0 ? bibleNote(chosen, language) : "";
    // Steps out of view since earlier rebuilds stay in the note, with those this one leaves out.
    const out = [...new Set([...this.outOfView, ...compacted])].filter((i) => i < m.steps.length).sort((a, b) => a - b);
    const share = Math.floor(s.inputLimit() * this.noteShare * shareScale);
    let digest = m.memory.digest;
    let shown = out.filter((i) => !digest || i > digest.throughStep);
    let lines = shown.map((i) => this.lineFor(m, i, language));
    let total = (digest ? await this.tokens(s, digest.text) : 0) + (await this.sum(s, lines));
    if (digest && total > share && (await this.tokens(s, digest.text)) > share) {
      // The digest alone outgrows the note's share: its steps are folded with the others.
      digest = null;
      shown = out;
      lines = shown.map((i) => this.lineFor(m, i, language));
      total = await this.sum(s, lines);
    }
    let fold = 0;
    let foldedWords = 0;
    while (total > share && fold < lines.length) {
      total -= await this.tokens(s, lines[fold]!);
      foldedWords += m.steps[shown[fold]!]!.words;
      fold++;
    }
    const foldedSteps = shown.slice(0, fold);
    const folded =
      fold === 0
        ? []
        : [language === "zh" ? `第${shown[0]! + 1}至${shown[fold - 1]! + 1}步：共${foldedWords}字，此处省略。` : `Steps ${shown[0]! + 1} to ${shown[fold - 1]! + 1}: ${foldedWords} words, not shown here.`];
    const memory = memoryNote(digest, [...folded, ...lines.slice(fold)], language);
    const lostSummaries = fold > 0 && ((m.memory.digest !== null && digest === null) || foldedSteps.some((i) => m.steps[i]?.memory?.summary));
    return {
      bible,
      memory,
      commit: () => {
        this.inView = new Map(chosen.map((e) => [e.id, entryLine(e, language)]));
        this.noted = new Map(shown.slice(fold).map((i, k) => [i, lines[fold + k]!]));
        this.outOfView = new Set(out);
        this.tellLeftOut(s, left, lostSummaries ? { from: shown[0]! + 1, to: shown[fold - 1]! + 1, summaries: true } : null);
      },
    };
  }

  private async tokens(s: WritingSession, text: string): Promise<number> {
    const cached = this.tokenCache.get(text);
    if (cached !== undefined) return cached;
    const n = (await s.tokenize(text)).length + 1;
    if (this.tokenCache.size > 5000) this.tokenCache.clear();
    this.tokenCache.set(text, n);
    return n;
  }

  private async sum(s: WritingSession, lines: readonly string[]): Promise<number> {
    let n = 0;
    for (const line of lines) n += await this.tokens(s, line);
    return n;
  }
}
