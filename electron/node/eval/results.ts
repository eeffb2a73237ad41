// What an evaluation writes: per-item records (Draftline's: scores, status, tokens, the judge's
// verdict), the official pred.jsonl ({prompt, type, length, response, response_length}, the file
// LongWriter's eval_length.py and eval_quality.py read), and a summary. Both line files are written in
// prompt order, so a run that stops leaves a prefix of each, and a resumed run truncates both to the
// same prefix and appends.
import { appendFile, readFile, writeFile } from "node:fs/promises";
import { z } from "zod";
import { QUALITY_DIMENSIONS, qualityScore, totalScore, type DimensionScores, type QualityDimension } from "../../common/metrics/quality";
import { lengthBucket, type LengthBucket } from "../../common/metrics/score";
import type { EvalPrompt } from "./dataset";
import type { JudgeOutcome } from "./judge";

export const BUCKETS: readonly LengthBucket[] = ["0-500", "500-2k", "2k-4k", "4k-20k"];

const scoresSchema = z.object(Object.fromEntries(QUALITY_DIMENSIONS.map((d) => [d, z.number()])) as Record<QualityDimension, z.ZodNumber>);

export const judgeRecordSchema = z.object({
  scores: scoresSchema.nullable(),
  attempts: z.number().int().nonnegative(),
  malformed: z.number().int().nonnegative(),
  failedRequests: z.number().int().nonnegative().default(0),
  error: z.string().nullable(),
});
export type JudgeRecord = z.infer<typeof judgeRecordSchema>;

/** One line of the results file. Fields written by older versions are kept as they are. */
export const evalRecordSchema = z.looseObject({
  index: z.number().int().positive(),
  type: z.string().nullable().optional(),
  required: z.number().int().positive(),
  produced: z.number().int().nonnegative(),
  score: z.number().min(0).max(100),
  bucket: z.enum(["0-500", "500-2k", "2k-4k", "4k-20k"]),
  status: z.string(),
  error: z.string().nullable().optional(),
  seconds: z.number().nonnegative().optional(),
  /** The planned sections the document ended without (Draftline's controller only). */
  unwrittenSections: z.array(z.string()).optional(),
  judge: judgeRecordSchema.optional(),
});
export type EvalRecord = z.infer<typeof evalRecordSchema>;

/** A line of the official pred.jsonl. */
export interface PredLine {
  prompt: string;
  type?: string;
  length: number;
  response: string;
  response_length: number;
}

export function predLine(prompt: EvalPrompt, response: string, responseLength: number): PredLine {
  return { prompt: prompt.prompt, ...(prompt.type !== undefined ? { type: prompt.type } : {}), length: prompt.length, response, response_length: responseLength };
}

export function judgeRecord(outcome: JudgeOutcome): JudgeRecord {
  return { scores: outcome.scores, attempts: outcome.attempts, malformed: outcome.malformed, failedRequests: outcome.failedRequests, error: outcome.error };
}

/** A results file that cannot be read back; the message says which line. */
export class ResultsError extends Error {
  override name = "ResultsError";
}

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.trim() !== "");
}

async function readText(file: string, what: string): Promise<string | null> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new ResultsError(`Cannot read the ${what} ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Parses a results file's records, saying which line is not one. */
export function parseRecords(text: string, file: string): EvalRecord[] {
  return lines(text).map((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new ResultsError(`${file} line ${i + 1} is not JSON.`);
    }
    const record = evalRecordSchema.safeParse(value);
    if (!record.success) throw new ResultsError(`${file} line ${i + 1} is not an evaluation result: ${record.error.issues[0]?.path.join(".")} ${record.error.issues[0]?.message}`);
    return record.data;
  });
}

export async function readRecords(file: string): Promise<EvalRecord[]> {
  const text = await readText(file, "results");
  if (text === null) throw new ResultsError(`${file} does not exist.`);
  return parseRecords(text, file);
}

/** How many items a results file holds (0 when there is no file): where --resume goes on. */
export async function countRecords(file: string): Promise<number> {
  const text = await readText(file, "results");
  return text === null ? 0 : lines(text).length;
}

/** The two line files of a run, appended to in prompt order. */
export class ResultFiles {
  constructor(
    readonly out: string,
    readonly pred: string,
  ) {}

  /**
   * Starts the files: empty for a new run; for a run resumed after `keep` items, both cut to their
   * first `keep` lines (what follows is written again) and checked to belong together. Resolves to
   * the kept records.
   */
  async start(keep: number): Promise<EvalRecord[]> {
    if (keep === 0) {
      await this.write(this.out, "");
      await this.write(this.pred, "");
      return [];
    }
    const outText = await readText(this.out, "results");
    if (outText === null) throw new ResultsError(`Cannot resume: ${this.out} does not exist.`);
    const records = parseRecords(outText, this.out).slice(0, keep);
    if (records.length < keep) throw new ResultsError(`Cannot resume at prompt ${keep + 1}: ${this.out} holds only ${records.length} results.`);
    const predText = await readText(this.pred, "predictions");
    const preds = predText === null ? [] : lines(predText).slice(0, keep);
    if (preds.length < keep) throw new ResultsError(`Cannot resume at prompt ${keep + 1}: ${this.pred} holds only ${preds.length} responses (the results hold ${records.length}).`);
    preds.forEach((line, i) => {
      const length = (JSON.parse(line) as { length?: unknown }).length;
      if (length !== records[i]!.required) throw new ResultsError(`Cannot resume: line ${i + 1} of ${this.pred} (length ${String(length)}) does not match line ${i + 1} of ${this.out} (${records[i]!.required}).`);
    });
    await this.write(this.out, records.map((r) => JSON.stringify(r) + "\n").join(""));
    await this.write(this.pred, preds.map((l) => l + "\n").join(""));
    return records;
  }

  async append(record: EvalRecord, pred: PredLine): Promise<void> {
    await this.write(this.pred, JSON.stringify(pred) + "\n", true);
    await this.write(this.out, JSON.stringify(record) + "\n", true);
  }

  /** Writes (or appends to) one of the files; a failure says which file and why. */
  private async write(file: string, text: string, append = false): Promise<void> {
    try {
      await (append ? appendFile(file, text) : writeFile(file, text));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "ENOSPC" ? "the disk is full" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "ENOENT" ? "its folder does not exist" : code === "ENOTDIR" ? "a part of its path is a file, not a folder" : error instanceof Error ? error.message : String(error);
      throw new ResultsError(`Cannot write ${file}: ${why}.`, { cause: error });
    }
  }
}

// ---- the summary --------------------------------------------------------------------------------

export interface QualitySummary {
  score: number;
  dimensions: Record<QualityDimension, number>;
}

export interface BucketSummary {
  items: number;
  /** S_l of the bucket. */
  score: number | null;
  /** Items the judge scored, and their S_q and dimensions. */
  judged: number;
  quality: QualitySummary | null;
}

export interface JudgeSummary extends Partial<QualitySummary> {
  judge: string;
  note: string | null;
  judged: number;
  /** Items with no scores, and why. */
  failed: { index: number; error: string }[];
  malformedAnswers: number;
  failedRequests: number;
}

export interface RunInfo {
  model?: string | undefined;
  device?: string | undefined;
  contextSize?: number | undefined;
  /** "draftline": the controller with Draftline's prompts; "raw": the benchmark prompt sent unchanged. */
  prompting: "draftline" | "raw";
  mode: string | null;
  parallel: number;
  sampling?: string;
  judge?: { description: string; note: string | null };
  seconds: number;
}

export interface EvalSummary extends Omit<RunInfo, "judge"> {
  benchmark: "longbench-write";
  items: number;
  /** S_l over every item. */
  score: number | null;
  /** The lowest S_l of an item, and which. */
  lowest: { index: number; score: number } | null;
  /** Items that ended with a planned section unwritten (checked where the generator reports it). */
  unfinishedPlans: { index: number; sections: string[] }[];
  buckets: Record<LengthBucket, BucketSummary>;
  /** S_q, when a judge scored any item (or was asked to). */
  quality: JudgeSummary | null;
  /** (S_l + S_q) / 2, when both exist. */
  total: number | null;
}

const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);

function quality(records: EvalRecord[]): QualitySummary | null {
  const q = qualityScore(records.flatMap((r) => (r.judge?.scores ? [r.judge.scores as DimensionScores] : [])));
  return q ? { score: q.score, dimensions: q.dimensions } : null;
}

/** The summary of a run's records: S_l, S_q with its dimensions, per bucket and overall, and the total. */
export function summarize(records: EvalRecord[], info: RunInfo): EvalSummary {
  const buckets = Object.fromEntries(
    BUCKETS.map((b) => {
      const inBucket = records.filter((r) => r.bucket === b);
      return [b, { items: inBucket.length, score: mean(inBucket.map((r) => r.score)), judged: inBucket.filter((r) => r.judge?.scores).length, quality: quality(inBucket) }];
    }),
  ) as Record<LengthBucket, BucketSummary>;
  const judgedAny = records.some((r) => r.judge !== undefined);
  const overall = quality(records);
  const lengthScore = mean(records.map((r) => r.score));
  const { judge, ...run } = info;
  const summary: EvalSummary = {
    benchmark: "longbench-write",
    ...run,
    items: records.length,
    score: lengthScore,
    lowest: records.reduce<{ index: number; score: number } | null>((low, r) => (low === null || r.score < low.score ? { index: r.index, score: r.score } : low), null),
    unfinishedPlans: records.flatMap((r) => (r.unwrittenSections && r.unwrittenSections.length > 0 ? [{ index: r.index, sections: r.unwrittenSections }] : [])),
    buckets,
    quality:
      judge || judgedAny
        ? {
            judge: judge?.description ?? "unknown",
            note: judge?.note ?? null,
            judged: records.filter((r) => r.judge?.scores).length,
            failed: records.filter((r) => r.judge && !r.judge.scores).map((r) => ({ index: r.index, error: r.judge?.error ?? "no scores" })),
            malformedAnswers: records.reduce((n, r) => n + (r.judge?.malformed ?? 0), 0),
            failedRequests: records.reduce((n, r) => n + (r.judge?.failedRequests ?? 0), 0),
            ...(overall ?? {}),
          }
        : null,
    total: lengthScore !== null && overall ? totalScore(lengthScore, overall.score) : null,
  };
  return summary;
}

/** The required length's bucket, re-exported for the runner. */
export { lengthBucket };
