// Orchestrated mode, for models that cannot keep the protocol by themselves: the controller asks for
// each part as its own chat turn — the global plan as JSON (grammar-constrained), then for every step
// a step plan, the text (bounded by its budget) and a short reflection — and still keeps one token
// array across all of them, so each request decodes only its own new turn.
import type { PromptFormat } from "../../common/engine/catalog";
import { orchestratedGrammars } from "../../common/generation/grammars";
import {
  orchestratedContentAsk,
  orchestratedPlanMessages,
  orchestratedReflectionAsk,
  orchestratedStepPlanAsk,
  type PromptLanguage,
} from "../../common/generation/prompts";
import { findLoop, normalizedBudgets, progressLine, sectionWords, sentenceEndPast, stepBudget, unfinishedSections, writtenWords } from "../../common/generation/rules";
import { countWriterWords } from "../../common/metrics/words";
import { renderPlan } from "../../common/iscot/plan";
import { nextSectionNumber, withRevision } from "../../common/manuscript/reducer";
import { matchSections } from "../../common/manuscript/sections";
import type { Section, Step } from "../../common/manuscript/types";
import type { TokenId } from "../engine/backend";
import { elided, WritingController, type ControllerOptions } from "./controller";
import { PromptBuilder } from "./turns";

export interface OrchestratedOptions extends Omit<ControllerOptions, "mode"> {
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

export class OrchestratedController extends WritingController {
  protected readonly turns: PromptBuilder;
  /** The plan changed since the model last read it: the next step's request carries it. */
  protected planRevised = false;
  /** Where the model's text of the step being written starts in its piece (after its request). */
  protected contentStart = 0;
  private readonly grammarsFor: ReturnType<typeof orchestratedGrammars> | null;

  constructor(options: OrchestratedOptions) {
    super({ ...options, mode: "native" });
    this.turns = new PromptBuilder(this.backend, options.promptFormat);
    this.grammarsFor = options.useGrammars ? orchestratedGrammars(this.language()) : null;
  }

  protected lang(): PromptLanguage {
    return this.language();
  }

  /** Tokens that end the assistant's turn, say `message` as the user, and open the assistant's answer. */
  protected userTurn(message: string): Promise<TokenId[]> {
    return this.turns.userTurn(message);
  }

  protected override async buildContext(): Promise<void> {
    const messages = orchestratedPlanMessages(this.m.instruction, this.m.targetWords, this.lang());
    const pieces = [{ kind: "prompt" as const, tokens: await this.turns.first(messages) }];
    const steps = this.m.steps.filter((s) => s.status === "done" || s.status === "edited");
    if (steps.length !== this.m.steps.length || this.m.finished) this.setManuscript({ ...this.m, steps, finished: false });
    this.context.replaceAll(pieces);
    if (this.m.sections.length > 0) {
      // The plan is known: it stands in the context as the model's answer to the plan request.
      this.context.push({ kind: "plan", tokens: await this.backend.tokenize(planJson(this.m.sections), { specialTokens: false }) });
      for (const [i, step] of this.m.steps.entries()) this.context.push({ kind: "step", stepIndex: i, tokens: await this.stepPieceTokens(step, false) });
    }
  }

  protected override async planPieceTokens(): Promise<TokenId[]> {
    // A revision is not a turn of its own: the next step's request carries the plan.
    this.planRevised = true;
    return [];
  }

  protected override async stepPieceTokens(step: Step, compacted: boolean): Promise<TokenId[]> {
    const shown = compacted ? elided(step, this.lang()) : step;
    const section = this.m.sections.find((s) => s.id === step.sectionId);
    const budget = step.targetWords ?? section?.budget ?? step.words;
    return [
      ...(await this.userTurn(orchestratedStepPlanAsk(section ?? { title: "", brief: "" }, budget, this.lang()))),
      ...(await this.backend.tokenize(shown.plan, { specialTokens: false })),
      ...(await this.userTurn(orchestratedContentAsk(budget, this.lang()))),
      ...(await this.backend.tokenize(shown.content, { specialTokens: false })),
      ...(await this.userTurn(orchestratedReflectionAsk(step.progress?.phrase ?? "", this.lang()))),
      ...(await this.backend.tokenize(shown.reflection, { specialTokens: false })),
    ];
  }

  /** Asks for the plan as JSON, reads it, and makes its budgets add up to the target. */
  protected override async writeGlobalPlan(): Promise<void> {
    this.startLive("plan");
    const out = await this.generate(this.limits.maxPlanTokens, this.limits.maxPlanTokens, this.turns.stops, this.grammarsFor?.plan ?? jsonPlanGrammar());
    if (!out) return;
    this.endLive();
    let drafts = readJsonPlan(out.result.text);
    if (drafts.length === 0) {
      drafts = [{ title: this.lang() === "zh" ? "正文" : "Text", brief: "", budget: 0 }];
      this.options.onNote?.("The model's plan could not be read: the document is written as one section.");
    }
    const normalized = normalizedBudgets(drafts, this.m.targetWords);
    if (normalized) {
      drafts = drafts.map((d, i) => ({ ...d, budget: normalized.budgets[i] ?? d.budget }));
      this.options.onNote?.(normalized.reason);
    }
    const { sections, next } = matchSections(this.m.sections, drafts, nextSectionNumber(this.m));
    this.setManuscript(withRevision(this.m, renderPlan(drafts, this.lang()), sections, next));
  }

  /** The section the next step writes: the first whose budget is not filled, else the last. */
  protected nextSection(): Section | undefined {
    return unfinishedSections(this.m)[0] ?? this.m.sections[this.m.sections.length - 1];
  }

  protected override async writeStep(preset?: { plan: string; sectionId: string | null }): Promise<"done" | "model-ended" | "stopped"> {
    const index = this.m.steps.length;
    const section = (preset && this.m.sections.find((s) => s.id === preset.sectionId)) || this.nextSection();
    const title = section?.title ?? "";
    const left = section ? Math.max(0, section.budget - sectionWords(this.m, section.id)) : 0;
    const live = this.startLive("step");
    // The manuscript reads the step as IS-CoT; the context holds it as chat turns.
    this.feedLive(preset ? `<step_plan>\n${preset.plan}` : `<step_plan>\n${title ? `Section: ${title}. ` : ""}`);
    const planned = Math.max(1, Math.min(left || (stepBudget(this.m, index) ?? 300), (this.m.targetWords ?? Infinity) - writtenWords(this.m)));
    let ask = orchestratedStepPlanAsk(section ?? { title: "", brief: "" }, planned, this.lang());
    if (this.planRevised) {
      ask = `${this.lang() === "zh" ? "规划已修改：" : "The plan was revised:"}\n${planJson(this.m.sections)}\n\n${ask}`;
      this.planRevised = false;
    }
    live.piece.tokens.push(...(await this.userTurn(ask)));
    if (!preset && !(await this.generate(160, 160, this.turns.stops, this.grammarsFor?.stepPlan))) return this.abandonLive();
    this.feedLive(`\n</step_plan>\n<content>\n`);
    live.piece.tokens.push(...(await this.userTurn(orchestratedContentAsk(planned, this.lang()))));
    this.contentStart = live.piece.tokens.length;
    const content = await this.generate(this.segmentTokens(), this.limits.maxTokensPerSegment, this.turns.stops, this.grammarsFor?.content);
    if (!content) return this.abandonLive();
    if (content.reason === "loop" || content.reason === "cut") await this.trimOrchestrated(content.reason);
    const progress = progressLine(writtenWords(this.m), this.m.targetWords, this.lang());
    this.feedLive(`\n</content>\n<reflection>\n${progress}\n`);
    live.piece.tokens.push(...(await this.userTurn(orchestratedReflectionAsk(progress, this.lang()))));
    if (!(await this.generate(this.limits.maxReflectionTokens, this.limits.maxReflectionTokens, this.turns.stops, this.grammarsFor?.reflection))) return this.abandonLive();
    this.feedLive("\n</reflection>\n");
    this.endLive();
    return "done";
  }

  /** Bounded by its budget: the text ends at the first sentence end past the budget. */
  protected override watch(tokenCount: number): void {
    if (this.phase !== "content" || !this.live) return;
    const index = this.live.piece.stepIndex ?? -1;
    const step = this.m.steps[index];
    if (!step) return;
    const budget = step.targetWords ?? stepBudget(this.m, index);
    // Tokens arrive in batches: the sentence end past the budget may be inside the last one (the cut trims back to it).
    if (budget !== null && step.words >= budget && sentenceEndPast(step.content, budget) !== null) this.requestAbort("cut");
    else if (budget !== null && step.words > budget * 1.3 + 20) this.requestAbort("cut");
    this.watchLoops(tokenCount);
  }

  /**
   * A cut segment is trimmed back: a loop to the end of its first occurrence, a budget cut to the first
   * sentence end past the budget. The context keeps the model's tokens up to the last batch inside the
   * kept text; only the rest of it is tokenized again.
   */
  protected async trimOrchestrated(reason: "loop" | "cut"): Promise<void> {
    const live = this.live;
    const index = live?.piece.stepIndex;
    if (!live || index === undefined) return;
    const step = this.m.steps[index];
    if (!step) return;
    const budget = step.targetWords ?? stepBudget(this.m, index);
    const end = reason === "loop" ? findLoop(step.content) : budget === null ? null : sentenceEndPast(step.content, budget);
    if (end === null || end >= step.content.length) return;
    const kept = step.content.slice(0, end).trimEnd();
    const mark = [...this.marks].reverse().find((m) => m.content <= kept.length && m.tokens >= this.contentStart);
    live.piece.tokens = [...live.piece.tokens.slice(0, mark ? mark.tokens : this.contentStart), ...(await this.backend.tokenize(kept.slice(mark ? mark.content : 0), { specialTokens: false }))];
    this.marks = this.marks.filter((m) => m.content <= kept.length);
    this.setManuscript({ ...this.m, steps: this.m.steps.map((s, i) => (i === index ? { ...s, content: kept, words: countWriterWords(kept) } : s)) });
  }

  /**
   * Makes room: the prompt and the plan (the model's answer to the plan request) stay as they are; the
   * oldest steps (each a request and its text) give way to one line that says how many words they
   * held, and the last steps stay in full. Nothing before that line changes, so only it and what
   * follows are decoded again.
   */
  protected override async compact(needed: number): Promise<void> {
    const size = this.inputLimit();
    const live = this.live?.piece;
    const steps = this.context.pieces.filter((p) => p.kind === "step" && p !== live);
    const notes = this.context.pieces.filter((p) => p.kind === "turn");
    for (let keep = Math.min(this.limits.keepFullSteps, steps.length - 1); keep >= 0; keep--) {
      const old = steps.slice(0, steps.length - keep);
      const firstKept = steps[steps.length - keep]?.stepIndex ?? live?.stepIndex ?? this.m.steps.length;
      const words = writtenWords({ steps: this.m.steps.slice(0, firstKept) });
      const text = this.lang() === "zh" ? `\n\n[前${firstKept}步的正文共${words}字，此处省略。]` : `\n\n[The text of the first ${firstKept} steps, ${words} words, is not shown here.]`;
      const note = { kind: "turn" as const, tokens: await this.backend.tokenize(text, { specialTokens: false }) };
      const pieces = this.context.pieces.filter((p) => !old.includes(p) && !notes.includes(p));
      const at = pieces.findIndex((p) => p.kind === "step");
      pieces.splice(at < 0 ? pieces.length : at, 0, note);
      const length = pieces.reduce((n, p) => n + p.tokens.length, 0);
      if (length + needed > size && keep > 0) continue;
      const before = this.context.length;
      if (length >= before) return;
      this.context.replaceAll(pieces);
      this.options.onNote?.(`The context was compacted to make room: ${before} → ${length} tokens; the text of the ${firstKept} oldest steps is elided from the model's view (not from the document).`);
      return;
    }
  }

  protected override async finish(): Promise<void> {
    this.setManuscript({ ...this.m, finished: true });
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
