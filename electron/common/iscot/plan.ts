// Sections of a global plan, read from the model's free text line by line, so that a streaming parser
// can announce each section as soon as it is certain; and the canonical text of a plan the writer edited.
import { spaceOr, trimEndWhile } from "../metrics/chars";
import { findBudget, type BudgetMatch } from "./budget";

/** A section as read from a plan's text, before the manuscript gives it an id. */
export interface SectionDraft {
  title: string;
  brief: string;
  /** Word budget, a non-negative integer; 0 when the plan gives none. */
  budget: number;
}

/** What a plan's text yields: its sections and the total it states, if it states one ("Total: 5000 words"). */
export interface PlanExtraction {
  sections: SectionDraft[];
  statedTotal: number | null;
}

/** The plan's budgets against the target: how far their sum is from it. */
export interface PlanGap {
  /** Sum of the section budgets. */
  planned: number;
  target: number | null;
  /** planned - target: negative when the plan falls short; null without a target. */
  gap: number | null;
  /** The total the plan itself states, when it states one. */
  statedTotal: number | null;
}

interface Line {
  raw: string;
  /** Marker kind with nesting, e.g. "h2", "bold", "label@0", "num1@0", "bullet@1"; null for plain text. */
  kind: string | null;
  /** Nesting depth: -1 for headings and bold lines, else the indentation bucket. */
  depth: number;
  /** The text after the marker. */
  text: string;
  /** "Paragraph 1", "第一部分": a label that names the section. */
  label: string | null;
  budget: BudgetMatch | null;
  budgetOnly: boolean;
  total: boolean;
}

// A line is read with patterns that match its start (a marker, a label) and then the rest of the line
// checked apart (see afterPrefix): a pattern such as `^1\.\s*(.+)$` backtracks through the spaces once per
// space when the line holds a line separator, and `\s+$` or `[ \t]+#+$` rescans a long run of spaces
// once per space, so a long line would cost time quadratic in its length.
const LABEL_EN = /^((?:paragraph|section|part|chapter|segment|step)\s*(?:\d+|[ivxlc]+)\b)\s*/i;
const LABEL_ZH = /^(第\s*[0-9一二三四五六七八九十百零〇两]+\s*(?:部分|段落?|章|节|部|点|小节|幕|篇)|(?:段落|部分|章节)\s*[0-9一二三四五六七八九十]+)\s*/u;
const TOTAL = /^(?:\*\*|__)?(?:total|overall|in\s+total|altogether|总字数|总计|合计|共计|全文|总共|全篇)/iu;

function indentWidth(s: string): number {
  let width = 0;
  for (const ch of s) width += ch === "\t" ? 4 : 1;
  return width;
}

/** A line separator `.` does not match: \r, U+2028, U+2029 (\n never stands inside a line). */
function hasLineTerminator(text: string): boolean {
  return /[\r\n\u2028\u2029]/.test(text);
}

/**
 * What `prefix` matched at the start of `text` and the rest of the text, where the rest is what
 * `prefix(.+)$` (`prefix(.*)$` with `allowEmpty`) would capture: non-empty, and free of line
 * separators. The prefixes used end in a greedy quantifier or a fixed marker, so trying the rest only
 * after the prefix's first match gives the same result as the whole pattern, in one pass.
 */
function afterPrefix(prefix: RegExp, text: string, allowEmpty = false): { m: RegExpExecArray; rest: string } | null {
  const m = prefix.exec(text);
  if (!m) return null;
  const rest = text.slice(m[0].length);
  if ((!allowEmpty && rest === "") || hasLineTerminator(rest)) return null;
  return { m, rest };
}

/** A heading's text without its closing sequence of #s (`## Title ##`): `[ \t]+#+$`, read from the end. */
function withoutClosingHashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 35) end--;
  if (end === text.length) return text;
  let start = end;
  while (start > 0 && (text.charCodeAt(start - 1) === 32 || text.charCodeAt(start - 1) === 9)) start--;
  return start < end ? text.slice(0, start) : text;
}

/** The list markers after the indentation, tried in order: the kind of line each makes. */
const MARKERS: ReadonlyArray<{ kind: string; prefix: RegExp }> = [
  { kind: "num1", prefix: /^(\d+)[.)、．]\s*/u },
  { kind: "num", prefix: /^(\d+(?:\.\d+)+)\.?\s+/ },
  { kind: "paren", prefix: /^[(（](\d+)[)）]\s*/u },
  { kind: "roman", prefix: /^([ivxlc]+)[.)]\s+/i },
  { kind: "alpha", prefix: /^([a-z])[.)]\s+/i },
  { kind: "cjknum", prefix: /^([一二三四五六七八九十]+)[、.．]\s*/u },
  { kind: "bullet", prefix: /^[-*+•·●○▪◦]\s+/u },
];

function classify(raw: string): Line {
  const line = raw.trimEnd();
  let kind: string | null = null;
  let depth = 0;
  let text = line.trim();
  const indentMatch = /^[ \t]*/.exec(line)![0];
  const bucket = Math.min(3, Math.floor(indentWidth(indentMatch) / 2));
  const body = line.slice(indentMatch.length);
  const heading = afterPrefix(/^(#{1,6})[ \t]+/, body);
  if (heading && indentWidth(indentMatch) <= 3) {
    kind = `h${heading.m[1]!.length}`;
    depth = -1;
    text = withoutClosingHashes(heading.rest).replace(/^(?:\d+(?:\.\d+)*[.)、．]?|[一二三四五六七八九十]+[、.．])\s+/u, "");
  } else if (bucket === 0 && /^(\*\*|__)(?=\S)(.+?)\1/.test(body)) {
    kind = "bold";
    depth = -1;
    text = body;
  } else {
    for (const marker of MARKERS) {
      const found = afterPrefix(marker.prefix, body);
      if (!found) continue;
      kind = `${marker.kind === "num" ? `num${found.m[1]!.split(".").length}` : marker.kind}@${bucket}`;
      depth = bucket;
      text = found.rest;
      break;
    }
  }
  let label: string | null = null;
  const bare = text.replace(/^(\*\*|__)(.+?)\1/, "$2");
  const lm = afterPrefix(LABEL_EN, bare, true) ?? afterPrefix(LABEL_ZH, bare, true);
  if (lm) {
    label = lm.m[1]!;
    text = lm.rest;
    if (kind === null) {
      kind = `label@${bucket}`;
      depth = bucket;
    }
  }
  const budget = findBudget(text);
  const total = budget !== null && TOTAL.test(text.trim());
  return { raw: line, kind, depth, text, label, budget, budgetOnly: budget !== null && isBudgetOnly(text, budget), total };
}

function isBudgetOnly(text: string, budget: BudgetMatch): boolean {
  const rest = text.slice(0, budget.index) + text.slice(budget.end);
  // Filler, a field name, filler; the filler includes white space and colons, so a name's `\s*[:：]?` is part of it.
  return /^[\s\-–—*•:：,，.。;；()（）[\]【】_]*(?:(?:target|length|approx(?:imately|\.)?|about|目标|篇幅|约)[\s\-–—*•:：,，.。;；()（）[\]【】_]*)?$/iu.test(rest);
}

const OPEN_BRACKETS = "(（[【";
const CLOSE_BRACKETS = ")）]】";
const SEPARATORS = [": ", "：", " - ", " – ", " — ", "——", " | "];
const MAIN_POINT = /^(?:main\s*points?|key\s*points?|focus|content|主要内容|要点|内容|重点)$/iu;

const isJoiner = spaceOr("-–—,，;；|");
const isTitleEnd = spaceOr("-–—:：,，;；|.。");

/** Removes a budget phrase with its brackets, and joins what is left around it. */
function cut(text: string, start: number, end: number): string {
  if (start > 0 && end < text.length && OPEN_BRACKETS.includes(text[start - 1]!) && OPEN_BRACKETS.indexOf(text[start - 1]!) === CLOSE_BRACKETS.indexOf(text[end]!)) {
    start--;
    end++;
  }
  const before = trimEndWhile(text.slice(0, start), isJoiner);
  const after = text.slice(end).replace(/^[\s\-–—,，;；|]+/u, "");
  if (before === "" || after === "") return before + after;
  return /^[:：.。)）]/u.test(after) ? before + after : `${before} ${after}`;
}

function isBracketed(text: string, budget: BudgetMatch): boolean {
  const open = text[budget.index - 1];
  const close = text[budget.end];
  return open !== undefined && close !== undefined && OPEN_BRACKETS.includes(open) && OPEN_BRACKETS.indexOf(open) === CLOSE_BRACKETS.indexOf(close);
}

function stripEmphasis(text: string): string {
  return text.replace(/\*\*|__/g, "").trim();
}

function cleanTitle(text: string): string {
  const start = stripEmphasis(text)
    .replace(/^[\s\-–—:：,，;；|]+/u, "")
    .replace(/^\d+[.)、．]\s+/u, "");
  return trimEndWhile(start, isTitleEnd).trim();
}

function cleanBrief(text: string): string {
  return text.replace(/^[\s\-–—:：,，;；|]+/u, "").trim();
}

/** Title, brief and budget from a section's header line (the text after its marker). */
function readHeader(line: Line): { title: string; brief: string; budget: number | null } {
  const text = line.text;
  const budget = line.budget;
  // The split between title and brief: a leading bold span, else the first separator outside the budget.
  let split = -1;
  let splitEnd = -1;
  const bold = /^(\*\*|__)(.+?)\1/.exec(text.trim());
  if (bold) {
    const offset = text.indexOf(bold[0]);
    split = offset + bold[0].length;
    splitEnd = split;
  } else {
    for (const sep of SEPARATORS) {
      let from = 0;
      for (;;) {
        const at = text.indexOf(sep, from);
        if (at < 0) break;
        const inside = budget !== null && at < budget.end && at + sep.length > budget.index;
        if (!inside && at > 0) {
          if (split < 0 || at < split) {
            split = at;
            splitEnd = at + sep.length;
          }
          break;
        }
        from = at + 1;
      }
    }
  }
  let title = split < 0 ? text : text.slice(0, split);
  let brief = split < 0 ? "" : text.slice(splitEnd);
  if (budget !== null) {
    if (split < 0 || budget.end <= split) {
      const start = budget.index;
      const end = budget.end;
      title = cut(title, start, end);
    } else {
      const shift = splitEnd;
      const inBrief = { ...budget, index: budget.index - shift, end: budget.end - shift };
      if (inBrief.index >= 0 && (budget.labelled || isBracketed(brief, inBrief) || isBudgetOnly(brief, inBrief))) brief = cut(brief, inBrief.index, inBrief.end);
    }
  }
  title = cleanTitle(title);
  brief = cleanBrief(stripEmphasisAround(brief));
  // "Main point: ..." is a field name, not a title: the label names the section and the rest is its brief.
  if (MAIN_POINT.test(title)) title = "";
  const field = /^(.{1,20}?)[:：]\s*(.*)$/su.exec(brief);
  if (field && MAIN_POINT.test(cleanTitle(field[1]!))) brief = field[2]!.trim();
  if (line.label) title = title === "" ? line.label : `${line.label}${line.label.startsWith("第") ? "：" : ": "}${title}`;
  if (title === "" && brief !== "") {
    title = brief;
    brief = "";
  }
  return { title, brief, budget: budget?.words ?? null };
}

function stripEmphasisAround(text: string): string {
  return text.replace(/^(\*\*|__)(.*)\1$/s, "$2");
}

interface Building {
  header: Line;
  body: Line[];
}

function rank(kind: string): number {
  if (kind.startsWith("h")) return Number(kind.slice(1));
  if (kind === "bold") return 7;
  const [base, bucket] = kind.split("@") as [string, string];
  const baseRank = base === "label" ? 8 : base === "bullet" ? 10 : 9;
  return baseRank + Number(bucket) * 10;
}

/**
 * Reads a plan's sections line by line. Which lines start a section is settled by the first line that
 * gives a budget (a total such as "Total: 5000 words" aside): a structural line that carries the budget
 * sets the level itself ("1. Intro (300 words)", "Paragraph 1 - ... - Word count: 400 words"); a line
 * that only gives a budget ("Word count: 300", "- Length: 300 words") sets the level of the item it
 * belongs to (the nearest line above it that is less nested). From then on every line of that kind and
 * nesting starts a section, lines before the first one are a preamble, other lines are the section's
 * brief. A plan without budgets settles at its end on the most frequent top-level marker (headings
 * before bold lines before labels before numbers before bullets); a plan without markers and budgets
 * has no sections. A section's budget is the one in its header, else the first line of its body that
 * only gives a budget, else the sum of the budgets in its body, else 0.
 */
export class PlanExtractor {
  private readonly pending: Line[] = [];
  private readonly structural: Line[] = [];
  private level: string | null = null;
  private current: Building | null = null;
  private readonly sections: SectionDraft[] = [];
  private statedTotal: number | null = null;
  private finished = false;

  /** Takes the next complete line and returns the sections it made certain. */
  pushLine(raw: string): SectionDraft[] {
    if (this.finished) return [];
    const line = classify(raw);
    if (line.total) {
      this.statedTotal ??= line.budget!.words;
      return [];
    }
    if (this.level !== null) return this.place(line);
    this.pending.push(line);
    if (line.budget === null) {
      if (line.kind !== null) this.structural.push(line);
      return [];
    }
    this.level = this.levelFor(line);
    if (line.kind !== null) this.structural.push(line);
    const out: SectionDraft[] = [];
    for (const l of this.pending.splice(0)) out.push(...this.place(l));
    return out;
  }

  /** Ends the plan: returns every section and the stated total. */
  finish(): PlanExtraction {
    if (!this.finished) {
      this.finished = true;
      if (this.level === null) {
        this.level = this.fallbackLevel();
        for (const l of this.pending.splice(0)) this.place(l);
      }
      this.close();
    }
    return { sections: this.sections.slice(), statedTotal: this.statedTotal };
  }

  private levelFor(line: Line): string {
    if (line.kind !== null && !line.budgetOnly) return line.kind;
    const depth = line.kind === null ? Number.POSITIVE_INFINITY : line.depth;
    for (let i = this.structural.length - 1; i >= 0; i--) {
      const s = this.structural[i]!;
      if (s.depth < depth) return s.kind!;
    }
    return line.kind ?? "plain";
  }

  private fallbackLevel(): string | null {
    const counts = new Map<string, number>();
    for (const l of this.structural) counts.set(l.kind!, (counts.get(l.kind!) ?? 0) + 1);
    let best: string | null = null;
    for (const [kind, count] of counts) {
      if (best === null) {
        best = kind;
        continue;
      }
      const bestCount = counts.get(best)!;
      const better = (count >= 2) !== (bestCount >= 2) ? count >= 2 : rank(kind) < rank(best);
      if (better) best = kind;
    }
    return best;
  }

  private isHeader(line: Line): boolean {
    if (this.level === "plain") return line.kind === null && line.budget !== null;
    return line.kind !== null && line.kind === this.level;
  }

  private place(line: Line): SectionDraft[] {
    if (this.level !== null && this.isHeader(line)) {
      const done = this.close();
      this.current = { header: line, body: [] };
      return done;
    }
    if (this.current) this.current.body.push(line);
    return [];
  }

  private close(): SectionDraft[] {
    const b = this.current;
    if (!b) return [];
    this.current = null;
    const header = readHeader(b.header);
    let budget = header.budget;
    const bodyLines: string[] = [];
    let bodyOnly: number | null = null;
    let bodySum = 0;
    for (const l of b.body) {
      if (l.budgetOnly) {
        bodyOnly ??= l.budget!.words;
        continue;
      }
      if (l.budget) bodySum += l.budget.words;
      bodyLines.push(l.raw);
    }
    budget ??= bodyOnly ?? bodySum;
    const brief = trimLines([...(header.brief === "" ? [] : [header.brief]), ...dedent(bodyLines)]);
    const section: SectionDraft = { title: header.title, brief, budget };
    this.sections.push(section);
    return [section];
  }
}

/** Lines without the indentation they all share. */
function dedent(lines: string[]): string[] {
  let common = Number.POSITIVE_INFINITY;
  for (const l of lines) if (l.trim() !== "") common = Math.min(common, /^[ \t]*/.exec(l)![0].length);
  return Number.isFinite(common) && common > 0 ? lines.map((l) => l.slice(Math.min(common, /^[ \t]*/.exec(l)![0].length))) : lines;
}

/** Joins lines, dropping blank lines at both ends. */
function trimLines(lines: string[]): string {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === "") start++;
  while (end > start && lines[end - 1]!.trim() === "") end--;
  return lines.slice(start, end).join("\n").trim();
}

/** The sections of a whole plan text (the same reading a streaming parser makes line by line). */
export function extractPlan(text: string): PlanExtraction {
  const extractor = new PlanExtractor();
  for (const line of text.split("\n")) extractor.pushLine(line);
  return extractor.finish();
}

/** Compares a plan's budgets with the target length. */
export function comparePlanToTarget(sections: ReadonlyArray<{ budget: number }>, target: number | null, statedTotal: number | null = null): PlanGap {
  let planned = 0;
  for (const s of sections) planned += s.budget;
  return { planned, target, gap: target === null ? null : planned - target, statedTotal };
}

/**
 * The canonical text of a plan, written when the writer edits the plan: one `## title` heading per
 * section (in bold when the title holds a separator such as ": "), then its budget ("Word count: N" / "字数：N字") and its brief. extractPlan reads it back
 * into the same sections, which the manuscript checks before it accepts an edit.
 */
export function renderPlan(sections: ReadonlyArray<SectionDraft>, language: "en" | "zh"): string {
  return sections
    .map((s) => {
      const budget = language === "zh" ? `字数：${s.budget}字` : `Word count: ${s.budget}`;
      return [renderHeading(s.title), budget, ...(s.brief === "" ? [] : [s.brief])].join("\n");
    })
    .join("\n\n");
}

/** `## title`, or `## **title**` where the plain heading would split ("Part 1: Origins" stays whole in bold). */
function renderHeading(title: string): string {
  const plain = `## ${title}`;
  return extractPlan(`${plain}\nWord count: 0`).sections[0]?.title === title ? plain : `## **${title}**`;
}
