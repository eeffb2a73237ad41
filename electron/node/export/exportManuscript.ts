import { writtenWords } from "../../common/generation/rules";
import { effectiveLanguage } from "../../common/manuscript/edits";
import type { Manuscript, Section } from "../../common/manuscript/types";
import { titleFromInstruction } from "../../common/project/title";
import type { AtomicFs } from "../base/atomicWrite";
import type { ExportDocument, ExportSection } from "./document";
import { exportDocument, type ExportOptions, type ExportResult } from "./registry";

export interface ManuscriptExportOptions extends ExportOptions {
  /** The document's title (the project's); left out, one made from the instruction. */
  title?: string;
  model?: string | null;
  mode?: string | null;
  /** Mark the export unfinished: the model stopped before the end (see ExportDocument.unfinished). */
  unfinished?: boolean;
}

export { titleFromInstruction };

/**
 * The export view of a manuscript: its steps in reading order, grouped under the section each writes
 * (a section's heading comes where its first step does; a step with no section stays under the
 * previous heading), steps without text left out; and the current global plan with the words written
 * in each section.
 */
export function toExportDocument(manuscript: Manuscript, info: { title?: string; model?: string | null; mode?: string | null; unfinished?: boolean } = {}): ExportDocument {
  const known = new Map<string, Section>();
  for (const revision of manuscript.revisions) for (const s of revision.sections) known.set(s.id, s);
  for (const s of manuscript.sections) known.set(s.id, s);

  const written = new Map<string, number>();
  const sections: ExportSection[] = [];
  const byId = new Map<string, ExportSection>();
  manuscript.steps.forEach((step, index) => {
    if (step.sectionId) written.set(step.sectionId, (written.get(step.sectionId) ?? 0) + step.words);
    if (!step.content.trim() && !step.plan.trim() && !step.reflection.trim()) return;
    let section = step.sectionId ? byId.get(step.sectionId) : undefined;
    if (!section && step.sectionId) {
      const s = known.get(step.sectionId);
      section = { title: s?.title ?? "", brief: s?.brief ?? "", budget: s?.budget ?? 0, words: 0, steps: [] };
      byId.set(step.sectionId, section);
      sections.push(section);
    }
    if (!section) {
      section = sections[sections.length - 1];
      if (!section) {
        section = { title: "", brief: "", budget: 0, words: 0, steps: [] };
        sections.push(section);
      }
    }
    section.steps.push({ number: index + 1, plan: step.plan, content: step.content, reflection: step.reflection, words: step.words });
    section.words += step.words;
  });

  const words = writtenWords(manuscript);
  return {
    title: info.title?.trim() || titleFromInstruction(manuscript.instruction),
    instruction: manuscript.instruction,
    language: effectiveLanguage(manuscript),
    target: manuscript.targetWords ?? 0,
    words,
    model: info.model ?? null,
    mode: info.mode ?? null,
    ...(info.unfinished ? { unfinished: true } : {}),
    sections: sections.filter((s) => s.steps.some((t) => t.content.trim())),
    plan: manuscript.sections.map((s) => ({ title: s.title, brief: s.brief, budget: s.budget, words: written.get(s.id) ?? 0 })),
  };
}

/**
 * Exports a manuscript to a file: `format` ("docx", "markdown", or any registered exporter) or the
 * path's extension picks the exporter; `withPlan` adds the plans and reflections. Atomic: a failure
 * leaves no partial file.
 */
export function exportManuscript(manuscript: Manuscript, options: ManuscriptExportOptions, fsImpl?: AtomicFs): Promise<ExportResult> {
  const info: { title?: string; model?: string | null; mode?: string | null; unfinished?: boolean } = {};
  if (options.title !== undefined) info.title = options.title;
  if (options.model !== undefined) info.model = options.model;
  if (options.mode !== undefined) info.mode = options.mode;
  if (options.unfinished) info.unfinished = true;
  return exportDocument(toExportDocument(manuscript, info), options, fsImpl);
}
