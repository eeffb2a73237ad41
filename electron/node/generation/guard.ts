// The segment guard: reads the step being written as it streams and says when it should end — far past
// its budget, at its own end when it writes the last part of the plan, at the hard cap on overrun, or
// looping or re-telling earlier steps — and where its text is cut back to. It only gives verdicts; the session aborts the call and
// the mode trims the text.
import { budgetFloor, documentCap, findLoop, findRetelling, overrun, overrunCap, sentenceEndPast, stepBudget, targetTolerance, writesLastPart, writtenGrams, writtenWords } from "../../common/generation/rules";
import type { Manuscript } from "../../common/manuscript/types";
import { countWriterWords } from "../../common/metrics/words";

/**
 * Why a segment ends early, which says where its text is cut back to: `loop` to the end of the repeated
 * block's first occurrence, `retell` (it re-tells earlier steps: most of its last phrases were already
 * written) to the start of the sentence where the retelling began, `paragraph` to its last paragraph
 * break, `near-goal` to the sentence end nearest its budget, `past-budget` to the first sentence end past its budget, `cap` (the document
 * reached the hard cap on overrun) to its last paragraph break, else its last sentence end, `ending`
 * (the last part of the plan, past the target) to its sentence end nearest the target that leaves the
 * document its length.
 */
export type Verdict = "loop" | "retell" | "paragraph" | "near-goal" | "past-budget" | "cap" | "ending";

/**
 * How a mode bounds its segments. `steered` (IS-CoT): a segment 30% over its budget ends at its next
 * paragraph break, 60% over at once. `bounded` (orchestrated, AgentWrite): a segment ends at the first
 * sentence end past its budget. `target` (the one-pass modes): nothing bounds a segment but the
 * document. In every policy the last part of the plan runs to its own end, or, once the document has
 * its length, to the next paragraph end; nothing runs past the hard cap (15% over the target, less what
 * the sections still unwritten need); and loops are cut.
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

  /** The characters a cut of the step being written never goes below: the writer's text it goes on from. */
  private kept = 0;

  /**
   * The step being written starts from `chars` characters of the writer's (a step they typed into or
   * stopped, continued): whatever the verdict, a cut keeps them all. 0 for a step the model begins.
   */
  keepFirst(chars: number): void {
    this.kept = Math.max(0, chars);
  }

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

  /**
   * Where step `index`'s content is cut for a verdict (a character offset), or null to keep it whole.
   * Never inside the writer's text the step went on from (keepFirst).
   */
  cutPoint(m: Manuscript, index: number, verdict: Verdict): number | null {
    const end = this.cutFor(m, index, verdict);
    if (end === null || end >= this.kept) return end;
    return this.kept >= (m.steps[index]?.content.length ?? 0) ? null : this.kept;
  }

  private cutFor(m: Manuscript, index: number, verdict: Verdict): number | null {
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
      case "near-goal": {
        if (m.targetWords === null) return sentenceEndNearGoal(m, index, content);
        const near = sentenceEndNearGoal({ ...m, targetWords: m.targetWords - laterFloors(m, index) }, index, content);
        // A section's first step keeps at least its floor: cut at the first sentence end past it.
        const floor = ownFloor(m, index);
        if (floor === 0 || (near !== null && countWriterWords(content.slice(0, near)) >= floor)) return near;
        return sentenceEndPast(content, floor) ?? near;
      }
      case "past-budget": {
        const budget = m.steps[index]?.targetWords ?? stepBudget(m, index);
        return budget === null ? null : sentenceEndPast(content, budget);
      }
      case "cap":
        return capCut(m, index, content);
      case "ending":
        return endingCut(m, index, content);
      default:
        return verdict satisfies never;
    }
  }

  private limit(m: Manuscript, index: number): Verdict | null {
    const step = m.steps[index]!;
    const target = m.targetWords;
    const written = writtenWords(m);
    const cap = documentCap(m, index);
    if (cap !== null && written >= cap) return "cap";
    // The last part of the plan runs to its own end: it is ended (at its next paragraph end) only once
    // the document has its length and the step its budget, or the document is past its target.
    const last = writesLastPart(m, index);
    if (last && target !== null) {
      // 10% past the target with no paragraph end in sight (a model that does not end by itself): it
      // ends at the sentence end nearest the target, never cut back below the document's length.
      if (written >= target + Math.max(targetTolerance(target), Math.round(target * 0.1)) && endingCut(m, index, step.content) !== null) return "ending";
      const budget = step.targetWords ?? stepBudget(m, index);
      const atLength = written >= target - targetTolerance(target) && (budget === null || step.words >= budget);
      if (atLength) return this.soft(step.content);
    }
    // A part before the last: past what the target leaves it (the sections after it keep their floor),
    // it ends at the sentence end nearest that; the first step of a section not before it has its own
    // floor and a sentence end past it (never a step of a few words, or none).
    if (!last && target !== null && cap !== null && written >= target - laterFloors(m, index) + targetTolerance(target)) {
      const floor = ownFloor(m, index);
      if (floor === 0 || (step.words >= floor && sentenceEndPast(step.content, floor) !== null)) return "near-goal";
    }
    switch (this.policy) {
      case "target":
        return null;
      case "bounded": {
        const budget = step.targetWords ?? stepBudget(m, index);
        if (budget === null) return null;
        // The last part runs to its own end: past its budget, to a paragraph end.
        if (last) return step.words >= Math.max(budget, budgetFloor(target)) ? this.soft(step.content) : null;
        // Tokens arrive in batches: the sentence end past the budget may be inside the last one (the cut trims back to it).
        if (step.words >= budget && sentenceEndPast(step.content, budget) !== null) return "past-budget";
        return step.words > budget * 1.3 + 20 ? "past-budget" : null;
      }
      case "steered": {
        const state = overrun(step.words, stepBudget(m, index));
        // Far past its budget: a step ends at once, but the last part still at a paragraph end.
        if (state === "hard" && !last) return "near-goal";
        return state === "none" ? null : this.soft(step.content);
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

  /** Past a soft limit: the verdict comes with the next paragraph break (the parser shows it once the next paragraph begins). */
  private soft(content: string): Verdict | null {
    if (this.softFrom < 0) this.softFrom = content.length;
    return content.lastIndexOf("\n\n") >= this.softFrom ? "paragraph" : null;
  }

  /** Every few tokens: a segment that began to loop is cut. */
  private loop(content: string, tokens: number): Verdict | null {
    this.tokensSinceLoopCheck += tokens;
    if (this.tokensSinceLoopCheck < LOOP_CHECK_TOKENS) return null;
    this.tokensSinceLoopCheck = 0;
    return findLoop(content) !== null ? "loop" : null;
  }
}

/** The words the sections after step `index`'s that no step has written keep (their floors). */
function laterFloors(m: Manuscript, index: number): number {
  const cap = documentCap(m, index);
  return m.targetWords === null || cap === null ? 0 : overrunCap(m.targetWords) - cap;
}

/** The words step `index` keeps whatever the target leaves it: its section's floor when it is the section's first step, else none. */
function ownFloor(m: Manuscript, index: number): number {
  const id = m.steps[index]?.sectionId;
  if (!id || m.targetWords === null) return 0;
  return m.steps.slice(0, index).some((s) => s.sectionId === id) ? 0 : budgetFloor(m.targetWords);
}

/**
 * The last part past the target: of its sentence ends that leave the document its length (the target
 * less the tolerance), the one nearest the target; null while there is none.
 */
function endingCut(m: Manuscript, index: number, content: string): number | null {
  const target = m.targetWords;
  if (target === null) return null;
  const before = writtenWords({ steps: m.steps.slice(0, index) });
  const goal = target - before;
  const least = goal - targetTolerance(target);
  const re = /[.!?]["'”’)]?(?=\s|$)|[。！？]["'”’」』）]?/g;
  let best: number | null = null;
  let bestGap = Infinity;
  let counted = 0;
  let from = 0;
  for (let found = re.exec(content); found !== null; found = re.exec(content)) {
    const end = found.index + found[0].length;
    counted += countWriterWords(content.slice(from, end));
    from = end;
    if (counted < least) continue;
    const gap = Math.abs(counted - goal);
    if (gap >= bestGap) break;
    best = end;
    bestGap = gap;
  }
  return best;
}

/**
 * Where a step is cut at the hard cap: its last paragraph break within the cap, else its last sentence
 * end within it (the text is never cut inside a sentence when a sentence end exists).
 */
function capCut(m: Manuscript, index: number, content: string): number | null {
  const cap = documentCap(m, index);
  if (cap === null) return null;
  const before = writtenWords({ steps: m.steps.slice(0, index) });
  const room = Math.max(0, cap - before);
  const within = sentenceEndNearGoal({ ...m, targetWords: before + room }, index, content, true);
  // A paragraph break is the better end when the document still has its length there.
  const target = m.targetWords ?? 0;
  const needed = target - targetTolerance(target) - before;
  const paragraph = content.lastIndexOf("\n\n", within ?? content.length);
  if (paragraph > 0 && countWriterWords(content.slice(0, paragraph)) >= needed) return paragraph;
  return within;
}

/**
 * Of the content's sentence ends, the one that brings the document nearest its target (else the step
 * nearest its budget); `notPast`: the last one that does not pass it, when there is one.
 */
export function sentenceEndNearGoal(m: Manuscript, index: number, content: string, notPast = false): number | null {
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
    if (notPast) {
      if (words <= goal) return ends[i]!;
      continue;
    }
    const gap = Math.abs(words - goal);
    if (gap < bestGap) {
      best = ends[i]!;
      bestGap = gap;
    }
    if (words < goal) break;
  }
  return notPast ? (ends[0] ?? null) : best;
}
