// Which bible entries go into the model's context for a step, and how they read there. An entry is in
// use when its name or one of its aliases appears in the instruction, the plan, the brief of the
// section being written or the recent text (or when the writer keeps it always in context); the
// entries in use are taken in order of relevance while they fit the token budget.
import { unfinishedSections } from "../generation/rules";
import type { Manuscript } from "../manuscript/types";
import type { BibleEntry, BibleKind } from "./types";

/**
 * Tokens a text takes, estimated the same way everywhere (the writer sees it, the controller budgets
 * by it): a Han character is about one token, other text about four characters a token.
 */
export function estimateTokens(text: string): number {
  let han = 0;
  for (const c of text) if (/\p{Script=Han}/u.test(c)) han++;
  const other = text.length - han;
  return han + Math.ceil(other / 4);
}

/** A name as compared: lower case, spaces collapsed, quotes and emphasis dropped. */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[*_`"“”‘’「」《》]/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * How many times `name` appears in `text` (both normalized) as a whole word: "Ann" is not found in
 * "Annual". Han names have no word boundaries and are found anywhere.
 */
export function countMentions(text: string, name: string): number {
  const needle = normalizeName(name);
  if (needle.length < 2 && !/\p{Script=Han}/u.test(needle)) return 0;
  if (needle === "") return 0;
  const hay = text.toLowerCase().replace(/\s+/g, " ");
  let count = 0;
  for (let at = hay.indexOf(needle); at >= 0; at = hay.indexOf(needle, at + needle.length)) {
    const before = hay[at - 1];
    const after = hay[at + needle.length];
    const han = /\p{Script=Han}/u;
    const startsWord = han.test(needle[0]!) || before === undefined || !WORD_CHAR.test(before);
    const endsWord = han.test(needle[needle.length - 1]!) || after === undefined || !WORD_CHAR.test(after);
    if (startsWord && endsWord) count++;
  }
  return count;
}

/** Mentions of an entry (its name and each alias) in a text. */
export function entryMentions(entry: Pick<BibleEntry, "name" | "aliases">, text: string): number {
  let n = countMentions(text, entry.name);
  for (const alias of entry.aliases) n += countMentions(text, alias);
  return n;
}

/** What a step is about, where the bible's names are looked for. */
export interface MemoryQuery {
  instruction: string;
  /** The current global plan's text. */
  plan: string;
  /** The title and brief of the section the step writes. */
  brief: string;
  /** The end of the text written so far. */
  recent: string;
}

/**
 * What the next step of a manuscript is about: its instruction, its current plan, the title and brief
 * of the section the next step writes (the first not yet filled), and the end of the text written so
 * far (its last two closed steps).
 */
export function memoryQuery(m: Manuscript): MemoryQuery {
  const section = unfinishedSections(m)[0] ?? m.sections[m.sections.length - 1];
  const plan = m.revisions[m.revisions.length - 1]?.text ?? m.planDraft?.text ?? "";
  const done = m.steps.filter((s) => s.status !== "planned" && s.status !== "writing");
  const recent = done
    .slice(-2)
    .map((s) => s.content)
    .join("\n\n");
  return { instruction: m.instruction, plan, brief: section ? `${section.title}\n${section.brief}` : "", recent: recent.slice(-6000) };
}

/** The entries in use for a manuscript's next step, within its bible's budget. */
export function entriesInUse(m: Manuscript, language: "en" | "zh"): Selection {
  return selectEntries(m.memory.entries, memoryQuery(m), m.memory.budget, language);
}

/** An entry chosen for the context, and why. */
export interface ChosenEntry {
  entry: BibleEntry;
  tokens: number;
  reason: "always" | "named";
}

export interface Selection {
  /** The entries in use that fit the budget, most relevant first. */
  chosen: ChosenEntry[];
  /** Entries named (or always in context) that did not fit the budget. */
  over: BibleEntry[];
  /** Tokens the chosen entries take. */
  tokens: number;
}

/**
 * The entries in use for a step, within `budget` tokens: entries always in context first, then the
 * named ones by relevance (a name in the section's brief or the recent text counts three times one in
 * the plan or the instruction), in the bible's order when equal. An entry that does not fit is left
 * out and a smaller one after it may still go in.
 */
export function selectEntries(entries: readonly BibleEntry[], query: MemoryQuery, budget: number, language: "en" | "zh" = "en"): Selection {
  const scored = entries.map((entry, order) => {
    const near = entryMentions(entry, query.brief) + entryMentions(entry, query.recent);
    const far = entryMentions(entry, query.plan) + entryMentions(entry, query.instruction);
    return { entry, order, score: entry.always ? Infinity : near * 3 + far };
  });
  const candidates = scored.filter((s) => s.score > 0).sort((a, b) => b.score - a.score || a.order - b.order);
  const chosen: ChosenEntry[] = [];
  const over: BibleEntry[] = [];
  let tokens = 0;
  for (const { entry } of candidates) {
    const cost = estimateTokens(entryLine(entry, language)) + 1;
    if (tokens + cost > budget) {
      over.push(entry);
      continue;
    }
    chosen.push({ entry, tokens: cost, reason: entry.always ? "always" : "named" });
    tokens += cost;
  }
  return { chosen, over, tokens };
}

const KIND_LABEL: Record<"en" | "zh", Record<BibleKind, string>> = {
  en: { character: "character", place: "place", object: "object", fact: "fact", style: "style" },
  zh: { character: "人物", place: "地点", object: "物件", fact: "事实", style: "风格" },
};

/** One entry as the model reads it: "- Mara Vell (character; also called Mara, the keeper): …". */
export function entryLine(entry: Pick<BibleEntry, "name" | "aliases" | "kind" | "description">, language: "en" | "zh"): string {
  const kind = KIND_LABEL[language][entry.kind];
  const description = entry.description.replace(/\s+/g, " ").trim();
  if (language === "zh") {
    const also = entry.aliases.length > 0 ? `；又称${entry.aliases.join("、")}` : "";
    return `- ${entry.name}（${kind}${also}）${description ? `：${description}` : ""}`;
  }
  const also = entry.aliases.length > 0 ? `; also called ${entry.aliases.join(", ")}` : "";
  return `- ${entry.name} (${kind}${also})${description ? `: ${description}` : ""}`;
}

/**
 * Entries as a note the model reads between steps: new entries, or (`updated`) entries the writer
 * changed since the model read them.
 */
export function bibleNote(entries: readonly BibleEntry[], language: "en" | "zh", updated = false): string {
  const lines = entries.map((e) => entryLine(e, language)).join("\n");
  if (language === "zh") return `[${updated ? "故事设定已更新，以此为准" : "故事设定，请保持一致"}：\n${lines}]`;
  return `[${updated ? "Story bible, updated: from now on" : "Story bible: keep to these facts"}:\n${lines}]`;
}

/** The note that an entry no longer applies (the writer removed it while the model had it in view). */
export function removedNote(names: readonly string[], language: "en" | "zh"): string {
  return language === "zh" ? `[故事设定：${names.join("、")}已删除，不再适用。]` : `[Story bible: ${names.join(", ")} no longer ${names.length === 1 ? "applies" : "apply"}; disregard ${names.length === 1 ? "it" : "them"}.]`;
}
