// The manuscript report's requests. The report's figures (words against budgets, repetition, stock
// phrases) are computed from the manuscript in electron/common/report, by the window itself; the back
// end keeps the writer's stock-phrase list and judge, and asks the judge.
import { z } from "zod";
import { QUALITY_DIMENSIONS, type QualityDimension } from "../metrics/quality";
import { STOCK_PHRASE_LIMITS } from "../report/report";
import { request } from "./define";

const perDimension = <T extends z.ZodType>(value: T) => z.object(Object.fromEntries(QUALITY_DIMENSIONS.map((d) => [d, value])) as Record<QualityDimension, T>);

export const stockPhrasesSchema = z.array(z.string().max(STOCK_PHRASE_LIMITS.length * 4)).max(STOCK_PHRASE_LIMITS.phrases * 2);

/** The judge the report asks: an OpenAI-compatible server, or the loaded model. */
export const judgeSettingsSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("server"),
    url: z.string().url().max(2000),
    model: z.string().max(200).nullable(),
    /** Whether an API key is set; the key itself never comes back. */
    hasApiKey: z.boolean(),
  }),
  z.object({ kind: z.literal("local") }),
]);
export type JudgeSettings = z.infer<typeof judgeSettingsSchema>;

export const reportSettingsSchema = z.object({
  stockPhrases: z.array(z.string()),
  judge: judgeSettingsSchema.nullable(),
});
export type ReportSettings = z.infer<typeof reportSettingsSchema>;

/** A change of the judge: the key is kept when left out, cleared with null (it is kept for this session only). */
const judgeChangeSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("server"), url: z.string().url().max(2000), model: z.string().max(200).nullable().optional(), apiKey: z.string().max(1000).nullable().optional() }).strict(),
    z.object({ kind: z.literal("local") }).strict(),
  ])
  .nullable();

export const judgeReportSchema = z.object({
  /** The judge, as the summary names it. */
  judge: z.string(),
  note: z.string().nullable(),
  /** The six scores, 1 to 5; null when no readable answer came (see error). */
  scores: perDimension(z.number().min(1).max(5)).nullable(),
  /** The same on the benchmark's 0-100 scale ((score − 1) × 25), and their mean S_q. */
  dimensions: perDimension(z.number().min(0).max(100)).nullable(),
  score: z.number().min(0).max(100).nullable(),
  analysis: z.string().nullable(),
  attempts: z.number().int().nonnegative(),
  malformed: z.number().int().nonnegative(),
  error: z.string().nullable(),
});
export type JudgeReport = z.infer<typeof judgeReportSchema>;

export const reportRequests = {
  "report.settings": request("The stock phrases the report looks for, and the judge it asks.", z.object({}).strict(), reportSettingsSchema),
  "report.setSettings": request(
    "Changes the stock-phrase list (cleaned: trimmed, repeats left out) and/or the judge; null removes the judge.",
    z.object({ stockPhrases: stockPhrasesSchema.optional(), judge: judgeChangeSchema.optional() }).strict(),
    reportSettingsSchema,
  ),
  "report.judge": request(
    "Asks the judge to score the document on LongBench-Write's six quality dimensions; failures come back in `error`.",
    z.object({ projectId: z.string().min(1).max(100) }).strict(),
    judgeReportSchema,
  ),
} as const;
