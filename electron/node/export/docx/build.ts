import {
  AlignmentType,
  CommentRangeEnd,
  CommentRangeStart,
  CommentReference,
  Document,
  Footer,
  Packer,
  PageNumber,
  Paragraph,
  TextRun,
  type FileChild,
  type ICommentOptions,
  type ParagraphChild,
  LineRuleType,
} from "docx";
import { eastAsiaFontFor, eastAsiaLanguageFor, type ExportDocument } from "../document";
import { CODE_STYLE, MarkdownToDocx, QUOTE_STYLE } from "./blocks";
import { unfinishedNote } from "../markdown/build";

export interface DocxOptions {
  /** Add the global plan, the step plans and the reflections. */
  withPlan?: boolean;
  /** Where they go: an appendix after the draft (default), or Word comments on each step's text. */
  planPlacement?: "appendix" | "comments";
  /** Overrides the East Asian font chosen from the document's language. */
  eastAsiaFont?: string;
  latinFont?: string;
}

const AUTHOR = "Draftline";

/**
 * The draft as a Word document: the title in Word's Title style, each section a Heading 1 and the
 * headings inside its text Heading 2 and below (Word's built-in styles with outline levels, so the
 * navigation pane and a table of contents work), page numbers in the footer, the word count in the
 * document properties, and an East Asian font for CJK text.
 */
export async function buildDocx(doc: ExportDocument, options: DocxOptions = {}): Promise<Buffer> {
  const eastAsia = options.eastAsiaFont ?? eastAsiaFontFor(doc.language);
  const latin = options.latinFont ?? "Cambria";
  const convert = new MarkdownToDocx(eastAsia);
  const useComments = options.withPlan === true && options.planPlacement === "comments";
  const comments: ICommentOptions[] = [];
  const body: FileChild[] = [];

  body.push(new Paragraph({ style: "Title", children: [new TextRun(doc.title)] }));
  if (doc.unfinished) body.push(new Paragraph({ children: [new TextRun({ text: unfinishedNote(doc).replace(/^\*|\*$/g, ""), italics: true })] }));
  for (const section of doc.sections) {
    body.push(new Paragraph({ style: "Heading1", keepNext: true, children: [new TextRun(section.title)] }));
    for (const step of section.steps) {
      let wrapFirst: { before: ParagraphChild[]; after: ParagraphChild[] } | undefined;
      if (useComments && (step.plan.trim() || step.reflection.trim())) {
        const id = comments.length;
        comments.push({ id, author: AUTHOR, initials: "DL", children: commentParagraphs(step.plan, step.reflection) });
        wrapFirst = { before: [new CommentRangeStart(id)], after: [new CommentRangeEnd(id), new TextRun({ children: [new CommentReference(id)] })] };
      }
      body.push(...convert.convert(step.content, { headingOffset: 1, ...(wrapFirst ? { wrapFirst } : {}) }));
    }
  }
  if (options.withPlan && !useComments) body.push(...appendix(doc, convert));

  const description = `${doc.words.toLocaleString("en-US")} words (target ${doc.target.toLocaleString("en-US")})`;
  const document = new Document({
    creator: AUTHOR,
    lastModifiedBy: AUTHOR,
    title: doc.title,
    subject: doc.instruction.slice(0, 255),
    description,
    customProperties: [
      { name: "Words", value: String(doc.words) },
      { name: "Target", value: String(doc.target) },
      ...(doc.model ? [{ name: "Model", value: doc.model }] : []),
      ...(doc.unfinished ? [{ name: "Status", value: "unfinished" }] : []),
    ],
    ...(comments.length > 0 ? { comments: { children: comments } } : {}),
    numbering: convert.numbering(),
    styles: {
      default: {
        document: {
          run: { font: { ascii: latin, hAnsi: latin, cs: latin, eastAsia }, size: 24, language: { value: "en-US", eastAsia: eastAsiaLanguageFor(doc.language) } },
          // A proportional line (1.25 lines): without lineRule "auto" LibreOffice reads line="300" as an
          // exact 15 pt line, and a title in a larger size (or on two lines) overprints itself.
          paragraph: { spacing: { after: 120, line: 300, lineRule: LineRuleType.AUTO } },
        },
        title: { run: { size: 52, bold: true }, paragraph: { spacing: { after: 240, line: 240, lineRule: LineRuleType.AUTO } } },
        heading1: { run: { size: 36, bold: true, color: "1F3864" }, paragraph: { outlineLevel: 0, keepNext: true, spacing: { before: 360, after: 160 } } },
        heading2: { run: { size: 30, bold: true, color: "1F3864" }, paragraph: { outlineLevel: 1, keepNext: true, spacing: { before: 240, after: 120 } } },
        heading3: { run: { size: 26, bold: true, color: "1F3864" }, paragraph: { outlineLevel: 2, keepNext: true, spacing: { before: 200, after: 100 } } },
        heading4: { run: { size: 24, bold: true, italics: true }, paragraph: { outlineLevel: 3, keepNext: true } },
        heading5: { run: { size: 24, bold: true }, paragraph: { outlineLevel: 4, keepNext: true } },
        heading6: { run: { size: 24, italics: true }, paragraph: { outlineLevel: 5, keepNext: true } },
      },
      paragraphStyles: [
        { id: QUOTE_STYLE, name: "Quote", basedOn: "Normal", next: "Normal", quickFormat: true, run: { italics: true, color: "404040" }, paragraph: { indent: { left: 720, right: 720 } } },
        { id: CODE_STYLE, name: "Code Block", basedOn: "Normal", run: { font: { ascii: "Consolas", hAnsi: "Consolas", cs: "Consolas" }, size: 20 }, paragraph: { spacing: { after: 0, line: 240, lineRule: LineRuleType.AUTO }, indent: { left: 360 } } },
      ],
    },
    sections: [
      {
        footers: { default: new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: [PageNumber.CURRENT] })] })] }) },
        children: body,
      },
    ],
  });
  return Packer.toBuffer(document);
}

function commentParagraphs(plan: string, reflection: string): Paragraph[] {
  const out: Paragraph[] = [];
  const add = (label: string, text: string) => {
    const lines = text.trim().split(/\n+/);
    lines.forEach((line, i) => out.push(new Paragraph({ children: [...(i === 0 ? [new TextRun({ text: `${label}: `, bold: true })] : []), new TextRun(line)] })));
  };
  if (plan.trim()) add("Plan", plan);
  if (reflection.trim()) add("Reflection", reflection);
  return out;
}

function appendix(doc: ExportDocument, convert: MarkdownToDocx): FileChild[] {
  const out: FileChild[] = [];
  out.push(new Paragraph({ style: "Heading1", pageBreakBefore: true, children: [new TextRun("Appendix: plan and reflections")] }));
  out.push(new Paragraph({ style: "Heading2", children: [new TextRun("Global plan")] }));
  const plan = doc.plan.map((s, i) => `${i + 1}. **${escapeMarkdown(s.title)}**: ${s.budget} words budgeted, ${s.words} written.${s.brief.trim() ? ` ${s.brief.trim().replace(/\n+/g, " ")}` : ""}`).join("\n");
  out.push(...convert.convert(plan, { headingOffset: 2 }));
  for (const section of doc.sections) {
    for (const step of section.steps) {
      if (!step.plan.trim() && !step.reflection.trim()) continue;
      out.push(new Paragraph({ style: "Heading2", children: [new TextRun(`Step ${step.number}: ${section.title}`)] }));
      if (step.plan.trim()) {
        out.push(new Paragraph({ style: "Heading3", children: [new TextRun("Plan")] }));
        out.push(...convert.convert(step.plan, { headingOffset: 3 }));
      }
      if (step.reflection.trim()) {
        out.push(new Paragraph({ style: "Heading3", children: [new TextRun("Reflection")] }));
        out.push(...convert.convert(step.reflection, { headingOffset: 3 }));
      }
    }
  }
  return out;
}

function escapeMarkdown(text: string): string {
  return text.replace(/([\\`*_[\]<>#])/g, "\\$1");
}
