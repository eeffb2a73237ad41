// The manuscript report: what a writer checks before calling a draft done, computed from the
// manuscript alone so the window and `draftline report` show the same figures. Per section, the words
// written against its budget and the length score of that; repetition, as the share of word n-grams
// that repeat one seen earlier in the document, per step; and the stock phrases (a list the writer
// edits) found in the text.
import { sectionWords, writtenWords } from "../generation/rules";
import type { Manuscript } from "../manuscript/types";
import { detectLanguage } from "../metrics/language";
import { lengthScore } from "../metrics/score";

export interface SectionReport {
  id: string;
  title: string;
  budget: number;
  /** The writer's count of the section's steps. */
  words: number;
  /** The length score of the section's words against its budget; null when it has no budget. */
  score: number | null;
  steps: number;
}

export interface StepRepetition {
  /** 1-based step number. */
  step: number;
  ngrams: number;
  /** N-grams of the step already seen earlier in the document (earlier in the step included). */
  repeated: number;
  /** repeated / ngrams; 0 for a step too short to have an n-gram. */
  share: number;
}

export interface RepetitionReport {
  /** Words per n-gram (Chinese: characters). */
  n: number;
  ngrams: number;
  repeated: number;
  /** Share of the document's n-grams that repeat one seen before, 0 to 1. */
  share: number;
  perStep: StepRepetition[];
  /** The n-grams seen most often (at least twice), most frequent first. */
  top: { phrase: string; count: number }[];
}

export interface StockPhraseHit {
  /** The phrase as the list spells it. */
  phrase: string;
  count: number;
  /** The steps it is in, 1-based. */
  steps: number[];
}

export interface ManuscriptReport {
  words: number;
  target: number | null;
  /** The document's length score against its target; null without a target. */
  score: number | null;
  sections: SectionReport[];
  /** Words in steps that belong to no section of the current plan. */
  otherWords: number;
  repetition: RepetitionReport;
  stockPhrases: StockPhraseHit[];
}

/**
 * A starting list of stock phrases: the set expressions that make generated prose read as generated.
 * The writer edits the list (the report panel, or `draftline report --stock-phrases FILE`).
 */
export const DEFAULT_STOCK_PHRASES: readonly string[] = [
  "a testament to",
  "delve into",
  "tapestry of",
  "in today's fast-paced world",
  "it is important to note",
  "it's worth noting",
  "plays a crucial role",
  "plays a pivotal role",
  "navigate the complexities",
  "in the realm of",
  "ever-evolving",
  "a myriad of",
  "embark on a journey",
  "unlock the potential",
  "shed light on",
  "a double-edged sword",
  "in conclusion",
  "last but not least",
  "first and foremost",
  "at the end of the day",
  "总而言之",
  "综上所述",
  "值得注意的是",
  "不可否认",
  "在当今社会",
  "随着时代的发展",
  "扮演着重要的角色",
  "起着至关重要的作用",
];

/** The most phrases a list may hold, and the longest phrase. */
export const STOCK_PHRASE_LIMITS = { phrases: 200, length: 100 } as const;

const TOKEN = /\p{Script=Han}|[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;
const HAN = /^\p{Script=Han}$/u;

/** The words of a text for n-grams: runs of letters and digits (lowercased), each Han character alone. */
export function ngramTokens(text: string): string[] {
  return Array.from(text.toLowerCase().replace(/’/g, "'").matchAll(TOKEN), (m) => m[0]);
}

/** Words per n-gram: 4 words, or 8 characters for a Chinese text (about 4 words). */
export function defaultNgramSize(language: "en" | "zh"): number {
  return language === "zh" ? 8 : 4;
}

function joinTokens(tokens: readonly string[]): string {
  let text = "";
  tokens.forEach((t, i) => {
    if (i > 0 && !(HAN.test(t) && HAN.test(tokens[i - 1]!))) text += " ";
    text += t;
  });
  return text;
}

/** Repetition over the steps' text, in order: each step's n-grams against everything before. */
export function repetition(texts: readonly string[], n: number, top = 10): RepetitionReport {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`An n-gram has at least one word, not ${n}.`);
  // Words become small integers, and an n-gram the string of their ids (two UTF-16 units each): short
  // keys, so a 100,000-word document is counted in a few tens of milliseconds.
  const ids = new Map<string, number>();
  const words: string[] = [];
  const counts = new Map<string, number>();
  const perStep: StepRepetition[] = [];
  let ngrams = 0;
  let repeated = 0;
  texts.forEach((text, i) => {
    const units = ngramTokens(text).map((token) => {
      let id = ids.get(token);
      if (id === undefined) {
        id = words.length;
        ids.set(token, id);
        words.push(token);
      }
      return String.fromCharCode(id >>> 16, id & 0xffff);
    });
    let stepNgrams = 0;
    let stepRepeated = 0;
    for (let at = 0; at + n <= units.length; at++) {
      let key = units[at]!;
      for (let k = 1; k < n; k++) key += units[at + k]!;
      const seen = counts.get(key) ?? 0;
      counts.set(key, seen + 1);
      stepNgrams++;
      if (seen > 0) stepRepeated++;
    }
    ngrams += stepNgrams;
    repeated += stepRepeated;
    perStep.push({ step: i + 1, ngrams: stepNgrams, repeated: stepRepeated, share: stepNgrams === 0 ? 0 : stepRepeated / stepNgrams });
  });
  const decode = (key: string) => Array.from({ length: key.length / 2 }, (_, k) => words[(key.charCodeAt(2 * k) << 16) | key.charCodeAt(2 * k + 1)]!);
  // Only the n-grams that can make the top (ties at its last place included) are spelled out.
  const repeatedCounts = [...counts.values()].filter((c) => c > 1).sort((a, b) => b - a);
  const cutoff = repeatedCounts[Math.min(top, repeatedCounts.length) - 1] ?? Infinity;
  const frequent = [...counts.entries()]
    .filter(([, count]) => count > 1 && count >= cutoff)
    .map(([key, count]) => ({ tokens: decode(key), count }))
    .sort((a, b) => b.count - a.count || compareTokens(a.tokens, b.tokens))
    .slice(0, top)
    .map(({ tokens, count }) => ({ phrase: joinTokens(tokens), count }));
  return { n, ngrams, repeated, share: ngrams === 0 ? 0 : repeated / ngrams, perStep, top: frequent };
}

function compareTokens(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

/**
 * Cleans a writer's list: phrases trimmed, inner white space made single, empty ones and repeats
 * (ignoring case) left out. Throws a RangeError naming what is too long or too many.
 */
export function normalizeStockPhrases(phrases: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const raw of phrases) {
    const phrase = raw.replace(/\s+/g, " ").trim();
    if (phrase === "") continue;
    if (phrase.length > STOCK_PHRASE_LIMITS.length) throw new RangeError(`A stock phrase is at most ${STOCK_PHRASE_LIMITS.length} characters: "${phrase.slice(0, 40)}…" is ${phrase.length}.`);
    const key = phrase.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(phrase);
  }
  if (out.length > STOCK_PHRASE_LIMITS.phrases) throw new RangeError(`The list holds at most ${STOCK_PHRASE_LIMITS.phrases} stock phrases, not ${out.length}.`);
  return out;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** A phrase as a pattern: any case, any white space between its words, ' and ’ alike, whole words. */
function phrasePattern(phrase: string): RegExp {
  const body = phrase
    .split(" ")
    .map((word) => escapeRegExp(word).replace(/['’]/g, "['’]"))
    .join("\\s+");
  const letter = "[\\p{L}\\p{N}]";
  // A phrase that begins or ends with a Han character matches inside Chinese text, which has no spaces.
  const before = /^\p{Script=Han}/u.test(phrase) ? "" : `(?<!${letter})`;
  const after = /\p{Script=Han}$/u.test(phrase) ? "" : `(?!${letter})`;
  return new RegExp(`${before}${body}${after}`, "giu");
}

/** The stock phrases in the steps' text, most frequent first. */
export function findStockPhrases(texts: readonly string[], phrases: readonly string[]): StockPhraseHit[] {
  const hits: StockPhraseHit[] = [];
  for (const phrase of normalizeStockPhrases(phrases)) {
    const pattern = phrasePattern(phrase);
    let count = 0;
    const steps: number[] = [];
    texts.forEach((text, i) => {
      const found = text.match(pattern)?.length ?? 0;
      if (found > 0) {
        count += found;
        steps.push(i + 1);
      }
    });
    if (count > 0) hits.push({ phrase, count, steps });
  }
  return hits.sort((a, b) => b.count - a.count);
}

export interface ReportOptions {
  stockPhrases?: readonly string[];
  /** Words per n-gram (default: defaultNgramSize of the document's language). */
  ngram?: number;
}

export function manuscriptReport(m: Manuscript, options: ReportOptions = {}): ManuscriptReport {
  const words = writtenWords(m);
  const sections = m.sections.map((s): SectionReport => {
    const w = sectionWords(m, s.id);
    return { id: s.id, title: s.title, budget: s.budget, words: w, score: s.budget > 0 ? lengthScore(s.budget, w) : null, steps: m.steps.filter((step) => step.sectionId === s.id).length };
  });
  const inSections = sections.reduce((n, s) => n + s.words, 0);
  const texts = m.steps.map((s) => s.content);
  const language = m.language === "auto" ? detectLanguage(texts.join("\n").slice(0, 4000) || m.instruction) : m.language;
  return {
    words,
    target: m.targetWords,
    score: m.targetWords !== null && m.targetWords > 0 ? lengthScore(m.targetWords, words) : null,
    sections,
    otherWords: Math.max(0, words - inSections),
    repetition: repetition(texts, options.ngram ?? defaultNgramSize(language)),
    stockPhrases: findStockPhrases(texts, options.stockPhrases ?? DEFAULT_STOCK_PHRASES),
  };
}
