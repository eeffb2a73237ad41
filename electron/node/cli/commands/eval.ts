import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { compareRuns, readRun } from "../../eval/compare";
import { DatasetError } from "../../eval/dataset";
import { createJudge, EvalSetupError, formatSummary, resultPaths, runLongBenchWrite, type JudgeSpec } from "../../eval/longbenchWrite";
import { ResultsError } from "../../eval/results";
import { createModelService } from "../../app/models";
import { CliError, UsageError, type CliIO, type Command } from "../command";
import { describeFsError, writeLine } from "../io";
import { describeLoadedContext, describeSampling, draftSetting, engineSettings, loadForCommand, MODEL_OPTIONS, modelSource, parseMode, parseSampling, positiveInt } from "./write";

const USAGE = [
  "Usage: draftline eval longbench-write (--model M | --server URL) --data FILE [options]",
  "       draftline eval compare RESULTS_A.jsonl RESULTS_B.jsonl",
  "",
  "longbench-write runs the LongBench-Write prompts and scores each response the way the official",
  "evaluation does: its length (S_l) and, with --judge, its quality (S_q: a judge model rates six",
  "dimensions), per length bucket and overall, and the total (S_l + S_q) / 2.",
  "",
  "  --data FILE          the prompts, one JSON object a line: {prompt, type, length}",
  "                       (LongBench-Write's longbench_write.jsonl)",
  "  --limit N            only the first N prompts",
  "  --from N             start at prompt N (1-based), keeping the first N-1 results: resumes a run",
  "  --resume             go on after the last prompt in --out (a new run when there is none)",
  "  --parallel N         write N prompts at once (needs --server; default 1)",
  "  --mode MODE          native | prompted | orchestrated | agentwrite | direct | think-answer",
  "                       (default: the model's catalog profile)",
  "  --raw-prompt         send the benchmark's prompt unchanged as one user message and take the",
  "                       answer as it is (as the official pred.py), instead of Draftline's prompting",
  "  --max-tokens N       with --raw-prompt: most tokens of an answer (default: until the context is full)",
  "  --judge URL|local    score quality with a judge: an OpenAI-compatible server (/v1/chat/completions:",
  "                       llama-server, vLLM, a hosted endpoint), or 'local': the loaded model itself",
  "                       (comparable only with itself)",
  "  --judge-model NAME   the judge's model name (default: the server's first)",
  "  --judge-api-key K    the judge's API key",
  "  --judge-timeout S    seconds a judge request may take (default 600)",
  "  --context N|auto     the context window in tokens (default: the model's recommended context,",
  "                       as much as fits), --kv-cache f16|q8_0|q4_0, --flash-attention on|off",
  "  --threads N          CPU threads",
  "  --draft-model D      speculative decoding with a draft model (a GGUF or catalog id; see write)",
  "  --temperature T, --top-p P, --min-p P, --presence-penalty P, --frequency-penalty P, --seed N",
  "                       sampling (default: the catalog's values, else temperature 0.7, top-p 0.9,",
  "                       min-p 0.05)",
  "  --out FILE           per-item results, one JSON object a line (default: eval-longbench-write.jsonl)",
  "  --pred FILE          the responses in the official pred.jsonl format (default: beside --out, .pred.jsonl)",
  "  --summary FILE       the summary as JSON (default: beside --out, .summary.json)",
  "",
  "compare prints two runs side by side on the prompts both ran: S_l, S_q and each quality dimension",
  "per bucket, and the differences item by item.",
].join("\n");

function parseJudge(values: { judge?: string | undefined; "judge-model"?: string | undefined; "judge-api-key"?: string | undefined; "judge-timeout"?: string | undefined }): JudgeSpec | undefined {
  const { judge } = values;
  if (judge === undefined) {
    if (values["judge-model"] || values["judge-api-key"] || values["judge-timeout"]) throw new UsageError("--judge-model, --judge-api-key and --judge-timeout go with --judge URL.");
    return undefined;
  }
  if (judge === "local") {
    if (values["judge-model"] || values["judge-api-key"]) throw new UsageError("--judge local uses the loaded model: --judge-model and --judge-api-key go with --judge URL.");
    return { kind: "local" };
  }
  let url: URL;
  try {
    url = new URL(judge);
  } catch {
    throw new UsageError(`--judge must be a server's URL such as http://127.0.0.1:8081, or 'local', not '${judge}'.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new UsageError(`--judge must be an http or https URL, not '${judge}'.`);
  const timeout = positiveInt("judge-timeout", values["judge-timeout"], 86_400);
  return {
    kind: "server",
    url: judge,
    ...(values["judge-model"] ? { model: values["judge-model"] } : {}),
    ...(values["judge-api-key"] ? { apiKey: values["judge-api-key"] } : {}),
    ...(timeout ? { timeoutMs: timeout * 1000 } : {}),
  };
}

async function compare(argv: string[], io: CliIO): Promise<number> {
  if (argv.length !== 2) throw new UsageError("Name two results files: draftline eval compare RESULTS_A.jsonl RESULTS_B.jsonl");
  try {
    const [a, b] = await Promise.all(argv.map((f) => readRun(path.resolve(io.cwd, f))));
    writeLine(io.stdout, compareRuns(a!, b!));
  } catch (error) {
    if (error instanceof ResultsError) throw new CliError(error.message);
    throw error;
  }
  return 0;
}

async function longbenchWrite(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...MODEL_OPTIONS,
      data: { type: "string" },
      limit: { type: "string" },
      from: { type: "string" },
      resume: { type: "boolean" },
      parallel: { type: "string" },
      "raw-prompt": { type: "boolean" },
      "max-tokens": { type: "string" },
      judge: { type: "string" },
      "judge-model": { type: "string" },
      "judge-api-key": { type: "string" },
      "judge-timeout": { type: "string" },
      out: { type: "string" },
      pred: { type: "string" },
      summary: { type: "string" },
    },
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument '${positionals[0]}'.`);
  if (!values.data) throw new UsageError("--data FILE is required: the LongBench-Write prompts (longbench_write.jsonl).");
  const mode = parseMode(values.mode);
  const rawPrompt = Boolean(values["raw-prompt"]);
  if (rawPrompt && mode) throw new UsageError("--raw-prompt sends the benchmark's prompt as it is: it takes no --mode.");
  const maxTokens = positiveInt("max-tokens", values["max-tokens"], 1_048_576);
  if (maxTokens !== undefined && !rawPrompt) throw new UsageError("--max-tokens goes with --raw-prompt (the controller sets its own limits).");
  const limit = positiveInt("limit", values.limit);
  if (values.resume && values.from !== undefined) throw new UsageError("Give --from N or --resume, not both.");
  const from = values.resume ? "resume" : (positiveInt("from", values.from) ?? 1);
  const parallel = positiveInt("parallel", values.parallel, 256) ?? 1;
  const settings = engineSettings(values);
  const sampling = parseSampling(values);
  const source = modelSource(values, io);
  if (parallel > 1 && source.kind !== "server") throw new UsageError("--parallel needs a server (--server URL): the embedded engine writes one document at a time.");
  const judgeSpec = parseJudge(values);
  const files = resultPaths(path.resolve(io.cwd, values.out ?? "eval-longbench-write.jsonl"), values.pred ? path.resolve(io.cwd, values.pred) : undefined, values.summary ? path.resolve(io.cwd, values.summary) : undefined);

  const models = createModelService({ env: io.env, emitState: () => {}, emitDownload: () => {} });
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  try {
    const judge = judgeSpec ? await createJudge(judgeSpec, models).catch((error: Error) => Promise.reject(new CliError(error.message))) : undefined;
    const state = await loadForCommand(models, source, { ...settings, ...draftSetting(values, io) }, sampling, mode !== undefined || rawPrompt);
    io.stderr.write(`${state.model?.name} on ${state.device}, ${describeLoadedContext(state)}; ${describeSampling(state.sampling)}; ${rawPrompt ? "the benchmark's prompts unchanged" : "Draftline's prompting"}${parallel > 1 ? `; ${parallel} at a time` : ""}${judge ? `; judge ${judge.description}` : ""}\n`);
    if (judge?.note) io.stderr.write(`Note: ${judge.note}.\n`);
    await mkdir(path.dirname(files.out), { recursive: true }).catch((error: unknown) => {
      throw new CliError(`Cannot create the folder of ${files.out}: ${describeFsError(error)}.`);
    });
    process.once("SIGINT", onSignal);
    const result = await runLongBenchWrite({
      models,
      data: path.resolve(io.cwd, values.data),
      limit,
      from,
      files,
      mode,
      rawPrompt,
      maxTokens,
      parallel,
      judge,
      info: { model: state.model?.name, device: state.device ?? undefined, contextSize: state.model?.contextSize, sampling: describeSampling(state.sampling) },
      io,
      signal: stop.signal,
    });
    await writeFile(files.summary, JSON.stringify(result.summary, null, 2) + "\n");
    writeLine(io.stdout, formatSummary(result.summary, files));
    if (result.interrupted) {
      writeLine(io.stderr, `Stopped: ${result.summary.items} of ${result.total} prompts are in the results. Go on with --resume (or --from ${result.resumeAt}).`);
      return 130;
    }
    return 0;
  } catch (error) {
    if (error instanceof DatasetError || error instanceof ResultsError || error instanceof EvalSetupError) throw new CliError(error.message);
    throw error;
  } finally {
    process.off("SIGINT", onSignal);
    await models.shutdown();
  }
}

export const evalCommand: Command = {
  name: "eval",
  summary: "Score length and quality on LongBench-Write; compare two runs",
  usage: USAGE,
  async run(argv, io) {
    const [benchmark, ...rest] = argv;
    if (benchmark === "compare") return compare(rest, io);
    if (benchmark !== "longbench-write") throw new UsageError("What to run: draftline eval longbench-write … or draftline eval compare A B");
    return longbenchWrite(rest, io);
  },
};
