// Making room in the model's context when the window fills. What is elided leaves the model's view
// only, never the document. The IS-CoT transcript keeps its steps' plans and reflections and elides
// their text; the chat modes and the one-pass draft put one line in place of their oldest text.
import { isInProgress } from "../../common/manuscript/reducer";
import type { Step } from "../../common/manuscript/types";
import type { TokenId } from "../engine/backend";
import type { Piece, PieceKind } from "./context";
import type { WritingSession } from "./session";

/**
 * Makes room in an IS-CoT transcript: keeps the prompt, the current global plan and the last steps in
 * full; older steps keep their step plans and reflections, their content is elided. The live piece
 * stays as it is.
 */
export async function compactTranscript(
  s: WritingSession,
  needed: number,
  tokens: { step: (step: Step, compacted: boolean) => Promise<TokenId[]>; plan: (text: string) => Promise<TokenId[]> },
): Promise<void> {
  const size = s.inputLimit();
  const m = s.manuscript;
  const prompt = s.context.pieces.find((p) => p.kind === "prompt");
  const latest = m.revisions[m.revisions.length - 1];
  const live = s.live?.piece;
  const doneSteps = m.steps.map((step, i) => ({ step, i })).filter(({ step, i }) => !isInProgress(step) && i !== live?.stepIndex);
  let keep = Math.min(s.limits.keepFullSteps, doneSteps.length);
  for (;;) {
    const pieces: Piece[] = [];
    if (prompt) pieces.push(prompt);
    if (latest) pieces.push({ kind: "plan", tokens: await tokens.plan(latest.text) });
    const cut = doneSteps.length - keep;
    for (let k = 0; k < doneSteps.length; k++) {
      const { step, i } = doneSteps[k]!;
      const existing = s.context.stepPiece(i);
      if (k >= cut) pieces.push(existing && !existing.compacted ? existing : { kind: "step", stepIndex: i, tokens: await tokens.step(step, false) });
      else pieces.push(existing?.compacted ? existing : { kind: "step", stepIndex: i, compacted: true, tokens: await tokens.step(step, true) });
    }
    if (live) pieces.push(live);
    let length = pieces.reduce((n, p) => n + p.tokens.length, 0);
    if (keep === 0 && length + needed > size) {
      // Even elided, the oldest steps do not fit: they leave the model's view, one line stands for them.
      const first = pieces.findIndex((p) => p.kind === "step" && p.compacted);
      let drop = 0;
      let dropped = 0;
      let words = 0;
      while (first >= 0 && pieces[first + drop]?.compacted && length - dropped + needed > size) {
        const piece = pieces[first + drop]!;
        dropped += piece.tokens.length;
        words += m.steps[piece.stepIndex ?? -1]?.words ?? 0;
        drop++;
      }
      if (drop > 0) {
        const line = s.language() === "zh" ? `[前${drop}步共${words}字，此处不再显示。]\n` : `[The first ${drop} steps, ${words} words, are not shown here.]\n`;
        const marker: Piece = { kind: "turn", tokens: await s.tokenize(line) };
        pieces.splice(first, drop, marker);
        length = length - dropped + marker.tokens.length;
      }
    }
    // Compacting re-decodes what follows the first elided step, so it makes room for several segments
    // at once: the context comes down to 60% of the window (or as low as it goes).
    if (length + needed <= Math.min(size, size * 0.6 + needed) || keep === 0) {
      const before = s.context.length;
      if (length >= before) return; // nothing to gain: the caller generates what fits
      s.context.replaceAll(pieces);
      s.note(`The context was compacted to make room: ${before} → ${length} tokens; the text of the ${cut} oldest step${cut === 1 ? " is" : "s are"} elided from the model's view (not from the document).`);
      return;
    }
    keep--;
  }
}

/** The line that stands for elided pieces, and what the writer is told once it is in place. */
export interface Elision {
  piece: Piece;
  told: (before: number, after: number) => string;
  /** Called once the elision is made (the mode keeps count of what it elided). */
  made?: () => void;
}

/**
 * Makes room by putting one line in place of the oldest of `pieces` (and of the lines of earlier
 * compactions, `notes`): the line goes where the first `anchor` piece that stays begins, so nothing
 * before it changes and only it and what follows are decoded again. The last pieces stay in full, as
 * many as fit, at most `keepFullSteps`.
 */
export async function elideOldest(s: WritingSession, needed: number, pieces: readonly Piece[], notes: readonly Piece[], anchor: PieceKind, elision: (old: readonly Piece[], keep: number) => Promise<Elision>): Promise<void> {
  const size = s.inputLimit();
  for (let keep = Math.min(s.limits.keepFullSteps, pieces.length - 1); keep >= 0; keep--) {
    const old = pieces.slice(0, pieces.length - keep);
    const line = await elision(old, keep);
    const next = s.context.pieces.filter((p) => !old.includes(p) && !notes.includes(p));
    const at = next.findIndex((p) => p.kind === anchor);
    next.splice(at < 0 ? next.length : at, 0, line.piece);
    const length = next.reduce((n, p) => n + p.tokens.length, 0);
    if (length + needed > size && keep > 0) continue;
    const before = s.context.length;
    if (length >= before) return;
    line.made?.();
    s.context.replaceAll(next);
    s.note(line.told(before, length));
    return;
  }
}
