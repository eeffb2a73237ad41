// Making room in the model's context when the window fills. What leaves the view leaves the model's
// context only, never the document. The context is rebuilt once, in every mode, as: the instruction
// with the bible's entries in use, the current plan, the memory of the steps no longer in full view
// (the digest of the story so far and a summary per step, memory.ts), then the recent steps in full
// (and the steps the writer pinned), then the piece being written. The mode says how each part reads
// (its frame); compaction chooses how many recent steps stay in full.
import type { Piece } from "./context";
import type { WritingSession } from "./session";

/** A part of the context that stays whole or leaves whole: a step's piece, or a piece of one-pass draft. */
export interface Unit {
  pieces: Piece[];
  /** The steps whose text it holds. */
  steps: number[];
}

/** The pieces before the kept units, given the bible note and the memory note (either may be ""). */
export type Frame = (bible: string, memory: string) => Promise<Piece[]>;

/**
 * Rebuilds the context to make room for `needed` more tokens: the frame, then the last units in full
 * (at most `keepFullSteps`, fewer when they do not fit, and the pinned ones), then the live piece. The
 * context comes down to 60% of the window when it can: compacting decodes what follows the prompt
 * again, so it makes room for several parts at once.
 */
export async function compactWithMemory(s: WritingSession, needed: number, units: readonly Unit[], frame: Frame): Promise<void> {
  const size = s.inputLimit();
  const live = s.live?.piece;
  const m = s.manuscript;
  const pinned = (u: Unit) => u.steps.some((i) => m.steps[i]?.memory?.pinned === true);
  const withPins = units.some(pinned) ? [true, false] : [false];
  for (const pins of withPins) {
    for (let keep = Math.min(s.limits.keepFullSteps, units.length); keep >= 0; keep--) {
      const kept = units.filter((u, i) => i >= units.length - keep || (pins && pinned(u)));
      const compacted = units.filter((u) => !kept.includes(u)).flatMap((u) => u.steps);
      if (compacted.length === 0) {
        // No step would leave the view: a rebuild would only fold the memory note and decode again
        // what the KV cache holds (the steps after it), for nothing the model has not read. Fewer
        // steps are kept instead; with none to let go, the context is rebuilt only when the call
        // would get less than a quarter of the tokens it asks for.
        if (keep > 0) continue;
        const margin = s.margin();
        if (s.context.length + margin + Math.max(16, (needed - margin) / 4) <= size) return;
      }
      // With no step left in full, a window too small for the memory's share takes less of it: fewer
      // bible entries, more of the note's lines folded into one, down to none of the memory at all
      // (the memory never leaves a part without room; the timeline is told what was left out).
      let texts = await s.memory.rebuildTexts(s, compacted);
      let pieces: Piece[] = [];
      let length = 0;
      let fits = false;
      for (const share of keep === 0 ? [1, 0.5, 0.25, 0] : [1]) {
        if (share < 1) texts = await s.memory.rebuildTexts(s, compacted, share);
        const head = await frame(texts.bible, texts.memory);
        pieces = [...head, ...kept.flatMap((u) => u.pieces), ...(live ? [live] : [])];
        length = pieces.reduce((n, p) => n + p.tokens.length, 0);
        fits = length + needed <= Math.min(size, size * 0.6 + needed);
        // The memory is cut further only when the window would be left without room for a part (half
        // of it, or what the part needs if less: `needed` holds the room kept for the memory's own
        // requests, up to a fifth of the window, beside the part).
        if (fits || length + Math.min(needed, size / 2) <= size) break;
      }
      if (!fits && keep > 0) continue;
      if (!fits && pins && withPins.length > 1) break; // the pinned steps do not fit: try without them
      const before = s.context.length;
      if (length >= before) return; // nothing to gain: the caller generates what fits
      s.context.replaceAll(pieces);
      texts.commit();
      if (compacted.length === 0) return;
      const summarized = compacted.filter((i) => m.steps[i]?.memory?.summary).length;
      const pinNote = !pins && units.some(pinned) ? " The pinned steps did not fit: they are summarized too." : "";
      s.note(
        `The context was compacted to make room: ${before} → ${length} tokens; ${compacted.length} earlier step${compacted.length === 1 ? " is" : "s are"} shown by ${summarized === compacted.length ? (compacted.length === 1 ? "its summary" : "their summaries") : summarized === 0 ? (compacted.length === 1 ? "its length" : "their lengths") : `${summarized} summar${summarized === 1 ? "y" : "ies"} and the others' lengths`} instead of ${compacted.length === 1 ? "its" : "their"} text (in the model's view only, not in the document).${pinNote}`,
      );
      return;
    }
  }
}

/** Each step piece of the context as a unit (the step-by-step modes), the live piece left out. */
export function stepUnits(s: WritingSession): Unit[] {
  const live = s.live?.piece;
  return s.context.pieces.flatMap((p) => (p.kind === "step" && p !== live && p.stepIndex !== undefined ? [{ pieces: [p], steps: [p.stepIndex] }] : []));
}
