// Section ids across plan revisions, and which section each step writes.
import type { SectionDraft } from "../iscot/plan";
import type { Manuscript, Section, Step } from "./types";

/** A title as compared when matching sections: case, emphasis, quotes and extra spaces ignored. */
export function normalizeTitle(title: string): string {
  return title
    .toLowerCase()
    .replace(/[*_`#"“”'‘’「」《》]/g, "")
    .replace(/\s+/g, " ")
    .replace(/[\s.。:：,，;；!！?？-]+$/u, "")
    .trim();
}

/** The id of the n-th section ever created. */
export function sectionId(n: number): string {
  return `sec-${n}`;
}

/** The id of the step at an index. */
export function stepId(index: number): string {
  return `step-${index + 1}`;
}

/**
 * Gives the sections of a new plan their ids from the plan before it, deterministically:
 * 1. a new section takes the id of the first unpaired old section with the same title (in order);
 * 2. the new sections left take, in order, the ids of the old sections left, in order (a renamed section
 *    keeps its id, and a rewritten plan keeps the ids of the sections already written);
 * 3. the rest get fresh ids, numbered from `next`. Old sections left after that are dropped.
 */
export function matchSections(old: ReadonlyArray<Section>, drafts: ReadonlyArray<SectionDraft>, next: number): { sections: Section[]; next: number } {
  const ids: (string | null)[] = drafts.map(() => null);
  const used = old.map(() => false);
  const oldTitles = old.map((s) => normalizeTitle(s.title));
  drafts.forEach((draft, i) => {
    const title = normalizeTitle(draft.title);
    const j = oldTitles.findIndex((t, k) => !used[k] && t === title);
    if (j >= 0) {
      used[j] = true;
      ids[i] = old[j]!.id;
    }
  });
  let k = 0;
  for (let i = 0; i < drafts.length; i++) {
    if (ids[i] !== null) continue;
    while (k < old.length && used[k]) k++;
    if (k >= old.length) break;
    used[k] = true;
    ids[i] = old[k]!.id;
  }
  let n = next;
  const sections = drafts.map((d, i) => ({ id: ids[i] ?? sectionId(n++), title: d.title, brief: d.brief, budget: d.budget }));
  return { sections, next: n };
}

/** True when `title` is named in `text` (both normalized), not as part of a longer word or number. */
function names(text: string, title: string): boolean {
  if (title.length < 2) return false;
  const isAlnum = (c: string | undefined) => c !== undefined && /[a-z0-9]/.test(c);
  let from = 0;
  for (;;) {
    const at = text.indexOf(title, from);
    if (at < 0) return false;
    const before = text[at - 1];
    const after = text[at + title.length];
    const okBefore = !isAlnum(title[0]) || !isAlnum(before);
    const okAfter = !isAlnum(title[title.length - 1]) || !isAlnum(after);
    if (okBefore && okAfter) return true;
    from = at + 1;
  }
}

/**
 * The section a step writes, given the sections in force, the steps before it (with their sections)
 * and its plan:
 * 1. if the step plan names sections by title, the first of them (in plan order) that is not filled,
 *    or the last of them when all are filled;
 * 2. otherwise the first section not yet filled, from the section of the latest earlier step on (the plan
 *    is written in order), or the last section when all are filled.
 * A section is filled when its steps reach 80% of its budget (models rarely hit a budget exactly), or,
 * with no budget, once it has a step. No sections: null.
 */
export function assignSection(sections: ReadonlyArray<Section>, earlier: ReadonlyArray<Pick<Step, "sectionId" | "words">>, plan: string): string | null {
  if (sections.length === 0) return null;
  const words = new Map<string, number>();
  const count = new Map<string, number>();
  let latest: string | null = null;
  for (const s of earlier) {
    if (s.sectionId === null) continue;
    words.set(s.sectionId, (words.get(s.sectionId) ?? 0) + s.words);
    count.set(s.sectionId, (count.get(s.sectionId) ?? 0) + 1);
    latest = s.sectionId;
  }
  const filled = (s: Section) => (s.budget > 0 ? (words.get(s.id) ?? 0) * 5 >= s.budget * 4 : (count.get(s.id) ?? 0) >= 1);
  const text = normalizeTitle(plan);
  const named = sections.filter((s) => names(text, normalizeTitle(s.title)));
  if (named.length > 0) return (named.find((s) => !filled(s)) ?? named[named.length - 1]!).id;
  const start = Math.max(0, sections.findIndex((s) => s.id === latest));
  for (let i = start; i < sections.length; i++) if (!filled(sections[i]!)) return sections[i]!.id;
  return sections[sections.length - 1]!.id;
}

/**
 * Every step's section, replayed in transcript order: plan revisions and steps interleaved, each step
 * assigned under the plan in force at its place, and a step whose section a later revision dropped set
 * to none. The reducer reaches the same result incrementally; edits call this to redo it.
 */
export function replayAssignments(m: Pick<Manuscript, "revisions" | "steps">): (string | null)[] {
  const ids: (string | null)[] = [];
  let sections: ReadonlyArray<Section> = [];
  let r = 0;
  const applyRevisionsUpTo = (position: number) => {
    while (r < m.revisions.length && m.revisions[r]!.afterStep <= position) {
      sections = m.revisions[r]!.sections;
      const present = new Set(sections.map((s) => s.id));
      for (let i = 0; i < ids.length; i++) if (ids[i] !== null && !present.has(ids[i]!)) ids[i] = null;
      r++;
    }
  };
  const earlier: { sectionId: string | null; words: number }[] = [];
  m.steps.forEach((step, i) => {
    applyRevisionsUpTo(i);
    for (let j = 0; j < earlier.length; j++) earlier[j]!.sectionId = ids[j]!;
    const id = step.planComplete ? assignSection(sections, earlier, step.plan) : null;
    ids.push(id);
    earlier.push({ sectionId: id, words: step.words });
  });
  applyRevisionsUpTo(Number.POSITIVE_INFINITY);
  return ids;
}

/** The manuscript with every step's section set by replayAssignments. */
export function reassignSections(m: Manuscript): Manuscript {
  const ids = replayAssignments(m);
  if (ids.every((id, i) => m.steps[i]!.sectionId === id)) return m;
  return { ...m, steps: m.steps.map((s, i) => (s.sectionId === ids[i] ? s : { ...s, sectionId: ids[i]! })) };
}
