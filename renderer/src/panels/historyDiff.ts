// What a version of the draft changes against the draft as it is: paragraphs compared first (jsdiff's
// array diff), then the words of each paragraph that was changed rather than added or removed. Pure,
// for the history panel. A paragraph is what the draft's text separates with a blank line.
import { diffArrays, diffWords } from "diff";

/** One piece of a changed paragraph: words in both, only in the version, or only in the draft. */
export interface WordPart {
  text: string;
  /** "version": brought back by restoring it; "draft": only in the draft as it is. */
  side: "both" | "version" | "draft";
}

export type DiffBlock =
  | { kind: "same"; paragraphs: string[] }
  /** Paragraphs only in the version (restoring it brings them back). */
  | { kind: "version"; paragraphs: string[] }
  /** Paragraphs only in the draft (restoring the version removes them). */
  | { kind: "draft"; paragraphs: string[] }
  /** A paragraph in both, with words changed. */
  | { kind: "changed"; parts: WordPart[] };

export interface DraftComparison {
  blocks: DiffBlock[];
  /** Words only in the version, and only in the draft. */
  versionWords: number;
  draftWords: number;
  /** True when nothing differs. */
  same: boolean;
}

/** A paragraph pair is compared word by word when this many words or fewer are in them together. */
const WORD_DIFF_LIMIT = 2000;

const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== "");

const countWords = (text: string) => (text.match(/\S+/g) ?? []).length;

/**
 * Compares a version of the draft (`version`) with the draft as it is (`draft`), both as text. Runs of
 * removed and added paragraphs side by side are paired and compared word by word.
 */
export function compareDrafts(draft: string, version: string): DraftComparison {
  const changes = diffArrays(paragraphs(draft), paragraphs(version));
  const blocks: DiffBlock[] = [];
  let versionWords = 0;
  let draftWords = 0;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i]!;
    if (!change.added && !change.removed) {
      blocks.push({ kind: "same", paragraphs: change.value });
      continue;
    }
    // A run of paragraphs only in the draft next to one only in the version: changed paragraphs.
    const next = changes[i + 1];
    if (change.removed && next?.added) {
      const drafts = change.value;
      const versions = next.value;
      const paired = Math.min(drafts.length, versions.length);
      for (let k = 0; k < paired; k++) {
        const before = drafts[k]!;
        const after = versions[k]!;
        if (countWords(before) + countWords(after) > WORD_DIFF_LIMIT) {
          blocks.push({ kind: "draft", paragraphs: [before] }, { kind: "version", paragraphs: [after] });
          draftWords += countWords(before);
          versionWords += countWords(after);
          continue;
        }
        const parts: WordPart[] = diffWords(before, after).map((w) => ({ text: w.value, side: w.added ? "version" : w.removed ? "draft" : "both" }));
        for (const part of parts) {
          if (part.side === "version") versionWords += countWords(part.text);
          if (part.side === "draft") draftWords += countWords(part.text);
        }
        blocks.push({ kind: "changed", parts });
      }
      if (drafts.length > paired) {
        blocks.push({ kind: "draft", paragraphs: drafts.slice(paired) });
        draftWords += drafts.slice(paired).reduce((n, p) => n + countWords(p), 0);
      }
      if (versions.length > paired) {
        blocks.push({ kind: "version", paragraphs: versions.slice(paired) });
        versionWords += versions.slice(paired).reduce((n, p) => n + countWords(p), 0);
      }
      i++;
      continue;
    }
    const kind = change.added ? "version" : "draft";
    blocks.push({ kind, paragraphs: change.value });
    const words = change.value.reduce((n, p) => n + countWords(p), 0);
    if (kind === "version") versionWords += words;
    else draftWords += words;
  }
  return { blocks, versionWords, draftWords, same: blocks.every((b) => b.kind === "same") };
}
