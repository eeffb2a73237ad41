import { writtenWords } from "../../common/generation/rules";
import path from "node:path";
import { reportedProgress, stepTargetWords } from "../../common/iscot/budget";
import { renderPlan } from "../../common/iscot/plan";
import { defuseProtocolTags } from "../../common/manuscript/entities";
import { createManuscript, withRevision } from "../../common/manuscript/reducer";
import { normalizeTitle, reassignSections, sectionId, stepId } from "../../common/manuscript/sections";
import type { Manuscript, Section, Step } from "../../common/manuscript/types";
import { detectLanguage } from "../../common/metrics/language";
import { countWriterWords } from "../../common/metrics/words";
import { ProjectError } from "../../common/project/errors";
import type { GenerationInfo } from "../../common/project/file";
import type { ImportNotice } from "../../common/project/importNotices";
import { protocolProfiles, type ProtocolProfile } from "../../common/engine/catalog";
import { fsFailure } from "../base/fsErrors";
import { MAX_DRAFT_BYTES, readRegularFile } from "../base/regularFile";
import { docxToMarkdown, DocxReadError } from "./docx/read";
import type { FrontMatter } from "./markdown/frontMatter";
import { parseMarkdownDraft, type ParsedDraft } from "./markdown/parse";

export interface ImportedDraft {
  title: string;
  manuscript: Manuscript;
  generation: GenerationInfo;
  /** Words in the imported text. */
  words: number;
  /** What could not be brought over as it was (a Word document's pictures, tables, comments). */
  notices: ImportNotice[];
}

export interface ImportOptions {
  /** The title when the text names none: usually the file name without its extension. */
  fallbackTitle: string;
}

/**
 * Turns a Markdown or plain-text draft into a manuscript the model can continue. Its headings become
 * the sections of the global plan and their text the content (see parseMarkdownDraft for the rule).
 * Budgets and target:
 * - each section's budget is its current word count, and the target is the total, so the plan
 *   describes the draft as it stands and the writer raises the budgets or the target to have the model
 *   write more;
 * - a Markdown export of Draftline with its plan (`withPlan`) keeps the budgets and the target it
 *   recorded (front matter `target:`), so an unfinished draft goes back to where it was.
 * The instruction is the front matter's `instruction:` or "Continue the draft "<title>"."; the language
 * is the front matter's `language:` (en or zh) or detected from the text.
 */
export function importMarkdown(text: string, options: ImportOptions): ImportedDraft {
  return { ...fromParsed(parseMarkdownDraft(text, options.fallbackTitle)), notices: [] };
}

/**
 * Turns a Word document (.docx) into a manuscript the model can continue, as importMarkdown does with
 * its text: Word's Title is the title, its Heading 1 paragraphs the sections, deeper headings,
 * emphasis, lists, block quotes and scene breaks ("* * *") the draft's Markdown. A Draftline DOCX
 * export brings back its target, model and unfinished mark from the document's properties. What it
 * cannot bring over (pictures, tables, comments) is in `notices`.
 */
export async function importDocx(bytes: Uint8Array, options: ImportOptions): Promise<ImportedDraft> {
  const docx = await docxToMarkdown(bytes);
  const fields: FrontMatter = {};
  if (docx.properties.target) fields.target = docx.properties.target;
  if (docx.properties.model) fields.model = docx.properties.model;
  if (docx.properties.unfinished) fields.status = "unfinished";
  return { ...fromParsed(parseMarkdownDraft(docx.markdown, docx.properties.title || options.fallbackTitle, { fields })), notices: docx.notices };
}

/** The file extensions read as a Word document; any other draft is read as Markdown or text. */
export const DOCX_EXTENSIONS = [".docx"] as const;

/**
 * Reads and imports a draft: a Word document (.docx), or Markdown or text. Refuses what is not a
 * regular file (a pipe, a device), a file over MAX_DRAFT_BYTES, and empty ones; as Markdown, binary
 * files (a .doc, a project); as Word, a file that is not a .docx or unpacks to too much.
 */
export async function importDraftFile(file: string): Promise<ImportedDraft> {
  const name = path.basename(file);
  let bytes: Buffer;
  try {
    bytes = await readRegularFile(file, { maxBytes: MAX_DRAFT_BYTES, action: "import", kind: "a draft" });
  } catch (error) {
    const failure = fsFailure(error, "import", file, false);
    if (failure.code === "not-found") throw new ProjectError("not-found", `Cannot import ${name}: there is no such file.`, { path: file });
    throw failure;
  }
  if (bytes.length === 0) throw new ProjectError("foreign", `Cannot import ${name}: it is empty.`, { path: file });
  const fallbackTitle = path.basename(file, path.extname(file)) || "Imported draft";
  if ((DOCX_EXTENSIONS as readonly string[]).includes(path.extname(file).toLowerCase())) {
    let draft: ImportedDraft;
    try {
      draft = await importDocx(bytes, { fallbackTitle });
    } catch (error) {
      if (!(error instanceof DocxReadError)) throw error;
      throw new ProjectError(error.reason === "too-large" ? "too-large" : "foreign", `Cannot import ${name}: ${error.message}`, { path: file });
    }
    if (draft.manuscript.steps.length === 0) throw new ProjectError("foreign", `Cannot import ${name}: it has no text.`, { path: file });
    return draft;
  }
  if (bytes.includes(0) || bytes.subarray(0, 2).toString("latin1") === "PK") {
    throw new ProjectError("foreign", `Cannot import ${name}: it is a binary file. Import reads Word documents (.docx), Markdown and plain text; save the draft as one of them first.`, { path: file });
  }
  const text = new TextDecoder("utf-8").decode(bytes);
  if (/^\s*\{\s*"format"\s*:\s*"draftline-project"/.test(text)) {
    throw new ProjectError("foreign", `${name} is already a Draftline project: open it instead of importing it.`, { path: file });
  }
  if (text.trim() === "") throw new ProjectError("foreign", `Cannot import ${name}: it is empty.`, { path: file });
  return importMarkdown(text, { fallbackTitle });
}

function fromParsed(parsed: ParsedDraft): Omit<ImportedDraft, "notices"> {
  const fields = parsed.fields;
  const allText = parsed.sections.flatMap((s) => s.steps.map((t) => t.content)).join("\n\n");
  const language = fields.language === "en" || fields.language === "zh" ? fields.language : detectLanguage(`${parsed.title}\n${allText}`);

  const taken = new Set<string>();
  const sections: Section[] = parsed.sections.map((s, i) => {
    const words = s.steps.reduce((sum, t) => sum + countWriterWords(clean(t.content)), 0);
    return { id: sectionId(i + 1), title: uniqueTitle(clean(s.title) || `Section ${i + 1}`, taken), brief: clean(s.brief), budget: s.budget ?? words };
  });
  const planned = sections.reduce((sum, s) => sum + s.budget, 0);
  const recordedTarget = typeof fields.target === "number" && Number.isSafeInteger(fields.target) && fields.target > 0 ? fields.target : null;
  const targetWords = recordedTarget ?? (planned > 0 ? planned : null);
  const instruction = typeof fields.instruction === "string" && fields.instruction.trim() ? clean(fields.instruction) : `Continue the draft "${parsed.title}".`;

  let manuscript = createManuscript({ instruction, language, targetWords });
  if (sections.length > 0) manuscript = withRevision(manuscript, renderPlan(sections, language), sections, sections.length + 1);
  const steps: Step[] = [];
  parsed.sections.forEach((s, i) => {
    for (const t of s.steps) {
      const plan = clean(t.plan);
      const content = clean(t.content);
      const reflection = clean(t.reflection);
      steps.push({
        id: stepId(steps.length),
        sectionId: sections[i]?.id ?? null,
        plan,
        planComplete: true,
        targetWords: stepTargetWords(plan),
        content,
        reflection,
        progress: reportedProgress(reflection),
        words: countWriterWords(content),
        status: "done",
      });
    }
  });
  manuscript = reassignSections({ ...manuscript, steps });
  const model = typeof fields.model === "string" ? fields.model : null;
  const mode = typeof fields.mode === "string" && (protocolProfiles as readonly string[]).includes(fields.mode) ? (fields.mode as ProtocolProfile) : null;
  return { title: parsed.title, manuscript, generation: { model, mode }, words: writtenWords({ steps }) };
}

/**
 * Trimmed, and with protocol tags (`<content>`, `<FINISHED>`) defused: a draft that quotes them must
 * not end a block when the model reads it back. `&lt;` shows as `<` in the draft and in exports.
 */
function clean(text: string): string {
  return defuseProtocolTags(text.trim());
}

function uniqueTitle(title: string, taken: Set<string>): string {
  let candidate = title;
  for (let n = 2; taken.has(normalizeTitle(candidate)); n++) candidate = `${title} (${n})`;
  taken.add(normalizeTitle(candidate));
  return candidate;
}
