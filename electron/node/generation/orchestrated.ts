// Orchestrated mode, for models that cannot keep the protocol by themselves: the global plan is asked
// for as JSON (grammar-constrained), then for every step a step plan, the text (bounded by its budget)
// and a short reflection, each its own chat turn in one token array (chatSteps.ts). The manuscript
// still reads each step as IS-CoT.
import type { PromptFormat } from "../../common/engine/catalog";
import { orchestratedGrammars } from "../../common/generation/grammars";
import { orchestratedContentAsk, orchestratedPlanMessages, orchestratedReflectionAsk, orchestratedStepPlanAsk, withVoice } from "../../common/generation/prompts";
import { normalizedBudgets, progressLine, sectionWords, writtenWords } from "../../common/generation/rules";
import { renderPlan } from "../../common/iscot/plan";
import type { ManuscriptEdit } from "../../common/manuscript/edits";
import { nextSectionNumber, withRevision } from "../../common/manuscript/reducer";
import { matchSections } from "../../common/manuscript/sections";
import type { Section, Step } from "../../common/manuscript/types";
import type { TokenId } from "../engine/backend";
import { ChatSteps } from "./chatSteps";
import type { PartEnd, StepPreset, WritingMode } from "./mode";
import type { MemoryFormat } from "./memory";
import type { WritingSession } from "./session";
import { voicePrompt } from "./voice";
import { nextSection, plannedWords, plansAnotherStep, reflectionRoom, segmentTokens, stepLimitReached } from "./steps";

export interface ChatModeOptions {
  /** Hold the tiny test model to each request's format with grammars. */
  useGrammars?: boolean;
  /** The model's prompt format from the catalog; left out: its chat template. */
  promptFormat?: PromptFormat;
}

/** What the plan request answers, read leniently: sections with a title, a brief and a budget. */
export function readJsonPlan(text: string): { title: string; brief: string; budget: number }[] {
  const start = text.indexOf("{");
  const end = text.lastIndexOf("}");
  if (start < 0 || end <= start) return [];
  try {
    const parsed = JSON.parse(text.slice(start, end + 1)) as { sections?: unknown };
    if (!Array.isArray(parsed.sections)) return [];
    return parsed.sections.flatMap((s: unknown) => {
      const o = s as { title?: unknown; brief?: unknown; budget?: unknown };
      const title = typeof o.title === "string" ? o.title.replace(/\s+/g, " ").trim() : "";
      if (!title) return [];
      const budget = typeof o.budget === "number" && Number.isFinite(o.budget) && o.budget > 0 ? Math.round(o.budget) : 0;
      return [{ title: title.slice(0, 120), brief: typeof o.brief === "string" ? o.brief.replace(/\s+/g, " ").trim().slice(0, 400) : "", budget }];
    });
  } catch {
    return [];
  }
}

export class OrchestratedMode implements WritingMode {
  readonly kind = "orchestrated";
  readonly rewritesSteps = true;
  private readonly chat: ChatSteps;
  private grammars: ReturnType<typeof orchestratedGrammars> | null = null;

  constructor(private readonly options: ChatModeOptions = {}) {
    this.chat = new ChatSteps(options.promptFormat, options.useGrammars === true);
  }

  async open(s: WritingSession): Promise<void> {
    const m = s.manuscript;
    this.grammars = this.options.useGrammars ? orchestratedGrammars(s.language()) : null;
    await this.chat.open(s, withVoice(orchestratedPlanMessages(m.instruction, m.targetWords, s.language()), await voicePrompt(s)));
    if (s.manuscript.sections.length === 0) return;
    // The plan is known: it stands in the context as the model's answer to the plan request.
    s.context.push({ kind: "plan", tokens: await s.tokenize(planJson(s.manuscript.sections)) });
    this.chat.planRevisions = s.manuscript.revisions.length;
    for (const [i, step] of s.manuscript.steps.entries()) s.context.push({ kind: "step", stepIndex: i, tokens: await this.stepTokens(s, step) });
  }

  /** Asks for the plan as JSON, reads it, and makes its budgets add up to the target. */
  async plan(s: WritingSession): Promise<void> {
    s.startLive("plan");
    const out = await s.generate({ expected: s.limits.maxPlanTokens, maxTokens: s.limits.maxPlanTokens, stop: this.chat.stops, grammar: this.grammars?.plan ?? jsonPlanGrammar() });
    if (!out) return;
    s.endLive();
    const language = s.language();
    let drafts = readJsonPlan(out.result.text);
    if (drafts.length === 0) {
      drafts = [{ title: language === "zh" ? "正文" : "Text", brief: "", budget: 0 }];
      s.note("The model's plan could not be read: the document is written as one section.");
    }
    const m = s.manuscript;
    const normalized = normalizedBudgets(drafts, m.targetWords);
    if (normalized) {
      drafts = drafts.map((d, i) => ({ ...d, budget: normalized.budgets[i] ?? d.budget }));
      s.note(normalized.reason);
    }
    const { sections, next } = matchSections(m.sections, drafts, nextSectionNumber(m));
    s.setManuscript(withRevision(m, renderPlan(drafts, language), sections, next));
    // The model's answer is the plan it reads, unless its budgets were changed or it could not be read.
    this.chat.planRevisions = normalized || readJsonPlan(out.result.text).length === 0 ? 0 : s.manuscript.revisions.length;
  }

  /** One step: its plan, its text and its reflection, each asked for as a chat turn. */
  async write(s: WritingSession, preset?: StepPreset): Promise<PartEnd> {
    const language = s.language();
    const index = s.manuscript.steps.length;
    const section = (preset && s.manuscript.sections.find((x) => x.id === preset.sectionId)) || nextSection(s.manuscript);
    const title = section?.title ?? "";
    const left = section ? Math.max(0, section.budget - sectionWords(s.manuscript, section.id)) : 0;
    const live = s.startLive("step");
    // The manuscript reads the step as IS-CoT; the context holds it as chat turns.
    s.feedLive(preset ? `<step_plan>\n${preset.plan}` : `<step_plan>\n${title ? `Section: ${title}. ` : ""}`);
    const planned = plannedWords(s.manuscript, index, left, section);
    let ask = orchestratedStepPlanAsk(section ?? { title: "", brief: "" }, planned, language);
    if (this.chat.planRevised) {
      ask = `${language === "zh" ? "规划已修改：" : "The plan was revised:"}\n${planJson(s.manuscript.sections)}\n\n${ask}`;
      this.chat.planRevised = false;
    }
    live.piece.tokens.push(...(await this.chat.userTurn(ask)));
    if (!preset && !(await s.generate({ expected: 160, maxTokens: 160, stop: this.chat.stops, grammar: this.grammars?.stepPlan }))) return s.abandonLive();
    s.feedLive(`\n</step_plan>\n<content>\n`);
    live.piece.tokens.push(...(await this.chat.userTurn(orchestratedContentAsk(planned, language))));
    // The reflection is a turn of its own after the text: the text leaves room for its request and half
    // its limit, so a small window ends the text early instead of having no room left to reflect.
    const reflectionTurn = await this.chat.userTurn(orchestratedReflectionAsk(progressLine(writtenWords(s.manuscript) + planned, s.manuscript.targetWords, language), language));
    const after = reflectionTurn.length + reflectionRoom(s);
    const content = await this.chat.content(s, segmentTokens(s), this.grammars?.content, preset?.content, after);
    if (!content) return s.abandonLive();
    if (content.verdict === "loop") s.note(`Step ${index + 1} began to repeat itself: the repetition was cut.`);
    if (content.verdict === "retell") s.note(`Step ${index + 1} began to re-tell earlier steps (most of its last phrases were already written): the retelling was cut.`);
    const progress = progressLine(writtenWords(s.manuscript), s.manuscript.targetWords, language);
    s.feedLive(`\n</content>\n<reflection>\n${progress}\n`);
    live.piece.tokens.push(...(await this.chat.userTurn(orchestratedReflectionAsk(progress, language))));
    const reflection = s.limits.maxReflectionTokens;
    if (!(await s.generate({ expected: reflection, maxTokens: reflection, stop: this.chat.stops, grammar: this.grammars?.reflection }))) return s.abandonLive();
    s.feedLive("\n</reflection>\n");
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
    return this.chat.compact(s, needed, async () => (s.manuscript.sections.length > 0 ? s.tokenize(planJson(s.manuscript.sections)) : null));
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

  /** A written step in the context: its three requests, each with its answer. */
  private async stepTokens(s: WritingSession, step: Step): Promise<TokenId[]> {
    const language = s.language();
    const shown = step;
    const section = s.manuscript.sections.find((x) => x.id === step.sectionId);
    const budget = step.targetWords ?? section?.budget ?? step.words;
    return [
      ...(await this.chat.userTurn(orchestratedStepPlanAsk(section ?? { title: "", brief: "" }, budget, language))),
      ...(await s.tokenize(shown.plan)),
      ...(await this.chat.userTurn(orchestratedContentAsk(budget, language))),
      ...(await s.tokenize(shown.content)),
      ...(await this.chat.userTurn(orchestratedReflectionAsk(step.progress?.phrase ?? "", language))),
      ...(await s.tokenize(shown.reflection)),
    ];
  }
}

/** The plan as the model answered it, for the context. */
function planJson(sections: readonly Section[]): string {
  return JSON.stringify({ sections: sections.map((s) => ({ title: s.title, brief: s.brief, budget: s.budget })) });
}

/** GBNF for the plan's JSON: sections with a title, a brief and a budget. */
export function jsonPlanGrammar(): string {
  return String.raw`root ::= "{\"sections\":[" section ("," section){0,11} "]}"
section ::= "{\"title\":" str ",\"brief\":" str ",\"budget\":" num "}"
str ::= "\"" [^"\\\n]{1,120} "\""
num ::= [1-9] [0-9]{0,5}`;
}
