import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { createManuscript } from "../../../common/manuscript/reducer";
import type { Manuscript } from "../../../common/manuscript/types";
import { countLongBenchWords } from "../../../common/metrics/words";
import { detectLanguage } from "../../../common/metrics/language";
import { lengthBucket, lengthScore, type LengthBucket } from "../../../common/metrics/score";
import { MemoryStore } from "../../generation/memoryStore";
import { GenerationService } from "../../generation/service";
import { ModelService } from "../../models/service";
import { CliError, UsageError, type Command } from "../command";
import { describeFsError, writeLine } from "../io";
import { ProgressBar } from "../progress";
import { describeSampling, loadForCommand, MODEL_OPTIONS, modelSource, parseMode, parseSampling, positiveInt } from "./write";

const USAGE = [
  "Usage: draftline eval longbench-write (--model M | --server URL) --data FILE [options]",
  "",
  "Runs the LongBench-Write prompts through the controller and scores the length of each document",
  "the way the official evaluation does (S_l), per length bucket and overall.",
  "",
  "  --data FILE      the prompts, one JSON object a line: {prompt, type, length}",
  "                   (LongBench-Write's longbench_write.jsonl)",
  "  --limit N        only the first N prompts",
  "  --from N         start at prompt N (1-based), appending to --out: resumes an interrupted run",
  "  --mode MODE      native | prompted | orchestrated | agentwrite | direct | think-answer",
  "                   (default: the model's catalog profile)",
  "  --context N      the context window in tokens (default 32768)",
  "  --threads N      CPU threads",
  "  --temperature T, --top-p P, --seed N   sampling (default: the catalog's values)",
  "  --out FILE       per-item results, one JSON object a line (default: eval-longbench-write.jsonl)",
  "  --summary FILE   the summary as JSON (default: beside --out, .summary.json)",
].join("\n");

const item = z.object({ prompt: z.string().min(1), type: z.string().optional(), length: z.number().int().positive() });
type Item = z.infer<typeof item>;

const BUCKETS: LengthBucket[] = ["0-500", "500-2k", "2k-4k", "4k-20k"];

/** Reads the prompts file, saying which line is wrong. */
export async function readPrompts(file: string): Promise<Item[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${describeFsError(error)}`);
  }
  const items: Item[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new CliError(`${path.basename(file)} line ${i + 1} is not JSON.`);
    }
    const checked = item.safeParse(parsed);
    if (!checked.success) throw new CliError(`${path.basename(file)} line ${i + 1} is not a prompt ({prompt, length}): ${checked.error.issues[0]?.message}`);
    items.push(checked.data);
  });
  if (items.length === 0) throw new CliError(`${file} has no prompts.`);
  return items;
}

/** The items an interrupted run already scored (the first `count` lines of its results). */
async function readResults(file: string, count: number): Promise<{ required: number; produced: number; score: number; bucket: LengthBucket }[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`Cannot resume: ${file} cannot be read (${describeFsError(error)}).`);
  }
  const rows = text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as { required: number; produced: number; score: number; bucket: LengthBucket });
  if (rows.length < count) throw new CliError(`Cannot resume at prompt ${count + 1}: ${file} holds only ${rows.length} results.`);
  // Results past the resume point are dropped: those prompts are written again.
  await writeFile(file, rows.slice(0, count).map((r) => JSON.stringify(r) + "\n").join(""));
  return rows.slice(0, count);
}

/** The document as the evaluation reads it: the text of every step, in order. */
export function responseText(m: Manuscript): string {
  return m.steps.map((s) => s.content).join("\n\n");
}

export const evalCommand: Command = {
  name: "eval",
  summary: "Score the controller's length control on LongBench-Write",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...MODEL_OPTIONS,
        data: { type: "string" },
        limit: { type: "string" },
        from: { type: "string" },
        out: { type: "string" },
        summary: { type: "string" },
      },
    });
    if (positionals[0] !== "longbench-write" || positionals.length > 1) throw new UsageError("The benchmark to run: draftline eval longbench-write …");
    if (!values.data) throw new UsageError("--data FILE is required: the LongBench-Write prompts (longbench_write.jsonl).");
    const mode = parseMode(values.mode);
    const limit = positiveInt("limit", values.limit);
    const from = positiveInt("from", values.from) ?? 1;
    const contextSize = positiveInt("context", values.context, 1_048_576) ?? 32768;
    const threads = positiveInt("threads", values.threads, 512);
    const sampling = parseSampling(values);
    const source = modelSource(values, io);
    const all = (await readPrompts(path.resolve(io.cwd, values.data))).slice(0, limit ?? Infinity);
    if (from > all.length) throw new UsageError(`--from ${from} is past the last prompt (${all.length}).`);
    const prompts = all.slice(from - 1);
    const out = path.resolve(io.cwd, values.out ?? "eval-longbench-write.jsonl");
    const summaryFile = values.summary ? path.resolve(io.cwd, values.summary) : out.replace(/\.jsonl?$/, "") + ".summary.json";

    const models = new ModelService({ env: io.env, emitState: () => {}, emitDownload: () => {} });
    const store = new MemoryStore();
    const bar = new ProgressBar(io);
    const generation = new GenerationService({ store, model: () => models.loaded(), emit: (u) => bar.update(u.state), flushMs: 500 });
    try {
      const state = await loadForCommand(models, source, { contextSize, ...(threads ? { threads } : {}) }, sampling);
      io.stderr.write(`${state.model?.name} on ${state.device}, ${state.model?.contextSize} tokens of context; ${describeSampling(state.sampling)}; ${prompts.length} prompts\n`);
      await mkdir(path.dirname(out), { recursive: true });
      // A resumed run keeps the items already scored in --out and scores the summary over all of them.
      const results: { required: number; produced: number; score: number; bucket: LengthBucket }[] = from > 1 ? await readResults(out, from - 1) : [];
      if (from === 1) await writeFile(out, "");
      const started = Date.now();
      for (const [offset, p] of prompts.entries()) {
        const i = offset + from - 1;
        const id = `item-${i + 1}`;
        store.put(id, createManuscript({ instruction: p.prompt, targetWords: p.length, language: detectLanguage(p.prompt) }));
        const itemStarted = Date.now();
        await generation.start(id, mode ? { mode } : {});
        const final = await generation.whenDone(id);
        bar.end();
        const m = store.getManuscript(id);
        const produced = countLongBenchWords(responseText(m));
        const score = lengthScore(p.length, produced);
        const bucket = lengthBucket(p.length);
        results.push({ required: p.length, produced, score, bucket });
        const record = { index: i + 1, type: p.type ?? null, required: p.length, produced, score, bucket, status: final.status, error: final.error, steps: m.steps.length, tokensGenerated: final.progress.tokensGenerated, tokensDecoded: final.progress.tokensDecoded, seconds: (Date.now() - itemStarted) / 1000 };
        await appendFile(out, JSON.stringify(record) + "\n");
        writeLine(io.stderr, `${String(i + 1).padStart(3)}/${all.length}  ${String(p.length).padStart(6)} → ${String(produced).padStart(6)} words  S_l ${score.toFixed(1).padStart(5)}  ${final.status}${final.error ? `: ${final.error}` : ""}`);
        store.delete(id);
      }
      const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
      const perBucket = Object.fromEntries(BUCKETS.map((b) => {
        const scores = results.filter((r) => r.bucket === b).map((r) => r.score);
        return [b, { items: scores.length, score: mean(scores) }];
      }));
      const summary = { benchmark: "longbench-write", model: state.model?.name, device: state.device, contextSize: state.model?.contextSize, items: results.length, score: mean(results.map((r) => r.score)), buckets: perBucket, seconds: (Date.now() - started) / 1000 };
      await writeFile(summaryFile, JSON.stringify(summary, null, 2) + "\n");
      writeLine(io.stdout, `LongBench-Write length score S_l over ${results.length} prompts: ${summary.score?.toFixed(2)}`);
      for (const b of BUCKETS) {
        const entry = perBucket[b] as { items: number; score: number | null };
        writeLine(io.stdout, `  ${b.padEnd(7)} ${String(entry.items).padStart(4)} prompts  ${entry.score === null ? "—" : entry.score.toFixed(2)}`);
      }
      writeLine(io.stdout, `Per-item results: ${out}\nSummary: ${summaryFile}`);
      return 0;
    } finally {
      bar.end();
      await generation.shutdown();
      await models.shutdown();
    }
  },
};
