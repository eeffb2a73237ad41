// AgentWrite, as LongWriter describes it: the model first plans the document as paragraphs, each with
// its main point and word count, then writes the paragraphs one at a time, each request naming the
// paragraph to write. Draftline's change: LongWriter sends the instruction, the plan and the whole text
// so far with every paragraph; here every request is a chat turn appended to one token array, so the
// text so far is already in the model's context (and its KV cache) and only the new request is
// decoded. The plan streams onto the timeline like an IS-CoT global plan; each paragraph is a step
// whose plan is its line of the plan and whose reflection is the exact progress.
import { agentWriteGrammars, type AgentWriteGrammars } from "../../common/generation/grammars";
import { agentWriteParagraphAsk, agentWritePlanLine, agentWritePlanMessages, agentWriteRevisedPlan } from "../../common/generation/prompts";
import { progressLine, sectionWords, stepBudget, writtenWords } from "../../common/generation/rules";
import type { Section, Step } from "../../common/manuscript/types";
import type { TokenId } from "../engine/backend";
import { elided } from "./controller";
import { OrchestratedController, type OrchestratedOptions } from "./orchestrated";

export class AgentWriteController extends OrchestratedController {
  private readonly agentGrammars: AgentWriteGrammars | null;

  constructor(options: OrchestratedOptions) {
    super(options);
    this.agentGrammars = options.useGrammars ? agentWriteGrammars(this.lang()) : null;
  }

  /** The plan as AgentWrite lines: "Paragraph N - Main point: … - Word count: N words". */
  private planLines(sections: readonly Section[]): string[] {
    return sections.map((s, i) => {
      const numbered = new RegExp(`^(?:paragraph|段落)\\s*${i + 1}$`, "i").test(s.title);
      const point = numbered ? s.brief : [s.title, s.brief].filter(Boolean).join(": ");
      return agentWritePlanLine(i + 1, point, s.budget, this.lang());
    });
  }

  protected override async buildContext(): Promise<void> {
    const messages = agentWritePlanMessages(this.m.instruction, this.m.targetWords, this.lang());
    this.context.replaceAll([{ kind: "prompt", tokens: await this.turns.first(messages) }]);
    const steps = this.m.steps.filter((s) => s.status === "done" || s.status === "edited");
    if (steps.length !== this.m.steps.length || this.m.finished) this.setManuscript({ ...this.m, steps, finished: false });
    if (this.m.sections.length === 0) return;
    // The plan is known: it stands in the context as the model's answer to the plan request.
    this.context.push({ kind: "plan", tokens: await this.tokenize(this.planLines(this.m.sections).join("\n")) });
    for (const [i, step] of this.m.steps.entries()) this.context.push({ kind: "step", stepIndex: i, tokens: await this.stepPieceTokens(step, false) });
  }

  /** A written paragraph in the context: its request, then its text. */
  protected override async stepPieceTokens(step: Step, compacted: boolean): Promise<TokenId[]> {
    const shown = compacted ? elided(step, this.lang()) : step;
    const index = this.m.sections.findIndex((s) => s.id === step.sectionId);
    const section = this.m.sections[index];
    const ask = agentWriteParagraphAsk(
      { index: index + 1, title: section?.title ?? "", brief: section?.brief ?? "", words: step.targetWords ?? section?.budget ?? step.words, next: null, continuing: false },
      this.lang(),
    );
    return [...(await this.userTurn(ask)), ...(await this.tokenize(shown.content))];
  }

  /** The plan of paragraphs, streamed onto the timeline as a global plan, then made to add up to the target. */
  protected override async writeGlobalPlan(): Promise<void> {
    const live = this.startLive("plan");
    this.feedLive("<global_plan>\n");
    const out = await this.generate(this.limits.maxPlanTokens, this.limits.maxPlanTokens, this.turns.stops, this.agentGrammars?.plan);
    if (!out) {
      this.context.truncate(this.context.pieces.indexOf(live.piece));
      this.live = null;
      this.phase = "none";
      this.setManuscript({ ...this.m, planDraft: null });
      return;
    }
    this.feedLive("\n</global_plan>\n");
    this.endLive();
    await this.ensureSteerablePlan();
  }

  /** One paragraph: its request (with the plan when it was revised), then its text, bounded by its budget. */
  protected override async writeStep(preset?: { plan: string; sectionId: string | null }): Promise<"done" | "model-ended" | "stopped"> {
    const index = this.m.steps.length;
    const section = (preset && this.m.sections.find((s) => s.id === preset.sectionId)) || this.nextSection();
    const number = section ? this.m.sections.indexOf(section) + 1 : index + 1;
    const done = section ? sectionWords(this.m, section.id) : 0;
    const left = section ? Math.max(0, section.budget - done) : 0;
    const planned = Math.max(1, Math.min(left || (stepBudget(this.m, index) ?? 300), (this.m.targetWords ?? Infinity) - writtenWords(this.m)));
    const next = section ? this.m.sections[number] : undefined;
    const title = section?.title ?? "";
    const brief = section?.brief ?? "";
    // The step plan names the paragraph first and its word count before anything else that may hold a number.
    const plan =
      preset?.plan ??
      (this.lang() === "zh" ? `${title} - 字数要求：${planned}字${brief ? ` - 主要内容：${brief}` : ""}` : `${title} - Word count: ${planned} words${brief ? ` - Main point: ${brief}` : ""}`);
    const live = this.startLive("step");
    this.feedLive(`<step_plan>\n${plan}\n</step_plan>\n<content>\n`);
    let ask = agentWriteParagraphAsk({ index: number, title, brief, words: planned, next: next ? next.brief || next.title : null, continuing: !preset && done > 0 }, this.lang());
    if (this.planRevised) {
      ask = `${agentWriteRevisedPlan(this.planLines(this.m.sections), this.lang())}\n\n${ask}`;
      this.planRevised = false;
    }
    live.piece.tokens.push(...(await this.userTurn(ask)));
    this.contentStart = live.piece.tokens.length;
    const content = await this.generate(this.segmentTokens(), this.limits.maxTokensPerSegment, this.turns.stops, this.agentGrammars?.content);
    if (!content) return this.abandonLive();
    if (content.reason === "loop" || content.reason === "cut") await this.trimOrchestrated(content.reason);
    if (content.reason === "loop") this.options.onNote?.(`Paragraph ${number} began to repeat itself: the repetition was cut.`);
    this.feedLive(`\n</content>\n<reflection>\n${progressLine(writtenWords(this.m), this.m.targetWords, this.lang())}\n</reflection>\n`);
    this.endLive();
    return "done";
  }
}
