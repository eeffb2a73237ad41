// Benchmark of speculative decoding: the same model, the same prompt, the same number of tokens,
// greedy, with and without a draft model, both through the embedded engine (its own process, as in
// the app). Reports tokens per second of each, their ratio (the median of neighbouring runs' ratios,
// runs alternating so a busy moment hits both), the share of draft tokens accepted, the memory the
// draft model and its context take, and whether the text was identical token for token (it must be).
//
//   npm run bench speculative                                   tiny models it writes itself (CPU, 1 thread)
//   npm run bench speculative -- --model M.gguf --draft-model D.gguf [--tokens N] [--threads T]
//                                [--context N] [--repetitions R] [--prompt TEXT]
//
// On this CPU with the tiny models it measures the overhead and the correctness: a draft as large as
// the model cannot make it faster. The ratio that matters is an 8B model with a 0.6B draft on a GPU;
// the figures say which device ran them (llama.cpp's GPU type and the device names).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { acceptanceRate, addSpeculativeStats, type SpeculativeStats } from "../electron/common/engine/draft";
import type { LoadOptions } from "../electron/node/engine/backend";
import { EmbeddedBackend } from "../electron/node/engine/embedded";
import { ensureTestModel, writeTestModel } from "../electron/node/engine/testModel";

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const mb = (bytes: number | undefined) => (bytes === undefined ? null : round(bytes / 1e6, 1));

function positive(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a whole number above 0, not '${value}'.`);
  return n;
}

export default async function run(): Promise<Record<string, unknown>> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      model: { type: "string" },
      "draft-model": { type: "string" },
      tokens: { type: "string" },
      threads: { type: "string" },
      context: { type: "string" },
      repetitions: { type: "string" },
      prompt: { type: "string" },
    },
  });
  if ((values.model === undefined) !== (values["draft-model"] === undefined)) throw new Error("Give both --model and --draft-model, or neither (the tiny models).");
  const tiny = values.model === undefined;
  const dir = await mkdtemp(path.join(os.tmpdir(), "draftline-bench-spec-"));
  try {
    const model = tiny ? await ensureTestModel() : path.resolve(values.model!);
    const drafts: { label: string; file: string }[] = [];
    if (tiny) {
      const other = path.join(dir, "tiny-other-weights.gguf");
      await writeTestModel(other, { seed: 99 });
      drafts.push({ label: "the tiny model itself", file: model }, { label: "a tiny model of other weights", file: other });
    } else {
      drafts.push({ label: path.basename(values["draft-model"]!), file: path.resolve(values["draft-model"]!) });
    }
    const tokens = positive("tokens", values.tokens, tiny ? 600 : 256)!;
    const repetitions = positive("repetitions", values.repetitions, tiny ? 7 : 3)!;
    const threads = positive("threads", values.threads, tiny ? 1 : undefined);
    const contextSize = positive("context", values.context, tiny ? 2048 : 4096)!;
    const load: Omit<LoadOptions, "model"> = { contextSize, gpuLayers: "auto", ...(threads ? { threads } : {}) };

    const plain = new EmbeddedBackend();
    const results: Record<string, unknown>[] = [];
    try {
      const info = await plain.load({ model, ...load });
      const hardware = await plain.hardware();
      const prompt = (await plain.applyChatTemplate([{ role: "user", content: values.prompt ?? "Write a long story about a river, a bridge and the town that grew between them." }])).tokens;
      for (const draft of drafts) {
        const drafted = new EmbeddedBackend();
        try {
          const draftInfo = await drafted.load({
            model,
            ...load,
            draftModel: draft.file,
            // The tiny models' random weights are never sure of a token: let them draft anyway.
            ...(tiny ? { draftMinConfidence: 0 } : {}),
          });
          const request = { tokens: prompt, maxTokens: tokens, sampling: { temperature: 0 } };
          const timed = async (backend: EmbeddedBackend) => {
            const started = performance.now();
            const result = await backend.generate(request);
            return { result, seconds: (performance.now() - started) / 1000 };
          };
          // One untimed run each, then alternating runs.
          const reference = (await timed(plain)).result;
          await timed(drafted);
          const speeds = { plain: [] as number[], drafted: [] as number[] };
          const ratios: number[] = [];
          let identical = true;
          let stats: SpeculativeStats | undefined;
          for (let rep = 0; rep < repetitions; rep++) {
            const a = await timed(plain);
            const b = await timed(drafted);
            identical &&= b.result.tokens.length === reference.tokens.length && b.result.tokens.every((t, i) => t === reference.tokens[i]);
            identical &&= a.result.tokens.every((t, i) => t === reference.tokens[i]);
            stats = addSpeculativeStats(stats, b.result.speculative);
            const plainTps = a.result.generatedTokens / a.seconds;
            const draftedTps = b.result.generatedTokens / b.seconds;
            speeds.plain.push(plainTps);
            speeds.drafted.push(draftedTps);
            ratios.push(draftedTps / plainTps);
          }
          const memory = await drafted.stats();
          const row = {
            draft: draft.label,
            draftFile: path.basename(draft.file),
            tokensPerRun: reference.tokens.length,
            plainTokensPerSecond: round(median(speeds.plain), 1),
            draftedTokensPerSecond: round(median(speeds.drafted), 1),
            speedup: round(median(ratios)),
            acceptanceRate: round(acceptanceRate(stats) ?? 0),
            draftTokensChecked: stats?.drafted ?? 0,
            draftTokensAccepted: stats?.accepted ?? 0,
            draftTokensPerBatch: draftInfo.draft?.maxDraftTokens ?? null,
            identicalOutput: identical,
            draftGpuLayers: draftInfo.draft?.gpuLayers ?? null,
            draftModelMB: mb(memory.draftModelBytes),
            draftContextMB: mb(memory.draftContextBytes),
          };
          console.log(JSON.stringify(row));
          results.push(row);
        } finally {
          await drafted.dispose();
        }
      }
      const allIdentical = results.every((r) => r.identicalOutput === true);
      // The figures of each draft are printed above; a text that differs is a bug, not a figure.
      if (!allIdentical) throw new Error("With a draft model the greedy text differed from the model's own.");
      return {
        device: { gpu: info.gpu, gpuNames: hardware.gpuNames, gpuLayers: info.gpuLayers ?? null, threads: threads ?? "llama.cpp's choice" },
        model: path.basename(model),
        modelName: info.name,
        contextSize: info.contextSize,
        tokens,
        repetitions,
        greedy: true,
        allIdentical,
        runs: results,
      };
    } finally {
      await plain.dispose();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
