// The one fake IS-Writer of the tests, the scripted engine and the renderer's in-memory back end. As a
// script (`fakeWriter`) it reads the context like the real model would and writes the next part of
// the protocol — a plan, a step, a reflection — with lengths a test chooses; the session's forced tags
// and stop strings shape what it gets to write. For a manuscript as it stands (`nextPart`) it writes
// the next whole part, following the plan's budgets, in the same words. Pure: it runs anywhere.
import { progressLine, sectionWords, writtenWords } from "../generation/rules";
import { TranscriptParser } from "../iscot/parser";
import { extractPlan } from "../iscot/plan";
import { applyEvent, createManuscript } from "../manuscript/reducer";
import type { Manuscript } from "../manuscript/types";

/** Given the whole context as text, the text the model writes next (it stops at a stop string or its end; "\u0000" ends it as end of generation). */
export type Script = (context: string) => string;

export interface FakeWriterOptions {
  /** The plan's sections: title and budget. */
  sections?: Array<[title: string, budget: number]>;
  /** Words the model writes in step k (0-based). Default: the section's budget. */
  wordsInStep?: (step: number, budget: number) => number;
  /** Paragraphs of this many words. */
  paragraphWords?: number;
  /** Step k's content ends with an end-of-generation instead of a reflection. */
  endsInStep?: (step: number) => boolean;
  /** Step k's content is one sentence repeated (a loop). */
  loopsInStep?: (step: number) => boolean;
  /** Step k writes a few new sentences, then re-tells step 0: its sentences again, in another order. */
  retellsInStep?: (step: number) => boolean;
  /** The reflection the model writes after the controller's progress line. */
  reflection?: string;
  /** Words in a rewritten passage (default: 20 more than the request asks for). */
  rewriteWords?: number;
  /** A sentence the model opens step k's text with (a fact to remember: "Mara Vell had green eyes."). */
  plant?: (step: number) => string | null;
}

/**
 * The steps a compacted context shows only through the memory: the highest step number its memory
 * note names ("Step 12: …", "Steps 3 to 9: …", "The story so far (steps 1 to 8)"), else 0.
 */
export function stepsInMemory(context: string): number {
  let most = 0;
  for (const m of context.matchAll(/(?:^|\n)Step (\d+): |Steps \d+ to (\d+): |\(steps 1 to (\d+)\)|第(\d+)步：|第\d+至(\d+)步/g)) {
    most = Math.max(most, Number(m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5]));
  }
  return most;
}

/** Sentences with a capitalised word past their first: where the names are. */
function namedSentences(text: string): string[] {
  return text
    .replace(/\s+/g, " ")
    .split(/(?<=[.!?])\s+/)
    .filter((sentence) => /\s[A-Z][a-z]/.test(sentence) || /^[A-Z][a-z]+ [A-Z][a-z]/.test(sentence));
}

/** At most `n` words of a text. */
function words(text: string, n: number): string {
  return text.split(/\s+/).filter(Boolean).slice(0, n).join(" ");
}

/** The text of the step that begins with `opening`, as the context holds it. */
function stepText(context: string, opening: string): string {
  const at = context.indexOf(opening);
  if (at < 0) return opening;
  const end = context.indexOf("\n<", at);
  return context.slice(at, end > at ? end : undefined);
}

/**
 * A proposal answer as a model would give it: a NEW line for each two-word capitalised name of the
 * text (a place where "to", "at", "in" or "from" comes before it), with the sentence it is in; NONE
 * when there is none. It does not know the bible: names it already holds are the reader's to drop.
 */
function proposalLines(text: string): string {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const sentence of text.replace(/\s+/g, " ").split(/(?<=[.!?])\s+/)) {
    for (const m of sentence.matchAll(/(\w+ )?\b([A-Z][a-z]+ [A-Z][a-z]+)\b/g)) {
      const name = m[2]!;
      if (seen.has(name) || lines.length >= 5) continue;
      seen.add(name);
      const place = /^(to|at|in|from) $/.test(m[1] ?? "");
      lines.push(`NEW | ${place ? "place" : "character"} | ${name} | ${sentence}`);
    }
  }
  return lines.length > 0 ? lines.join("\n") : "NONE";
}

/**
 * A summary or digest request (story memory), answered the way a model would keep what matters: the
 * sentences that name someone, else the first sentence; a proposal request, with the names of the
 * step. Null when the context asks for none of them.
 */
function memoryAnswer(context: string): string | null {
  const isCot = context.endsWith("<summary>\n");
  const chat = context.endsWith("<|assistant|>\n");
  if (!isCot && !chat) return null;
  const ask = isCot ? context.slice(context.lastIndexOf("[") + 1, context.lastIndexOf("]")) : context.slice(context.lastIndexOf("<|user|>\n") + 9, context.lastIndexOf("\n<|assistant|>\n"));
  const end = isCot ? "\n</summary>" : "\u0000";
  if (ask.startsWith("Merge these summaries")) {
    const parts = ask.split("\n").filter((l) => l.startsWith("- ")).map((l) => l.slice(2).replace(/^Step \d+: /, ""));
    const named = parts.flatMap(namedSentences);
    const rest = parts.filter((p) => namedSentences(p).length === 0);
    return `${words([...new Set(named)].join(" ") + " " + (rest[0] ?? ""), 150).trim()}${end}`;
  }
  const propose = /^List the new names step (\d+) \(it begins "([^"]*)"\)/.exec(ask);
  if (propose) return `${proposalLines(stepText(context, propose[2]!))}${end}`;
  const summary = /^Summarize step (\d+) \(it begins "([^"]*)"\)/.exec(ask);
  if (!summary) return null;
  const opening = summary[2]!;
  const at = context.indexOf(opening);
  const text = at >= 0 ? context.slice(at, context.indexOf("\n<", at) > at ? context.indexOf("\n<", at) : undefined) : opening;
  const named = namedSentences(text);
  const first = text.split(/(?<=[.!?])\s/)[0] ?? "";
  return `${words(named.length > 0 ? named.join(" ") : first, 60)}${end}`;
}

const VOCABULARY = ["river", "lantern", "harbor", "quiet", "morning", "letters", "stone", "garden", "winter", "signal", "copper", "window", "distant", "voices", "paper", "bridge"];

/** Deterministic prose of exactly `words` words (as the writer's count counts them), in paragraphs. */
export function prose(words: number, seed = 0, paragraphWords = 60): string {
  const out: string[] = [];
  let state = (seed * 2654435761 + 12345) >>> 0;
  for (let i = 0; i < words; i++) {
    // A small linear congruential generator: varied, never periodic within a document.
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const word = VOCABULARY[state >>> 28]!;
    const sentenceEnd = i % 12 === 11 || i === words - 1;
    out.push(sentenceEnd ? `${word}.` : word);
    if (sentenceEnd && i % paragraphWords >= paragraphWords - 12 && i !== words - 1) out.push("\n\n");
  }
  return out.join(" ").replace(/ \n\n /g, "\n\n");
}

/** A text told again: its sentences in reverse order (no block repeats back to back, as a loop would). */
function retelling(text: string): string {
  return (text.match(/[^.]+\./g) ?? [])
    .map((sentence) => sentence.trim())
    .reverse()
    .join(" ");
}

/** A global plan's text: a heading, a word count and a brief per section. */
function planText(sections: ReadonlyArray<[string, number]>): string {
  return sections.map(([title, budget]) => `## ${title}\nWord count: ${budget}\nThe part called ${title.toLowerCase()}.`).join("\n\n");
}

/** A step plan that names its section (so the step goes to it) and its length. */
function stepPlan(title: string, words: number): string {
  return `Section: ${title}. ${words} words.`;
}

const REFLECTION = "The text follows the plan.";

export function fakeWriter(options: FakeWriterOptions = {}): Script {
  const sections = options.sections ?? [
    ["Opening", 300],
    ["Middle", 400],
    ["Ending", 300],
  ];
  return (context) => {
    const memory = memoryAnswer(context);
    if (memory !== null) return memory;
    const rewrite = rewriteAnswer(context, options);
    if (rewrite !== null) return rewrite;
    const onePass = onePassAnswer(context, sections, options);
    if (onePass !== null) return onePass;
    const orchestrated = orchestratedAnswer(context, sections, options);
    if (orchestrated !== null) return orchestrated;
    // Steps so far: those in the conversation (a system prompt may show the protocol), and those a
    // compacted context put behind one line.
    const opener = /<\|assistant\|>\n|<\|im_start\|>assistant\n/.exec(context);
    const conversation = opener ? context.slice(opener.index) : context;
    const dropped = [...conversation.matchAll(/\[The first (\d+) steps, \d+ words, are not shown here\.\]/g)].at(-1);
    const steps = conversation.split("<step_plan>").length - 1 + (dropped ? Number(dropped[1]) : 0) + stepsInMemory(conversation);
    const k = steps - 1;
    if (context.endsWith("<global_plan>\n")) {
      return `${planText(sections)}\n</global_plan>`;
    }
    // Like the real model, it follows the latest plan in its context (a revision included).
    const planStart = context.lastIndexOf("<global_plan>\n");
    const planEnd = context.indexOf("</global_plan>", planStart);
    const current: Array<[string, number]> =
      planStart >= 0 && planEnd > planStart ? extractPlan(context.slice(planStart + 14, planEnd)).sections.map((s) => [s.title, s.budget]) : sections;
    const since = context.slice(context.lastIndexOf("<step_plan>\n") + 12);
    // A step plan the controller began with a section's name: the model writes that section.
    const named = /^Section: (.+?)\. /.exec(since);
    const section = (named && current.find(([title]) => title === named[1])) || (current[Math.min(k, current.length - 1)] ?? sections[Math.min(k, sections.length - 1)] ?? ["Text", 300]);
    const budget = section[1];
    const count = options.wordsInStep ? options.wordsInStep(k, budget) : budget;
    const planted = options.plant?.(k);
    const content = options.loopsInStep?.(k)
      ? `${prose(30, k)}\n\n${"The tide came in and the tide went out again. ".repeat(40)}`
      : options.retellsInStep?.(k)
        ? `${prose(36, k)}\n\n${retelling(prose(options.wordsInStep ? options.wordsInStep(0, sections[0]?.[1] ?? 300) : (sections[0]?.[1] ?? 300), 0, options.paragraphWords ?? 60))}`
        : `${planted ? `${planted} ` : ""}${prose(count, k, options.paragraphWords ?? 60)}`;
    const ending = options.endsInStep?.(k) ? "\u0000" : "\n</content>\n<reflection>";
    const stepText = `${stepPlan(section[0], budget)}\n</step_plan>\n<content>\n${content}${ending}`;
    if (context.endsWith("<content>\n") && !stepText.startsWith(since)) return `${content}${ending}`; // a regenerated step
    // Inside a step whose text the writer changed (typed into it, or it was cut short): the rest of its words.
    const opened = since.indexOf("</step_plan>\n<content>\n");
    if (opened >= 0 && !since.includes("<reflection>") && !stepText.startsWith(since)) {
      const written = since.slice(opened + 23).split(/\s+/).filter(Boolean).length;
      const rest = Math.max(0, count - written);
      return `${rest > 0 ? ` ${prose(rest, k, options.paragraphWords ?? 60)}` : ""}${ending}`;
    }
    // Inside the step: go on with what is left of it (after a pause the context ends mid-text).
    if (!since.includes("<reflection>") && stepText.startsWith(since)) return stepText.slice(since.length);
    // Inside a reflection, after the controller's progress line.
    return `${options.reflection ?? REFLECTION}\n</reflection>\n<step_plan>`;
  };
}

const TITLES = ["Opening", "Background", "The Crossing", "The Town", "The Market", "Winter", "The Workshop", "Letters", "The Storm", "The Harbour", "Return", "Closing"];

/** A plan for a target: 3 to 12 sections, about 800 words each, whose budgets add up to it. */
export function sectionsFor(targetWords: number): Array<[title: string, budget: number]> {
  const count = Math.max(3, Math.min(TITLES.length, Math.round(targetWords / 800)));
  const each = Math.floor(targetWords / count / 10) * 10;
  return TITLES.slice(0, count).map((title, i) => [title, i === count - 1 ? targetWords - each * (count - 1) : each]);
}

export interface NextPartOptions extends Pick<FakeWriterOptions, "paragraphWords" | "reflection"> {
  /** The plan it writes first. Default: sectionsFor the target. */
  sections?: Array<[title: string, budget: number]>;
  /** The most words of one step: a section takes steps until its budget is written. Default 400. */
  stepWords?: number;
}

/**
 * What the writer writes next for a manuscript as it stands, whole: its global plan, a step (plan,
 * content of its section's next words, reflection with the exact progress), or FINISHED once every
 * section of the current plan has its budget (or, without a plan, once the target is written). It
 * follows the plan as it is now, so the writer's plan edits change what it writes next.
 */
export function nextPart(m: Manuscript, options: NextPartOptions = {}): string {
  const target = m.targetWords ?? 1000;
  if (m.revisions.length === 0 && m.sections.length === 0) return `<global_plan>\n${planText(options.sections ?? sectionsFor(target))}\n</global_plan>\n`;
  const written = writtenWords(m);
  const open = m.sections.find((s) => sectionWords(m, s.id) < s.budget);
  const left = open ? open.budget - sectionWords(m, open.id) : m.sections.length === 0 ? target - written : 0;
  if (left <= 0) return "<FINISHED>";
  const words = Math.min(options.stepWords ?? 400, left);
  const content = prose(words, m.steps.length, options.paragraphWords ?? 60);
  const reflection = `${progressLine(written + words, target, "en")}\n${options.reflection ?? REFLECTION}`;
  return `<step_plan>\n${stepPlan(open?.title ?? "Text", words)}\n</step_plan>\n<content>\n${content}\n</content>\n<reflection>\n${reflection}\n</reflection>\n`;
}

/** A finished manuscript of `words` words, as the writer writes it part by part. */
export function writtenManuscript(words: number, options: NextPartOptions = {}): Manuscript {
  const parser = new TranscriptParser();
  let m = createManuscript({ instruction: `A long story of about ${words} words about a river town.`, targetWords: words, language: "en" });
  const feed = (text: string) => {
    for (const event of parser.feed(text)) m = applyEvent(m, event);
  };
  for (;;) {
    const next = nextPart(m, options);
    feed(next);
    if (next === "<FINISHED>") {
      for (const event of parser.end()) m = applyEvent(m, event);
      return m;
    }
  }
}

/**
 * The orchestrated mode's requests, answered as a chat model would (each answer ends its turn): the
 * plan as JSON, a one-line step plan, the text of about the words asked for, a one-line reflection.
 */
function orchestratedAnswer(context: string, sections: Array<[string, number]>, options: FakeWriterOptions): string | null {
  if (!context.endsWith("<|assistant|>\n")) return continuedText(context, options);
  const ask = context.slice(context.lastIndexOf("<|user|>\n") + 9, context.lastIndexOf("\n<|assistant|>\n"));
  const steps = context.split("Now write the text of this step").length - 1 + stepsInMemory(context);
  if (/Target length: about \d+ words\.$/.test(ask)) {
    // The native prompt alone (the probe): IS-Writer answers with its global plan.
    return `<global_plan>\n${sections.map(([title, budget]) => `## ${title}\nWord count: ${budget}`).join("\n\n")}\n</global_plan>\u0000`;
  }
  // AgentWrite's requests, LongWriter's plan.txt and write.txt (prompts.ts).
  if (ask.includes("break down the following long-form writing instruction") || ask.includes("拆分成多个子任务")) {
    return `${sections.map(([title, budget], i) => `Paragraph ${i + 1} - Main point: The part called ${title.toLowerCase()}. - Word count: ${budget} words`).join("\n")}\u0000`;
  }
  if (new RegExp(`${PARAGRAPH_END}$`).test(ask)) {
    const k = context.split(new RegExp(`${PARAGRAPH_END}\n<\\|assistant\\|>\n`)).length - 2 + stepsInMemory(context);
    // The paragraph asked for is the last line of the plan the request names (a revised plan comes first).
    const count = Number([...ask.matchAll(/(?:Word count: (\d+) words|字数要求：(\d+)字)/g)].at(-1)?.slice(1).find(Boolean) ?? "100");
    const planted = options.plant?.(k);
    return `${planted ? `${planted} ` : ""}${prose(options.wordsInStep ? options.wordsInStep(k, count) : count, k, options.paragraphWords ?? 60)}\u0000`;
  }
  if (ask.includes("Answer with JSON")) return `${JSON.stringify({ sections: sections.map(([title, budget]) => ({ title, brief: `The part called ${title.toLowerCase()}.`, budget })) })}\u0000`;
  if (ask.includes("plan what this step covers")) return "Cover the next part of the plan.\u0000";
  const wanted = /about (\d+) words/.exec(ask);
  if (ask.startsWith("Now write the text") && wanted) {
    const k = steps - 1;
    const count = options.wordsInStep ? options.wordsInStep(k, Number(wanted[1])) : Number(wanted[1]);
    const planted = options.plant?.(k);
    return `${options.loopsInStep?.(k) ? `${prose(30, k)}\n\n${"The tide came in and the tide went out again. ".repeat(40)}` : `${planted ? `${planted} ` : ""}${prose(count, k, options.paragraphWords ?? 60)}`}\u0000`;
  }
  return `${options.reflection ?? "The text follows the plan."}\u0000`;
}

/** How an AgentWrite paragraph request ends: write.txt's rules (the first one) or the paragraph's line. */
const PARAGRAPH_END = String.raw`(?:rhetorical hooks\.|修辞上的引子。|and now continue writing Paragraph [^\n]*?\.|现在接着写段落[^\n]*?。)`;

/**
 * A chat mode's step text begun already (the writer typed into the step, or it was stopped): the
 * assistant's answer to a text request holds that text, and the model writes the rest of the words
 * the request asked for, then ends its turn. Anything else is not a chat step's text: null.
 */
function continuedText(context: string, options: FakeWriterOptions): string | null {
  const opener = context.lastIndexOf("\n<|assistant|>\n");
  if (opener < 0) return null;
  const written = context.slice(opener + 15);
  if (written.includes("<|") || written.includes("<step_plan>") || written.includes("<content>")) return null;
  const ask = context.slice(context.lastIndexOf("<|user|>\n") + 9, opener);
  const paragraph = new RegExp(`${PARAGRAPH_END}$`).test(ask);
  const wanted = paragraph ? [...ask.matchAll(/(?:Word count: (\d+) words|字数要求：(\d+)字)/g)].at(-1)?.slice(1).find(Boolean) : ask.startsWith("Now write the text") ? /about (\d+) words/.exec(ask)?.[1] : undefined;
  if (wanted === undefined) return null;
  const k = paragraph ? context.split(new RegExp(`${PARAGRAPH_END}\n<\\|assistant\\|>\n`)).length - 2 : context.split("Now write the text of this step").length - 2;
  const rest = Math.max(0, Number(wanted) - written.split(/\s+/).filter(Boolean).length);
  return `${rest > 0 ? ` ${prose(rest, k + stepsInMemory(context), options.paragraphWords ?? 60)}` : ""}\u0000`;
}

/**
 * A request to rewrite a passage, answered as a chat model would: new prose of a few more words than
 * asked for (the rewrite's target ends it at a sentence end), `rewriteWords` overriding the length.
 */
function rewriteAnswer(context: string, options: FakeWriterOptions): string | null {
  if (!context.endsWith("<|assistant|>\n") || !context.includes('The passage:\n"""')) return null;
  const ask = context.slice(context.lastIndexOf("<|user|>\n") + 9);
  const words = Number(/about (\d+) words/.exec(ask)?.[1] ?? "50");
  return `${prose(options.rewriteWords ?? words + 20, 42, options.paragraphWords ?? 60)}\u0000`;
}

/** The words a continuation request asks for ("The text stopped at N of T words"), or null. */
function continuationWords(context: string): number | null {
  const asks = [...context.matchAll(/The text stopped at (\d+) of the (\d+) words[^\n]*?about (\d+) more words/g)];
  const last = asks[asks.length - 1];
  return last ? Number(last[3]) : null;
}

/** The sections a continuation request names as not written yet, with their words. */
function missingSections(context: string): Array<[string, number]> {
  const ask = context.slice(context.lastIndexOf("The text stopped at"));
  const list = /The plan's sections not written yet: (.*)\./.exec(ask)?.[1] ?? "";
  return [...list.matchAll(/"([^"]+)" \(about (\d+) words\)/g)].map((m) => [m[1]!, Number(m[2])]);
}

/**
 * The one-pass modes, answered as the LongWriter models would: the whole document in Markdown, a "## "
 * heading per section (direct); LongWriter-Zero's think block, then the answer (think-answer); after a
 * continuation request, the words still missing under a new heading.
 */
function onePassAnswer(context: string, sections: Array<[string, number]>, options: FakeWriterOptions): string | null {
  const draft = (end: string) => {
    const missing = continuationWords(context);
    const named = missingSections(context);
    // Each section's text its own (seeded by its place in the plan): a section asked for again later is not the text of another.
    const seed = (title: string, k: number) => 90 + Math.max(k, sections.findIndex(([t]) => t === title));
    if (named.length > 0) return `${named.map(([title, budget], k) => `## ${title}\n\n${prose(budget, seed(title, k), options.paragraphWords ?? 60)}`).join("\n\n")}${end}`;
    // More text after the words written so far: new words each time it is asked (seeded by that count).
    const at = Number(/The text stopped at (\d+)/.exec(context.slice(context.lastIndexOf("The text stopped at")))?.[1] ?? 0);
    if (missing !== null) return `## More\n\n${prose(missing, 99 + at, options.paragraphWords ?? 60)}${end}`;
    return `${sections
      .map(([title, budget], k) => {
        const planted = options.plant?.(k);
        return `## ${title}\n\n${planted ? `${planted} ` : ""}${prose(options.wordsInStep ? options.wordsInStep(k, budget) : budget, k, options.paragraphWords ?? 60)}`;
      })
      .join("\n\n")}${end}`;
  };
  const isDraft = context.includes('each section under a "## " heading') || context.includes("<answer>");
  // A draft that ran out of its call's tokens goes on where the context stands (its start may have
  // left the window: the end of the context is looked for in the whole draft).
  if (isDraft && !context.endsWith("<|assistant|>\n") && !context.endsWith("<think>\n") && !context.endsWith("<answer>\n")) {
    const whole = draft(context.includes("<answer>") ? "\n</answer>" : "\u0000");
    const tail = context.slice(-120);
    const at = whole.indexOf(tail);
    return at >= 0 ? whole.slice(at + tail.length) : "\u0000";
  }
  if (context.endsWith("<think>\n")) return `${sections.map(([title, budget]) => `## ${title}\nWord count: ${budget}\nThe part called ${title.toLowerCase()}.`).join("\n\n")}\n</think>`;
  if (context.endsWith("<answer>\n")) return draft("\n</answer>");
  if (!context.endsWith("<|assistant|>\n")) return null;
  const ask = context.slice(context.lastIndexOf("<|user|>\n") + 9, context.lastIndexOf("\n<|assistant|>\n"));
  if (ask.includes('each section under a "## " heading') || ask.startsWith("The text stopped at")) return draft("\u0000");
  return null;
}
