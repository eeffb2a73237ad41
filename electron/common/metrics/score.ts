/**
 * The LongBench-Write length score S_l of a text of `produced` words against `required` words:
 * 100 at an exact match, falling linearly to 0 at 4x the required length (over) and at a third of it
 * (under), computed with the same operations as the official script so the floats are equal. A text of
 * no words scores 0 (the official script divides by zero there). `required` must be a positive number
 * and `produced` a non-negative one, or a RangeError is thrown.
 */
export function lengthScore(required: number, produced: number): number {
  if (!Number.isFinite(required) || required <= 0) throw new RangeError(`The required length must be a positive number, not ${required}.`);
  if (!Number.isFinite(produced) || produced < 0) throw new RangeError(`The produced length must be a non-negative number, not ${produced}.`);
  if (produced === 0) return 0;
  if (produced > required) return 100 * Math.max(0, 1 - (produced / required - 1) / 3);
  return 100 * Math.max(0, 1 - (required / produced - 1) / 2);
}

/** The benchmark score of several (required, produced) pairs: the plain mean of their length scores. */
export function meanLengthScore(pairs: ReadonlyArray<{ required: number; produced: number }>): number {
  if (pairs.length === 0) return 0;
  let sum = 0;
  for (const { required, produced } of pairs) sum += lengthScore(required, produced);
  return sum / pairs.length;
}

/** The length buckets of the published per-range tables: [0, 500), [500, 2k), [2k, 4k), [4k, 20k]. */
export type LengthBucket = "0-500" | "500-2k" | "2k-4k" | "4k-20k";

/** The published length bucket of a required length. */
export function lengthBucket(required: number): LengthBucket {
  if (required < 500) return "0-500";
  if (required < 2000) return "500-2k";
  if (required < 4000) return "2k-4k";
  return "4k-20k";
}
