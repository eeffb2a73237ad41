// The writer's voice: a sample of their own prose the model writes like, for the whole document or for
// one section. The samples go into the model's prompt in every mode, so they have a budget in tokens:
// an edit is refused past it (by an estimate, the same everywhere), and the back end, which counts
// with the loaded model's own tokenizer, trims a sample that is longer for that model and says so.
import type { Manuscript, Voice } from "./types";

/** The most tokens one sample may take in the prompt. */
export const VOICE_SAMPLE_TOKENS = 800;
/** The most tokens all samples together (the document's and the sections') may take. */
export const VOICE_TOTAL_TOKENS = 2000;
/** The most characters a sample may have, whatever its tokens (a paste of a whole book is refused before it is counted). */
export const VOICE_SAMPLE_MAX_CHARS = 20_000;

const CJK = /[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]/gu;

/**
 * About how many tokens a text takes for a model: a CJK character is about one, other text about one
 * per 3.5 characters (spaces included). A rough count, on the high side for English, used where no
 * model is loaded; the back end counts with the model's tokenizer.
 */
export function estimateTokens(text: string): number {
  const cjk = text.match(CJK)?.length ?? 0;
  const rest = text.replace(CJK, "").replace(/\s+/g, " ").trim().length;
  return cjk + Math.ceil(rest / 3.5);
}

/** The samples of a manuscript that are set (`document`: null when none), in the order of its sections. */
export function voiceSamples(m: Pick<Manuscript, "voice" | "sections">): { document: string | null; sections: { sectionId: string; title: string; sample: string }[] } {
  const voice = m.voice;
  const document = voice?.document.trim() ? voice.document.trim() : null;
  const sections = m.sections.flatMap((s) => {
    const sample = voice?.sections[s.id]?.trim();
    return sample ? [{ sectionId: s.id, title: s.title, sample }] : [];
  });
  return { document, sections };
}

/** The sample for a section (its own, else the document's), or null. */
export function voiceFor(m: Pick<Manuscript, "voice">, sectionId: string | null): string | null {
  const own = sectionId ? m.voice?.sections[sectionId]?.trim() : undefined;
  if (own) return own;
  return m.voice?.document.trim() ? m.voice.document.trim() : null;
}

/** Sets (or, with "", removes) a sample: the document's (`sectionId` null) or a section's. */
export function withVoiceSample(voice: Voice | undefined, sectionId: string | null, sample: string): Voice | undefined {
  const text = sample.trim();
  const next: Voice = { document: voice?.document ?? "", sections: { ...(voice?.sections ?? {}) } };
  if (sectionId === null) next.document = text;
  else if (text) next.sections[sectionId] = text;
  else delete next.sections[sectionId];
  return next.document === "" && Object.keys(next.sections).length === 0 ? undefined : next;
}

/** Tokens (estimated) the samples the model reads take together: the document's and its sections'. */
export function voiceTokens(m: Pick<Manuscript, "voice" | "sections">): number {
  const { document, sections } = voiceSamples(m);
  return estimateTokens(document ?? "") + sections.reduce((sum, s) => sum + estimateTokens(s.sample), 0);
}

/**
 * Cuts a sample to at most `fits(prefix)` tokens, at the last paragraph or sentence end that fits (a
 * word end if none), so the model reads whole sentences. `fits` says whether a prefix is within budget.
 */
export function trimSample(sample: string, fits: (prefix: string) => boolean): string {
  if (fits(sample)) return sample;
  let low = 0;
  let high = sample.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (fits(sample.slice(0, mid))) low = mid;
    else high = mid - 1;
  }
  const head = sample.slice(0, low);
  const sentence = Math.max(head.lastIndexOf("\n\n"), ...[". ", "! ", "? ", "。", "！", "？", ".\n", "!\n", "?\n"].map((end) => {
    const at = head.lastIndexOf(end);
    return at < 0 ? -1 : at + end.trimEnd().length;
  }));
  if (sentence > low / 2) return head.slice(0, sentence).trimEnd();
  const word = head.search(/\s\S*$/);
  return (word > 0 ? head.slice(0, word) : head).trimEnd();
}
