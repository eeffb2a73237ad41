// LongBench-Write's quality score S_q: a judge model rates a response on six dimensions, 1 to 5 each,
// and the official evaluation (THUDM/LongWriter, evaluation/eval_quality.py) maps each dimension's mean
// to 0-100 as (mean - 1) * 25 and averages the six. The total of the benchmark is (S_l + S_q) / 2.
// These are the facts of that script restated; parsing a judge's answer follows its steps too (a
// ```json fence is unwrapped, line breaks removed, the object parsed, all six dimensions required).

/** The six dimensions, spelled as the judge prompt asks the judge to name them in its JSON. */
export const QUALITY_DIMENSIONS = ["Relevance", "Accuracy", "Coherence", "Clarity", "Breadth and Depth", "Reading Experience"] as const;
export type QualityDimension = (typeof QUALITY_DIMENSIONS)[number];

/** A judge's scores of one response: 1 to 5 for each dimension. */
export type DimensionScores = Record<QualityDimension, number>;

export type JudgeAnswer = { ok: true; scores: DimensionScores; analysis: string | null } | { ok: false; reason: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return isObject(value) ? value : null;
  } catch {
    return null;
  }
}

/**
 * Reads a judge's answer. As the official script: the JSON inside a ```json fence when there is one,
 * line breaks removed, then parsed. When that is not a JSON object, the text from its first `{` to its
 * last `}` is tried (a judge that writes a sentence before its JSON). Every dimension must be there
 * with a number from 1 to 5 (a number or a numeric string, as Python's float() reads it); anything else
 * is a malformed answer, which the caller asks again for.
 */
export function parseJudgeAnswer(text: string): JudgeAnswer {
  let body = text;
  if (body.includes("```json")) {
    const fenced = /```json\n([\s\S]*?)\n```/.exec(body);
    if (!fenced) return { ok: false, reason: "a ```json block that is not closed" };
    body = fenced[1]!;
  }
  body = body.replace(/\r?\n/g, "");
  let data = parseObject(body);
  if (!data) {
    const start = body.indexOf("{");
    const end = body.lastIndexOf("}");
    if (start >= 0 && end > start) data = parseObject(body.slice(start, end + 1));
  }
  if (!data) return { ok: false, reason: "no JSON object" };
  const scores = {} as DimensionScores;
  for (const dimension of QUALITY_DIMENSIONS) {
    const raw = data[dimension];
    if (raw === undefined) return { ok: false, reason: `no "${dimension}" score` };
    const value = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
    if (!Number.isFinite(value) || value < 1 || value > 5) return { ok: false, reason: `"${dimension}" is ${JSON.stringify(raw)}, not a score from 1 to 5` };
    scores[dimension] = value;
  }
  const analysis = typeof data.Analysis === "string" ? data.Analysis : data.Analysis === undefined ? null : JSON.stringify(data.Analysis);
  return { ok: true, scores, analysis };
}

/** A dimension's mean judge score on the benchmark's 0-100 scale: (mean - 1) * 25. */
export function dimensionScore(scores: readonly number[]): number {
  if (scores.length === 0) throw new RangeError("A dimension's score needs at least one judged response.");
  let sum = 0;
  for (const s of scores) sum += s;
  return (sum / scores.length - 1) * 25;
}

export interface QualityScore {
  /** Each dimension on the 0-100 scale. */
  dimensions: Record<QualityDimension, number>;
  /** S_q: the mean of the six. */
  score: number;
  /** How many judged responses it is over. */
  items: number;
}

/** S_q over judged responses, as the official script computes it; null when none was judged. */
export function qualityScore(judged: ReadonlyArray<DimensionScores>): QualityScore | null {
  if (judged.length === 0) return null;
  const dimensions = {} as Record<QualityDimension, number>;
  let sum = 0;
  for (const d of QUALITY_DIMENSIONS) {
    dimensions[d] = dimensionScore(judged.map((s) => s[d]));
    sum += dimensions[d];
  }
  return { dimensions, score: sum / QUALITY_DIMENSIONS.length, items: judged.length };
}

/** The benchmark's total: the mean of the length score and the quality score. */
export function totalScore(lengthScore: number, quality: number): number {
  return (lengthScore + quality) / 2;
}

/** A short name for a dimension in tables ("Breadth and Depth" → "breadth"). */
export function dimensionLabel(d: QualityDimension): string {
  switch (d) {
    case "Breadth and Depth":
      return "breadth";
    case "Reading Experience":
      return "reading";
    default:
      return d.toLowerCase();
  }
}
