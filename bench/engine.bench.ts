// Benchmark of the embedded engine: what the process boundary costs, in generation speed and memory.
//
// Speed: tokens per second of the embedded backend (engine in a child process, tokens streamed back
// over IPC) against node-llama-cpp's own LlamaCompletion in this process, on the same tiny model and
// prompt, one thread each, the same number of tokens, greedy. Runs alternate between the two; the
// ratio is the median of the ratios of neighbouring runs, which a busy moment of the machine (other
// processes on the same cores) disturbs less than a ratio of medians, also reported. Both sides stream (onToken), and both reuse the cached prompt the same way
// (LlamaCompletion keeps the common prefix; the embedded engine is LlamaCompletion behind IPC), so the
// difference is the boundary: the request message, batched token messages, the result message.
//
// Memory: the engine process's resident set size (RSS, from the engine itself) after loading the
// model, minus the model file's size, minus the context's memory as node-llama-cpp accounts it
// (LlamaContext.memoryUsage: the KV cache plus its compute buffers). What remains is the price of a
// separate process: Node itself, node-llama-cpp's JavaScript and the llama.cpp libraries. It is taken
// again after a generation, when llama.cpp has allocated everything it needs. RSS counts pages shared
// with other processes too (the Node executable's code, about 40 MB): the private figure leaves them out.
import { stat } from "node:fs/promises";
import { getLlama, LlamaCompletion, type Token } from "node-llama-cpp";
import { EmbeddedBackend } from "../electron/node/engine/embedded";
import { ensureTestModel } from "../electron/node/engine/testModel";

const TOKENS = 600;
const REPETITIONS = 15;
const CONTEXT = 2048;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const mb = (bytes: number) => Math.round((bytes / 1e6) * 10) / 10;
const round3 = (n: number) => Math.round(n * 1000) / 1000;

export default async function run(): Promise<Record<string, unknown>> {
  const modelPath = await ensureTestModel();
  const modelFileBytes = (await stat(modelPath)).size;

  const llama = await getLlama({ gpu: "auto", build: "never", maxThreads: 1 });
  const model = await llama.loadModel({ modelPath });
  const context = await model.createContext({ contextSize: CONTEXT, threads: 1 });
  const completion = new LlamaCompletion({ contextSequence: context.getSequence() });

  const backend = new EmbeddedBackend();
  try {
    await backend.load({ model: modelPath, threads: 1, contextSize: CONTEXT });
    const afterLoad = await backend.stats();
    const prompt = (await backend.applyChatTemplate([{ role: "user", content: "Write a long story about the river and the bridge." }])).tokens;

    const cpuNow = () => {
      const c = process.cpuUsage();
      return c.user + c.system;
    };
    const runs = { inProcess: { wall: [] as number[], cpu: [] as number[] }, embedded: { wall: [] as number[], cpu: [] as number[] } };
    // One untimed run each first: caches, JIT and llama.cpp's buffers warm up. Then the two alternate,
    // so that a busy moment of the machine hits both alike.
    for (let rep = -1; rep < REPETITIONS; rep++) {
      let streamed = 0;
      let cpu = cpuNow();
      let started = performance.now();
      await completion.generateCompletionWithMeta(prompt as Token[], {
        maxTokens: TOKENS,
        temperature: 0,
        repeatPenalty: false,
        disableContextShift: true,
        onToken: (tokens) => {
          streamed += tokens.length;
        },
        onTextChunk: () => undefined,
      });
      const local = { wall: streamed / ((performance.now() - started) / 1000), cpu: streamed / ((cpuNow() - cpu) / 1e6) };

      const engineBefore = (await backend.stats()).cpuMicros;
      streamed = 0;
      cpu = cpuNow();
      started = performance.now();
      const result = await backend.generate({
        tokens: prompt,
        maxTokens: TOKENS,
        onToken: (tokens) => {
          streamed += tokens.length;
        },
      });
      const wall = (performance.now() - started) / 1000;
      const parentCpu = cpuNow() - cpu;
      const engineCpu = (await backend.stats()).cpuMicros - engineBefore;
      if (result.generatedTokens < TOKENS) throw new Error(`The embedded engine generated ${result.generatedTokens} tokens, not ${TOKENS}.`);
      if (rep >= 0) {
        runs.inProcess.wall.push(local.wall);
        runs.inProcess.cpu.push(local.cpu);
        runs.embedded.wall.push(streamed / wall);
        runs.embedded.cpu.push(streamed / ((parentCpu + engineCpu) / 1e6));
      }
    }
    const afterGenerate = await backend.stats();
    const overhead = (m: typeof afterLoad) => m.rss - modelFileBytes - m.contextBytes;

    const wallIn = median(runs.inProcess.wall);
    const wallEmbedded = median(runs.embedded.wall);
    const cpuIn = median(runs.inProcess.cpu);
    const cpuEmbedded = median(runs.embedded.cpu);
    return {
      model: "draftline tiny test model (llama, 2 layers, F32)",
      modelFileMB: mb(modelFileBytes),
      tokensPerRun: TOKENS,
      repetitions: REPETITIONS,
      threads: 1,
      inProcessTokensPerSecond: Math.round(wallIn),
      embeddedTokensPerSecond: Math.round(wallEmbedded),
      ratio: round3(median(runs.embedded.wall.map((w, i) => w / runs.inProcess.wall[i]!))),
      ratioOfMedians: round3(wallEmbedded / wallIn),
      ratioTarget: 0.95,
      inProcessRuns: runs.inProcess.wall.map(Math.round),
      embeddedRuns: runs.embedded.wall.map(Math.round),
      // Tokens per CPU-second (both processes counted for the embedded engine): the same comparison,
      // insensitive to other work on the machine.
      inProcessTokensPerCpuSecond: Math.round(cpuIn),
      embeddedTokensPerCpuSecond: Math.round(cpuEmbedded),
      cpuRatio: round3(median(runs.embedded.cpu.map((c, i) => c / runs.inProcess.cpu[i]!))),
      cpuRatioOfMedians: round3(cpuEmbedded / cpuIn),
      engineRssAfterLoadMB: mb(afterLoad.rss),
      contextMemoryMB: mb(afterLoad.contextBytes),
      engineOverheadAfterLoadMB: mb(overhead(afterLoad)),
      engineRssAfterGenerateMB: mb(afterGenerate.rss),
      engineOverheadAfterGenerateMB: mb(overhead(afterGenerate)),
      // The same without the pages shared with other processes (Linux): mostly the Node executable's
      // code, which the app's own process maps too.
      enginePrivateOverheadAfterLoadMB: afterLoad.privateBytes === undefined ? null : mb(afterLoad.privateBytes - modelFileBytes - afterLoad.contextBytes),
      overheadTargetMB: 150,
    };
  } finally {
    await backend.dispose();
    completion.dispose();
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
}
