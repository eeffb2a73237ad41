// Think-answer mode, for LongWriter-Zero: the model plans inside `<think>…</think>` and writes the
// document inside `<answer>…</answer>`. The think block streams into the timeline as the global plan
// (its sections, when it names them with budgets, steer the length; else the document is one section
// with the target); the answer is split into steps at its headings, as in the direct mode. When the
// answer stops well short of the target the model is asked to go on, and its next answer is opened
// with `<answer>` so it writes text, not another plan.
import { thinkAnswerMessages } from "../../common/generation/prompts";
import { TranscriptParser } from "../../common/iscot/parser";
import type { ChatMessage, TokenId } from "../engine/backend";
import { DirectController, type OnePassOptions } from "./onePass";

export class ThinkAnswerController extends DirectController {
  constructor(options: OnePassOptions) {
    super(options);
    this.answerOpener = "<answer>\n";
  }

  protected override messages(): ChatMessage[] {
    return thinkAnswerMessages(this.m.instruction, this.m.targetWords, this.language());
  }

  protected override plansFirst(): boolean {
    return true;
  }

  protected override draftStops(): string[] {
    return ["</answer>"];
  }

  /** A project being continued: its plan stands in the context as the model's think block. */
  protected override async resumedPlanTokens(): Promise<TokenId[]> {
    const latest = this.m.revisions[this.m.revisions.length - 1];
    if (!latest) return [];
    return this.tokenize(`<think>\n${latest.text}\n</think>\n<answer>\n`);
  }

  /**
   * `<think>` is forced, the model plans up to `</think>` (fed to the timeline as the global plan),
   * then `</think>` and `<answer>` are appended and the plan is made steerable.
   */
  protected override async writeThink(): Promise<void> {
    this.stage = "think";
    const piece = this.context.push({ kind: "plan", tokens: await this.tokenize("<think>\n") });
    this.live = { piece, parser: new TranscriptParser(), stepBase: this.m.steps.length };
    this.feedProtocol("<global_plan>\n");
    const room = Math.max(this.limits.maxPlanTokens, 4096);
    const out = await this.generate(room, room, ["</think>", ...this.turns.stops], this.passGrammars.think);
    if (!out) {
      this.context.truncate(this.context.pieces.indexOf(piece));
      this.live = null;
      this.phase = "none";
      this.stage = "draft";
      this.setManuscript({ ...this.m, planDraft: null });
      return;
    }
    const closed = out.result.stopReason === "stop" && out.result.stopString === "</think>";
    if (!closed) this.options.onNote?.("The model's thinking did not end with </think>: its plan is taken as it stands and the answer begins.");
    piece.tokens.push(...(await this.tokenize(`${closed ? "" : "\n"}</think>\n<answer>\n`)));
    this.feedProtocol("\n</global_plan>\n");
    this.endLive();
    this.stage = "draft";
    await this.ensureSteerablePlan();
  }

  /** Answer headings name sections of the think plan; they add none. */
  protected override sectionForStep(title: string | null, heading: boolean): string | null {
    const last = this.m.steps[this.m.steps.length - 1];
    const lastTitle = last?.sectionId ? (this.m.sections.find((s) => s.id === last.sectionId)?.title ?? null) : null;
    if (title !== null && heading) return title;
    return lastTitle ?? title ?? this.m.sections[0]?.title ?? null;
  }
}
