// The steering rules of the Plan-Write-Reflect controller, as pure functions: when a document is done,
// how long a segment may run, what a segment that loops looks like, what progress the model is told.
// The controller (electron/node/generation) applies them; the UI uses the same ones for its figures.
import type { Manuscript, PlanRevision, Section } from "../manuscript/types";
import { lengthScore } from "../metrics/score";
import { countWriterWords } from "../metrics/words";

/** Words written so far: the sum of the steps' counts. */
export function writtenWords(m: Pick<Manuscript, "steps">): number {
  let total = 0;
  for (const step of m.steps) total += step.words;
  return total;
}

/**
 * How close to the target counts as reached: 2% of it, at least 5 words. Stopping within this keeps
 * the length score above 99 while sparing a step of a few words.
 */
export function targetTolerance(target: number): number {
  return Math.max(5, Math.round(target * 0.02));
}

/** True when the document is long enough to end: the target reached, give or take the tolerance. */
export function targetReached(words: number, target: number | null): boolean {
  if (target === null) return false;
  return words >= target - targetTolerance(target);
}

/** The most a document may run past its target: 15% of it (the hard cap on overrun). */
export function overrunCap(target: number): number {
  return target + Math.round(target * 0.15);
}

/** The fewest words a section not yet written keeps when budgets are rebalanced: 2% of the target, at least 30. */
export function budgetFloor(target: number | null): number {
  return Math.max(30, Math.round((target ?? 0) * 0.02));
}

/** Sections of the plan with a budget that no step has written yet (a budget of 0 leaves a section out). */
export function unwrittenSections(m: Pick<Manuscript, "steps" | "sections">): Section[] {
  const written = new Set(m.steps.map((s) => s.sectionId));
  return m.sections.filter((s) => s.budget > 0 && !written.has(s.id));
}

/**
 * Whether only the floors of the sections not yet written are left of the target: the words written and
 * a floor for each unwritten section already give the document its length. From then on each of them
 * is written in plan order, one step each, at its floor (a section written in part is left as it is).
 */
export function onlyFloorsLeft(m: Pick<Manuscript, "steps" | "sections" | "targetWords">): boolean {
  const target = m.targetWords;
  if (target === null) return false;
  const unwritten = unwrittenSections(m).length;
  return unwritten > 0 && writtenWords(m) + unwritten * budgetFloor(target) >= target - targetTolerance(target);
}

/**
 * Whether the document may end now: its target reached, and no planned section unwritten. (Without a
 * target it never ends by length.)
 */
export function mayFinish(m: Pick<Manuscript, "steps" | "sections" | "targetWords">): boolean {
  return targetReached(writtenWords(m), m.targetWords) && unwrittenSections(m).length === 0;
}

/**
 * Whether step `index` writes the last part of the plan: no section with a budget after its own is
 * left unwritten. Its ending is the document's: it runs to its own end (or a paragraph end).
 */
export function writesLastPart(m: Pick<Manuscript, "steps" | "sections">, index: number): boolean {
  const own = m.steps[index]?.sectionId ?? null;
  const unwritten = unwrittenSections({ steps: m.steps.slice(0, index + 1), sections: m.sections }).filter((s) => s.id !== own);
  if (own === null) return unwritten.length === 0;
  const at = m.sections.findIndex((s) => s.id === own);
  return !unwritten.some((s) => m.sections.indexOf(s) > at);
}

/**
 * How far the document may run while step `index` is written: the hard cap, less the floor each
 * section after it still needs (so the plan can still be written under the cap). Null without a target.
 */
export function documentCap(m: Pick<Manuscript, "steps" | "sections" | "targetWords">, index: number): number | null {
  if (m.targetWords === null) return null;
  const own = m.steps[index]?.sectionId ?? null;
  const later = unwrittenSections({ steps: m.steps.slice(0, index + 1), sections: m.sections }).filter((s) => s.id !== own);
  return overrunCap(m.targetWords) - later.length * budgetFloor(m.targetWords);
}

/**
 * The words the document is heading for: those written, and what each section still lacks of its
 * budget (a section written past its budget lacks nothing).
 */
export function projectedWords(m: Pick<Manuscript, "steps" | "sections">): number {
  let projected = writtenWords(m);
  for (const s of m.sections) projected += Math.max(0, s.budget - sectionWords(m, s.id));
  return projected;
}

/**
 * When the writing runs long or short, the budgets of the sections not yet written are rebalanced so
 * the plan adds up to the target again: each keeps its share of what they have together, none falls
 * below the floor, and the sections whose budget the writer locked keep theirs. Null when the plan is
 * within 5% of the target (at least 50 words), or nothing can move.
 */
export function rebalancedBudgets(m: Pick<Manuscript, "steps" | "sections" | "targetWords">, locked: readonly string[] = []): { sections: Section[]; reason: string } | null {
  const target = m.targetWords;
  if (target === null || m.sections.length === 0) return null;
  const projected = projectedWords(m);
  const delta = target - projected;
  if (Math.abs(delta) < Math.max(50, Math.round(target * 0.05))) return null;
  const open = unwrittenSections(m).filter((s) => !locked.includes(s.id));
  if (open.length === 0) return null;
  const floor = budgetFloor(target);
  const base = open.reduce((sum, s) => sum + s.budget, 0);
  const total = Math.max(floor * open.length, base + delta);
  const budgets = open.map((s) => Math.max(floor, Math.floor((total * s.budget) / base)));
  budgets[budgets.length - 1]! += Math.max(0, total - budgets.reduce((a, b) => a + b, 0));
  if (budgets.every((b, i) => b === open[i]!.budget)) return null;
  const resized = new Map(open.map((s, i) => [s.id, budgets[i]!]));
  const sections = m.sections.map((s) => (resized.has(s.id) ? { ...s, budget: resized.get(s.id)! } : s));
  const after = budgets.reduce((a, b) => a + b, 0);
  const why = delta < 0 ? "ran long" : "ran short";
  const names = open.length === 1 ? `the section "${open[0]!.title}"` : `the ${open.length} sections not yet written`;
  return { sections, reason: `The writing ${why} (heading for ${projected} of ${target} words): the budget of ${names} went from ${base} to ${after} words.` };
}

/** A section's budget as the controller last changed it: from, to, and why. */
export interface BudgetChange {
  from: number;
  to: number;
  reason: string;
}

/**
 * The controller's rebalancing of one section's budget, while it stands: the last revision that
 * changed the section's budget was a rebalancing (the writer's own edit of it since clears it). Null
 * when the last change was the writer's, or there was none.
 */
export function budgetChange(revisions: readonly PlanRevision[], sectionId: string): BudgetChange | null {
  for (let i = revisions.length - 1; i > 0; i--) {
    const now = revisions[i]!.sections.find((s) => s.id === sectionId);
    const before = revisions[i - 1]!.sections.find((s) => s.id === sectionId);
    if (!now || !before) return null;
    if (now.budget === before.budget) continue;
    return revisions[i]!.cause === "rebalanced" ? { from: before.budget, to: now.budget, reason: revisions[i]!.reason ?? "" } : null;
  }
  return null;
}

/**
 * The continuation rule (the paper's synthesis loop): a model that ends well below the target has its
 * ending removed and is made to plan another step. "Well below" is under 90% of the target.
 */
export function endsTooEarly(words: number, target: number | null): boolean {
  return target !== null && words < target * 0.9;
}

/** Words a section has received from the steps assigned to it. */
export function sectionWords(m: Pick<Manuscript, "steps">, sectionId: string): number {
  let total = 0;
  for (const step of m.steps) if (step.sectionId === sectionId) total += step.words;
  return total;
}

/** The sections whose budget is not yet filled (within 10%), in plan order. */
export function unfinishedSections(m: Pick<Manuscript, "steps" | "sections">): Section[] {
  return m.sections.filter((s) => s.budget > 0 && sectionWords(m, s.id) < s.budget * 0.9);
}

/**
 * How many words the step being written should get: what its own plan says, else what is left of its
 * section's budget, else an even share of what is left of the target; never more than is left of the
 * target (so the last step does not overshoot). Null when nothing bounds it (no target, no budgets).
 */
export function stepBudget(m: Pick<Manuscript, "steps" | "sections" | "targetWords">, stepIndex: number): number | null {
  const step = m.steps[stepIndex];
  const before = writtenWords({ steps: m.steps.slice(0, stepIndex) });
  const leftOfTarget = m.targetWords === null ? null : Math.max(0, m.targetWords - before);
  let budget: number | null = step?.targetWords ?? null;
  if (budget === null && step?.sectionId) {
    const section = m.sections.find((s) => s.id === step.sectionId);
    if (section && section.budget > 0) {
      const earlier = sectionWords({ steps: m.steps.slice(0, stepIndex) }, section.id);
      budget = Math.max(section.budget - earlier, Math.round(section.budget * 0.25));
    }
  }
  if (budget === null && leftOfTarget !== null) {
    const open = Math.max(1, unfinishedSections({ steps: m.steps.slice(0, stepIndex), sections: m.sections }).length);
    budget = Math.ceil(leftOfTarget / open);
  }
  if (budget !== null && leftOfTarget !== null) {
    // A section nobody has written yet keeps at least its floor, even past the target: the plan is written to its end.
    const fresh = step?.sectionId ? sectionWords({ steps: m.steps.slice(0, stepIndex) }, step.sectionId) === 0 : false;
    budget = Math.min(budget, fresh ? Math.max(leftOfTarget, budgetFloor(m.targetWords)) : leftOfTarget);
  }
  return budget;
}

/**
 * When a segment has run far past its budget: 30% over and at least 40 words over. From then on the
 * controller closes it at the next paragraph break; at 60% over (and 80 words) it closes it at once.
 */
export function overrun(words: number, budget: number | null): "none" | "soft" | "hard" {
  if (budget === null) return "none";
  if (words > budget * 1.6 && words > budget + 80) return "hard";
  if (words > budget * 1.3 && words > budget + 40) return "soft";
  return "none";
}

/**
 * Where a segment starts to loop: the same block of words repeated back to back at its end. Returns the
 * character offset where the first repeat begins (the text up to it is kept), or null when the end of
 * the text does not loop. A block of 3 to 80 words repeated at least 3 times counts; for blocks under 8
 * words, 4 times (short phrases such as "very, very, very" are legitimate).
 */
export function findLoop(text: string): number | null {
  const words: { start: number; end: number; norm: string }[] = [];
  const re = /\S+/g;
  // Only the tail matters: a loop is at the end of what the model just wrote.
  const tailStart = Math.max(0, text.length - 6000);
  re.lastIndex = tailStart;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index === tailStart && tailStart > 0 && !/\s/.test(text[tailStart - 1] ?? " ")) continue;
    words.push({ start: m.index, end: m.index + m[0].length, norm: m[0].toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "") });
  }
  // The stream may stop inside a word ("…and an should sho"): a loop is also found before that last,
  // unfinished word, so that it is cut with the rest of the repetition.
  const unfinished = words.length > 0 && !/\s/.test(text[text.length - 1] ?? " ");
  return loopEnd(words, words.length) ?? (unfinished ? loopEnd(words, words.length - 1) : null);
}

/** For the first n words: the end of the first occurrence of the block repeated at their end, or null. */
function loopEnd(words: ReadonlyArray<{ end: number; norm: string }>, n: number): number | null {
  for (let period = 3; period <= 80; period++) {
    const times = period < 8 ? 4 : 3;
    if (n < period * times) continue;
    let repeats = 1;
    for (let r = 1; r < times; r++) {
      let same = true;
      for (let i = 0; i < period; i++) {
        if (words[n - 1 - i]?.norm !== words[n - 1 - i - r * period]?.norm) {
          same = false;
          break;
        }
      }
      if (!same) break;
      repeats++;
    }
    if (repeats >= times) {
      // The repetition starts where the words began to repeat with this period (the model's block may
      // start at another word than the one the end was matched on): keep one whole block from there.
      let start = n - 1 - period;
      while (start - 1 >= 0 && words[start - 1]?.norm === words[start - 1 + period]?.norm) start--;
      const keepEnd = words[start + period - 1];
      return keepEnd ? keepEnd.end : null;
    }
  }
  return null;
}

/** The exact progress the controller writes at the top of every reflection. */
export function progressLine(words: number, target: number | null, language: "en" | "zh"): string {
  if (language === "zh") return target === null ? `已完成${words}字。` : `字数：${words}/${target}。`;
  return target === null ? `Word count: ${words}.` : `Word count: ${words}/${target}.`;
}

/** The length score the document would get at the length its plan adds up to (or its current length if longer). */
export function projectedScore(m: Pick<Manuscript, "steps" | "sections" | "targetWords">): number | null {
  if (m.targetWords === null || m.targetWords <= 0) return null;
  const written = writtenWords(m);
  let projected = written;
  for (const s of m.sections) projected += Math.max(0, s.budget - sectionWords(m, s.id));
  if (m.sections.length === 0) projected = Math.max(written, m.targetWords);
  return lengthScore(m.targetWords, Math.max(projected, written));
}

/**
 * A plan whose budgets the controller can steer by: budgets missing everywhere are spread evenly over
 * the sections; budgets that add up to more than 10% off the target are scaled to it (rounded, the
 * rounding put on the last section). Returns null when the plan is fine as it is.
 */
export function normalizedBudgets(sections: ReadonlyArray<Pick<Section, "budget">>, target: number | null): { budgets: number[]; reason: string } | null {
  if (target === null || sections.length === 0) return null;
  const planned = sections.reduce((sum, s) => sum + s.budget, 0);
  let budgets: number[];
  let reason: string;
  if (planned === 0) {
    budgets = sections.map(() => Math.floor(target / sections.length));
    reason = `The plan gave no word budgets: the target of ${target} words was spread evenly over its ${sections.length} sections.`;
  } else if (Math.abs(planned - target) > target * 0.1) {
    budgets = sections.map((s) => Math.floor((s.budget * target) / planned));
    reason = `The plan's budgets added up to ${planned} words for a target of ${target}: they were scaled to the target.`;
  } else {
    return null;
  }
  const sum = budgets.reduce((a, b) => a + b, 0);
  budgets[budgets.length - 1] = (budgets[budgets.length - 1] ?? 0) + (target - sum);
  return { budgets, reason };
}

/**
 * Where the first sentence that brings a text to at least `words` words ends (a character offset), or
 * null when no sentence end comes at or after that many words. A text bounded by a budget is cut there.
 */
export function sentenceEndPast(text: string, words: number): number | null {
  const re = /[.!?]["'”’)]?(?=\s|$)|[。！？]["'”’」』）]?/g;
  let counted = 0;
  let from = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const end = m.index + m[0].length;
    // A sentence end is a word boundary: the counts of the pieces add up to the count of the whole.
    counted += countWriterWords(text.slice(from, end));
    from = end;
    if (counted >= words) return end;
  }
  return null;
}

/** Word n-grams a retelling is measured in: runs of this many words (a Han character counts as a word). */
export const RETELL_GRAM = 5;
/** The stretch at a step's end that is looked at, in n-grams (about as many words). */
export const RETELL_WINDOW = 60;
/** A step re-tells earlier steps when at least this share of the window's n-grams was already written. */
export const RETELL_SHARE = 0.5;

/** The words of a text, normalized (lower case, letters and digits), with where each ends; Han characters one by one. */
function gramWords(text: string): { start: number; end: number; norm: string }[] {
  const words: { start: number; end: number; norm: string }[] = [];
  const re = /\p{Script=Han}|[\p{L}\p{N}]+/gu;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) words.push({ start: m.index, end: m.index + m[0].length, norm: m[0].toLowerCase() });
  return words;
}

/**
 * The word n-grams of a text that say something: those of at least 3 different words (a run such as
 * "very very very" or "哈哈哈哈哈" is a loop's business, not a retelling's), with the word each starts at.
 */
function informativeGrams(words: ReadonlyArray<{ norm: string }>): { key: string; at: number }[] {
  const grams: { key: string; at: number }[] = [];
  for (let i = 0; i + RETELL_GRAM <= words.length; i++) {
    const slice = words.slice(i, i + RETELL_GRAM).map((w) => w.norm);
    if (new Set(slice).size >= 3) grams.push({ key: slice.join(" "), at: i });
  }
  return grams;
}

/** The word n-grams of a text (`RETELL_GRAM` words each), as keys of a set: what was already written. */
export function writtenGrams(text: string, into: Set<string> = new Set()): Set<string> {
  for (const gram of informativeGrams(gramWords(text))) into.add(gram.key);
  return into;
}

/**
 * Whether the end of a step re-tells what was written before it (not word for word back to back, which
 * `findLoop` sees, but the same phrases again): of the last `RETELL_WINDOW` n-grams of `text`, at least
 * `RETELL_SHARE` are in `earlier`. Returns that share and where the retelling begins (the start of the
 * sentence holding the first repeated n-gram of the longest such stretch at the end: the text before it
 * is kept), or null.
 */
export function findRetelling(text: string, earlier: ReadonlySet<string>): { share: number; cut: number } | null {
  if (earlier.size === 0) return null;
  const words = gramWords(text);
  const grams = informativeGrams(words);
  if (grams.length < RETELL_WINDOW) return null;
  const old = grams.map((g) => earlier.has(g.key));
  let inWindow = 0;
  for (let i = grams.length - RETELL_WINDOW; i < grams.length; i++) if (old[i]) inWindow++;
  const share = inWindow / RETELL_WINDOW;
  if (share < RETELL_SHARE) return null;
  // The longest stretch at the end that is still mostly old: the retelling starts at its first old n-gram.
  let count = 0;
  let from = grams.length - RETELL_WINDOW;
  for (let i = grams.length - 1; i >= 0; i--) {
    if (old[i]) count++;
    if (count / (grams.length - i) >= RETELL_SHARE && old[i]) from = i;
  }
  const at = words[grams[from]!.at]!.start;
  // Back to the start of its sentence (after the last sentence end or line break before it).
  const before = text.slice(0, at);
  const re = /[.!?]["'”’)]?\s|[。！？]["'”’」』）]?|\n/g;
  let cut = 0;
  for (let m = re.exec(before); m !== null; m = re.exec(before)) cut = m.index + m[0].length;
  return { share, cut };
}
