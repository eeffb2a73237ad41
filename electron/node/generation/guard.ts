// The segment guard: reads the step being written as it streams and says when it should end — far past
// its budget, past the document's target, or looping — and where its text is cut back to. It only
// gives verdicts; the session aborts the call and the mode trims the text.
import { findLoop, findRetelling, overrun, sentenceEndPast, stepBudget, targetTolerance, writtenGrams, writtenWords } from "../../common/generation/rules";
import type { Manuscript } from "../../common/manuscript/types";
import { countWriterWords } from "../../common/metrics/words";

/**
 * Why a segment ends early, which says where its text is cut back to: `loop` to the end of the repeated
 * block's first occurrence, `retell` (it re-tells earlier steps: most of its last phrases were already
 * written) to the start of the sentence where the retelling began, `paragraph` to its last paragraph
 * break, `near-goal` to the sentence end nearest its goal (the target, or its budget), `past-budget` to
 * the first sentence end past its budget.
 */
export type Verdict = "loop" | "retell" | "paragraph" | "near-goal" | "past-budget";

/**
 * How a mode bounds its segments. `steered` (IS-CoT): a segment 30% over its budget ends at its next
 * paragraph break, 60% over at once, and any past the document's target near the target. `bounded`
 * (orchestrated, AgentWrite): a segment ends at the first sentence end past its budget. `target` (the
 * one-pass modes): the draft ends near the target. Every policy cuts loops.
 */
export type GuardPolicy = "steered" | "bounded" | "target";

/** Content tokens between two looks for a loop. */
const LOOP_CHECK_TOKENS = 24;
/** Content tokens between two looks for a retelling of earlier steps. */
const RETELL_CHECK_TOKENS = 48;

export class SegmentGuard {
  /** Content length at which the segment passed its soft limit (-1: not yet). */
  private softFrom = -1;
  private tokensSinceLoopCheck = 0;
  private tokensSinceRetellCheck = 0;
  /** The n-grams of the steps before step `index` (`size`: their characters when it was made). */
  private earlier: { index: number; size: number; grams: Set<string> } | null = null;

  /**
   * `retell: false` leaves retellings alone: for a model held to the protocol by grammars, whose words
   * come from a list of a few dozen, shared phrases are the grammar's, not a retelling.
   */
  constructor(
    readonly policy: GuardPolicy,
    private readonly options: { retell?: boolean } = {},
  ) {}

  /** A new segment, or a new call of the model for the same one: the limits are looked for afresh. */
  reset(): void {
    this.softFrom = -1;
    this.tokensSinceLoopCheck = 0;
    this.tokensSinceRetellCheck = 0;
  }

  /** After a batch of `tokens` tokens of step `index`'s content: the verdict, or null to go on. */
  check(m: Manuscript, index: number, tokens: number): Verdict | null {
    const step = m.steps[index];
    if (!step) return null;
    const verdict = this.limit(m, index);
    // The target policy looks for a loop only while the draft is short of the target.
    if (verdict && this.policy === "target") return verdict;
    const loop = this.loop(step.content, tokens);
    return verdict ?? loop ?? this.retell(m, index, tokens);
  }

  /** Where step `index`'s content is cut for a verdict (a character offset), or null to keep it whole. */
  cutPoint(m: Manuscript, index: number, verdict: Verdict): number | null {
    const content = m.steps[index]?.content ?? "";
    switch (verdict) {
      case "loop":
        return findLoop(content);
      case "retell":
        return findRetelling(content, this.earlierGrams(m, index))?.cut ?? null;
      case "paragraph": {
        const end = content.lastIndexOf("\n\n");
        return end > 0 ? end : null;
      }
      case "near-goal":
        return sentenceEndNearGoal(m, index, content);
      case "past-budget": {
        const budget = m.steps[index]?.targetWords ?? stepBudget(m, index);
        return budget === null ? null : sentenceEndPast(content, budget);
      }
      default:
        return verdict satisfies never;
    }
  }

  private limit(m: Manuscript, index: number): Verdict | null {
    const step = m.steps[index]!;
    const target = m.targetWords;
    const pastTarget = target !== null && writtenWords(m) >= target + targetTolerance(target);
    switch (this.policy) {
      case "target":
        return pastTarget ? "near-goal" : null;
      case "bounded": {
        const budget = step.targetWords ?? stepBudget(m, index);
        if (budget === null) return null;
        // Tokens arrive in batches: the sentence end past the budget may be inside the last one (the cut trims back to it).
        if (step.words >= budget && sentenceEndPast(step.content, budget) !== null) return "past-budget";
        return step.words > budget * 1.3 + 20 ? "past-budget" : null;
      }
      case "steered": {
        const state = overrun(step.words, stepBudget(m, index));
        // Past the whole document's target: it ends at the sentence end nearest the target.
        if (pastTarget || state === "hard") return "near-goal";
        if (state === "soft" && this.softFrom < 0) this.softFrom = step.content.length;
        // A paragraph break after the soft limit: the parser shows it once the next paragraph begins.
        return this.softFrom >= 0 && step.content.lastIndexOf("\n\n") >= this.softFrom ? "paragraph" : null;
      }
      default:
        return this.policy satisfies never;
    }
  }

  /** Every few dozen tokens: a segment that began to re-tell the steps before it is cut. */
  private retell(m: Manuscript, index: number, tokens: number): Verdict | null {
    if (this.options.retell === false) return null;
    this.tokensSinceRetellCheck += tokens;
    if (this.tokensSinceRetellCheck < RETELL_CHECK_TOKENS) return null;
    this.tokensSinceRetellCheck = 0;
    return findRetelling(m.steps[index]!.content, this.earlierGrams(m, index)) ? "retell" : null;
  }

  /** What the steps before step `index` say, made again when they change (the writer's edits). */
  private earlierGrams(m: Manuscript, index: number): Set<string> {
    const before = m.steps.slice(0, index);
    const size = before.reduce((n, s) => n + s.content.length, 0);
    if (this.earlier?.index !== index || this.earlier.size !== size) {
      const grams = new Set<string>();
      for (const step of before) writtenGrams(step.content, grams);
      this.earlier = { index, size, grams };
    }
    return this.earlier.grams;
  }

  /** Every few tokens: a segment that began to loop is cut. */
  private loop(content: string, tokens: number): Verdict | null {
    this.tokensSinceLoopCheck += tokens;
    if (this.tokensSinceLoopCheck < LOOP_CHECK_TOKENS) return null;
    this.tokensSinceLoopCheck = 0;
    return findLoop(content) !== null ? "loop" : null;
  }
}

/** Of the content's sentence ends, the one that brings the document nearest its target (else the step nearest its budget). */
export function sentenceEndNearGoal(m: Manuscript, index: number, content: string): number | null {
  const target = m.targetWords;
  const before = writtenWords({ steps: m.steps.slice(0, index) });
  const goal = target !== null ? target - before : stepBudget(m, index);
  const ends: number[] = [];
  // A Latin sentence ends before white space; a Chinese one needs none.
  const re = /[.!?]["'”’)]?(?=\s|$)|[。！？]["'”’」』）]?/g;
  for (let match = re.exec(content); match !== null; match = re.exec(content)) ends.push(match.index + match[0].length);
  if (ends.length === 0) return null;
  if (goal === null) return ends[ends.length - 1]!;
  let best = ends[ends.length - 1]!;
  let bestGap = Infinity;
  for (let i = ends.length - 1; i >= 0; i--) {
    const words = countWriterWords(content.slice(0, ends[i]));
    const gap = Math.abs(words - goal);
    if (gap < bestGap) {
      best = ends[i]!;
      bestGap = gap;
    }
    if (words < goal) break;
  }
  return best;
}
