// A deterministic stand-in for the model, for the fake back end (tests and the renderer benchmark):
// it writes IS-CoT text, a global plan for a target and then one step at a time, following the
// manuscript as it stands (so the writer's plan edits change what it writes next).
import { renderPlan, type SectionDraft } from "../../../electron/common/iscot/plan";
import { writeBlock } from "../../../electron/common/iscot/transcript";
import { TranscriptParser } from "../../../electron/common/iscot/parser";
import { applyEvent, createManuscript, type Manuscript } from "../../../electron/common/manuscript";

/** A small seeded random number generator (mulberry32): the same seed writes the same text. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  "river bridge town morning light stone water people market road harbour winter summer garden house window letter story memory evening lantern field mountain valley train station ferry engine workshop clock bell school teacher student harvest orchard bakery weaver silver copper paper ink map compass journey season village city tower canal boat mill forest meadow storm rain snow wind quiet bright careful patient sudden gentle ancient modern slow steady open narrow wide distant near early late small large old new warm cold".split(
    " ",
  );
const VERBS = "crossed watched carried built remembered followed opened turned gathered measured wrote repaired listened answered waited returned lit counted named kept".split(" ");

/** A sentence of plain words (no Markdown markup), 8 to 16 words long. */
function sentence(random: () => number, words: number): string {
  const parts: string[] = [];
  for (let i = 0; i < words; i++) {
    const pool = i % 4 === 2 ? VERBS : WORDS;
    parts.push(pool[Math.floor(random() * pool.length)]!);
  }
  const text = parts.join(" ");
  return text[0]!.toUpperCase() + text.slice(1) + ".";
}

/** Paragraphs of exactly `words` plain words (the writer's count), about 80 words each. */
export function prose(random: () => number, words: number): string {
  const paragraphs: string[] = [];
  let left = words;
  while (left > 0) {
    const size = Math.min(left, 60 + Math.floor(random() * 50));
    const sentences: string[] = [];
    let inParagraph = size;
    while (inParagraph > 0) {
      const n = Math.min(inParagraph, 8 + Math.floor(random() * 9));
      sentences.push(sentence(random, n));
      inParagraph -= n;
    }
    paragraphs.push(sentences.join(" "));
    left -= size;
  }
  return paragraphs.join("\n\n");
}

const TITLES = ["Opening", "Background", "The Crossing", "The Town", "The Market", "Winter", "The Workshop", "Letters", "The Storm", "The Harbour", "Return", "Closing"];

/** A global plan for a target: 3 to 12 sections whose budgets add up to it. */
export function planFor(targetWords: number): SectionDraft[] {
  const count = Math.max(3, Math.min(TITLES.length, Math.round(targetWords / 800)));
  const each = Math.floor(targetWords / count / 10) * 10;
  return TITLES.slice(0, count).map((title, i) => ({
    title,
    brief: `What happens in ${title.toLowerCase()}.`,
    budget: i === count - 1 ? targetWords - each * (count - 1) : each,
  }));
}

/** The global plan block the fake model writes first. */
export function planText(targetWords: number): string {
  return writeBlock("global_plan", `${renderPlan(planFor(targetWords), "en")}\n\nTotal: ${targetWords} words`);
}

/** The most words one step writes. */
export const STEP_WORDS = 400;

/**
 * The next step the fake model writes for the manuscript as it stands: its three blocks, or the
 * FINISHED mark once every section has its budget's words (or the target is reached without a plan).
 * The step plan names its section, so the step goes to it.
 */
export function nextStepText(m: Manuscript, random: () => number, stepWords = STEP_WORDS): string {
  const written = m.steps.reduce((sum, s) => sum + s.words, 0);
  const target = m.targetWords ?? 1000;
  const inSection = (id: string) => m.steps.reduce((sum, s) => (s.sectionId === id ? sum + s.words : sum), 0);
  const section = m.sections.find((s) => inSection(s.id) < s.budget);
  const left = section ? section.budget - inSection(section.id) : m.sections.length === 0 ? target - written : 0;
  if (left <= 0) return "<FINISHED>";
  const words = Math.min(stepWords, left);
  const plan = section ? `Write part of ${section.title}: ${section.brief} About ${words} words.` : `Continue the text. About ${words} words.`;
  const total = written + words;
  return writeBlock("step_plan", plan) + writeBlock("content", prose(random, words)) + writeBlock("reflection", `The part reads well and follows the plan. Word count: ${total}/${target}`);
}

/** Splits text into tokens as a model emits them: pieces of up to four characters, with their leading space. */
export function tokenize(text: string): string[] {
  return text.match(/\s*[^\s]{1,4}|\s+/g) ?? [];
}

/** A finished manuscript of about `words` words, as the fake model would have written it. */
export function writtenManuscript(words: number, seed = 11): Manuscript {
  const random = seededRandom(seed);
  const parser = new TranscriptParser();
  let m = createManuscript({ instruction: `A long story of about ${words} words about a river town.`, targetWords: words, language: "en" });
  const feed = (text: string) => {
    for (const event of parser.feed(text)) m = applyEvent(m, event);
  };
  feed(planText(words));
  for (;;) {
    const next = nextStepText(m, random);
    feed(next);
    if (next === "<FINISHED>") {
      for (const event of parser.end()) m = applyEvent(m, event);
      return m;
    }
  }
}
