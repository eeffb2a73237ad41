// `draftline eval longbench-write --parallel 8` against `--parallel 1` on the same 16 prompts, against
// a loopback server that behaves like llama-server with several slots and takes a fixed time per
// request (the fake IS-Writer answers; Draftline's native prompting, several requests per document).
// The claim it checks: eight prompts at once finish at least 6x sooner than one at a time.
// Run by `npm run bench evalParallel` (writes bench/results/evalParallel.json).
// BENCH_EVAL_DELAY_MS sets the time per request (default 500).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { runCli } from "../electron/node/cli/main";
import { startWriterServer } from "../electron/node/eval/testing/loopback";
import type { Script } from "../electron/node/engine/testing/scriptedBackend";
import { fakeWriter, prose } from "../electron/common/testing/fakeWriter";

const PROMPTS = 16;
const DELAY_MS = Number(process.env.BENCH_EVAL_DELAY_MS ?? "500");
const TOPICS = ["rain", "harbors", "tea", "bridges", "winter", "lanterns", "gardens", "letters"];

interface Run {
  parallel: number;
  seconds: number;
  requests: number;
  maxInFlight: number;
  lengthScore: number;
}

async function run(dir: string, data: string, parallel: number, script: Script, extra: string[]): Promise<Run> {
  const writer = await startWriterServer(script, { delayMs: DELAY_MS });
  const sink = new PassThrough();
  sink.resume();
  let err = "";
  const stderr = new PassThrough();
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const out = path.join(dir, `p${parallel}${extra.length ? "-raw" : ""}.jsonl`);
  const started = performance.now();
  const code = await runCli(["eval", "longbench-write", "--server", writer.url, "--data", data, "--parallel", String(parallel), "--out", out, ...extra], {
    stdin: Readable.from([""]),
    stdout: sink,
    stderr,
    isTTY: false,
    cwd: dir,
    env: { DRAFTLINE_HOME: path.join(dir, "home") },
  });
  const seconds = (performance.now() - started) / 1000;
  await writer.close();
  if (code !== 0) throw new Error(`eval --parallel ${parallel} failed (${code}):\n${err}`);
  const summary = JSON.parse(await readFile(out.replace(/\.jsonl$/, ".summary.json"), "utf8")) as { score: number; items: number };
  if (summary.items !== PROMPTS) throw new Error(`--parallel ${parallel} scored ${summary.items} prompts, not ${PROMPTS}.`);
  return { parallel, seconds: Number(seconds.toFixed(3)), requests: writer.stats.requests, maxInFlight: writer.stats.maxInFlight, lengthScore: summary.score };
}

export default async function bench() {
  const dir = await mkdtemp(path.join(os.tmpdir(), "draftline-bench-eval-"));
  try {
    const data = path.join(dir, "prompts.jsonl");
    const prompts = Array.from({ length: PROMPTS }, (_, i) => ({ prompt: `Write about ${TOPICS[i % TOPICS.length]} (${i + 1}).`, type: "bench", length: 300 + 100 * (i % 8) }));
    await writeFile(data, prompts.map((p) => JSON.stringify(p)).join("\n") + "\n");
    // The machine's load beside the figures: on a busy machine the controller's own CPU time weighs more.
    const results: Record<string, unknown> = { prompts: PROMPTS, delayMsPerRequest: DELAY_MS, loadAverageBefore: os.loadavg()[0] };
    // Draftline's prompting: the fake IS-Writer, several requests per document. The raw prompt: one
    // request per prompt, answered with 600 words.
    const runs: [string, Script, string[]][] = [
      ["draftline", fakeWriter(), ["--mode", "native"]],
      ["raw", () => `${prose(600)}\u0000`, ["--raw-prompt"]],
    ];
    for (const [name, script, extra] of runs) {
      const one = await run(dir, data, 1, script, extra);
      const eight = await run(dir, data, 8, script, extra);
      if (one.lengthScore !== eight.lengthScore) throw new Error(`${name}: --parallel 8 scored ${eight.lengthScore}, --parallel 1 ${one.lengthScore}: the same prompts must score the same.`);
      const speedup = one.seconds / eight.seconds;
      console.log(`${name}: --parallel 1 ${one.seconds.toFixed(2)} s, --parallel 8 ${eight.seconds.toFixed(2)} s: ${speedup.toFixed(2)}x (${one.requests} requests, at most ${eight.maxInFlight} at once)`);
      results[name] = { parallel1: one, parallel8: eight, speedup: Number(speedup.toFixed(2)), atLeast6x: speedup >= 6 };
    }
    results.loadAverageAfter = os.loadavg()[0];
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
