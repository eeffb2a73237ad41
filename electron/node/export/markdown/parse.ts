import { Lexer, type Token, type Tokens } from "marked";
import { findAnnotations } from "./annotations";
import { UNFINISHED_NOTE } from "./build";
import { readFrontMatter, type FrontMatter } from "./frontMatter";
import { shiftHeadings } from "./headings";

export interface ParsedStep {
  plan: string;
  /** Markdown, its first heading level `#`. */
  content: string;
  reflection: string;
}

export interface ParsedSection {
  title: string;
  brief: string;
  /** The budget recorded by a Draftline export (`<!-- draftline:section budget=N -->`), if any. */
  budget: number | null;
  steps: ParsedStep[];
}

export interface ParsedDraft {
  title: string;
  fields: FrontMatter;
  sections: ParsedSection[];
}

/** The title of the text before the first section heading, when there is any. */
export const OPENING_TITLE = "Opening";

/**
 * Splits a Markdown (or plain text) draft into sections. The rule:
 * - A single top-level heading at the very start, with deeper headings after it, is the title; the
 *   sections are the next level of headings. Otherwise the sections are the shallowest headings, and
 *   the title comes from the front matter (`title:`) or `fallbackTitle` (the file name).
 * - A draft whose only heading opens it: that heading is the title and the one section.
 * - Text before the first section heading becomes a section titled "Opening".
 * - A draft without headings is one section named after the title.
 * - Deeper headings stay in the section's text, moved up so the first level under the section is `#`.
 * - Draftline's own plan/reflection comments (a Markdown export `withPlan`) are read back into steps;
 *   without them each section is one step holding all its text.
 * - The note an unfinished export carries under its title (front matter `status: unfinished`) is not
 *   text of the draft.
 * `options.fields`, when given, are the draft's fields instead of a front matter (which is then text).
 */
export function parseMarkdownDraft(text: string, fallbackTitle: string, options: { fields?: FrontMatter } = {}): ParsedDraft {
  const normalized = text.replace(/^\ufeff/, "").replace(/\r\n?/g, "\n");
  // Given fields (a Word document's properties) stand for the front matter: the text has none.
  const { fields, body } = options.fields ? { fields: options.fields, body: normalized } : readFrontMatter(normalized);
  const tokens = new Lexer({ gfm: true }).lex(body);
  const headings = tokens.filter((t): t is Tokens.Heading => t.type === "heading");
  const frontTitle = typeof fields.title === "string" && fields.title.trim() ? fields.title.trim() : null;
  let title = frontTitle ?? fallbackTitle;

  if (headings.length === 0) {
    const section = splitSteps(body, title, 0);
    return { title, fields, sections: section.steps.length > 0 ? [section] : [] };
  }

  const minDepth = Math.min(...headings.map((h) => h.depth));
  const top = headings.filter((h) => h.depth === minDepth);
  const firstBlock = tokens.find((t) => t.type !== "space" && !(t.type === "html" && /^\s*<!--[\s\S]*-->\s*$/.test(t.raw)));
  let titleToken: Token | null = null;
  let sectionDepth = minDepth;
  const only = top.length === 1 ? top[0] : undefined;
  if (only && firstBlock === only) {
    title = frontTitle ?? only.text.replace(/\s+/g, " ").trim();
    if (headings.length > 1) {
      titleToken = only;
      sectionDepth = Math.min(...headings.filter((h) => h !== only).map((h) => h.depth));
    }
  }

  const chunks: { title: string; raw: string }[] = [{ title: OPENING_TITLE, raw: "" }];
  let noteToSkip = fields.status === "unfinished";
  for (const token of tokens) {
    if (token === titleToken) continue;
    if (noteToSkip && token.type === "paragraph") {
      noteToSkip = false;
      if (UNFINISHED_NOTE.test(token.raw.trim())) continue;
    }
    if (token.type === "heading" && (token as Tokens.Heading).depth === sectionDepth) {
      chunks.push({ title: (token as Tokens.Heading).text.replace(/\s+/g, " ").trim(), raw: "" });
      continue;
    }
    const last = chunks[chunks.length - 1];
    if (last) last.raw += token.raw;
  }
  const sections = chunks
    .map((chunk, i) => ({ chunk, section: splitSteps(chunk.raw, chunk.title, sectionDepth), opening: i === 0 }))
    .filter(({ chunk, opening }) => !opening || chunk.raw.trim() !== "")
    .map(({ section }) => section);
  return { title, fields, sections };
}

function splitSteps(raw: string, title: string, sectionDepth: number): ParsedSection {
  const section: ParsedSection = { title, brief: "", budget: null, steps: [] };
  let step: ParsedStep = { plan: "", content: "", reflection: "" };
  const finish = () => {
    step.content = shiftHeadings(step.content.trim(), -sectionDepth);
    if (step.content || step.plan.trim() || step.reflection.trim()) section.steps.push(step);
    step = { plan: "", content: "", reflection: "" };
  };
  let at = 0;
  for (const note of findAnnotations(raw)) {
    step.content += raw.slice(at, note.start);
    at = note.end;
    if (note.kind === "section") {
      section.brief = note.text.trim();
      if (Number.isFinite(note.attributes.budget)) section.budget = note.attributes.budget ?? null;
    } else if (note.kind === "plan") {
      if (step.content.trim() || step.plan.trim()) finish();
      step.plan = note.text.trim();
    } else {
      step.reflection = note.text.trim();
      finish();
    }
  }
  step.content += raw.slice(at);
  finish();
  return section;
}
