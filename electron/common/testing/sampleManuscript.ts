import { parseTranscript } from "../manuscript/reducer";
import type { Manuscript } from "../manuscript/types";

/** A small finished manuscript as the model writes it: a plan with two sections, three steps. */
export const SAMPLE_TRANSCRIPT = [
  "<global_plan>",
  "## Arrival",
  "Word count: 60",
  "The keeper arrives at the lighthouse.",
  "",
  "## The storm",
  "Word count: 40",
  "A storm tests him.",
  "</global_plan>",
  "<step_plan>Write Arrival: the keeper comes at dusk. (30 words)</step_plan>",
  "<content>The keeper came **at dusk** and *alone*.\n\n# The tower\n\n1. climb\n2. light\n\n> The sea keeps what it takes.</content>",
  "<reflection>word count: 20/100. On track.</reflection>",
  "<step_plan>Arrival, continued: the first night.</step_plan>",
  "<content>Night fell over the rocks, and the lamp turned slowly until dawn came grey.</content>",
  "<reflection>word count: 34/100.</reflection>",
  "<step_plan>Write The storm. (40 words)</step_plan>",
  "<content>- wind\n- rain\n\nThe storm came from the west and stayed three days.</content>",
  "<reflection>word count: 48/100. Done.</reflection>",
  "<FINISHED>",
].join("\n");

export function sampleManuscript(): Manuscript {
  return parseTranscript(SAMPLE_TRANSCRIPT, { instruction: "Write a story about a lighthouse keeper. About 100 words.", language: "en", targetWords: 100 }).manuscript;
}

/** A manuscript of about `words` words: `sections` sections, steps of about 500 words. */
export function largeManuscript(words: number, sections = 20): Manuscript {
  const perSection = Math.ceil(words / sections);
  const plan = Array.from({ length: sections }, (_, i) => `## Part ${i + 1}\nWord count: ${perSection}\nWhat happens in part ${i + 1}.`).join("\n\n");
  const sentence = "The keeper climbed the **narrow** stairs and watched the *grey* sea roll in under a heavy sky. ";
  const sentenceWords = 18;
  const parts: string[] = [`<global_plan>\n${plan}\n</global_plan>`];
  let written = 0;
  for (let s = 0; s < sections && written < words; s++) {
    for (let inSection = 0; inSection < perSection && written < words; inSection += 500) {
      const paragraphs = Array.from({ length: 5 }, () => sentence.repeat(Math.round(100 / sentenceWords)).trim()).join("\n\n");
      parts.push(`<step_plan>Write Part ${s + 1}. (500 words)</step_plan>\n<content>${paragraphs}</content>\n<reflection>word count: ${written + 500}/${words}</reflection>`);
      written += 500;
    }
  }
  parts.push("<FINISHED>");
  return parseTranscript(parts.join("\n"), { instruction: "A long story.", language: "en", targetWords: words }).manuscript;
}
