// The model's context as token arrays, one piece per part of the transcript: the prompt, a global plan,
// a step. Generated tokens are kept as the model produced them (re-tokenizing sampled text does not give
// the same tokens back), forced text is appended as its own tokens, and an edit replaces only the piece
// it touches, so the backend's KV cache keeps everything before the first changed token.
import type { TokenId } from "../engine/backend";

/**
 * prompt: the first request (the instruction, with the bible's entries in use); plan: a global plan;
 * step: a step; turn: chat turns and the one-pass draft; note: a note between steps (bible entries
 * added or changed); memory: what stands for the steps no longer in full view (their summaries);
 * request: a short request the controller makes at a boundary (a summary), dropped after its answer.
 */
export type PieceKind = "prompt" | "plan" | "step" | "turn" | "note" | "memory" | "request";

export interface Piece {
  kind: PieceKind;
  tokens: TokenId[];
  /** Step pieces: the manuscript step they hold. */
  stepIndex?: number;
  /** Prompt pieces: how many of their tokens are the story bible's entries (the rest is the request). */
  bibleTokens?: number;
}

/** The pieces that are the story memory's: notes, the memory note, the short requests of summaries. */
const MEMORY_KINDS: ReadonlySet<PieceKind> = new Set(["note", "memory", "request"]);

/**
 * Of the last `decoded` tokens of a context of `pieces` (what a call decoded: the KV cache kept the
 * rest), how many are the story memory's: its pieces, and the bible in a prompt decoded again. Each
 * decoded token is counted once, in the call that decoded it.
 */
export function memoryTokensDecoded(pieces: readonly Piece[], decoded: number): number {
  let end = 0;
  for (const p of pieces) end += p.tokens.length;
  const from = end - decoded;
  let offset = 0;
  let n = 0;
  for (const p of pieces) {
    const overlap = Math.min(offset + p.tokens.length, end) - Math.max(offset, from);
    offset += p.tokens.length;
    if (overlap <= 0) continue;
    if (MEMORY_KINDS.has(p.kind)) n += overlap;
    else if (p.kind === "prompt" && p.bibleTokens) n += Math.min(overlap, p.bibleTokens);
  }
  return n;
}

export class TokenContext {
  readonly pieces: Piece[] = [];

  /** Every token, in order: what the backend is given. */
  tokens(): TokenId[] {
    const all: TokenId[] = [];
    for (const piece of this.pieces) for (const t of piece.tokens) all.push(t);
    return all;
  }

  get length(): number {
    let n = 0;
    for (const piece of this.pieces) n += piece.tokens.length;
    return n;
  }

  push(piece: Piece): Piece {
    this.pieces.push(piece);
    return piece;
  }

  /** The piece that holds a step, if the context has one. */
  stepPiece(stepIndex: number): Piece | undefined {
    return this.pieces.find((p) => p.kind === "step" && p.stepIndex === stepIndex);
  }

  /** Token offset where a piece starts. */
  offsetOf(piece: Piece): number {
    let n = 0;
    for (const p of this.pieces) {
      if (p === piece) return n;
      n += p.tokens.length;
    }
    return n;
  }

  /** Drops the pieces from `index` on. */
  truncate(index: number): void {
    this.pieces.splice(index);
  }

  replaceAll(pieces: Piece[]): void {
    this.pieces.splice(0, this.pieces.length, ...pieces);
  }
}
