// Think-answer mode, for LongWriter-Zero: the model plans inside `<think>…</think>` and writes the
// document inside `<answer>…</answer>`. The think block streams into the timeline as the global plan
// (its sections, when it names them with budgets, steer the length; else the document is one section
// with the target); the answer is split into steps at its headings, as in the direct mode
// (onePass.ts). When the answer stops well short of the target the model is asked to go on, and its
// next answer is opened with `<answer>` so it writes text, not another plan.
import { thinkAnswerMessages } from "../../common/generation/prompts";
import { lastSectionTitle, OnePassMode, type OnePassFlavor, type OnePassOptions } from "./onePass";
import type { WritingSession } from "./session";
import { steerablePlan } from "./steps";

export const thinkAnswerFlavor: OnePassFlavor = {
  kind: "think-answer",
  messages: (m, language) => thinkAnswerMessages(m.instruction, m.targetWords, language),
  stops: ["</answer>"],
  answerOpener: "<answer>\n",
  /** A project being continued: its plan stands in the context as the model's think block. */
  resumedPlan: async (s) => {
    const latest = s.manuscript.revisions[s.manuscript.revisions.length - 1];
    return latest ? s.tokenizeProtocol(`<think>\n${latest.text}\n</think>\n<answer>\n`) : [];
  },
  /** Answer headings name sections of the think plan; they add none. */
  sectionFor: (m, title, heading) => {
    if (title !== null && heading) return { title, adds: false };
    return { title: lastSectionTitle(m) ?? title ?? m.sections[0]?.title ?? null, adds: false };
  },
  plan: writeThink,
};

/** The think-answer mode. */
export function thinkAnswerMode(options: OnePassOptions = {}): OnePassMode {
  return new OnePassMode(thinkAnswerFlavor, options);
}

/**
 * `<think>` is forced, the model plans up to `</think>` (fed to the timeline as the global plan), then
 * `</think>` and `<answer>` are appended and the plan is made steerable. True when that revised it.
 */
async function writeThink(s: WritingSession, ask: { grammar: string | undefined; stops: readonly string[] }): Promise<boolean> {
  const piece = s.context.push({ kind: "plan", tokens: await s.tokenizeProtocol("<think>\n") });
  s.openLive(piece);
  s.feedLive("<global_plan>\n");
  const room = Math.max(s.limits.maxPlanTokens, 4096);
  // The think block is the plan: read as it is written.
  const out = await s.generate({ expected: room, maxTokens: room, stop: ["</think>", ...ask.stops], grammar: ask.grammar, thinking: "keep" });
  if (!out) {
    s.dropLive();
    s.setManuscript({ ...s.manuscript, planDraft: null });
    return false;
  }
  const closed = out.result.stopReason === "stop" && out.result.stopString === "</think>";
  if (!closed) s.note("The model's thinking did not end with </think>: its plan is taken as it stands and the answer begins.");
  piece.tokens.push(...(await s.tokenizeProtocol(`${closed ? "" : "\n"}</think>\n<answer>\n`)));
  s.feedLive("\n</global_plan>\n");
  s.endLive();
  let revised = false;
  // A plan made to add up is not in the model's text: the next continuation request carries it.
  await steerablePlan(s, async () => {
    revised = true;
  });
  return revised;
}
