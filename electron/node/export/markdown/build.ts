import type { ExportDocument } from "../document";
import { annotation } from "./annotations";
import { writeFrontMatter } from "./frontMatter";
import { shiftHeadings } from "./headings";

export interface MarkdownOptions {
  /** Add the plans and reflections as HTML comments (see annotations.ts). */
  withPlan?: boolean;
  /** YAML front matter with title, instruction, target, words, model (default: true). */
  frontMatter?: boolean;
}

/**
 * The draft as Markdown: `# Title`, each section a `##` heading, the headings inside a section's text
 * two levels deeper (a `#` in the text becomes `###`), so the file's outline matches the document's.
 */
export function buildMarkdown(doc: ExportDocument, options: MarkdownOptions = {}): string {
  const parts: string[] = [];
  if (options.frontMatter !== false) {
    parts.push(
      writeFrontMatter({
        title: doc.title,
        ...(doc.instruction ? { instruction: doc.instruction } : {}),
        language: doc.language,
        target: doc.target,
        words: doc.words,
        ...(doc.model ? { model: doc.model } : {}),
        ...(doc.mode ? { mode: doc.mode } : {}),
        ...(doc.unfinished ? { status: "unfinished" } : {}),
      }),
    );
  }
  parts.push(`# ${oneLine(doc.title)}`);
  // Said in the text too, where a reader sees it (the importer reads it back as a note, not as text).
  if (doc.unfinished) parts.push(unfinishedNote(doc));
  for (const section of doc.sections) {
    parts.push(`## ${oneLine(section.title)}`);
    if (options.withPlan) parts.push(annotation("section", section.brief, { budget: section.budget }));
    for (const step of section.steps) {
      if (options.withPlan && step.plan.trim()) parts.push(annotation("plan", step.plan));
      const content = shiftHeadings(step.content.trim(), 2);
      if (content) parts.push(content);
      if (options.withPlan && step.reflection.trim()) parts.push(annotation("reflection", step.reflection));
    }
  }
  return parts.join("\n\n") + "\n";
}

/** The line an unfinished export carries under its title (UNFINISHED_NOTE reads it back). */
export function unfinishedNote(doc: Pick<ExportDocument, "words" | "target">): string {
  return `*Unfinished draft: the model stopped at ${doc.words.toLocaleString("en-US")} of ${doc.target.toLocaleString("en-US")} words.*`;
}

export const UNFINISHED_NOTE = /^\*Unfinished draft: [^*\n]*\*\s*$/;

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}
