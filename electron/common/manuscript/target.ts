// A new target is planned, not poured into the last section: the words the plan does not hold yet go
// to the sections nobody has written (their budgets grow), or, when every section has its words, to
// new sections after them; a lower target shrinks the sections not written yet. The timeline shows the
// plan before the model writes a word of it.
import { normalizeTitle, sectionId } from "./sections";
import type { Section, Step } from "./types";

/** How many new sections a raised target may add at once. */
const MAX_NEW_SECTIONS = 12;
/** The least a new section is planned for. */
const NEW_SECTION_WORDS = 300;

/**
 * The words the document is heading for: those written, and what each section still lacks of its
 * budget (a section written past its budget lacks nothing).
 */
export function projectedWords(sections: ReadonlyArray<Section>, steps: ReadonlyArray<Pick<Step, "sectionId" | "words">>): number {
  const bySection = new Map<string | null, number>();
  let written = 0;
  for (const step of steps) {
    written += step.words;
    bySection.set(step.sectionId, (bySection.get(step.sectionId) ?? 0) + step.words);
  }
  return written + sections.reduce((sum, s) => sum + Math.max(0, s.budget - (bySection.get(s.id) ?? 0)), 0);
}

/**
 * The plan's sections for a new target, or null when the plan fits it already (or there is no plan
 * yet). A raised target grows the sections not written yet by their shares, or adds sections after
 * the last when every section has words; a lowered one shrinks the sections not written yet (to 0,
 * left out, when the words written already reach it). `next` is the number the next new section's id
 * takes.
 */
export function sectionsForTarget(sections: ReadonlyArray<Section>, steps: ReadonlyArray<Pick<Step, "sectionId" | "words">>, target: number | null, next: number, language: "en" | "zh"): Section[] | null {
  if (target === null || sections.length === 0) return null;
  const delta = target - projectedWords(sections, steps);
  if (delta === 0) return null;
  const written = new Set(steps.map((s) => s.sectionId));
  const open = sections.filter((s) => !written.has(s.id));
  if (open.length > 0) {
    const base = open.reduce((sum, s) => sum + s.budget, 0);
    const total = Math.max(0, base + delta);
    if (total === base) return null;
    // Each section not written yet keeps its share of what they have together.
    const budgets = open.map((s) => (base > 0 ? Math.floor((total * s.budget) / base) : Math.floor(total / open.length)));
    budgets[budgets.length - 1]! += total - budgets.reduce((a, b) => a + b, 0);
    const resized = new Map(open.map((s, i) => [s.id, budgets[i]!]));
    return sections.map((s) => (resized.has(s.id) ? { ...s, budget: resized.get(s.id)! } : s));
  }
  if (delta < 0) return null;
  // Every section has its words: new sections after them, each about as long as the plan's average
  // (at least NEW_SECTION_WORDS: an imported draft's short sections would make many tiny ones).
  const planned = sections.reduce((sum, s) => sum + s.budget, 0);
  const average = Math.max(NEW_SECTION_WORDS, Math.round(planned / sections.length));
  const count = Math.min(MAX_NEW_SECTIONS, Math.max(1, Math.round(delta / average)));
  const budgets = Array.from({ length: count }, () => Math.floor(delta / count));
  budgets[count - 1]! += delta - budgets.reduce((a, b) => a + b, 0);
  const taken = new Set(sections.map((s) => normalizeTitle(s.title)));
  const added: Section[] = [];
  let n = sections.length + 1;
  for (const budget of budgets) {
    let title = language === "zh" ? `第${n}部分` : `Part ${n}`;
    while (taken.has(normalizeTitle(title))) title = language === "zh" ? `第${++n}部分` : `Part ${++n}`;
    taken.add(normalizeTitle(title));
    added.push({ id: sectionId(next + added.length), title, brief: language === "zh" ? "承接上一部分继续写。" : "Goes on from where the previous section ends.", budget });
    n++;
  }
  return [...sections, ...added];
}
