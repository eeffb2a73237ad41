/**
 * What an exporter sees of a manuscript: the draft in reading order, each section with its plan facts
 * and its steps. Exporters depend on this view, not on the manuscript's internal shape.
 */
export interface ExportDocument {
  title: string;
  instruction: string;
  /** A language tag (e.g. "en", "zh-CN", "ja"); decides the East Asian font and the text direction. */
  language: string;
  target: number;
  words: number;
  model: string | null;
  mode: string | null;
  /** The model stopped before the end (a failed or interrupted run): the export says so. */
  unfinished?: boolean;
  /** The draft in reading order: the sections that have text, each with its steps. */
  sections: ExportSection[];
  /** The current global plan, every section, written or not. */
  plan: PlannedSection[];
}

export interface PlannedSection {
  title: string;
  brief: string;
  budget: number;
  /** Words written in it so far. */
  words: number;
}

export interface ExportSection extends PlannedSection {
  steps: ExportStep[];
}

export interface ExportStep {
  /** 1-based position of the step in the whole document. */
  number: number;
  plan: string;
  /** Markdown. */
  content: string;
  reflection: string;
  words: number;
}

/** The East Asian font Word should use for CJK text in this language (Noto CJK names the script). */
export function eastAsiaFontFor(language: string): string {
  const tag = language.toLowerCase();
  if (tag.startsWith("ja")) return "Noto Serif CJK JP";
  if (tag.startsWith("ko")) return "Noto Serif CJK KR";
  if (/^zh-(tw|hk|mo|hant)/.test(tag)) return "Noto Serif CJK TC";
  return "Noto Serif CJK SC";
}

/** The language Word should assume for East Asian text, from the document's language. */
export function eastAsiaLanguageFor(language: string): string {
  const tag = language.toLowerCase();
  if (tag.startsWith("ja")) return "ja-JP";
  if (tag.startsWith("ko")) return "ko-KR";
  if (/^zh-(tw|hk|mo|hant)/.test(tag)) return "zh-TW";
  return "zh-CN";
}
