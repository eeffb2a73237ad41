// Speculative decoding with a draft model, as data and pure rules: what the engine reports about the
// draft tokens it tried, whether two vocabularies are close enough for one model to draft for the
// other, and how many tokens to draft next from how many were accepted. Pure: zod only.
import { z } from "zod";

/** Draft tokens of one generation: how many the big model checked and how many it accepted. */
export const speculativeStatsSchema = z.object({
  /** Draft tokens the model verified (accepted + rejected). */
  drafted: z.number().int().nonnegative(),
  /** Draft tokens that were what the model itself would have written. */
  accepted: z.number().int().nonnegative(),
  /** Tokens drafted at a time when the generation ended (adapts to the acceptance rate). */
  draftLength: z.number().int().nonnegative(),
});
export type SpeculativeStats = z.infer<typeof speculativeStatsSchema>;

/** Accepted share of the draft tokens, 0..1; undefined before any was checked. */
export function acceptanceRate(stats: Pick<SpeculativeStats, "drafted" | "accepted"> | undefined): number | undefined {
  if (!stats || stats.drafted === 0) return undefined;
  return Math.min(1, stats.accepted / stats.drafted);
}

/** Sums two generations' stats (the later one's draft length). */
export function addSpeculativeStats(a: SpeculativeStats | undefined, b: SpeculativeStats | undefined): SpeculativeStats | undefined {
  if (!a) return b;
  if (!b) return a;
  return { drafted: a.drafted + b.drafted, accepted: a.accepted + b.accepted, draftLength: b.draftLength };
}

/** What a model's vocabulary looks like, enough to tell whether a draft model can serve it. */
export interface VocabularySample {
  /** The tokenizer's kind (llama.cpp's vocabulary type: "bpe", "spm", …). */
  type: string;
  size: number;
  bos: number | null;
  eos: number | null;
  /** [token id, its text] for a spread of ids: the same ids are sampled in both models. */
  tokens: ReadonlyArray<readonly [number, string]>;
}

/** Most tokens by which a draft's vocabulary may differ from the model's: padding (llama.cpp's own limit). */
export const MAX_VOCABULARY_SIZE_DIFFERENCE = 128;

/** The ids to sample in a vocabulary of `size`: the first ones, then evenly spread, then the last. */
export function vocabularySampleIds(size: number, count = 512): number[] {
  if (size <= 0) return [];
  const ids = new Set<number>();
  for (let i = 0; i < Math.min(size, 32); i++) ids.add(i);
  const step = Math.max(1, Math.floor(size / count));
  for (let i = 0; i < size; i += step) ids.add(i);
  ids.add(size - 1);
  return [...ids].sort((a, b) => a - b);
}

/**
 * Why `draft` cannot draft for `target`, or null when it can: the same kind of tokenizer, the same
 * BOS and EOS tokens, sizes that differ by padding at most, and the same text for every sampled id
 * both have. A draft whose tokens mean other things would be rejected almost always, and llama.cpp
 * refuses it in the middle of a generation: it is refused at load instead, with the reason.
 */
export function compareVocabularies(target: VocabularySample, draft: VocabularySample): string | null {
  if (target.type !== draft.type) return `its tokenizer is ${draft.type}, the model's is ${target.type}`;
  if (target.bos !== draft.bos) return `its start token is ${draft.bos ?? "none"}, the model's is ${target.bos ?? "none"}`;
  if (target.eos !== draft.eos) return `its end token is ${draft.eos ?? "none"}, the model's is ${target.eos ?? "none"}`;
  const difference = Math.abs(target.size - draft.size);
  if (difference > MAX_VOCABULARY_SIZE_DIFFERENCE) return `its vocabulary has ${draft.size} tokens, the model's ${target.size}`;
  const draftTexts = new Map(draft.tokens);
  const limit = Math.min(target.size, draft.size);
  for (const [id, text] of target.tokens) {
    if (id >= limit) continue;
    const other = draftTexts.get(id);
    if (other !== undefined && other !== text) return `token ${id} is ${JSON.stringify(other)} in it and ${JSON.stringify(text)} in the model`;
  }
  return null;
}

export interface DraftLengthLimits {
  /** At least this many tokens drafted at a time (default 1). */
  min: number;
  /** At most this many (default 12). */
  max: number;
}

export const DEFAULT_DRAFT_LENGTH: DraftLengthLimits = { min: 1, max: 12 };

/**
 * The number of tokens to draft at a time, adapted to the acceptance rate. With a share `a` of draft
 * tokens accepted, a run of draft tokens is accepted up to its first rejection, on average a/(1−a)
 * tokens: drafting more than that spends the draft model's time and a wider batch of the big model on
 * tokens that are thrown away; drafting fewer leaves accepted tokens undrafted. The rate is a moving
 * average over the batches verified, so a passage the draft writes well (a list, a repeated name)
 * lengthens the drafts and one it cannot follow shortens them within a few batches.
 */
export class DraftLength {
  private rate: number;
  private current: number;

  constructor(
    readonly limits: DraftLengthLimits = DEFAULT_DRAFT_LENGTH,
    /** Weight of the latest batch in the moving average. */
    private readonly weight = 0.3,
    initialRate = 0.7,
  ) {
    if (!(limits.min >= 0 && limits.max >= Math.max(1, limits.min))) throw new RangeError(`bad draft limits ${limits.min}..${limits.max}`);
    this.rate = initialRate;
    this.current = this.fromRate();
  }

  /** Tokens to draft now. */
  get length(): number {
    return this.current;
  }

  /** The moving average of the accepted share. */
  get acceptance(): number {
    return this.rate;
  }

  /** One verified batch: `accepted` of `drafted` draft tokens were accepted. */
  update(drafted: number, accepted: number): number {
    if (drafted <= 0) return this.current;
    const share = Math.min(1, Math.max(0, accepted / drafted));
    this.rate = (1 - this.weight) * this.rate + this.weight * share;
    this.current = this.fromRate();
    return this.current;
  }

  private fromRate(): number {
    const run = this.rate >= 0.999 ? Infinity : this.rate / (1 - this.rate);
    return Math.min(this.limits.max, Math.max(this.limits.min, Math.ceil(run)));
  }
}
