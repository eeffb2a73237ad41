// The IS-CoT modes: the model writes the protocol itself, from its training ("native", IS-Writer) or
// taught by a system prompt ("prompted"). The mode drives it the way the paper's synthesis loop does,
// made interactive: it forces `<global_plan>` and `<step_plan>` at the decision points, writes the
// exact progress into every reflection, closes segments the guard cuts (keeping the model's tokens up
// to the cut), takes plan edits in as a revision appended to the transcript and text edits by
// rewriting one step's piece, and compacts the transcript before the window fills.
import { targetTolerance, writtenWords } from "../../common/generation/rules";
import { nativeMessages, promptedMessages, withBible, withVoice } from "../../common/generation/prompts";
import { onlyFloorsLeft, progressLine } from "../../common/generation/rules";
import { TranscriptParser } from "../../common/iscot/parser";
import { closingTags, openingTags } from "../../common/iscot/tags";
import { writeGlobalPlan, writeStep } from "../../common/iscot/transcript";
import type { ManuscriptEdit } from "../../common/manuscript/edits";
import type { Step } from "../../common/manuscript/types";
import type { TokenId } from "../engine/backend";
import { compactWithMemory, stepUnits } from "./compaction";
import type { Piece } from "./context";
import type { MemoryFormat } from "./memory";
import { SegmentGuard, type Verdict } from "./guard";
import type { PartEnd, StepPreset, WritingMode } from "./mode";
import type { WritingSession } from "./session";
import { voicePrompt } from "./voice";
import { currentStepNumber, nextSection, plansAnotherStep, reflectionRoom, segmentTokens, steerablePlan, stepLimitReached, StepWatch, takeInTextEdits } from "./steps";

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
  /** After a summary request's `<summary>\n`: the summary, up to `</summary>`. */
  summary?: string;
}

/**
 * Where a step's segment ends: its reflection opening or closing, FINISHED, or the next step's plan
 * (a model that skips its reflection), every alias included.
 */
const STOPS_IN_STEP = [...openingTags("reflection"), ...closingTags("reflection"), ...openingTags("finished"), ...openingTags("step_plan")];
/** Where a reflection ends: its closing, FINISHED, or the next block (a step plan, a plan revision) opened without closing it. */
const STOPS_IN_REFLECTION = [...closingTags("reflection"), ...openingTags("finished"), ...openingTags("step_plan"), ...openingTags("global_plan")];
/** Where the global plan ends: its closing, or a first step opened without closing it. */
const STOPS_IN_PLAN = [...closingTags("global_plan"), ...openingTags("step_plan")];

export class IsCotMode implements WritingMode {
  readonly rewritesSteps = true;
  private readonly guard: SegmentGuard;
  private watch: StepWatch | null = null;

  constructor(
    readonly kind: "native" | "prompted",
    private readonly grammars: PhaseGrammars = {},
  ) {
    this.guard = new SegmentGuard("steered", { retell: Object.keys(grammars).length === 0 });
  }

  /**
   * Notes between steps are plain text in the transcript; a summary is asked for in brackets and
   * written in a `<summary>` block (not a protocol tag: the parser never sees it).
   */
  readonly memory: MemoryFormat = {
    note: async (s, text) => s.tokenize(`${text}\n`),
    request: async (s, ask) => ({
      tokens: await s.tokenize(`[${ask}]\n<summary>\n`),
      stop: ["</summary>", "<step_plan>", "<reflection>", "<FINISHED>"],
      grammar: this.grammars.summary,
    }),
  };

  /** The prompt, then the transcript so far: each plan revision before the step it precedes, each step. */
  async open(s: WritingSession): Promise<void> {
    s.resumeWritten();
    const pieces: Piece[] = [await s.promptPiece(await s.memory.opening(s), (bible) => this.promptTokens(s, bible))];
    const { steps, revisions } = s.manuscript;
    let r = 0;
    for (let i = 0; i <= steps.length; i++) {
      while (r < revisions.length && revisions[r]!.afterStep <= i) pieces.push({ kind: "plan", tokens: await this.planTokens(s, revisions[r++]!.text) });
      const step = steps[i];
      if (step) pieces.push({ kind: "step", stepIndex: i, tokens: await this.stepTokens(s, step) });
    }
    while (r < revisions.length) pieces.push({ kind: "plan", tokens: await this.planTokens(s, revisions[r++]!.text) });
    s.context.replaceAll(pieces);
  }

  async plan(s: WritingSession): Promise<void> {
    s.startLive("plan");
    await s.force("<global_plan>\n");
    const out = await s.generate({ expected: s.limits.maxPlanTokens, maxTokens: s.limits.maxPlanTokens, stop: STOPS_IN_PLAN, grammar: this.grammars.plan });
    if (!out) return;
    // Closed by the model or not (it may open its first step instead), the plan ends here; the step is begun as usual.
    await s.force("\n</global_plan>\n");
    s.endLive();
    await steerablePlan(s, async (text) => {
      s.context.push({ kind: "plan", tokens: await this.planTokens(s, text) });
    });
  }

  /**
   * One step: forces `<step_plan>`, lets the model plan and write, writes the progress into its
   * reflection, and closes the step.
   */
  async write(s: WritingSession, preset?: StepPreset): Promise<PartEnd> {
    let modelEnded = false;
    s.startLive("step");
    const watch = new StepWatch(this.guard, s);
    this.watch = watch;
    const words = () => progressLine(writtenWords(s.manuscript), s.manuscript.targetWords, s.language());
    await s.force(preset ? `<step_plan>\n${preset.plan}\n</step_plan>\n<content>\n${preset.content ?? ""}` : `<step_plan>\n${this.steer(s)}`);
    // A step continued from its text (the writer's, or kept when it stopped): no cut goes into it.
    this.guard.keepFirst(preset?.content ? (s.manuscript.steps[s.manuscript.steps.length - 1]?.content.length ?? 0) : 0);
    const after = reflectionRoom(s);
    const segment = (grammar: string | undefined) => s.generate({ expected: segmentTokens(s), maxTokens: s.limits.maxTokensPerSegment, stop: STOPS_IN_STEP, grammar, watch, after });
    let out = await segment(preset ? this.grammars.content : this.grammars.step);
    if (!out) return s.abandonLive();
    // The model may end the segment in many ways; each path leads to a closed reflection.
    for (;;) {
      const { result, verdict } = out;
      if (verdict) await this.trim(s, verdict);
      const inReflection = s.phase === "reflection";
      if (result.stopReason === "stop" && closingTags("reflection").includes(result.stopString ?? "")) {
        await s.force("</reflection>\n");
        break;
      }
      if (result.stopReason === "stop" && result.stopString === "<reflection>") {
        await s.force(`<reflection>\n${words()}\n`);
      } else if (inReflection) {
        // The reflection ran too long or the model ended inside it: close it.
        if (result.stopReason !== "stop") modelEnded = result.stopReason === "eog";
        await s.force("\n</reflection>\n");
        break;
      } else if (s.phase === "step-plan") {
        // Ended inside its own step plan: close the plan and have it write the content.
        await s.force("\n</step_plan>\n<content>\n");
        out = await segment(this.grammars.content);
        if (!out) return s.abandonLive();
        continue;
      } else {
        // In the content: cut (overrun, loop), the token limit, or the model ending there.
        if (result.stopReason === "eog" || (result.stopReason === "stop" && result.stopString === "<FINISHED>")) modelEnded = true;
        if (verdict) s.note(this.cutNote(s, verdict));
        await s.force(`\n</content>\n<reflection>\n${words()}\n`);
      }
      out = await s.generate({ expected: s.limits.maxReflectionTokens, maxTokens: s.limits.maxReflectionTokens, stop: STOPS_IN_REFLECTION, grammar: this.grammars.reflection, watch });
      if (!out) return s.abandonLive();
      if (out.result.stopReason === "eog" || (out.result.stopReason === "stop" && out.result.stopString === "<FINISHED>")) modelEnded = true;
      if (out.result.stopReason !== "stop" || !closingTags("reflection").includes(out.result.stopString ?? "")) {
        await s.force("\n</reflection>\n");
        break;
      }
    }
    s.endLive();
    return modelEnded ? "ended" : "done";
  }

  /** The boundary: text edits rewrite their step's piece; plan edits become one revision appended to the transcript. */
  async takeIn(s: WritingSession, edits: readonly ManuscriptEdit[]): Promise<void> {
    if (await takeInTextEdits(s, edits, (step) => this.stepTokens(s, step))) await this.revisePlan(s);
  }

  /** The current plan, appended to the transcript as a revision. */
  async revisePlan(s: WritingSession): Promise<void> {
    const latest = s.manuscript.revisions[s.manuscript.revisions.length - 1];
    if (latest) s.context.push({ kind: "plan", tokens: await this.planTokens(s, latest.text) });
  }

  partTokens(s: WritingSession): number {
    return segmentTokens(s) + reflectionRoom(s);
  }

  /** The rebuilt transcript: the prompt with the bible in use, the current plan, the memory note, the recent steps. */
  compact(s: WritingSession, needed: number): Promise<void> {
    return compactWithMemory(s, needed, stepUnits(s), async (bible, memory) => {
      const latest = s.manuscript.revisions[s.manuscript.revisions.length - 1];
      return [
        await s.promptPiece(bible, (b) => this.promptTokens(s, b)),
        ...(latest ? [{ kind: "plan" as const, tokens: await this.planTokens(s, latest.text) }] : []),
        ...(memory ? [{ kind: "memory" as const, tokens: await s.tokenize(`${memory}\n`) }] : []),
      ];
    });
  }

  /** Appends FINISHED to the transcript, after the edits the writer made while the last step was written. */
  async finish(s: WritingSession): Promise<void> {
    await s.takeInEdits((edits) => this.takeIn(s, edits));
    s.startLive("plan");
    await s.force("<FINISHED>");
    s.endLive();
  }

  limit(s: WritingSession): string | null {
    return stepLimitReached(s);
  }

  shortEnd(words: number, target: number | null): string {
    return plansAnotherStep(words, target);
  }

  /** The first request: the instruction (and the protocol, prompted), with the bible's entries in use. */
  private async promptTokens(s: WritingSession, bible: string): Promise<TokenId[]> {
    const m = s.manuscript;
    const messages = this.kind === "native" ? nativeMessages(m.instruction, m.targetWords, s.language()) : promptedMessages(m.instruction, m.targetWords, s.language());
    return (await s.backend.applyChatTemplate(withVoice(withBible(messages, bible), await voicePrompt(s)))).tokens;
  }

  /**
   * The start of a step plan the controller writes: none, except when only the floors of the unwritten
   * sections are left of the target (the document has its length, or nearly): then the step plan names
   * the first of them, so the plan is written to its end.
   */
  private steer(s: WritingSession): string {
    const m = s.manuscript;
    if (!onlyFloorsLeft(m)) return "";
    const section = nextSection(m);
    return section ? `${s.language() === "zh" ? "部分" : "Section"}: ${section.title}. ` : "";
  }

  /** The tokens of a written step in the context. */
  private stepTokens(s: WritingSession, step: Step): Promise<TokenId[]> {
    return s.tokenizeProtocol(writeStep(step));
  }

  /** The tokens of a plan revision in the context. */
  private planTokens(s: WritingSession, text: string): Promise<TokenId[]> {
    return s.tokenizeProtocol(writeGlobalPlan(text));
  }

  private cutNote(s: WritingSession, verdict: Verdict): string {
    const step = currentStepNumber(s);
    if (verdict === "loop") return `Step ${step} began to repeat itself: the repetition was cut.`;
    if (verdict === "retell") return `Step ${step} began to re-tell earlier steps (most of its last phrases were already written): the retelling was cut.`;
    const target = s.manuscript.targetWords;
    if (verdict === "ending") return `The document passed its target in step ${step}, the last part of the plan: it ends at the sentence end nearest the target.`;
    if (verdict === "cap") return `The document reached the hard cap on overrun (15% past the target) in step ${step}: the step was closed at its last paragraph or sentence end within it.`;
    return target !== null && writtenWords(s.manuscript) >= target - targetTolerance(target)
      ? `The document reached its target in step ${step}: the step ends at ${verdict === "paragraph" ? "its paragraph end" : "a sentence end"}.`
      : `Step ${step} ran far past its budget: it was closed at a ${verdict === "paragraph" ? "paragraph break" : "sentence end"}.`;
  }

  /**
   * Cuts the segment being written back to where the guard's verdict says. Only this step is tokenized
   * again: the model's own tokens are kept up to the last batch inside the kept text.
   */
  private async trim(s: WritingSession, verdict: Verdict): Promise<void> {
    const live = s.live;
    const index = live?.piece.stepIndex;
    const watch = this.watch;
    if (!live || index === undefined || !watch) return;
    const step = s.manuscript.steps[index];
    if (!step || s.phase !== "content") return;
    const end = this.guard.cutPoint(s.manuscript, index, verdict);
    if (end === null || end >= step.content.length) return;
    const content = step.content.slice(0, end).trimEnd();
    const mark = [...watch.marks].reverse().find((m) => m.content <= content.length);
    const keptTokens = mark ? live.piece.tokens.slice(0, mark.tokens) : [];
    const rest = mark ? content.slice(mark.content) : `<step_plan>\n${step.plan}\n</step_plan>\n<content>\n${content}`;
    live.piece.tokens = [...keptTokens, ...(await s.tokenizeProtocol(rest))];
    watch.marks = mark ? watch.marks.filter((m) => m.tokens <= mark.tokens) : [];
    // The manuscript and the live parser start again from the trimmed step.
    s.setManuscript({ ...s.manuscript, steps: s.manuscript.steps.slice(0, index) });
    live.parser = new TranscriptParser();
    s.feedLive(`<step_plan>\n${step.plan}\n</step_plan>\n<content>\n${content}`);
  }
}
