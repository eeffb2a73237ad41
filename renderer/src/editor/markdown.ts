// A step's content is Markdown; the draft shows it as ProseMirror nodes. The model's text becomes
// nodes here (never HTML), and the writer's edits go back as Markdown. The subset is what models
// write in prose: paragraphs (a single line break inside one is a hard break), headings, bullet and
// numbered lists, block quotes, fenced code, rules, and bold, italic, strike-through and inline code,
// and character references outside code (`&lt;` shows as `<`: it is how a step holds a protocol tag
// as text, such as an imported draft that quotes `<content>`).
// serializeMarkdown escapes whatever would read back differently, so parse(serialize(x)) is x, and
// writes a `<` that would start a protocol tag as `&lt;`, so the writer may type one.
import type { Mark, Node as PmNode, Schema } from "@tiptap/pm/model";
import { defuseProtocolTags, referenceAt } from "../../../electron/common/manuscript/entities";

// ---- blocks -------------------------------------------------------------------------------------

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)\s*$/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const RULE = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const BULLET = /^( {0,3})([-+*])[ \t]+(.*)$/;
const ORDERED = /^( {0,3})(\d{1,9})([.)])[ \t]+(.*)$/;

type ListKind = "bullet" | "ordered";

/** A list item's line: its kind, indentation, text, number, and where its content starts. */
function listItemOf(line: string): { kind: ListKind; indent: number; text: string; start: number; contentIndent: number } | null {
  const b = BULLET.exec(line);
  if (b) return { kind: "bullet", indent: b[1]!.length, text: b[3]!, start: 1, contentIndent: b[1]!.length + 2 };
  const o = ORDERED.exec(line);
  if (o) return { kind: "ordered", indent: o[1]!.length, text: o[4]!, start: Number(o[2]), contentIndent: o[1]!.length + o[2]!.length + 2 };
  return null;
}

/** True when the line opens a block other than a paragraph (so it ends the paragraph before it). */
function startsBlock(line: string): boolean {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || listItemOf(line) !== null;
}

const isBlank = (line: string) => line.trim() === "";

/** The block nodes of a Markdown text (empty for an empty text). */
export function parseMarkdown(markdown: string, schema: Schema): PmNode[] {
  return parseLines(markdown.replace(/\r\n?/g, "\n").split("\n"), schema);
}

function parseLines(lines: string[], schema: Schema): PmNode[] {
  const nodes = schema.nodes;
  const blocks: PmNode[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (isBlank(line)) {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i]!.trim().startsWith(marker[0]!.repeat(marker.length)) && lines[i]!.trim().replace(new RegExp(`^\\${marker[0]}+`), "") === "")) body.push(lines[i++]!);
      i++;
      const text = body.join("\n");
      blocks.push(nodes.codeBlock!.create({ language: fence[2] || null }, text === "" ? null : schema.text(text)));
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push(nodes.heading!.create({ level: heading[1]!.length }, parseInline((heading[2] ?? "").trim(), schema)));
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push(nodes.horizontalRule!.create());
      i++;
      continue;
    }
    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i]!)) inner.push(QUOTE.exec(lines[i++]!)![1]!);
      const content = parseLines(inner, schema);
      blocks.push(nodes.blockquote!.create(null, content.length > 0 ? content : [nodes.paragraph!.create()]));
      continue;
    }
    const item = listItemOf(line);
    if (item) {
      const { node, next } = parseList(lines, i, item.kind, item.indent, schema);
      blocks.push(node);
      i = next;
      continue;
    }
    const paragraph: string[] = [line];
    i++;
    while (i < lines.length && !isBlank(lines[i]!) && !startsBlock(lines[i]!)) paragraph.push(lines[i++]!);
    blocks.push(nodes.paragraph!.create(null, paragraphInline(paragraph, schema)));
  }
  return blocks;
}

/** A list from line `start`: its items, each with the indented lines under it as its own blocks. */
function parseList(lines: string[], start: number, kind: ListKind, indent: number, schema: Schema): { node: PmNode; next: number } {
  const nodes = schema.nodes;
  const items: PmNode[] = [];
  let i = start;
  let first = 1;
  while (i < lines.length) {
    const item = listItemOf(lines[i]!);
    if (!item || item.kind !== kind || item.indent !== indent) break;
    if (items.length === 0) first = item.start;
    const body: string[] = [item.text];
    i++;
    // The item's own lines: indented under it, or blank lines followed by more indented lines.
    const contentIndent = item.contentIndent;
    while (i < lines.length) {
      const l = lines[i]!;
      if (isBlank(l)) {
        const nextLine = lines[i + 1];
        if (nextLine !== undefined && leadingSpaces(nextLine) >= contentIndent) {
          body.push("");
          i++;
          continue;
        }
        break;
      }
      if (leadingSpaces(l) >= contentIndent) body.push(l.slice(contentIndent));
      else if (!startsBlock(l) && body[body.length - 1] !== "") body.push(l);
      else break;
      i++;
    }
    const content = parseLines(body, schema);
    const head = content[0]?.type === nodes.paragraph ? [] : [nodes.paragraph!.create()];
    items.push(nodes.listItem!.create(null, [...head, ...content]));
    if (i < lines.length && isBlank(lines[i]!)) {
      // A blank line between items keeps the list going.
      const nextItem = lines[i + 1] === undefined ? null : listItemOf(lines[i + 1]!);
      if (nextItem && nextItem.kind === kind && nextItem.indent === indent) i++;
      else break;
    }
  }
  const node = kind === "bullet" ? nodes.bulletList!.create(null, items) : nodes.orderedList!.create({ start: first }, items);
  return { node, next: i };
}

const leadingSpaces = (line: string) => line.length - line.trimStart().length;

/** A paragraph's lines: each line's inline content, joined by hard breaks. */
function paragraphInline(lines: string[], schema: Schema): PmNode[] {
  const out: PmNode[] = [];
  lines.forEach((line, k) => {
    if (k > 0) out.push(schema.nodes.hardBreak!.create());
    out.push(...parseInline(line, schema));
  });
  return out;
}

// ---- inline -------------------------------------------------------------------------------------

const PUNCTUATION = /[!-/:-@[-`{-~]/;
const isSpace = (c: string | undefined) => c === undefined || /\s/.test(c);
const isAlnum = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
/** Unicode punctuation as CommonMark reads it for emphasis (punctuation and symbols). */
const isPunct = (c: string | undefined) => c !== undefined && /[\p{P}\p{S}]/u.test(c);

/** One piece of a line: text (with the marks matched around it so far), or a run of delimiters. */
type Piece =
  | { kind: "text"; text: string; marks: string[]; code: boolean }
  | { kind: "run"; char: "*" | "_" | "~"; length: number; original: number; canOpen: boolean; canClose: boolean; marks: string[] };

/** Where the code span opened by `ticks` backticks at `i` ends, or -1. */
function codeEnd(text: string, i: number, ticks: number): number {
  let j = i + ticks;
  while (j < text.length) {
    if (text[j] === "`") {
      let run = 0;
      while (text[j + run] === "`") run++;
      if (run === ticks) return j;
      j += run;
    } else j++;
  }
  return -1;
}

/** Splits a line into text, code spans and delimiter runs (escapes and character references become text). */
function pieces(text: string): Piece[] {
  const out: Piece[] = [];
  let plain = "";
  const flush = () => {
    if (plain !== "") out.push({ kind: "text", text: plain, marks: [], code: false });
    plain = "";
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "\\" && i + 1 < text.length && PUNCTUATION.test(text[i + 1]!)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === "&") {
      const reference = referenceAt(text, i);
      if (reference) {
        plain += reference.char;
        i += reference.length;
        continue;
      }
    }
    if (c === "`") {
      let ticks = 0;
      while (text[i + ticks] === "`") ticks++;
      const end = codeEnd(text, i, ticks);
      if (end < 0) {
        plain += text.slice(i, i + ticks);
        i += ticks;
        continue;
      }
      flush();
      let code = text.slice(i + ticks, end);
      if (code.length > 2 && code.startsWith(" ") && code.endsWith(" ") && code.trim() !== "") code = code.slice(1, -1);
      if (code !== "") out.push({ kind: "text", text: code, marks: [], code: true });
      i = end + ticks;
      continue;
    }
    if (c === "*" || c === "_" || c === "~") {
      let length = 0;
      while (text[i + length] === c) length++;
      const before = text[i - 1];
      const after = text[i + length];
      // CommonMark's flanking rules: a run opens when it is left-flanking (text follows it, and a
      // punctuation mark after it only where white space or punctuation comes before) and closes when
      // it is right-flanking (the mirror); "_" never inside a word. Without the punctuation clause,
      // "~~**a**~~*" read its "**" after "~~" as a closer.
      const left = !isSpace(after) && (!isPunct(after) || isSpace(before) || isPunct(before));
      const right = !isSpace(before) && (!isPunct(before) || isSpace(after) || isPunct(after));
      let canOpen = left;
      let canClose = right;
      if (c === "_") {
        canOpen = left && (!right || isPunct(before)) && !isAlnum(before);
        canClose = right && (!left || isPunct(after)) && !isAlnum(after);
      }
      if (c === "~" && length !== 2) {
        plain += text.slice(i, i + length);
        i += length;
        continue;
      }
      flush();
      out.push({ kind: "run", char: c, length, original: length, canOpen, canClose, marks: [] });
      i += length;
      continue;
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

/**
 * Matches delimiter runs into emphasis as CommonMark does: each closer takes the nearest opener of
 * its character, two characters (strong) when both runs have two, else one; the rule of three keeps
 * "*a***b**" from pairing the wrong runs.
 */
function matchEmphasis(list: Piece[]): void {
  for (let c = 0; c < list.length; c++) {
    const closer = list[c]!;
    if (closer.kind !== "run" || !closer.canClose) continue;
    while (closer.length > 0) {
      let o = c - 1;
      for (; o >= 0; o--) {
        const opener = list[o]!;
        if (opener.kind !== "run" || opener.char !== closer.char || !opener.canOpen || opener.length === 0) continue;
        if (closer.char === "~") break;
        const oddMatch = (opener.canClose || closer.canOpen) && (opener.original + closer.original) % 3 === 0 && !(opener.original % 3 === 0 && closer.original % 3 === 0);
        if (!oddMatch) break;
      }
      if (o < 0) break;
      const opener = list[o] as Extract<Piece, { kind: "run" }>;
      const use = closer.char === "~" ? 2 : opener.length >= 2 && closer.length >= 2 ? 2 : 1;
      const mark = closer.char === "~" ? "strike" : use === 2 ? "bold" : "italic";
      for (let k = o + 1; k < c; k++) {
        const piece = list[k]!;
        if (!piece.marks.includes(mark)) piece.marks.push(mark);
      }
      opener.length -= use;
      closer.length -= use;
      // Delimiters between the pair that are still unmatched become text.
      for (let k = o + 1; k < c; k++) {
        const piece = list[k]!;
        if (piece.kind === "run") {
          piece.canOpen = false;
          piece.canClose = false;
        }
      }
    }
  }
}

/** The inline nodes of one line of Markdown, with `marks` applied to all of them. */
export function parseInline(text: string, schema: Schema, marks: readonly Mark[] = []): PmNode[] {
  const list = pieces(text);
  matchEmphasis(list);
  const out: PmNode[] = [];
  for (const piece of list) {
    const pieceText = piece.kind === "text" ? piece.text : piece.char.repeat(piece.length);
    if (pieceText === "") continue;
    let set = marks;
    for (const name of piece.marks) set = schema.marks[name]!.create().addToSet(set);
    // Inline code excludes every other mark (as the editor's code mark does).
    if (piece.kind === "text" && piece.code) set = [schema.marks.code!.create()];
    out.push(schema.text(pieceText, set));
  }
  return out;
}

// ---- serializing --------------------------------------------------------------------------------

const MARK_DELIMITER: Record<string, string> = { bold: "**", italic: "*", strike: "~~" };
/** Marks in the order they open (outermost first), so nesting is stable. */
const MARK_ORDER = ["bold", "italic", "strike", "code"];

/**
 * Escapes text so it reads back as the same text: inline markup, an `&` that would read as a character
 * reference, block markers at a line's start; and a protocol tag is written with `&lt;`.
 */
function escapeText(text: string, atLineStart: boolean): string {
  let out = defuseProtocolTags(text.replace(/[\\`*_~]|&/g, (c, i: number) => (c !== "&" || referenceAt(text, i) ? `\\${c}` : c)));
  if (atLineStart) {
    out = out.replace(/^(\s*)([#>+-])/, "$1\\$2").replace(/^(\s*\d+)([.)])/, "$1\\$2");
  }
  return out;
}

function codeSpan(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || (text.startsWith(" ") && text.endsWith(" ") && text.trim() !== "") ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

const markNames = (node: PmNode) => node.marks.map((m) => m.type.name).filter((n) => MARK_ORDER.includes(n)).sort((a, b) => MARK_ORDER.indexOf(a) - MARK_ORDER.indexOf(b));

/** A textblock's inline content as Markdown. */
function serializeInline(node: PmNode): string {
  let out = "";
  const open: string[] = [];
  let lineStart = true;
  const close = (keep: string[]) => {
    // Close from the innermost mark down to the first one that must end.
    let k = 0;
    while (k < open.length && keep.includes(open[k]!)) k++;
    for (let x = open.length - 1; x >= k; x--) if (open[x] !== "code") out += MARK_DELIMITER[open[x]!]!;
    open.length = k;
  };
  const children: PmNode[] = [];
  node.forEach((child) => children.push(child));
  /** How many children from `from` on carry `mark`. */
  const extent = (mark: string, from: number) => {
    let n = 0;
    while (from + n < children.length && markNames(children[from + n]!).includes(mark)) n++;
    return n;
  };
  /** The marks to open at `index`, the longest-lasting first (outermost), so none closes early. */
  const opening = (marks: string[], index: number) => marks.filter((m) => !open.includes(m)).sort((a, b) => extent(b, index) - extent(a, index));

  children.forEach((child, index) => {
    if (child.type.name === "hardBreak") {
      close([]);
      out += "\n";
      lineStart = true;
      return;
    }
    if (!child.isText) return;
    const marks = markNames(child);
    const text = child.text ?? "";
    if (marks.includes("code")) {
      close(marks.filter((m) => m !== "code"));
      for (const m of opening(marks, index)) if (m !== "code") {
        out += MARK_DELIMITER[m]!;
        open.push(m);
      }
      out += codeSpan(text);
      lineStart = false;
      return;
    }
    close(marks);
    const lead = marks.length > open.length ? (/^\s*/.exec(text)?.[0] ?? "") : "";
    const nextMarks = children[index + 1]?.isText ? markNames(children[index + 1]!) : [];
    const closingHere = marks.some((m) => !nextMarks.includes(m));
    const trail = closingHere && marks.length > 0 ? (/\s*$/.exec(text.slice(lead.length))?.[0] ?? "") : "";
    const core = text.slice(lead.length, text.length - trail.length);
    if (core === "") {
      // White space only: its marks do not show; marks that end at the next text end before it.
      close(nextMarks);
      out += text;
      return;
    }
    out += escapeText(lead, false);
    for (const m of opening(marks, index)) {
      out += MARK_DELIMITER[m]!;
      open.push(m);
    }
    out += escapeText(core, lineStart && lead === "");
    lineStart = false;
    if (trail !== "") {
      close(nextMarks);
      out += trail;
    }
  });
  close([]);
  return out;
}

function serializeBlock(node: PmNode): string {
  switch (node.type.name) {
    case "paragraph":
      return serializeInline(node);
    case "heading":
      return `${"#".repeat(Number(node.attrs.level) || 1)} ${serializeInline(node)}`;
    case "horizontalRule":
      return "---";
    case "codeBlock": {
      const text = node.textContent;
      let longest = 2;
      for (const m of text.matchAll(/^`{3,}/gm)) longest = Math.max(longest, m[0].length);
      const fence = "`".repeat(longest + 1);
      return `${fence}${(node.attrs.language as string | null) ?? ""}\n${text}\n${fence}`;
    }
    case "blockquote":
      return serializeBlocks(node)
        .split("\n")
        .map((line) => (line === "" ? ">" : `> ${line}`))
        .join("\n");
    case "bulletList":
    case "orderedList": {
      const ordered = node.type.name === "orderedList";
      let n = Number(node.attrs.start ?? 1) || 1;
      const items: string[] = [];
      node.forEach((item) => {
        const marker = ordered ? `${n++}.` : "-";
        const pad = " ".repeat(marker.length + 1);
        const body = serializeItem(item)
          .split("\n")
          .map((line, k) => (k === 0 ? `${marker} ${line}` : line === "" ? "" : pad + line))
          .join("\n");
        items.push(body);
      });
      return items.join("\n");
    }
    default:
      return node.textContent;
  }
}

/** A list item's blocks: a list right after the item's text stays tight (no blank line). */
function serializeItem(item: PmNode): string {
  let out = "";
  item.forEach((child, _offset, index) => {
    if (index > 0) out += child.type.name === "bulletList" || child.type.name === "orderedList" ? "\n" : "\n\n";
    out += serializeBlock(child);
  });
  return out;
}

function serializeBlocks(parent: PmNode): string {
  const parts: string[] = [];
  parent.forEach((child) => parts.push(serializeBlock(child)));
  return parts.join("\n\n");
}

/** The Markdown of a node's block children (a step block's content), trimmed as the manuscript keeps it. */
export function serializeMarkdown(parent: PmNode): string {
  return serializeBlocks(parent).trim();
}
