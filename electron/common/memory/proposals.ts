// Proposals for the story bible from a step's text, read without the model: capitalised names the
// bible does not know become proposed entries, and a sentence that tells a new fact (eyes, hair, age,
// kin, home, work) about a known entry becomes a proposed edit of it. Nothing enters the bible unasked:
// the writer accepts or dismisses each. Latin scripts only: Chinese has no capitals to read names by.
import type { Step } from "../manuscript/types";
import { entryMentions, normalizeName } from "./bible";
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
const MAX_PER_STEP = 5;
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

/**
 * The proposals a step's text makes against the bible as it is: new names (seen twice, or once where a
 * capital is not just the start of a sentence) and new facts about entries it names. Names already in
 * the bible, already proposed or dismissed are left out. Ids are given from `memory.nextProposal`.
 */
export function proposalsFromStep(step: Pick<Step, "id" | "content">, memory: StoryMemory, language: "en" | "zh"): Proposal[] {
  if (language !== "en" || step.content.trim() === "") return [];
  const known = new Set<string>();
  for (const e of memory.entries) {
    known.add(normalizeName(e.name));
    for (const a of e.aliases) known.add(normalizeName(a));
  }
  for (const p of memory.proposals) known.add(normalizeName(p.name));
  for (const d of memory.dismissed) known.add(d);
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
