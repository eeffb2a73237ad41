// Proposals for the story bible from a step's text. The model is asked at the step's boundary for the
// new names and changed facts it introduced, in a strict line format (`proposalAsk`), and its answer is
// read defensively (`proposalsFromAnswer`): only names the step's text holds, only facts its words
// support, no duplicates, a cap on count and length. A model that answers nothing usable falls back to
// the rules (`proposalsFromStep`): capitalised names the bible does not know become proposed entries,
// and a sentence that tells a new fact (eyes, hair, age, kin, home, work) about a known entry becomes a
// proposed edit of it (Latin scripts only: Chinese has no capitals to read names by). Nothing enters
// the bible unasked: the writer accepts or dismisses each.
import type { Step } from "../manuscript/types";
import { countMentions, entryMentions, normalizeName } from "./bible";
import type { BibleKind, Proposal, StoryMemory } from "./types";

/** Capitalised words that are not names: function words that open sentences, and the like. */
const NOT_NAMES = new Set(
  (
    "a an the and but or nor so yet for if then when while where why how what who whom whose which that this these those there here " +
    "he she it they we i you me him her them us my your his its our their mine yours hers ours theirs " +
    "in on at to from by with without of off over under into onto upon about above below after before behind beyond during since until " +
    "as because though although unless once every each all both some any no not none one two three first last next " +
    "yes oh ah well now today tonight tomorrow yesterday still even only just also perhaps maybe " +
    "mr mrs ms dr sir madam lord lady captain chapter part section step " +
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december " +
    "god heaven"
  ).split(" "),
);

const PLACE_WORDS = new Set(["in", "at", "to", "from", "across", "toward", "towards", "near", "into", "through", "beyond", "past"]);

/** Cues that a sentence tells a fact worth keeping about someone or something. */
const FACT_CUE = /\b(eyes?|hair|beard|scar|tall|short|old|young|aged?|years?|born|died|dead|married|wife|husband|daughter|son|sister|brother|mother|father|lives?|lived|works?|worked|wears?|wore|owns?|owned|called|named)\b/i;

/** The most proposals one step makes. */
export const MAX_PER_STEP = 5;
/** The most proposals waiting at once: the oldest give way. */
export const MAX_WAITING = 50;

interface Sentence {
  text: string;
}

function sentences(text: string): Sentence[] {
  return text
    .replace(/\s+/g, " ")
    .split(/(?<=[.!?]["'”’)]?)\s+/)
    .map((s) => ({ text: s.trim() }))
    .filter((s) => s.text !== "");
}

interface Candidate {
  name: string;
  count: number;
  /** Times it stands where a capital says nothing (the first word of a sentence). */
  opening: number;
  place: boolean;
  first: string;
}

/** Capitalised names in a text: runs of one to three capitalised words that are not function words. */
function nameCandidates(text: string): Map<string, Candidate> {
  const found = new Map<string, Candidate>();
  const lowered = new Set(text.match(/\b[a-z][a-z'’-]+\b/g) ?? []);
  for (const sentence of sentences(text)) {
    const words = sentence.text.split(" ");
    for (let i = 0; i < words.length; i++) {
      const run: string[] = [];
      let j = i;
      while (j < words.length && run.length < 3) {
        const word = words[j]!.replace(/^["'“‘(]+/, "");
        const bare = word.replace(/(['’]s)?[.,;:!?"'”’)]*$/, "");
        if (!/^\p{Lu}[\p{Ll}'’-]+$/u.test(bare) || NOT_NAMES.has(bare.toLowerCase())) break;
        run.push(bare);
        j++;
        // A name ends where punctuation follows its word.
        if (bare !== word) break;
      }
      if (run.length === 0) continue;
      const name = run.join(" ");
      // A single word also written in lower case elsewhere is a word, not a name ("Winter came").
      if (run.length === 1 && lowered.has(name.toLowerCase())) {
        i = j - 1;
        continue;
      }
      const key = normalizeName(name);
      const c = found.get(key) ?? { name, count: 0, opening: 0, place: false, first: sentence.text };
      c.count++;
      if (i === 0) c.opening++;
      if (i > 0 && PLACE_WORDS.has(words[i - 1]!.toLowerCase())) c.place = true;
      found.set(key, c);
      i = j - 1;
    }
  }
  return found;
}

function clip(text: string, max = 240): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}

/** The names a proposal may not bring again: the bible's names and aliases, waiting and dismissed proposals (normalized). */
function knownNames(memory: StoryMemory): Set<string> {
  const known = new Set<string>();
  for (const e of memory.entries) {
    known.add(normalizeName(e.name));
    for (const a of e.aliases) known.add(normalizeName(a));
  }
  for (const p of memory.proposals) known.add(normalizeName(p.name));
  for (const d of memory.dismissed) known.add(d);
  return known;
}

/**
 * The proposals a step's text makes against the bible as it is: new names (seen twice, or once where a
 * capital is not just the start of a sentence) and new facts about entries it names. Names already in
 * the bible, already proposed or dismissed are left out. Ids are given from `memory.nextProposal`.
 */
export function proposalsFromStep(step: Pick<Step, "id" | "content">, memory: StoryMemory, language: "en" | "zh"): Proposal[] {
  if (language !== "en" || step.content.trim() === "") return [];
  const known = knownNames(memory);
  const out: Proposal[] = [];
  let next = memory.nextProposal;
  // Changed facts of entries the step names.
  const text = step.content;
  for (const entry of memory.entries) {
    if (out.length >= MAX_PER_STEP) break;
    if (memory.proposals.some((p) => p.entryId === entry.id)) continue;
    const told = sentences(text).find((s) => entryMentions(entry, s.text) > 0 && FACT_CUE.test(s.text) && !entry.description.toLowerCase().includes(s.text.toLowerCase().replace(/[.!?]+$/, "")));
    if (!told) continue;
    const description = clip(`${entry.description.trim()}${entry.description.trim() ? " " : ""}${told.text}`, 2000);
    out.push({ id: `proposal-${next++}`, stepId: step.id, entryId: entry.id, kind: entry.kind, name: entry.name, description, evidence: clip(told.text) });
  }
  // New names.
  const found = nameCandidates(text);
  // "Mara" after "Mara Vell" is the same person: a word of a longer name counts for the longer name.
  for (const [key, c] of [...found.entries()]) {
    if (key.includes(" ")) continue;
    const whole = [...found.entries()].find(([k]) => k !== key && k.split(" ").includes(key));
    if (whole) {
      whole[1].count += c.count;
      whole[1].opening += c.opening;
      whole[1].place ||= c.place;
      found.delete(key);
    } else if ([...known].some((k) => k.split(" ").includes(key))) found.delete(key);
  }
  const candidates = [...found.entries()].filter(([key, c]) => !known.has(key) && (c.count >= 2 || c.opening < c.count)).sort((a, b) => b[1].count - a[1].count);
  for (const [, c] of candidates) {
    if (out.length >= MAX_PER_STEP) break;
    const kind: BibleKind = c.place ? "place" : "character";
    out.push({ id: `proposal-${next++}`, stepId: step.id, entryId: null, kind, name: c.name, description: clip(c.first), evidence: clip(c.first) });
  }
  return out;
}

// ---- proposals from the model ---------------------------------------------------------------------

/** Tokens the model may write in answer to a proposal request. */
export const PROPOSAL_TOKENS = 160;
/** The most lines of an answer read, and the longest line, in characters: the rest is not read. */
const MAX_ANSWER_LINES = 12;
const MAX_LINE = 400;
/** The longest name a proposal takes, and the longest description. */
const MAX_PROPOSED_NAME = 60;
const MAX_PROPOSED_DESCRIPTION = 240;

const KINDS: Record<string, BibleKind> = {
  character: "character",
  person: "character",
  人物: "character",
  place: "place",
  地点: "place",
  object: "object",
  thing: "object",
  物件: "object",
  fact: "fact",
  事实: "fact",
};

/**
 * What the model is asked after step `number` (1-based): the new names it introduced and the facts it
 * changed, one per line, "NEW | kind | name | what to keep true" and "CHANGED | name | the fact as it
 * now stands", or "NONE". No brackets: the request may be written inside a note.
 */
export function proposalAsk(number: number, step: Pick<Step, "content">, language: "en" | "zh"): string {
  const begins = step.content.replace(/\s+/g, " ").trim().split(" ").slice(0, 8).join(" ").replace(/[[\]"“”]/g, "");
  return language === "zh"
    ? `列出第${number}步（开头是“${begins}”）新出现的名字和改变了的事实，每行一条，最多${MAX_PER_STEP}条：\nNEW | 人物、地点、物件或事实 | 名字 | 要记住的一句话\nCHANGED | 已有的名字 | 现在的事实\n只用正文里出现的名字；没有就写 NONE。`
    : `List the new names step ${number} (it begins "${begins}") introduced and the facts it changed, one per line, at most ${MAX_PER_STEP}:\nNEW | character, place, object or fact | name | one sentence to keep true\nCHANGED | existing name | the fact as it now stands\nUse only names the text uses; if there are none, write NONE.`;
}

/** Letters and digits only, lower case: the words a description is checked against. */
function contentWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => w.length >= 4 || /\p{Script=Han}/u.test(w));
}

/** Whether the step's words support a description: most of its longer words are in the step. */
function supported(description: string, stepWords: ReadonlySet<string>, hanText: string): boolean {
  const words = contentWords(description);
  if (words.length === 0) return false;
  const found = words.filter((w) => (/\p{Script=Han}/u.test(w) ? hanText.includes(w) : stepWords.has(w))).length;
  return found * 2 >= words.length;
}

/** A line's field as kept: one line, no tags or brackets, trimmed. */
function field(text: string): string {
  return text
    .replace(/<[^>]*>/g, " ")
    .replace(/[[\]{}]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^["'“‘*]+|["'”’*]+$/g, "");
}

export interface ReadProposals {
  /** The proposals the answer makes that the step's text supports. */
  proposals: Proposal[];
  /**
   * The answer named something the step's text holds (a proposal, or a name already known) or said
   * NONE: it stands. Else (garbage, only names of its own) the rules are asked.
   */
  usable: boolean;
}

/**
 * The proposals in a model's answer for a step, read defensively: lines not in the format, names the
 * step's text does not hold, names the bible already knows (or that were proposed or dismissed),
 * changes of entries the step does not name and descriptions the step's words do not support are
 * dropped; at most `MAX_PER_STEP`, each clipped. Ids are given from `memory.nextProposal`.
 */
export function proposalsFromAnswer(answer: string, step: Pick<Step, "id" | "content">, memory: StoryMemory): ReadProposals {
  const text = step.content;
  const stepWords = new Set(contentWords(text));
  const known = knownNames(memory);
  const out: Proposal[] = [];
  let next = memory.nextProposal;
  let usable = false;
  const lines = answer.slice(0, MAX_ANSWER_LINES * MAX_LINE).split(/\r?\n/).slice(0, MAX_ANSWER_LINES);
  for (const raw of lines) {
    if (out.length >= MAX_PER_STEP) break;
    const line = raw.trim().replace(/^[-*•\d.)\s]+/, "");
    if (line.length > MAX_LINE) continue;
    if (/^none\.?$/i.test(line) || line === "无") {
      usable = true;
      continue;
    }
    const parts = line.split("|").map(field);
    const head = parts[0]?.toUpperCase();
    if (head === "NEW" && parts.length === 4) {
      const kind = KINDS[parts[1]!.toLowerCase()];
      const name = parts[2]!;
      if (!kind || name.length < 2 || name.length > MAX_PROPOSED_NAME) continue;
      const key = normalizeName(name);
      // Only a name the step's text holds, as a whole word: a model never brings in a name of its own.
      if (countMentions(text, name) === 0) continue;
      if (known.has(key)) {
        usable = true; // a name of the text the bible (or this answer) already has
        continue;
      }
      const evidence = sentences(text).find((s) => countMentions(s.text, name) > 0)?.text ?? name;
      const told = parts[3]!;
      const description = told !== "" && supported(told, stepWords, text) ? told : evidence;
      known.add(key);
      out.push({ id: `proposal-${next++}`, stepId: step.id, entryId: null, kind, name, description: clip(description, MAX_PROPOSED_DESCRIPTION), evidence: clip(evidence) });
      usable = true;
    } else if (head === "CHANGED" && parts.length === 3) {
      const name = normalizeName(parts[1]!);
      const fact = parts[2]!;
      const entry = memory.entries.find((e) => normalizeName(e.name) === name || e.aliases.some((a) => normalizeName(a) === name));
      if (!entry || fact.length < 3) continue;
      if (out.some((p) => p.entryId === entry.id) || memory.proposals.some((p) => p.entryId === entry.id)) continue;
      // The step must name the entry, and its words must support the fact.
      const evidence = sentences(text).find((s) => entryMentions(entry, s.text) > 0);
      if (!evidence || !supported(fact, stepWords, text) || entry.description.toLowerCase().includes(fact.toLowerCase())) continue;
      const description = clip(`${entry.description.trim()}${entry.description.trim() ? " " : ""}${clip(fact, MAX_PROPOSED_DESCRIPTION)}`, 2000);
      out.push({ id: `proposal-${next++}`, stepId: step.id, entryId: entry.id, kind: entry.kind, name: entry.name, description, evidence: clip(evidence.text) });
      usable = true;
    }
  }
  return { proposals: out, usable };
}
