// Runs an evaluation's prompts, `parallel` at a time: each worker takes the next prompt, has it
// written, scores its length, has the judge score it, and hands the item on. Items are committed in
// prompt order (one that finishes early waits for those before it), so the results on disk are always
// the first N prompts and a stopped run resumes from the first one missing.
import { lengthBucket, lengthScore } from "../../common/metrics/score";
import { countLongBenchWords } from "../../common/metrics/words";
import type { EvalTask } from "./dataset";
import type { Generated, Generator } from "./generators";
import type { Judge } from "./judge";
import { judgeRecord, predLine, type EvalRecord, type PredLine } from "./results";

export interface CompletedItem {
  record: EvalRecord;
  pred: PredLine;
}

/** What the runner reports while it runs (the progress bar). */
export interface RunListener {
  started?(task: EvalTask): void;
  words?(task: EvalTask, words: number): void;
  note?(task: EvalTask, note: string): void;
  judging?(task: EvalTask): void;
  /** An item is written, scored and judged (called in the order items finish). */
  finished?(item: CompletedItem): void;
}

export interface RunOptions {
  tasks: readonly EvalTask[];
  parallel: number;
  generator: Generator;
  judge?: Judge | undefined;
  /** Stores an item; called once per item, in prompt order, one at a time. */
  commit(item: CompletedItem): Promise<void>;
  listener?: RunListener;
  /** Stops the run: the items being written are stopped and not committed. */
  signal?: AbortSignal;
}

export interface RunResult {
  committed: number;
  /** True when the signal stopped the run before every prompt was done. */
  interrupted: boolean;
}

/** Writes, scores and judges one prompt. */
async function runItem(task: EvalTask, options: RunOptions, signal: AbortSignal): Promise<CompletedItem> {
  const listener = options.listener;
  listener?.started?.(task);
  const started = Date.now();
  let generated: Generated;
  try {
    generated = await options.generator.generate(task, { onWords: (w) => listener?.words?.(task, w), onNote: (n) => listener?.note?.(task, n) }, signal);
  } catch (error) {
    generated = { response: "", status: "error", error: error instanceof Error ? error.message : String(error), steps: null, tokensGenerated: 0, tokensDecoded: 0 };
  }
  const seconds = (Date.now() - started) / 1000;
  const p = task.prompt;
  const produced = countLongBenchWords(generated.response);
  const record: EvalRecord = {
    index: task.index,
    type: p.type ?? null,
    required: p.length,
    produced,
    score: lengthScore(p.length, produced),
    bucket: lengthBucket(p.length),
    status: generated.status,
    error: generated.error,
    steps: generated.steps,
    tokensGenerated: generated.tokensGenerated,
    tokensDecoded: generated.tokensDecoded,
    ...(generated.unwrittenSections !== undefined ? { unwrittenSections: generated.unwrittenSections } : {}),
    seconds,
  };
  if (options.judge && !signal.aborted) {
    listener?.judging?.(task);
    record.judge =
      generated.response.trim() === ""
        ? { scores: null, attempts: 0, malformed: 0, failedRequests: 0, error: "the response is empty: nothing to judge" }
        : judgeRecord(await options.judge.judge(p.prompt, generated.response, signal));
  }
  return { record, pred: predLine(p, generated.response, produced) };
}

export async function runEval(options: RunOptions): Promise<RunResult> {
  const tasks = options.tasks;
  const signal = options.signal ?? new AbortController().signal;
  const done = new Map<number, CompletedItem>();
  let next = 0;
  let nextToCommit = 0;
  let committed = 0;
  let commits: Promise<void> = Promise.resolve();
  let commitError: unknown;

  const commitReady = () => {
    commits = commits.then(async () => {
      while (commitError === undefined && done.has(nextToCommit)) {
        const item = done.get(nextToCommit)!;
        done.delete(nextToCommit);
        nextToCommit++;
        try {
          await options.commit(item);
          committed++;
        } catch (error) {
          commitError = error;
        }
      }
    });
    return commits;
  };

  const worker = async () => {
    while (!signal.aborted && commitError === undefined && next < tasks.length) {
      const position = next++;
      const item = await runItem(tasks[position]!, options, signal);
      // An item stopped part way is not a result: a resumed run writes it again.
      if (signal.aborted) return;
      options.listener?.finished?.(item);
      done.set(position, item);
      await commitReady();
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(options.parallel, tasks.length)) }, worker);
  await Promise.all(workers);
  await commits;
  if (commitError !== undefined) throw commitError;
  return { committed, interrupted: committed < tasks.length };
}
