// Rewriting a passage the writer selected: one request to the loaded model with the passage, the text
// around it, the section's plan, the step's plan and the writer's voice; the answer streams back and
// is held to its target length (cut at the first sentence end past it). Nothing here changes the
// document: the window shows the result beside the original and the writer keeps it or not; the CLI
// puts it in place of the passage (replacePassage), touching nothing else.
import { rewriteGrammar } from "../../common/generation/grammars";
import { rewriteMessages, type PromptLanguage } from "../../common/generation/prompts";
import { cleanRewrite, rewriteCut, rewriteTarget, type RewriteKind } from "../../common/generation/rewrite";
import { ThinkFilter } from "../../common/generation/thinking";
import { applyEdit, effectiveLanguage } from "../../common/manuscript/edits";
import { isInProgress } from "../../common/manuscript/reducer";
import type { Manuscript } from "../../common/manuscript/types";
import { voiceFor } from "../../common/manuscript/voice";
import { countWriterWords } from "../../common/metrics/words";
import type { PromptFormat } from "../../common/engine/catalog";
import type { Backend, SamplingSettings } from "../engine/backend";
import { PromptBuilder } from "./turns";

/** A passage of one step: the text before it in the step, the passage, the text after it (Markdown). */
export interface Passage {
  stepId: string;
  before: string;
  selection: string;
  after: string;
}

export interface RewriteAsk extends Passage {
  kind: RewriteKind;
  instruction?: string;
  targetWords?: number;
}

/** The model a rewrite runs on (the generation service's loaded model, or the CLI's). */
export interface RewriteModel {
  backend: Backend;
  sampling?: SamplingSettings;
  promptFormat?: PromptFormat;
  /** Hold the model to prose with a grammar (the tiny test model, weak models). */
  useProtocolGrammars?: boolean;
}

export interface RewriteOutcome {
  /** "stopped": the writer stopped it; the text is what had come, not meant for the draft. */
  status: "done" | "stopped";
  text: string;
  words: number;
  targetWords: number;
}

/** Why a rewrite cannot be asked for (no such step, a step the model is writing, an empty passage). */
export class RewriteRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RewriteRefused";
  }
}

/** The text before the step's own `before`, from the steps before it, so a passage at a step's start has context. */
const EARLIER_CHARS = 2000;

/** Checks the passage against the manuscript; the target the rewrite will aim at. */
export function checkRewrite(m: Manuscript, ask: RewriteAsk): { targetWords: number } {
  const step = m.steps.find((s) => s.id === ask.stepId);
  if (!step) throw new RewriteRefused(`There is no step ${ask.stepId}: the draft may have changed. Select the passage again.`);
  if (isInProgress(step)) throw new RewriteRefused("The model is writing that step: wait until it is done.");
  if (ask.selection.trim() === "") throw new RewriteRefused("Select the text to rewrite.");
  if (ask.kind === "instruction" && !ask.instruction?.trim()) throw new RewriteRefused("Say how to change the passage (for example: make it tenser).");
  return { targetWords: rewriteTarget(ask.kind, countWriterWords(ask.selection), ask.targetWords) };
}

/**
 * Asks the model for the rewritten passage and streams it to `onText` (think blocks taken out), held
 * to its target. Aborting `signal` stops it ("stopped"). A backend failure is thrown.
 */
export async function rewritePassage(
  model: RewriteModel,
  m: Manuscript,
  ask: RewriteAsk,
  hooks: { signal?: AbortSignal; onText?: (text: string) => void } = {},
): Promise<RewriteOutcome> {
  const { targetWords } = checkRewrite(m, ask);
  const index = m.steps.findIndex((s) => s.id === ask.stepId);
  const step = m.steps[index]!;
  const section = m.sections.find((s) => s.id === step.sectionId) ?? null;
  const language: PromptLanguage = effectiveLanguage(m);
  const earlier = m.steps
    .slice(0, index)
    .map((s) => s.content)
    .join("\n\n")
    .slice(-EARLIER_CHARS);
  const messages = rewriteMessages(
    {
      task: m.instruction,
      section: section ? { title: section.title, brief: section.brief } : null,
      stepPlan: step.plan,
      voice: voiceFor(m, step.sectionId),
      before: [earlier, ask.before].filter((t) => t.trim()).join("\n\n"),
      passage: ask.selection,
      after: ask.after,
      kind: ask.kind,
      ...(ask.instruction ? { instruction: ask.instruction } : {}),
      targetWords,
    },
    language,
  );
  const turns = new PromptBuilder(model.backend, model.promptFormat);
  const tokens = await turns.first(messages);
  // Room for the target with slack, by this model's tokens per word in the passage itself (a word is
  // one to two tokens for most models, a character one for the scripted one), never past the window.
  const selectionWords = Math.max(1, countWriterWords(ask.selection));
  const perWord = Math.max(2, (await model.backend.tokenize(ask.selection, { specialTokens: false })).length / selectionWords);
  const maxTokens = Math.min(Math.ceil(targetWords * perWord * 1.5) + 64, Math.max(64, model.backend.contextSize - tokens.length - 1));

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  if (hooks.signal?.aborted) stop.abort();
  hooks.signal?.addEventListener("abort", onAbort);
  const filter = new ThinkFilter();
  let text = "";
  let cut: number | null = null;
  try {
    await model.backend.generate({
      tokens,
      maxTokens,
      stop: turns.stops,
      ...(model.useProtocolGrammars ? { grammar: rewriteGrammar(language) } : {}),
      ...(model.sampling ? { sampling: model.sampling } : {}),
      signal: stop.signal,
      onToken: (_tokens, chunk) => {
        if (cut !== null) return;
        text += filter.push(chunk);
        const at = rewriteCut(text, targetWords);
        if (at !== null) {
          cut = at;
          text = text.slice(0, at);
          stop.abort();
        }
        hooks.onText?.(text);
      },
    });
  } finally {
    hooks.signal?.removeEventListener("abort", onAbort);
  }
  if (cut === null) text += filter.end();
  const stopped = hooks.signal?.aborted === true;
  const passage = stopped ? text : cleanRewrite(text);
  return { status: stopped ? "stopped" : "done", text: passage, words: countWriterWords(passage), targetWords };
}

/**
 * The passage the CLI rewrites: a whole step (`stepId`), or the place `find` occurs in a step's text (its
 * Markdown), with the rest of that step before and after it; `section` (1-based) looks only in that
 * section's steps. Text that occurs more than once is refused: the writer says which.
 */
export function locatePassage(m: Manuscript, where: { stepId: string } | { find: string; section?: number }): Passage {
  if ("stepId" in where) {
    const step = m.steps.find((s) => s.id === where.stepId);
    if (!step) throw new RewriteRefused(`There is no step ${where.stepId}. The steps are ${m.steps.map((s) => s.id).join(", ") || "none yet"}.`);
    if (step.content.trim() === "") throw new RewriteRefused(`${step.id} has no text to rewrite.`);
    return { stepId: step.id, before: "", selection: step.content, after: "" };
  }
  if (where.find.trim() === "") throw new RewriteRefused("Give the text to find.");
  let steps = m.steps;
  if (where.section !== undefined) {
    const section = m.sections[where.section - 1];
    if (!section) throw new RewriteRefused(`There is no section ${where.section}: the document has ${m.sections.length} (${m.sections.map((s, i) => `${i + 1} "${s.title}"`).join(", ") || "none yet"}).`);
    steps = steps.filter((s) => s.sectionId === section.id);
  }
  const shown = `"${where.find.length > 60 ? `${where.find.slice(0, 60)}…` : where.find}"`;
  const places = steps.flatMap((step) => {
    const found: number[] = [];
    for (let at = step.content.indexOf(where.find); at >= 0; at = step.content.indexOf(where.find, at + 1)) found.push(at);
    return found.map((at) => ({ step, at }));
  });
  if (places.length === 0) throw new RewriteRefused(`${shown} is not in ${where.section !== undefined ? `section ${where.section}` : "the draft"} (it is searched as written in the step's Markdown).`);
  if (places.length > 1) {
    const where2 = [...new Set(places.map((p) => p.step.id))].join(", ");
    throw new RewriteRefused(`${shown} occurs ${places.length} times (${where2}): give more of the text, or --section N, so that it names one place.`);
  }
  const { step, at } = places[0]!;
  return { stepId: step.id, before: step.content.slice(0, at), selection: where.find, after: step.content.slice(at + where.find.length) };
}

/**
 * The manuscript with `text` in place of the passage: the step's text becomes before + text + after,
 * exactly, so nothing outside the passage changes; the step is then "edited", as any writer's edit.
 */
export function replacePassage(m: Manuscript, passage: Passage, text: string): Manuscript {
  const step = m.steps.find((s) => s.id === passage.stepId);
  if (!step || step.content !== passage.before + passage.selection + passage.after) throw new RewriteRefused("The step changed since the passage was taken: nothing was replaced.");
  const result = applyEdit(m, { type: "editStep", stepId: passage.stepId, content: passage.before + text + passage.after });
  if (!result.ok) throw new RewriteRefused(result.error.message);
  return result.manuscript;
}
