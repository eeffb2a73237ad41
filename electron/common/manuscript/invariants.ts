// What must hold of every manuscript, checked in one place (tests call it after every change).
import { reportedProgress, stepTargetWords } from "../iscot/budget";
import { findProtocolTag } from "../iscot/tags";
import { countWriterWords } from "../metrics/words";
import { replayAssignments, stepId } from "./sections";
import type { Manuscript, Section } from "./types";

function sectionProblems(where: string, sections: ReadonlyArray<Section>, next: number | null, problems: string[]): void {
  const ids = new Set<string>();
  for (const s of sections) {
    if (ids.has(s.id)) problems.push(`${where}: section id ${s.id} is used twice`);
    ids.add(s.id);
    const n = /^sec-(\d+)$/.exec(s.id);
    if (!n) problems.push(`${where}: section id ${s.id} is not sec-N`);
    else if (next !== null && Number(n[1]) >= next) problems.push(`${where}: section id ${s.id} is not below the next number ${next}`);
    if (!Number.isSafeInteger(s.budget) || s.budget < 0) problems.push(`${where}: section ${s.id} has budget ${s.budget}`);
    if (s.title !== s.title.trim() || s.brief !== s.brief.trim()) problems.push(`${where}: section ${s.id} has untrimmed text`);
  }
}

/**
 * Every invariant a manuscript must satisfy, as a list of problems (empty when all hold): unique
 * well-formed ids, non-negative integer budgets, each step in an existing section or none, sections
 * equal to the last revision's, steps assigned as the replay assigns them, only the last step in
 * progress, trimmed texts free of protocol tags, counts and targets that match the texts.
 */
export function checkInvariants(m: Manuscript): string[] {
  const problems: string[] = [];
  if (m.language !== "en" && m.language !== "zh" && m.language !== "auto") problems.push(`language ${String(m.language)} is not en, zh or auto`);
  if (m.targetWords !== null && !(Number.isSafeInteger(m.targetWords) && m.targetWords > 0)) problems.push(`target ${m.targetWords} is not a positive integer`);

  const lastRevision = m.revisions[m.revisions.length - 1];
  sectionProblems("plan", m.sections, lastRevision?.nextSectionNumber ?? 1, problems);
  const current = JSON.stringify(lastRevision?.sections ?? []);
  if (JSON.stringify(m.sections) !== current) problems.push("the sections differ from the last revision's");

  let previousAfter = 0;
  let previousNext = 1;
  m.revisions.forEach((r, i) => {
    sectionProblems(`revision ${i}`, r.sections, r.nextSectionNumber, problems);
    if (!Number.isInteger(r.afterStep) || r.afterStep < previousAfter || r.afterStep > m.steps.length) problems.push(`revision ${i} stands at step ${r.afterStep}, out of order`);
    if (r.nextSectionNumber < previousNext) problems.push(`revision ${i} lowers the next section number`);
    if (r.text !== r.text.trim()) problems.push(`revision ${i} has untrimmed text`);
    if (findProtocolTag(r.text)) problems.push(`revision ${i} holds a protocol tag`);
    previousAfter = r.afterStep;
    previousNext = r.nextSectionNumber;
  });

  const sectionIds = new Set(m.sections.map((s) => s.id));
  const assigned = replayAssignments(m);
  m.steps.forEach((s, i) => {
    const where = `step ${i + 1}`;
    if (s.id !== stepId(i)) problems.push(`${where} has id ${s.id}`);
    if (s.sectionId !== null && !sectionIds.has(s.sectionId)) problems.push(`${where} belongs to missing section ${s.sectionId}`);
    if (s.sectionId !== assigned[i]) problems.push(`${where} is in section ${s.sectionId}, the replay says ${assigned[i]}`);
    const inProgress = s.status === "planned" || s.status === "writing";
    if (inProgress && i !== m.steps.length - 1) problems.push(`${where} is in progress but is not the last step`);
    if (!s.planComplete && (s.status !== "planned" || s.sectionId !== null || s.targetWords !== null)) problems.push(`${where} has an open plan but status ${s.status} or a section/target`);
    if (s.status === "planned" && (s.content !== "" || s.reflection !== "")) problems.push(`${where} is planned but has text`);
    if (s.status === "writing" && s.content === "" && s.reflection === "") problems.push(`${where} is writing but has no text`);
    for (const [field, text] of [["plan", s.plan], ["content", s.content], ["reflection", s.reflection]] as const) {
      if (text !== text.trim()) problems.push(`${where} has untrimmed ${field}`);
      const tag = findProtocolTag(text);
      if (tag) problems.push(`${where} ${field} holds the tag ${tag.tag}`);
    }
    if (s.words !== countWriterWords(s.content)) problems.push(`${where} counts ${s.words} words, its content has ${countWriterWords(s.content)}`);
    if (s.planComplete && s.targetWords !== stepTargetWords(s.plan)) problems.push(`${where} target ${s.targetWords} does not match its plan`);
    if (s.status === "stopped" && (!s.planComplete || s.reflection !== "")) problems.push(`${where} is stopped but has an open plan or a reflection`);
    const progress = inProgress ? null : reportedProgress(s.reflection);
    if (JSON.stringify(s.progress) !== JSON.stringify(progress)) problems.push(`${where} progress does not match its reflection`);
  });

  const last = m.steps[m.steps.length - 1];
  if (last && (last.status === "planned" || last.status === "writing")) {
    if (m.planDraft !== null) problems.push("a plan draft while a step is in progress");
    if (m.finished) problems.push("finished while a step is in progress");
    if (m.revisions.some((r) => r.afterStep > m.steps.length - 1)) problems.push("a revision after the step in progress");
  }
  if (m.finished && m.planDraft !== null) problems.push("finished with a plan draft");
  if (m.planDraft && m.planDraft.text !== m.planDraft.text.trim()) problems.push("the plan draft has untrimmed text");
  if (m.planDraft && findProtocolTag(m.planDraft.text)) problems.push("the plan draft holds a protocol tag");
  return problems;
}
