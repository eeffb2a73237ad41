// The writer's voice in the prompt, counted with the loaded model's own tokenizer: a sample longer
// than its budget for this model (the edit was checked by an estimate) is cut at a sentence end, and
// the writer is told.
import { voiceInstruction, type VoicePrompt } from "../../common/generation/prompts";
import { trimSample, VOICE_SAMPLE_TOKENS, VOICE_TOTAL_TOKENS, voiceSamples } from "../../common/manuscript/voice";
import type { WritingSession } from "./session";

/** The voice part of the opening prompt for the session's manuscript, or null when it has no sample. */
export async function voicePrompt(s: WritingSession): Promise<string | null> {
  const { document, sections } = voiceSamples(s.manuscript);
  if (document === null && sections.length === 0) return null;
  let used = 0;
  const fit = async (sample: string, what: string): Promise<string> => {
    const budget = Math.max(0, Math.min(VOICE_SAMPLE_TOKENS, VOICE_TOTAL_TOKENS - used));
    const tokens = (await s.tokenize(sample)).length;
    if (tokens <= budget) {
      used += tokens;
      return sample;
    }
    let text = sample;
    let length = Math.floor((sample.length * budget) / tokens);
    let count = tokens;
    // The cut is made where the budget falls by the sample's own tokens per character, then shortened until it fits.
    for (let tries = 0; tries < 20 && count > budget && length > 0; tries++) {
      const limit = length;
      text = trimSample(sample, (prefix) => prefix.length <= limit);
      count = (await s.tokenize(text)).length;
      length = Math.floor(length * 0.9);
    }
    if (count > budget) text = "";
    used += count > budget ? 0 : count;
    s.note(`The voice sample ${what} is ${tokens.toLocaleString("en-US")} tokens for this model, more than its budget of ${budget.toLocaleString("en-US")}: the model reads ${text ? "its beginning, to the end of a sentence" : "none of it"}.`);
    return text;
  };
  const voice: VoicePrompt = { document: document === null ? null : (await fit(document, "of the document")) || null, sections: [] };
  for (const section of sections) {
    const sample = await fit(section.sample, `of the section "${section.title}"`);
    if (sample) voice.sections.push({ title: section.title, sample });
  }
  return voiceInstruction(voice, s.language());
}
