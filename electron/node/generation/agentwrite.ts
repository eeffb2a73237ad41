// AgentWrite, as LongWriter describes it: the model first plans the document as paragraphs, each with
// its main point and word count, then writes the paragraphs one at a time, each request naming the
// paragraph to write. Draftline's change: LongWriter sends the instruction, the plan and the whole text
// so far with every paragraph; here every request is a chat turn appended to one token array
// (chatSteps.ts), so the text so far is already in the model's context (and its KV cache) and only the
// new request is decoded. The plan streams onto the timeline like an IS-CoT global plan; each paragraph
// is a step whose plan is its line of the plan and whose reflection is the exact progress.
import { agentWriteGrammars, type AgentWriteGrammars } from "../../common/generation/grammars";
import { agentWriteParagraphAsk, agentWritePlanLine, agentWritePlanMessages, agentWriteRevisedPlan, withVoice, type PromptLanguage } from "../../common/generation/prompts";
import { progressLine, sectionWords, writtenWords } from "../../common/generation/rules";
import type { ManuscriptEdit } from "../../common/manuscript/edits";
import type { Section, Step } from "../../common/manuscript/types";
import type { TokenId } from "../engine/backend";
import { ChatSteps } from "./chatSteps";
import type { PartEnd, StepPreset, WritingMode } from "./mode";
import type { ChatModeOptions } from "./orchestrated";
import type { MemoryFormat } from "./memory";
import type { WritingSession } from "./session";
import { voicePrompt } from "./voice";
import { nextSection, plannedWords, plansAnotherStep, segmentTokens, steerablePlan, stepLimitReached } from "./steps";

export class AgentWriteMode implements WritingMode {
  readonly kind = "agentwrite";
  readonly rewritesSteps = true;
  private readonly chat: ChatSteps;
  private grammars: AgentWriteGrammars | null = null;
  /** The step whose request said write.txt's rules (null: none in the model's view yet). */
  private rulesStep: number | null = null;

  constructor(private readonly options: ChatModeOptions = {}) {
    this.chat = new ChatSteps(options.promptFormat, options.useGrammars === true);
  }

  async open(s: WritingSession): Promise<void> {
    const m = s.manuscript;
    this.grammars = this.options.useGrammars ? agentWriteGrammars(s.language()) : null;
    await this.chat.open(s, withVoice(agentWritePlanMessages(m.instruction, m.targetWords, s.language()), await voicePrompt(s)));
    if (s.manuscript.sections.length === 0) return;
    // The plan is known: it stands in the context as the model's answer to the plan request.
    s.context.push({ kind: "plan", tokens: await s.tokenize(planLines(s.manuscript.sections, s.language()).join("\n")) });
    this.chat.planRevisions = s.manuscript.revisions.length;
    this.rulesStep = s.manuscript.steps.length > 0 ? 0 : null;
    for (const [i, step] of s.manuscript.steps.entries()) s.context.push({ kind: "step", stepIndex: i, tokens: await this.stepTokens(s, step) });
  }

  /**
   * Whether the next paragraph request says write.txt's rules: when no request in the model's view
   * said them (the first paragraph, or after a rebuild or a step written again let that request go).
   */
  private rulesWanted(s: WritingSession, index: number): boolean {
    const at = this.rulesStep;
    if (at !== null && at < index && s.context.stepPiece(at)) return false;
    this.rulesStep = index;
    return true;
  }

  /** The plan of paragraphs, streamed onto the timeline as a global plan, then made to add up to the target. */
  async plan(s: WritingSession): Promise<void> {
    s.startLive("plan");
    s.feedLive("<global_plan>\n");
    const out = await s.generate({ expected: s.limits.maxPlanTokens, maxTokens: s.limits.maxPlanTokens, stop: this.chat.stops, grammar: this.grammars?.plan });
    if (!out) {
      s.dropLive();
      s.setManuscript({ ...s.manuscript, planDraft: null });
      return;
    }
    s.feedLive("\n</global_plan>\n");
    s.endLive();
    this.chat.planRevisions = s.manuscript.revisions.length;
    // A plan made to add up is not a turn of its own: the next paragraph's request carries it.
    await steerablePlan(s, async () => {
      this.chat.planRevised = true;
    });
  }

  /** One paragraph: its request (with the plan when it was revised), then its text, bounded by its budget. */
  async write(s: WritingSession, preset?: StepPreset): Promise<PartEnd> {
    const language = s.language();
    const m = s.manuscript;
    const index = m.steps.length;
    const section = (preset && m.sections.find((x) => x.id === preset.sectionId)) || nextSection(m);
    const number = section ? m.sections.indexOf(section) + 1 : index + 1;
    const done = section ? sectionWords(m, section.id) : 0;
    const planned = plannedWords(m, index, section ? Math.max(0, section.budget - done) : 0, section);
    const title = section?.title ?? "";
    const brief = section?.brief ?? "";
    // The step plan names the paragraph first and its word count before anything else that may hold a number.
    const plan =
      preset?.plan ??
      (language === "zh" ? `${title} - 字数要求：${planned}字${brief ? ` - 主要内容：${brief}` : ""}` : `${title} - Word count: ${planned} words${brief ? ` - Main point: ${brief}` : ""}`);
    const live = s.startLive("step");
    s.feedLive(`<step_plan>\n${plan}\n</step_plan>\n<content>\n`);
    const rules = this.rulesWanted(s, index);
    let ask = agentWriteParagraphAsk({ step: agentWritePlanLine(number, planPoint(number, title, brief), planned, language), continuing: !preset && done > 0, rules }, language);
    if (this.chat.planRevised) {
      ask = `${agentWriteRevisedPlan(planLines(s.manuscript.sections, language), language)}\n\n${ask}`;
      this.chat.planRevised = false;
    }
    live.piece.tokens.push(...(await this.chat.userTurn(ask)));
    const content = await this.chat.content(s, segmentTokens(s), this.grammars?.content, preset?.content);
    if (!content) return s.abandonLive();
    if (content.verdict === "loop") s.note(`Paragraph ${number} began to repeat itself: the repetition was cut.`);
    if (content.verdict === "retell") s.note(`Paragraph ${number} began to re-tell earlier paragraphs (most of its last phrases were already written): the retelling was cut.`);
    s.feedLive(`\n</content>\n<reflection>\n${progressLine(writtenWords(s.manuscript), s.manuscript.targetWords, language)}\n</reflection>\n`);
    s.endLive();
    return "done";
  }

  takeIn(s: WritingSession, edits: readonly ManuscriptEdit[]): Promise<void> {
    return this.chat.takeIn(s, edits, (step) => this.stepTokens(s, step));
  }

  get memory(): MemoryFormat {
    return this.chat.memory;
  }

  async revisePlan(): Promise<void> {
    this.chat.planRevised = true;
  }

  partTokens(s: WritingSession): number {
    return segmentTokens(s) + 600;
  }

  compact(s: WritingSession, needed: number): Promise<void> {
    return this.chat.compact(s, needed, async () => (s.manuscript.sections.length > 0 ? s.tokenize(planLines(s.manuscript.sections, s.language()).join("\n")) : null));
  }

  finish(s: WritingSession): Promise<void> {
    return this.chat.finish(s);
  }

  limit(s: WritingSession): string | null {
    return stepLimitReached(s);
  }

  shortEnd(words: number, target: number | null): string {
    return plansAnotherStep(words, target);
  }

  /** A written paragraph in the context: its request (with the rules, where it said them), then its text. */
  private async stepTokens(s: WritingSession, step: Step): Promise<TokenId[]> {
    const language = s.language();
    const shown = step;
    const index = s.manuscript.sections.findIndex((x) => x.id === step.sectionId);
    const section = s.manuscript.sections[index];
    const words = step.targetWords ?? section?.budget ?? step.words;
    const rules = this.rulesStep !== null && s.manuscript.steps[this.rulesStep]?.id === step.id;
    const ask = agentWriteParagraphAsk({ step: agentWritePlanLine(index + 1, planPoint(index + 1, section?.title ?? "", section?.brief ?? ""), words, language), continuing: false, rules }, language);
    return [...(await this.chat.userTurn(ask)), ...(await s.tokenize(shown.content))];
  }
}

/** The plan as AgentWrite lines: "Paragraph N - Main point: … - Word count: N words". */
function planLines(sections: readonly Section[], language: PromptLanguage): string[] {
  return sections.map((s, i) => agentWritePlanLine(i + 1, planPoint(i + 1, s.title, s.brief), s.budget, language));
}

/** A section's main point in a plan line: its brief, after its title unless the title is only "Paragraph N". */
function planPoint(number: number, title: string, brief: string): string {
  const numbered = new RegExp(`^(?:paragraph|段落)\\s*${number}$`, "i").test(title);
  return numbered ? brief : [title, brief].filter(Boolean).join(": ");
}
