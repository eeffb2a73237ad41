import {
  AlignmentType,
  BorderStyle,
  ExternalHyperlink,
  LevelFormat,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
  type FileChild,
  type INumberingOptions,
  type ParagraphChild,
} from "docx";
import { Lexer, type Token, type Tokens } from "marked";
import { decodeEntities } from "../../../common/manuscript/entities";

/** Word's built-in style ids: Word (and its navigation pane) knows them by these names. */
export const HEADING_STYLES = ["Heading1", "Heading2", "Heading3", "Heading4", "Heading5", "Heading6"] as const;
export const QUOTE_STYLE = "Quote";
export const CODE_STYLE = "CodeBlock";
/** A rule (`---`, `***`) in the draft: a scene break. */
export const SCENE_BREAK = "* * *";
const BULLETS = "draftline-bullets";
const numberedReference = (start: number) => `draftline-numbered-${start}`;

const CJK = /[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]|[\ud840-\ud87f][\udc00-\udfff]/;

export function hasCjk(text: string): boolean {
  return CJK.test(text);
}

export interface BlockOptions {
  /** A Markdown heading of depth d becomes Word heading d + headingOffset (capped at 6). */
  headingOffset: number;
  /** The East Asian font given to every run with CJK text. */
  eastAsiaFont: string;
  /** Inline children put before the first and after the last run of the first paragraph (comment anchors). */
  wrapFirst?: { before: ParagraphChild[]; after: ParagraphChild[] };
}

interface Marks {
  bold?: boolean;
  italics?: boolean;
  strike?: boolean;
  code?: boolean;
}

interface ParagraphShape {
  style?: string;
  heading?: number;
  list?: { ordered: boolean; start: number; level: number; instance: number };
  /** Indent as a list item of this level, without a number (the later paragraphs of an item). */
  indentLevel?: number;
}

/**
 * Converts Markdown (as the model writes it) to Word paragraphs: headings with Word's built-in heading
 * styles, paragraphs with bold/italic/strike/code runs and links, bulleted and numbered lists (nested),
 * block quotes in Word's "Quote" style, code blocks, tables and rules. HTML comments are dropped.
 * One converter per document, since numbered lists need a document-wide instance counter.
 */
export class MarkdownToDocx {
  private nextInstance = 1;
  private readonly starts = new Set<number>([1]);
  private pendingWrap: BlockOptions["wrapFirst"] | undefined;

  constructor(private readonly eastAsiaFont: string) {}

  convert(markdown: string, options: Omit<BlockOptions, "eastAsiaFont">): FileChild[] {
    this.pendingWrap = options.wrapFirst;
    const out: FileChild[] = [];
    const tokens = new Lexer({ gfm: true }).lex(markdown);
    this.blocks(tokens, out, options.headingOffset, {});
    if (this.pendingWrap) {
      // The content had no paragraph to anchor to (empty): anchor an empty one.
      out.push(this.paragraph([], {}));
    }
    return out;
  }

  /** The numbering definitions the lists used: pass to `new Document({ numbering })`. */
  numbering(): INumberingOptions {
    const indent = (level: number) => ({ paragraph: { indent: { left: 720 * (level + 1), hanging: 360 } } });
    const bulletChars = ["•", "◦", "▪"];
    return {
      config: [
        {
          reference: BULLETS,
          levels: Array.from({ length: 9 }, (_, level) => ({ level, format: LevelFormat.BULLET, text: bulletChars[level % 3] ?? "•", alignment: AlignmentType.LEFT, style: indent(level) })),
        },
        ...[...this.starts].map((start) => ({
          reference: numberedReference(start),
          levels: Array.from({ length: 9 }, (_, level) => ({
            level,
            format: [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN][level % 3] ?? LevelFormat.DECIMAL,
            text: `%${level + 1}.`,
            start: level === 0 ? start : 1,
            alignment: AlignmentType.LEFT,
            style: indent(level),
          })),
        })),
      ],
    };
  }

  private blocks(tokens: Token[], out: FileChild[], headingOffset: number, shape: ParagraphShape): void {
    for (const token of tokens) this.block(token, out, headingOffset, shape);
  }

  private block(token: Token, out: FileChild[], headingOffset: number, shape: ParagraphShape): void {
    const t = token as Tokens.Generic;
    switch (t.type) {
      case "heading": {
        const h = token as Tokens.Heading;
        out.push(this.paragraph(this.inlines(h.tokens, {}), { heading: Math.min(6, h.depth + headingOffset) }));
        return;
      }
      case "paragraph":
        out.push(this.paragraph(this.inlines((token as Tokens.Paragraph).tokens, {}), shape));
        return;
      case "text": {
        const text = token as Tokens.Text;
        out.push(this.paragraph(text.tokens ? this.inlines(text.tokens, {}) : this.runs(text.text, {}), shape));
        return;
      }
      case "list":
        this.list(token as Tokens.List, out, headingOffset, shape.list ? shape.list.level + 1 : 0, shape.style);
        return;
      case "blockquote":
        this.blocks((token as Tokens.Blockquote).tokens, out, headingOffset, { ...shape, style: QUOTE_STYLE });
        return;
      case "code":
        for (const line of (token as Tokens.Code).text.split("\n")) out.push(this.paragraph(this.runs(line, { code: true }), { style: CODE_STYLE }));
        return;
      case "hr":
        // A scene break as manuscripts set it, which Word shows and an import reads back as a rule.
        out.push(new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun(SCENE_BREAK)] }));
        return;
      case "table":
        out.push(this.table(token as Tokens.Table));
        return;
      case "html": {
        const text = htmlToText((token as Tokens.HTML).text);
        if (text.trim()) out.push(this.paragraph(this.runs(text.trim(), {}), shape));
        return;
      }
      case "space":
      case "def":
        return;
      default:
        if (typeof t.text === "string" && t.text.trim()) out.push(this.paragraph(this.runs(t.text, {}), shape));
    }
  }

  private list(list: Tokens.List, out: FileChild[], headingOffset: number, level: number, style: string | undefined): void {
    const start = typeof list.start === "number" ? list.start : 1;
    if (list.ordered) this.starts.add(start);
    const instance = this.nextInstance++;
    for (const item of list.items) {
      let first = true;
      for (const child of item.tokens) {
        if (child.type === "checkbox") continue;
        if (child.type === "list") {
          this.list(child as Tokens.List, out, headingOffset, level + 1, style);
          continue;
        }
        if (first && (child.type === "text" || child.type === "paragraph")) {
          const inline = (child as Tokens.Text).tokens ?? [];
          const box = item.task ? this.runs(item.checked ? "☑ " : "☐ ", {}) : [];
          out.push(this.paragraph([...box, ...this.inlines(inline, {})], { style, list: { ordered: list.ordered, start, level, instance } }));
          first = false;
          continue;
        }
        // A second paragraph of a loose item: indented like the item, without a number.
        this.block(child, out, headingOffset, { style, indentLevel: level });
      }
    }
  }

  private table(table: Tokens.Table): Table {
    const cell = (c: Tokens.TableCell, header: boolean) =>
      new TableCell({ children: [this.paragraph(this.inlines(c.tokens, header ? { bold: true } : {}), {})] });
    return new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [new TableRow({ tableHeader: true, children: table.header.map((c) => cell(c, true)) }), ...table.rows.map((row) => new TableRow({ children: row.map((c) => cell(c, false)) }))],
      borders: {
        top: { style: BorderStyle.SINGLE, size: 4, color: "999999" },
        bottom: { style: BorderStyle.SINGLE, size: 4, color: "999999" },
        left: { style: BorderStyle.SINGLE, size: 4, color: "999999" },
        right: { style: BorderStyle.SINGLE, size: 4, color: "999999" },
        insideHorizontal: { style: BorderStyle.SINGLE, size: 4, color: "999999" },
        insideVertical: { style: BorderStyle.SINGLE, size: 4, color: "999999" },
      },
    });
  }

  private paragraph(children: ParagraphChild[], shape: ParagraphShape): Paragraph {
    if (this.pendingWrap) {
      children = [...this.pendingWrap.before, ...children, ...this.pendingWrap.after];
      this.pendingWrap = undefined;
    }
    const heading = shape.heading ? HEADING_STYLES[shape.heading - 1] : undefined;
    const list = shape.list;
    return new Paragraph({
      children,
      ...(heading ? { style: heading, keepNext: true } : shape.style ? { style: shape.style } : {}),
      ...(shape.indentLevel !== undefined ? { indent: { left: 720 * (shape.indentLevel + 1) } } : {}),
      ...(list
        ? list.ordered
          ? { numbering: { reference: numberedReference(list.start), level: Math.min(list.level, 8), instance: list.instance } }
          : { numbering: { reference: BULLETS, level: Math.min(list.level, 8) } }
        : {}),
    });
  }

  private inlines(tokens: Token[], marks: Marks): ParagraphChild[] {
    const out: ParagraphChild[] = [];
    for (const token of tokens) {
      switch (token.type) {
        case "strong":
          out.push(...this.inlines((token as Tokens.Strong).tokens, { ...marks, bold: true }));
          break;
        case "em":
          out.push(...this.inlines((token as Tokens.Em).tokens, { ...marks, italics: true }));
          break;
        case "del":
          out.push(...this.inlines((token as Tokens.Del).tokens, { ...marks, strike: true }));
          break;
        case "codespan":
          out.push(...this.runs(decodeEntities((token as Tokens.Codespan).text), { ...marks, code: true }));
          break;
        case "br":
          out.push(new TextRun({ break: 1 }));
          break;
        case "link": {
          const link = token as Tokens.Link;
          const children = this.inlines(link.tokens, marks).filter((c): c is TextRun => c instanceof TextRun);
          if (/^(https?|mailto):/i.test(link.href) && children.length > 0) out.push(new ExternalHyperlink({ link: link.href, children }));
          else out.push(...children);
          break;
        }
        case "image":
          out.push(...this.runs(`[${(token as Tokens.Image).text}]`, { ...marks, italics: true }));
          break;
        case "html":
          out.push(...this.runs(htmlToText((token as Tokens.HTML).text), marks));
          break;
        case "checkbox":
          break;
        default: {
          const text = token as Tokens.Text;
          if (text.tokens && text.tokens.length > 0) out.push(...this.inlines(text.tokens, marks));
          else out.push(...this.runs(decodeEntities(text.text ?? ""), marks));
        }
      }
    }
    return out;
  }

  private runs(text: string, marks: Marks): TextRun[] {
    // A line break inside a Markdown paragraph is a space in the rendered text.
    const clean = marks.code ? text : text.replace(/[ \t]*\n[ \t]*/g, " ");
    if (clean === "") return [];
    const cjk = hasCjk(clean);
    return [
      new TextRun({
        text: clean,
        ...(marks.bold ? { bold: true } : {}),
        ...(marks.italics ? { italics: true } : {}),
        ...(marks.strike ? { strike: true } : {}),
        ...(marks.code
          ? { font: { ascii: "Consolas", hAnsi: "Consolas", cs: "Consolas", ...(cjk ? { eastAsia: this.eastAsiaFont } : {}) } }
          : cjk
            ? { font: { eastAsia: this.eastAsiaFont } }
            : {}),
      }),
    ];
  }
}

/** The text of an HTML fragment: comments dropped, tags removed, entities decoded. */
export function htmlToText(html: string): string {
  return decodeEntities(html.replace(/<!--[\s\S]*?(-->|$)/g, "").replace(/<[^>]*>/g, ""));
}
