// A scripted IS-Writer for tests and the scripted engine: it reads the context like the real model
// would and writes the next part of the protocol — a plan, a step, a reflection — with lengths a test
// chooses. The session's forced tags and stop strings shape what it gets to write. Pure, so the
// renderer's fake back end writes with it too.
import { extractPlan } from "../iscot/plan";

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
  /** The reflection the model writes after the controller's progress line. */
  reflection?: string;
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

export function fakeWriter(options: FakeWriterOptions = {}): Script {
  const sections = options.sections ?? [
    ["Opening", 300],
    ["Middle", 400],
    ["Ending", 300],
  ];
  return (context) => {
    const onePass = onePassAnswer(context, sections, options);
    if (onePass !== null) return onePass;
    const orchestrated = orchestratedAnswer(context, sections, options);
    if (orchestrated !== null) return orchestrated;
    // Steps so far: those in the conversation (a system prompt may show the protocol), and those a
    // compacted context put behind one line.
    const opener = /<\|assistant\|>\n|<\|im_start\|>assistant\n/.exec(context);
    const conversation = opener ? context.slice(opener.index) : context;
    const dropped = [...conversation.matchAll(/\[The first (\d+) steps, \d+ words, are not shown here\.\]/g)].at(-1);
    const steps = conversation.split("<step_plan>").length - 1 + (dropped ? Number(dropped[1]) : 0);
    const k = steps - 1;
    if (context.endsWith("<global_plan>\n")) {
      return sections.map(([title, budget]) => `## ${title}\nWord count: ${budget}\nThe part called ${title.toLowerCase()}.`).join("\n\n") + "\n</global_plan>";
    }
    // Like the real model, it follows the latest plan in its context (a revision included).
    const planStart = context.lastIndexOf("<global_plan>\n");
    const planEnd = context.indexOf("</global_plan>", planStart);
    const current: Array<[string, number]> =
      planStart >= 0 && planEnd > planStart ? extractPlan(context.slice(planStart + 14, planEnd)).sections.map((s) => [s.title, s.budget]) : sections;
    const section = current[Math.min(k, current.length - 1)] ?? sections[Math.min(k, sections.length - 1)] ?? ["Text", 300];
    const budget = section[1];
    const words = options.wordsInStep ? options.wordsInStep(k, budget) : budget;
    const content = options.loopsInStep?.(k)
      ? `${prose(30, k)}\n\n${"The tide came in and the tide went out again. ".repeat(40)}`
      : prose(words, k, options.paragraphWords ?? 60);
    const ending = options.endsInStep?.(k) ? "\u0000" : "\n</content>\n<reflection>";
    const stepText = `Section: ${section[0]}. ${budget} words.\n</step_plan>\n<content>\n${content}${ending}`;
    const since = context.slice(context.lastIndexOf("<step_plan>\n") + 12);
    if (context.endsWith("<content>\n") && !stepText.startsWith(since)) return `${content}${ending}`; // a regenerated step
    // Inside the step: go on with what is left of it (after a pause the context ends mid-text).
    if (!since.includes("<reflection>") && stepText.startsWith(since)) return stepText.slice(since.length);
    // Inside a reflection, after the controller's progress line.
    return `${options.reflection ?? "The text follows the plan."}\n</reflection>\n<step_plan>`;
  };
}

/**
 * The orchestrated mode's requests, answered as a chat model would (each answer ends its turn): the
 * plan as JSON, a one-line step plan, the text of about the words asked for, a one-line reflection.
 */
function orchestratedAnswer(context: string, sections: Array<[string, number]>, options: FakeWriterOptions): string | null {
  if (!context.endsWith("<|assistant|>\n")) return null;
  const ask = context.slice(context.lastIndexOf("<|user|>\n") + 9, context.lastIndexOf("\n<|assistant|>\n"));
  const steps = context.split("Now write the text of this step").length - 1;
  if (/Target length: about \d+ words\.$/.test(ask)) {
    // The native prompt alone (the probe): IS-Writer answers with its global plan.
    return `<global_plan>\n${sections.map(([title, budget]) => `## ${title}\nWord count: ${budget}`).join("\n\n")}\n</global_plan>\u0000`;
  }
  if (ask.includes("one paragraph at a time")) {
    return `${sections.map(([title, budget], i) => `Paragraph ${i + 1} - Main point: The part called ${title.toLowerCase()}. - Word count: ${budget} words`).join("\n")}\u0000`;
  }
  if (ask.endsWith("Write only this paragraph's text.")) {
    const k = context.split("Write only this paragraph's text.").length - 2;
    const words = Number(/about (\d+) (?:more )?words/.exec(ask)?.[1] ?? "100");
    return `${prose(options.wordsInStep ? options.wordsInStep(k, words) : words, k, options.paragraphWords ?? 60)}\u0000`;
  }
  if (ask.includes("Answer with JSON")) return `${JSON.stringify({ sections: sections.map(([title, budget]) => ({ title, brief: `The part called ${title.toLowerCase()}.`, budget })) })}\u0000`;
  if (ask.includes("plan what this step covers")) return "Cover the next part of the plan.\u0000";
  const wanted = /about (\d+) words/.exec(ask);
  if (ask.startsWith("Now write the text") && wanted) {
    const k = steps - 1;
    const words = options.wordsInStep ? options.wordsInStep(k, Number(wanted[1])) : Number(wanted[1]);
    return `${options.loopsInStep?.(k) ? `${prose(30, k)}\n\n${"The tide came in and the tide went out again. ".repeat(40)}` : prose(words, k, options.paragraphWords ?? 60)}\u0000`;
  }
  return `${options.reflection ?? "The text follows the plan."}\u0000`;
}

/** The words a continuation request asks for ("The text stopped at N of T words"), or null. */
function continuationWords(context: string): number | null {
  const asks = [...context.matchAll(/The text stopped at (\d+) of the (\d+) words/g)];
  const last = asks[asks.length - 1];
  return last ? Number(last[2]) - Number(last[1]) : null;
}

/**
 * The one-pass modes, answered as the LongWriter models would: the whole document in Markdown, a "## "
 * heading per section (direct); LongWriter-Zero's think block, then the answer (think-answer); after a
 * continuation request, the words still missing under a new heading.
 */
function onePassAnswer(context: string, sections: Array<[string, number]>, options: FakeWriterOptions): string | null {
  const draft = (end: string) => {
    const missing = continuationWords(context);
    if (missing !== null) return `## More\n\n${prose(missing, 99, options.paragraphWords ?? 60)}${end}`;
    return `${sections.map(([title, budget], k) => `## ${title}\n\n${prose(options.wordsInStep ? options.wordsInStep(k, budget) : budget, k, options.paragraphWords ?? 60)}`).join("\n\n")}${end}`;
  };
  if (context.endsWith("<think>\n")) return `${sections.map(([title, budget]) => `## ${title}\nWord count: ${budget}\nThe part called ${title.toLowerCase()}.`).join("\n\n")}\n</think>`;
  if (context.endsWith("<answer>\n")) return draft("\n</answer>");
  if (!context.endsWith("<|assistant|>\n")) return null;
  const ask = context.slice(context.lastIndexOf("<|user|>\n") + 9, context.lastIndexOf("\n<|assistant|>\n"));
  if (ask.includes('each section under a "## " heading') || ask.startsWith("The text stopped at")) return draft("\u0000");
  return null;
}
