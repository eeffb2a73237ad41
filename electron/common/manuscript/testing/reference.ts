// A reference reducer for tests: the manuscript a transcript gives, computed the plain way, one event at
// a time, with every array copied and every step's section found by searching all titles and all earlier
// steps. Quadratic, and so obviously right; reducer.ts and sections.ts must give the same manuscript in
// linear time (scale.test.ts checks them against it on random and adversarial transcripts).
import type { ParserEvent, ParserWarning } from "../../iscot/events";
import { parseEvents } from "../../iscot/parser";
import type { SectionDraft } from "../../iscot/plan";
import { countWriterWords } from "../../metrics/words";
import { createManuscript } from "../reducer";
import { normalizeTitle, sectionId, stepId } from "../sections";
import type { Manuscript, ManuscriptInit, Section, Step } from "../types";

/** matchSections, searching the old sections for each title. */
export function referenceMatchSections(old: ReadonlyArray<Section>, drafts: ReadonlyArray<SectionDraft>, next: number): { sections: Section[]; next: number } {
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

function names(text: string, title: string): boolean {
  if (title.length < 2) return false;
  const isAlnum = (c: string | undefined) => c !== undefined && /[a-z0-9]/.test(c);
  for (let from = 0; ; ) {
    const at = text.indexOf(title, from);
    if (at < 0) return false;
    const okBefore = !isAlnum(title[0]) || !isAlnum(text[at - 1]);
    const okAfter = !isAlnum(title[title.length - 1]) || !isAlnum(text[at + title.length]);
    if (okBefore && okAfter) return true;
    from = at + 1;
  }
}

/** assignSection, by its definition: every title searched in the plan, every earlier step summed. */
export function referenceAssignSection(sections: ReadonlyArray<Section>, earlier: ReadonlyArray<Pick<Step, "sectionId" | "words">>, plan: string): string | null {
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

/** replayAssignments, each step assigned from scratch. */
export function referenceReplayAssignments(m: Pick<Manuscript, "revisions" | "steps">): (string | null)[] {
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
  m.steps.forEach((step, i) => {
    applyRevisionsUpTo(i);
    const earlier = m.steps.slice(0, i).map((s, j) => ({ sectionId: ids[j]!, words: s.words }));
    ids.push(step.planComplete ? referenceAssignSection(sections, earlier, step.plan) : null);
  });
  applyRevisionsUpTo(Number.POSITIVE_INFINITY);
  return ids;
}

function inProgress(m: Manuscript): boolean {
  const last = m.steps[m.steps.length - 1];
  return last !== undefined && (last.status === "planned" || last.status === "writing");
}

function openStep(m: Manuscript, index: number): Step | null {
  return index === m.steps.length - 1 && inProgress(m) ? m.steps[index]! : null;
}

function withStep(m: Manuscript, index: number, change: Partial<Step>): Manuscript {
  return { ...m, steps: m.steps.map((s, i) => (i === index ? { ...s, ...change } : s)) };
}

/** applyEvent, one copy of the manuscript per event and the word count of the whole step each time. */
export function referenceApplyEvent(m: Manuscript, event: ParserEvent): Manuscript {
  switch (event.type) {
    case "globalPlanStarted":
      return { ...m, planDraft: { text: "", sections: [] } };
    case "globalPlanDelta": {
      const draft = m.planDraft ?? { text: "", sections: [] };
      return { ...m, planDraft: { ...draft, text: draft.text + event.text } };
    }
    case "globalPlanSection": {
      const draft = m.planDraft ?? { text: "", sections: [] };
      return { ...m, planDraft: { ...draft, sections: [...draft.sections, event.section] } };
    }
    case "globalPlanComplete": {
      if (inProgress(m)) return m;
      const next = m.revisions[m.revisions.length - 1]?.nextSectionNumber ?? 1;
      const matched = referenceMatchSections(m.sections, event.sections, next);
      const revision = { afterStep: m.steps.length, text: event.text, sections: matched.sections, nextSectionNumber: matched.next };
      const revised = { ...m, planDraft: null, sections: matched.sections, revisions: [...m.revisions, revision] };
      const ids = referenceReplayAssignments(revised);
      return { ...revised, steps: revised.steps.map((s, i) => (s.sectionId === ids[i] ? s : { ...s, sectionId: ids[i]! })) };
    }
    case "stepStarted": {
      if (event.step !== m.steps.length || inProgress(m) || m.planDraft !== null || m.finished) return m;
      const step: Step = { id: stepId(event.step), sectionId: null, plan: "", planComplete: false, targetWords: null, content: "", reflection: "", progress: null, words: 0, status: "planned" };
      return { ...m, steps: [...m.steps, step] };
    }
    case "stepPlanDelta": {
      const step = openStep(m, event.step);
      return !step || step.planComplete ? m : withStep(m, event.step, { plan: step.plan + event.text });
    }
    case "stepPlanComplete": {
      const step = openStep(m, event.step);
      if (!step || step.planComplete) return m;
      const sectionId = referenceAssignSection(m.sections, m.steps.slice(0, event.step), event.text);
      return withStep(m, event.step, { plan: event.text, planComplete: true, targetWords: event.targetWords, sectionId });
    }
    case "contentDelta": {
      const step = openStep(m, event.step);
      if (!step?.planComplete) return m;
      const content = step.content + event.text;
      return withStep(m, event.step, { content, words: countWriterWords(content), status: "writing" });
    }
    case "reflectionDelta": {
      const step = openStep(m, event.step);
      return !step?.planComplete ? m : withStep(m, event.step, { reflection: step.reflection + event.text, status: "writing" });
    }
    case "stepComplete": {
      const step = openStep(m, event.step);
      return !step?.planComplete ? m : withStep(m, event.step, { reflection: event.reflection, progress: event.progress, status: "done" });
    }
    case "finished":
      return inProgress(m) || m.planDraft !== null ? m : { ...m, finished: true };
    case "warning":
      return m;
    default:
      return event satisfies never;
  }
}

/** parseTranscript, the events of the whole text folded one at a time. */
export function referenceParseTranscript(text: string, init: ManuscriptInit = {}): { manuscript: Manuscript; warnings: ParserWarning[] } {
  let manuscript = createManuscript(init);
  const warnings: ParserWarning[] = [];
  for (const event of parseEvents(text)) {
    if (event.type === "warning") warnings.push(event.warning);
    else manuscript = referenceApplyEvent(manuscript, event);
  }
  return { manuscript, warnings };
}
