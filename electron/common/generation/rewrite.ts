// Rewriting a passage of the draft: what the writer asks for, the length it gets, and where a passage
// that runs past that length is cut (at the first sentence end past it, as the chat modes hold a
// step to its budget). Pure: the back end and the window share it.
import { defuseProtocolTags } from "../manuscript/entities";
import { countWriterWords } from "../metrics/words";

/** What the writer asks: say it again better, longer, shorter, or follow their own instruction. */
export const rewriteKinds = ["rewrite", "expand", "shorten", "instruction"] as const;
export type RewriteKind = (typeof rewriteKinds)[number];

/** The most words a rewritten passage may be asked to have. */
export const MAX_REWRITE_WORDS = 5000;

/**
 * The length a rewrite aims at: the writer's own target, else the passage's length for a rewrite or an
 * instruction, half again as long to expand, about 60% of it to shorten. At least one word.
 */
export function rewriteTarget(kind: RewriteKind, selectionWords: number, targetWords?: number | null): number {
  if (targetWords && targetWords > 0) return Math.min(MAX_REWRITE_WORDS, Math.round(targetWords));
  const base = Math.max(1, selectionWords);
  const factor = kind === "expand" ? 1.5 : kind === "shorten" ? 0.6 : 1;
  return Math.min(MAX_REWRITE_WORDS, Math.max(1, Math.round(base * factor)));
}

const SENTENCE_END = /[.!?。！？…]+["'”’»）)\]]*(?=\s|$)|[。！？]/gu;

/**
 * Where a streamed passage ends once it has reached its target: after the first sentence end at or
 * past the target's last word. Null while it is shorter, or when no sentence has ended past it yet.
 */
export function rewriteCut(text: string, target: number): number | null {
  if (countWriterWords(text) < target) return null;
  // The shortest prefix that holds the target's words (the count only grows with the prefix).
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (countWriterWords(text.slice(0, mid)) >= target) high = mid;
    else low = mid + 1;
  }
  SENTENCE_END.lastIndex = Math.max(0, low - 1);
  const end = SENTENCE_END.exec(text);
  return end ? end.index + end[0].length : null;
}

/**
 * The model's answer as the passage to put in the draft: quotes or fences it wrapped the passage in
 * taken off, a leading "Here is…" line dropped, protocol tags defused (a step may not hold one).
 */
export function cleanRewrite(text: string): string {
  let out = text.trim();
  const fenced = /^("""|```[a-z]*|''')\n?([\s\S]*?)\n?("""|```|''')$/.exec(out);
  if (fenced) out = fenced[2]!.trim();
  out = out.replace(/^(here is|here's|the (rewritten|new|revised) passage)[^\n]*:\s*\n+/i, "");
  return defuseProtocolTags(out.trim());
}
