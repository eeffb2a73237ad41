// Word budgets and progress as models write them, in English and Chinese: "(800 words)", "~800 words",
// "Word count: 800", "800-1000 words" (the middle is taken), "800字", "约800字", "字数：800";
// progress in a reflection: "word count: 1200/5000", "已完成1200字".

/** A word budget found in a text: the words (the middle of a range), and where the phrase stands. */
export interface BudgetMatch {
  /** The budget in words; for a range, its middle, rounded. */
  words: number;
  /** Start of the phrase in the text (UTF-16 index). */
  index: number;
  /** End of the phrase (exclusive). */
  end: number;
  /** True when the phrase is a labelled field ("Word count: 400", "字数：400"), not words in a sentence. */
  labelled: boolean;
}

/** The progress a model reports in a reflection, kept beside the exact count so the UI can show both. */
export interface ReportedProgress {
  /** Words the model says are written so far. */
  written: number;
  /** The total it says it aims at, when it gives one. */
  target: number | null;
  /** The phrase it was read from, as written. */
  phrase: string;
}

// The patterns below run over whatever the model wrote, so each is written to take time linear in the
// text: no two quantifiers that can share the same characters stand side by side (`\s*[:：]?\s*` is
// written `\s*(?:[:：]\s*)?`), a number is read from its first digit only, and digit groups are bounded
// (a number of more than 7 groups is no safe integer anyway). Otherwise a long run of spaces or digits
// in a line costs time quadratic or cubic in its length (bench/parser.bench.ts, budget.test.ts).
const NUMBER = String.raw`(?<![\d.,])(?:\d{1,3}(?:[,，]\d{3}){1,6}|\d+(?:\.\d+)?)(?:\s*[kK千万](?![a-zA-Z]))?`;
const RANGE_SEP = String.raw`\s*(?:-|–|—|~|～|to|至|到)\s*`;
const APPROX = String.raw`(?:(?<![a-zA-Z])(?:about|approximately|approx\.?|around|roughly|circa|at\s+least|at\s+most|no\s+(?:more|less|fewer)\s+than|up\s+to|over|under|maximum|minimum)\s*|(?:~|～|≈|约|大约|大概|不少于|不低于|至少|不超过|不多于|最多|最少)\s*)?`;
const UNIT = String.raw`(?:words?\b|个?字|词)`;
const SUFFIX = String.raw`(?:\s*(?:左右|以内|以上|上下))?`;
// Labels that name words ("Word count: 800") need no unit; "Length: 3 paragraphs" is no budget.
const WORD_LABEL = String.raw`(?:word\s*count|number\s+of\s+words|words|字数(?:要求)?|目标字数)`;
const LENGTH_LABEL = String.raw`(?:length|target|篇幅|长度)`;

// One pattern, so the leftmost phrase wins; a labelled field first, then a number with a unit.
const BUDGET = new RegExp(
  String.raw`(?<labelled>(?<![a-zA-Z])${WORD_LABEL}\s*[:：]\s*${APPROX}(?<a1>${NUMBER})(?:${RANGE_SEP}(?<a2>${NUMBER}))?\+?(?:\s*${UNIT})?${SUFFIX}` +
    String.raw`|(?<![a-zA-Z])${LENGTH_LABEL}\s*[:：]\s*${APPROX}(?<c1>${NUMBER})(?:${RANGE_SEP}(?<c2>${NUMBER}))?\+?\s*${UNIT}${SUFFIX})` +
    String.raw`|(?:${APPROX}(?<b1>${NUMBER})(?:${RANGE_SEP}(?<b2>${NUMBER}))?\+?\s*${UNIT}${SUFFIX})`,
  "iu",
);

/** Reads a number as written: "1,200", "1.5k", "5千", "1万". Null when it is not a finite number. */
export function parseWrittenNumber(text: string): number | null {
  const m = /^(\d[\d,，]*(?:\.\d+)?)\s*([kK千万])?$/u.exec(text.trim());
  if (!m) return null;
  const base = Number(m[1]!.replace(/[,，]/g, ""));
  const scale = m[2] === "万" ? 10000 : m[2] ? 1000 : 1;
  const value = Math.round(base * scale);
  return Number.isSafeInteger(value) ? value : null;
}

/** The first word budget written in a text, or null. A range "800-1000 words" gives its middle, 900. */
export function findBudget(text: string): BudgetMatch | null {
  const m = BUDGET.exec(text);
  if (!m?.groups) return null;
  const g = m.groups;
  const first = parseWrittenNumber((g.a1 ?? g.c1 ?? g.b1)!);
  const second = g.a2 ?? g.c2 ?? g.b2;
  if (first === null) return null;
  let words = first;
  if (second !== undefined) {
    const high = parseWrittenNumber(second);
    if (high !== null) words = Math.round((first + high) / 2);
  }
  return { words, index: m.index, end: m.index + m[0].length, labelled: g.labelled !== undefined };
}

/** The length a step plan sets for its segment ("about 600 words", "本段约600字"), or null. */
export function stepTargetWords(stepPlan: string): number | null {
  return findBudget(stepPlan)?.words ?? null;
}

const N = String.raw`(\d{1,3}(?:[,，]\d{3}){1,6}|(?<!\d)\d+)`;
const ABOUT = String.raw`(?:(?:about|approximately|~|约)\s*)?`;
const PROGRESS_PATTERNS: RegExp[] = [
  // "word count: 1200/5000", "Words written: 1,234 of 5,000", "progress: 1200 / 5000 words"
  new RegExp(
    String.raw`(?:word\s*count|words?(?:\s+written)?(?:\s+so\s+far)?|progress|total(?:\s+so\s+far)?|current\s+(?:word\s*)?count|字数|当前字数|累计字数|总字数|进度|已完成|已写)\s*(?:[:：]\s*)?${ABOUT}${N}\s*(?:(?:words?|个?字)\s*)?(?:/|／|out\s+of|of)\s*(?:(?:about|approximately|~|约|a\s+target\s+of|target(?:\s+of)?|目标)\s*)?${N}`,
    "iu",
  ),
  // "1200/5000 words", "1200 / 5000字"
  new RegExp(String.raw`${N}\s*(?:(?:words?|个?字)\s*)?(?:/|／)\s*${N}\s*(?:words?\b|个?字)`, "iu"),
  // "已完成1200字，目标5000字", "已写约1200字"
  new RegExp(String.raw`(?:已完成|已经完成|已写|已经写了|已撰写|完成了|累计写了?|目前(?:已)?写了?)\s*(?:(?:约|大约)\s*)?${N}\s*个?字(?:[^。\n]*?目标\s*(?:(?:为|是)\s*)?(?:约\s*)?${N}\s*个?字)?`, "u"),
  // "Word count: 1234", "I have written about 1,200 words so far", "字数：1200"
  new RegExp(
    String.raw`(?:word\s*count|words\s+written|current\s+(?:word\s*)?count|total\s+so\s+far|当前字数|累计字数|字数)\s*[:：]\s*${ABOUT}${N}` +
      String.raw`|(?:written|wrote)\s+(?:about\s+|approximately\s+|~\s*)?${N}\s*words`,
    "iu",
  ),
];

function toInt(text: string | undefined): number | null {
  if (text === undefined) return null;
  const value = Number(text.replace(/[,，]/g, ""));
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * The progress a reflection reports ("word count: 1200/5000", "Word count: 1234/5000.", "已完成1200字"),
 * or null when it reports none. The patterns are tried from the most to the least explicit.
 */
export function reportedProgress(reflection: string): ReportedProgress | null {
  for (const pattern of PROGRESS_PATTERNS) {
    const m = pattern.exec(reflection);
    if (!m) continue;
    const numbers = m.slice(1).filter((x): x is string => x !== undefined);
    const written = toInt(numbers[0]);
    if (written === null) continue;
    return { written, target: toInt(numbers[1]), phrase: m[0] };
  }
  return null;
}
