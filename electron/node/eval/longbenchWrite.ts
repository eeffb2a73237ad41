// A LongBench-Write run on a loaded model: the prompts from the data file (resuming where a run
// stopped), written `parallel` at a time, scored for length and by the judge, written to the results
// and the official pred.jsonl in prompt order, and summed up.
import type { GenerationMode } from "../../common/api/generation";
import { dimensionLabel, QUALITY_DIMENSIONS } from "../../common/metrics/quality";
import type { ModelService } from "../models/service";
import { readPrompts, type EvalTask } from "./dataset";
import { DraftlineGenerator, RawPromptGenerator, type Generator } from "./generators";
import { HttpJudge, LocalJudge, type Judge } from "./judge";
import { EvalProgress, type ProgressIO } from "./progress";
import { countRecords, ResultFiles, summarize, BUCKETS, type EvalRecord, type EvalSummary, type RunInfo } from "./results";
import { runEval } from "./runner";

/** Where a run's files go: the results, the official pred.jsonl and the summary, beside each other. */
export function resultPaths(out: string, pred?: string, summary?: string): { out: string; pred: string; summary: string } {
  const base = out.replace(/\.jsonl?$/, "");
  return { out, pred: pred ?? `${base}.pred.jsonl`, summary: summary ?? `${base}.summary.json` };
}

export type JudgeSpec = { kind: "local" } | { kind: "server"; url: string; model?: string; apiKey?: string; timeoutMs?: number };

/**
 * The judge a run asks for. A server is checked first (it answers, takes the key, has the model),
 * so a wrong address fails before hours of writing, not after.
 */
export async function createJudge(spec: JudgeSpec, models: ModelService, signal?: AbortSignal): Promise<Judge> {
  if (spec.kind === "local") return new LocalJudge(() => models.loaded());
  const judge = new HttpJudge({ baseUrl: spec.url, ...(spec.model ? { model: spec.model } : {}), ...(spec.apiKey ? { apiKey: spec.apiKey } : {}), ...(spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {}) });
  const model = await judge.check(signal);
  return model && !spec.model ? new HttpJudge({ baseUrl: spec.url, model, ...(spec.apiKey ? { apiKey: spec.apiKey } : {}), ...(spec.timeoutMs ? { timeoutMs: spec.timeoutMs } : {}) }) : judge;
}

export interface LongBenchWriteRun {
  models: ModelService;
  data: string;
  limit?: number | undefined;
  /** The first prompt to write (1-based), or "resume": the one after the last in the results. */
  from: number | "resume";
  files: { out: string; pred: string; summary: string };
  mode?: GenerationMode | undefined;
  rawPrompt: boolean;
  maxTokens?: number | undefined;
  parallel: number;
  judge?: Judge | undefined;
  /** For the summary: the model, where it runs, its context and sampling. */
  info: Pick<RunInfo, "model" | "device" | "contextSize" | "sampling">;
  io: ProgressIO;
  signal: AbortSignal;
}

export interface LongBenchWriteResult {
  summary: EvalSummary;
  /** Prompts written in this run, and in the results altogether. */
  written: number;
  total: number;
  interrupted: boolean;
  /** The first prompt not in the results (for --from), when the run stopped short. */
  resumeAt: number | null;
}

export class EvalSetupError extends Error {
  override name = "EvalSetupError";
}

export async function runLongBenchWrite(run: LongBenchWriteRun): Promise<LongBenchWriteResult> {
  const all = (await readPrompts(run.data)).slice(0, run.limit ?? Infinity);
  const from = run.from === "resume" ? (await countRecords(run.files.out)) + 1 : run.from;
  if (from > all.length + (run.from === "resume" ? 1 : 0)) throw new EvalSetupError(`--from ${from} is past the last prompt (${all.length}).`);
  const files = new ResultFiles(run.files.out, run.files.pred);
  const earlier = await files.start(from - 1);
  const tasks: EvalTask[] = all.slice(from - 1).map((prompt, i) => ({ index: from + i, prompt }));
  const generator: Generator = run.rawPrompt ? new RawPromptGenerator(() => run.models.loaded(), run.maxTokens) : new DraftlineGenerator(() => run.models.loaded(), run.mode);
  const progress = new EvalProgress(run.io, all.length, earlier);
  const records: EvalRecord[] = [...earlier];
  const started = Date.now();
  let result;
  try {
    result = await runEval({
      tasks,
      parallel: run.parallel,
      generator,
      judge: run.judge,
      listener: progress,
      signal: run.signal,
      commit: async (item) => {
        await files.append(item.record, item.pred);
        records.push(item.record);
      },
    });
  } finally {
    progress.end();
    await generator.shutdown();
  }
  const summary = summarize(records, {
    ...run.info,
    prompting: generator.prompting,
    mode: run.rawPrompt ? null : (run.mode ?? null),
    parallel: run.parallel,
    ...(run.judge ? { judge: { description: run.judge.description, note: run.judge.note } } : {}),
    seconds: (Date.now() - started) / 1000,
  });
  const interrupted = result.interrupted;
  return { summary, written: result.committed, total: all.length, interrupted, resumeAt: interrupted ? records.length + 1 : null };
}

/** The summary for the terminal: S_l, S_q and the total, per bucket, and the judge's failures. */
export function formatSummary(s: EvalSummary, files: { out: string; pred: string; summary: string }): string {
  const lines: string[] = [];
  const q = s.quality;
  lines.push(`LongBench-Write over ${s.items} prompts (${s.prompting === "raw" ? "the benchmark's prompts sent unchanged" : `Draftline's prompting${s.mode ? `, ${s.mode} mode` : ""}`}):`);
  lines.push(`  length score S_l ${s.score === null ? "—" : s.score.toFixed(2)}${q?.score !== undefined ? `   quality score S_q ${q.score.toFixed(2)}   total ${s.total?.toFixed(2)}` : ""}`);
  for (const b of BUCKETS) {
    const e = s.buckets[b];
    lines.push(`  ${b.padEnd(7)} ${String(e.items).padStart(4)} prompts  S_l ${e.score === null ? "   —  " : e.score.toFixed(2).padStart(6)}${q ? `  S_q ${e.quality ? e.quality.score.toFixed(2).padStart(6) : "   —  "}` : ""}`);
  }
  if (s.lowest) lines.push(`  lowest S_l ${s.lowest.score.toFixed(2)} (prompt ${s.lowest.index})`);
  if (s.unfinishedPlans.length > 0) {
    lines.push(`${s.unfinishedPlans.length} of ${s.items} documents ended with a planned section unwritten:`);
    for (const u of s.unfinishedPlans.slice(0, 10)) lines.push(`  prompt ${u.index}: ${u.sections.map((t) => `'${t}'`).join(", ")}`);
    if (s.unfinishedPlans.length > 10) lines.push(`  … and ${s.unfinishedPlans.length - 10} more (see the results file)`);
  }
  if (q) {
    lines.push(`Judge: ${q.judge}; ${q.judged} of ${s.items} judged${q.failed.length ? `, ${q.failed.length} without scores` : ""}; ${q.malformedAnswers} malformed answers asked again, ${q.failedRequests} failed requests.`);
    if (q.note) lines.push(`Note: ${q.note}.`);
    if (q.dimensions) lines.push(`  ${QUALITY_DIMENSIONS.map((d) => `${dimensionLabel(d)} ${q.dimensions![d].toFixed(1)}`).join(" · ")}`);
    for (const f of q.failed.slice(0, 10)) lines.push(`  no scores for prompt ${f.index}: ${f.error}`);
    if (q.failed.length > 10) lines.push(`  … and ${q.failed.length - 10} more (see the results file)`);
  }
  lines.push(`Results: ${files.out}\nPredictions (the official pred.jsonl format): ${files.pred}\nSummary: ${files.summary}`);
  return lines.join("\n");
}
