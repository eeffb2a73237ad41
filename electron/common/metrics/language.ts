import { countLongBenchWords } from "./words";

/** A manuscript's language: English, Chinese, or "auto" to detect it from the text. */
export type Language = "en" | "zh" | "auto";

/** How much text the detector looks at: the start of a document tells its language. */
const SAMPLE = 4000;

/**
 * Detects English or Chinese from a text: "zh" when Han characters (U+4E00..U+9FFF) are at least as
 * many as English words in the first 4,000 characters, "en" otherwise (also for a text with neither).
 */
export function detectLanguage(text: string): "en" | "zh" {
  const sample = text.length > SAMPLE ? text.slice(0, SAMPLE) : text;
  let han = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if (c >= 0x4e00 && c <= 0x9fff) han++;
  }
  if (han === 0) return "en";
  const englishWords = countLongBenchWords(sample) - han;
  return han >= englishWords ? "zh" : "en";
}
