// The writer's edits: pure functions that return a new manuscript or a typed error, never throw, and
// never leave a manuscript that the transcript writer could not write and read back the same.
import { findBudget, stepTargetWords } from "../iscot/budget";
import { extractPlan, renderPlan } from "../iscot/plan";
import { findProtocolTag } from "../iscot/tags";
import { detectLanguage } from "../metrics/language";
import { countWriterWords } from "../metrics/words";
import { applyMemoryEdit, type MemoryEdit } from "./memoryEdits";
import { nextSectionNumber, revisionPosition, withRevision } from "./reducer";
import { matchSections, normalizeTitle, reassignSections, sectionId } from "./sections";
import { sectionsForTarget } from "./target";
import type { Manuscript, PlanRevision, Section, Step } from "./types";
import { estimateTokens, VOICE_SAMPLE_MAX_CHARS, VOICE_SAMPLE_TOKENS, VOICE_TOTAL_TOKENS, voiceTokens, withVoiceSample } from "./voice";

/** A change the writer makes. Section moves and removals apply only to sections no step has written. */
export type ManuscriptEdit =
  /** Changes a section's title, brief or budget (any section, written or not). */
  | { type: "editSection"; sectionId: string; title?: string; brief?: string; budget?: number }
  /** Adds a section at `index` of the plan, after every section already written. */
  | { type: "addSection"; index: number; title: string; brief?: string; budget: number }
  /** Removes a section no step has written. */
  | { type: "removeSection"; sectionId: string }
  /** Moves a section no step has written to `toIndex`, after every section already written. */
  | { type: "moveSection"; sectionId: string; toIndex: number }
  /** Replaces a closed step's plan or content; the step becomes "edited" (a stopped step stays stopped). */
  | { type: "editStep"; stepId: string; plan?: string; content?: string }
  /** Changes the target length (a positive whole number of words, or null for none); a raised target is planned (see sectionsForTarget). */
  | { type: "setTarget"; targetWords: number | null }
  /** Sets the sample of the writer's prose the model writes like: the document's (`sectionId` null) or a section's; "" removes it. */
  | { type: "setVoice"; sectionId: string | null; sample: string }
  /** The story memory: the bible, proposals, summaries, pins, the digest, the bible's budget, locked budgets. */
  | MemoryEdit;

/** True for the edits that change the plan's sections (taken in as a plan revision). */
export function isPlanEdit(edit: ManuscriptEdit): boolean {
  return edit.type === "editSection" || edit.type === "addSection" || edit.type === "removeSection" || edit.type === "moveSection";
}

/** Why an edit was refused. */
export type EditError =
  | { kind: "unknown-section"; sectionId: string; message: string }
  | { kind: "unknown-step"; stepId: string; message: string }
  | { kind: "section-written"; sectionId: string; message: string }
  | { kind: "bad-position"; index: number; min: number; max: number; message: string }
  | { kind: "invalid-budget"; value: number; message: string }
  | { kind: "invalid-target"; value: number; message: string }
  | { kind: "invalid-title"; title: string; message: string }
  | { kind: "duplicate-title"; title: string; message: string }
  | { kind: "step-in-progress"; stepId: string; message: string }
  | { kind: "protocol-tag"; field: "title" | "brief" | "plan" | "content" | "voice"; tag: string; message: string }
  | { kind: "voice-too-long"; tokens: number; budget: number; message: string }
  | { kind: "not-representable"; message: string }
  | { kind: "unknown-entry"; entryId: string; message: string }
  | { kind: "unknown-proposal"; proposalId: string; message: string }
  | { kind: "invalid-entry"; message: string }
  | { kind: "duplicate-name"; name: string; message: string };

/**
 * A voice sample, checked: no protocol tag, within its budget and, with the others, within the total
 * (both in estimated tokens, see voice.ts). A section's sample needs the section.
 */
function setVoice(m: Manuscript, id: string | null, sample: string): EditResult {
  if (id !== null && !m.sections.some((s) => s.id === id)) return fail({ kind: "unknown-section", sectionId: id, message: `There is no section ${id}.` });
  const text = sample.trim();
  const tag = checkTag("voice", text);
  if (tag) return fail(tag);
  const tokens = text.length > VOICE_SAMPLE_MAX_CHARS ? Infinity : estimateTokens(text);
  if (tokens > VOICE_SAMPLE_TOKENS) {
    const about = Number.isFinite(tokens) ? `about ${tokens.toLocaleString("en-US")} tokens` : `over ${VOICE_SAMPLE_MAX_CHARS.toLocaleString("en-US")} characters`;
    return fail({ kind: "voice-too-long", tokens, budget: VOICE_SAMPLE_TOKENS, message: `The voice sample is ${about}; a sample may have at most ${VOICE_SAMPLE_TOKENS} (some ${Math.round(VOICE_SAMPLE_TOKENS * 0.75)} English words). Keep a passage that sounds most like you.` });
  }
  const voice = withVoiceSample(m.voice, id, text);
  const total = voiceTokens({ voice, sections: m.sections });
  if (total > VOICE_TOTAL_TOKENS) {
    return fail({ kind: "voice-too-long", tokens: total, budget: VOICE_TOTAL_TOKENS, message: `The voice samples together would be about ${total.toLocaleString("en-US")} tokens; all of them may have at most ${VOICE_TOTAL_TOKENS.toLocaleString("en-US")}. Shorten this one or another.` });
  }
  const { voice: _old, ...rest } = m;
  return { ok: true, manuscript: voice ? { ...rest, voice } : rest };
}

/** An edit's outcome: the new manuscript, or why the edit was refused (the manuscript is then unchanged). */
export type EditResult = { ok: true; manuscript: Manuscript } | { ok: false; error: EditError };

const fail = (error: EditError): EditResult => ({ ok: false, error });

/** The language a manuscript is written in: its own, or detected from its instruction, plan and text. */
export function effectiveLanguage(m: Manuscript): "en" | "zh" {
  if (m.language !== "auto") return m.language;
  const sample = [m.instruction, ...m.sections.map((s) => s.title), m.steps[0]?.content ?? ""].join("\n");
  return detectLanguage(sample);
}

/** Sections that some step writes: they stay where they are. */
function writtenSectionIds(m: Manuscript): Set<string> {
  const ids = new Set<string>();
  for (const s of m.steps) if (s.sectionId !== null) ids.add(s.sectionId);
  return ids;
}

function lastWrittenIndex(sections: ReadonlyArray<Section>, written: Set<string>): number {
  let last = -1;
  sections.forEach((s, i) => {
    if (written.has(s.id)) last = i;
  });
  return last;
}

function checkBudget(value: number): EditError | null {
  if (Number.isSafeInteger(value) && value >= 0) return null;
  return { kind: "invalid-budget", value, message: `A budget is a whole number of words, 0 or more, not ${value}.` };
}

function checkTag(field: "title" | "brief" | "plan" | "content" | "voice", text: string): EditError | null {
  const tag = findProtocolTag(text);
  if (!tag) return null;
  return { kind: "protocol-tag", field, tag: tag.tag, message: `The ${field === "voice" ? "voice sample" : field} cannot contain the tag ${tag.tag}: the model would read it as part of the protocol.` };
}

/** A title as the plan's text will read it back, or why it cannot be one. */
function readTitle(input: string, others: ReadonlyArray<Section>): { title: string } | { error: EditError } {
  const trimmed = input.trim();
  if (/[\r\n]/.test(trimmed)) return { error: { kind: "invalid-title", title: input, message: "A section title is one line." } };
  const tag = checkTag("title", trimmed);
  if (tag) return { error: tag };
  if (findBudget(trimmed)) return { error: { kind: "invalid-title", title: input, message: "A section title cannot hold a word count: set the budget instead." } };
  const title = extractPlan(renderPlan([{ title: trimmed, brief: "", budget: 0 }], "en")).sections[0]?.title ?? "";
  if (title === "") return { error: { kind: "invalid-title", title: input, message: "A section needs a title." } };
  const key = normalizeTitle(title);
  if (others.some((s) => normalizeTitle(s.title) === key)) return { error: { kind: "duplicate-title", title, message: `Another section is already called "${title}".` } };
  return { title };
}

function sameSections(a: ReadonlyArray<Section>, b: ReadonlyArray<Section>): boolean {
  return a.length === b.length && a.every((s, i) => s.id === b[i]!.id && s.title === b[i]!.title && s.brief === b[i]!.brief && s.budget === b[i]!.budget);
}

/**
 * Records a new plan as a revision whose text the parser reads back into exactly these sections with these
 * ids. Successive edits at the same place fold into one revision when the fold reads back the same.
 */
function commitPlan(m: Manuscript, sections: Section[]): EditResult {
  const language = effectiveLanguage(m);
  const text = renderPlan(sections, language);
  const drafts = extractPlan(text).sections;
  const position = revisionPosition(m);
  const last: PlanRevision | undefined = m.revisions[m.revisions.length - 1];
  // A revision the controller made (budgets rebalanced) is kept as it is: the timeline shows what it changed.
  if (last && last.afterStep === position && last.cause === undefined && last.text === renderPlan(last.sections, language)) {
    const before = m.revisions[m.revisions.length - 2];
    const folded = matchSections(before?.sections ?? [], drafts, before?.nextSectionNumber ?? 1);
    if (sameSections(folded.sections, sections)) {
      const revisions = m.revisions.slice(0, -1);
      const base = { ...m, revisions, sections: before?.sections ?? [] };
      return { ok: true, manuscript: withRevision(base, text, folded.sections, folded.next) };
    }
  }
  const appended = matchSections(m.sections, drafts, nextSectionNumber(m));
  if (!sameSections(appended.sections, sections)) {
    return fail({ kind: "not-representable", message: "The plan would not read back the same once written for the model (check the brief for headings or word counts)." });
  }
  return { ok: true, manuscript: withRevision(m, text, appended.sections, appended.next) };
}

function findSection(m: Manuscript, id: string): { index: number } | { error: EditError } {
  const index = m.sections.findIndex((s) => s.id === id);
  if (index < 0) return { error: { kind: "unknown-section", sectionId: id, message: `There is no section ${id}.` } };
  return { index };
}

/**
 * Applies one edit. Plan edits become a plan revision (see PlanRevision) that the model reads at the next
 * step boundary; step edits change the step in place and redo the sections of the steps after it.
 */
export function applyEdit(m: Manuscript, edit: ManuscriptEdit): EditResult {
  switch (edit.type) {
    case "editSection": {
      const found = findSection(m, edit.sectionId);
      if ("error" in found) return fail(found.error);
      const section = m.sections[found.index]!;
      const next = { ...section };
      if (edit.title !== undefined) {
        const read = readTitle(edit.title, m.sections.filter((s) => s.id !== section.id));
        if ("error" in read) return fail(read.error);
        next.title = read.title;
      }
      if (edit.brief !== undefined) {
        const tag = checkTag("brief", edit.brief);
        if (tag) return fail(tag);
        next.brief = edit.brief.trim();
      }
      if (edit.budget !== undefined) {
        const bad = checkBudget(edit.budget);
        if (bad) return fail(bad);
        next.budget = edit.budget;
      }
      const sections = m.sections.slice();
      sections[found.index] = next;
      const committed = commitPlan(m, sections);
      // A budget the writer set is theirs: rebalancing keeps it (the lock shows on the section).
      if (!committed.ok || edit.budget === undefined || m.memory.lockedSections.includes(section.id)) return committed;
      const memory = committed.manuscript.memory;
      return { ok: true, manuscript: { ...committed.manuscript, memory: { ...memory, lockedSections: [...memory.lockedSections, section.id] } } };
    }
    case "addSection": {
      const written = writtenSectionIds(m);
      const min = lastWrittenIndex(m.sections, written) + 1;
      const max = m.sections.length;
      if (!Number.isInteger(edit.index) || edit.index < min || edit.index > max) {
        return fail({ kind: "bad-position", index: edit.index, min, max, message: `A new section goes at a place from ${min} to ${max}: after the sections already written.` });
      }
      const read = readTitle(edit.title, m.sections);
      if ("error" in read) return fail(read.error);
      const brief = edit.brief ?? "";
      const tag = checkTag("brief", brief);
      if (tag) return fail(tag);
      const bad = checkBudget(edit.budget);
      if (bad) return fail(bad);
      const section: Section = { id: sectionId(nextSectionNumber(m)), title: read.title, brief: brief.trim(), budget: edit.budget };
      const sections = m.sections.slice();
      sections.splice(edit.index, 0, section);
      return commitPlan(m, sections);
    }
    case "removeSection": {
      const found = findSection(m, edit.sectionId);
      if ("error" in found) return fail(found.error);
      if (writtenSectionIds(m).has(edit.sectionId)) {
        return fail({ kind: "section-written", sectionId: edit.sectionId, message: "A section that has been written cannot be removed." });
      }
      const removed = commitPlan(
        m,
        m.sections.filter((s) => s.id !== edit.sectionId),
      );
      // The section's own voice sample goes with it.
      if (!removed.ok || !removed.manuscript.voice?.sections[edit.sectionId]) return removed;
      const { voice: _old, ...rest } = removed.manuscript;
      const voice = withVoiceSample(removed.manuscript.voice, edit.sectionId, "");
      return { ok: true, manuscript: voice ? { ...rest, voice } : rest };
    }
    case "moveSection": {
      const found = findSection(m, edit.sectionId);
      if ("error" in found) return fail(found.error);
      const written = writtenSectionIds(m);
      if (written.has(edit.sectionId)) {
        return fail({ kind: "section-written", sectionId: edit.sectionId, message: "A section that has been written cannot be moved." });
      }
      const rest = m.sections.filter((s) => s.id !== edit.sectionId);
      const min = lastWrittenIndex(rest, written) + 1;
      const max = rest.length;
      if (!Number.isInteger(edit.toIndex) || edit.toIndex < min || edit.toIndex > max) {
        return fail({ kind: "bad-position", index: edit.toIndex, min, max, message: `The section can move to a place from ${min} to ${max}: after the sections already written.` });
      }
      if (edit.toIndex === found.index) return { ok: true, manuscript: m };
      rest.splice(edit.toIndex, 0, m.sections[found.index]!);
      return commitPlan(m, rest);
    }
    case "editStep": {
      const index = m.steps.findIndex((s) => s.id === edit.stepId);
      if (index < 0) return fail({ kind: "unknown-step", stepId: edit.stepId, message: `There is no step ${edit.stepId}.` });
      const step = m.steps[index]!;
      if (step.status !== "done" && step.status !== "edited" && step.status !== "stopped") {
        return fail({ kind: "step-in-progress", stepId: step.id, message: "The model is writing this step: edit it once the step is done." });
      }
      // A stopped step stays unfinished: the next run continues it from the writer's text.
      const next: Step = { ...step, status: step.status === "stopped" ? ("stopped" as const) : ("edited" as const) };
      if (edit.plan !== undefined) {
        const tag = checkTag("plan", edit.plan);
        if (tag) return fail(tag);
        next.plan = edit.plan.trim();
        next.targetWords = stepTargetWords(next.plan);
      }
      if (edit.content !== undefined) {
        const tag = checkTag("content", edit.content);
        if (tag) return fail(tag);
        next.content = edit.content.trim();
        next.words = countWriterWords(next.content);
        // What the model wrote of the old text no longer holds; the writer's own summary stays.
        if (next.memory && next.memory.summaryBy !== "writer" && next.content !== step.content) next.memory = { ...next.memory, summary: null, summaryBy: null };
      }
      const steps = m.steps.slice();
      steps[index] = next;
      return { ok: true, manuscript: reassignSections({ ...m, steps }) };
    }
    case "setTarget": {
      const t = edit.targetWords;
      if (t !== null && !(Number.isSafeInteger(t) && t > 0)) {
        return fail({ kind: "invalid-target", value: t, message: `The target is a whole number of words above 0, not ${t}.` });
      }
      // A raised target is planned: the sections not written yet grow, or new sections follow.
      const planned = sectionsForTarget(m.sections, m.steps, t, nextSectionNumber(m), effectiveLanguage(m));
      return planned ? commitPlan({ ...m, targetWords: t }, planned) : { ok: true, manuscript: { ...m, targetWords: t } };
    }
    case "setVoice":
      return setVoice(m, edit.sectionId, edit.sample);
    case "addEntry":
    case "editEntry":
    case "removeEntry":
    case "acceptProposal":
    case "dismissProposal":
    case "setSummary":
    case "pinStep":
    case "setDigest":
    case "setBibleBudget":
    case "lockBudget":
      return applyMemoryEdit(m, edit);
    default:
      return edit satisfies never;
  }
}
