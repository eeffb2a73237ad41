// `draftline eval` end to end: the scripted engine (DRAFTLINE_ENGINE=scripted) or a loopback writer
// server that answers like llama-server, and a loopback judge that answers from a script.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { qualityScore } from "../../../common/metrics/quality";
import { countLongBenchWords } from "../../../common/metrics/words";
import { fakeWriter } from "../../../common/testing/fakeWriter";
import { judgeAnswer, startJudgeServer, startWriterServer, type ScriptedJudgeServer, type WriterServer } from "../../eval/testing/loopback";
import type { CliIO } from "../command";
import { runCli } from "../main";

let dir: string;
const servers: { close(): Promise<void> }[] = [];

function memoryIO(env: Record<string, string> = { DRAFTLINE_ENGINE: "scripted" }) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const io: CliIO = { stdin: Readable.from([""]), stdout, stderr, isTTY: false, cwd: dir, env: { DRAFTLINE_HOME: path.join(dir, "home"), ...env } };
  return { io, out: () => out, err: () => err };
}

async function judgeServer(...args: Parameters<typeof startJudgeServer>): Promise<ScriptedJudgeServer> {
  const server = await startJudgeServer(...args);
  servers.push(server);
  return server;
}

async function writerServer(...args: Parameters<typeof startWriterServer>): Promise<WriterServer> {
  const server = await startWriterServer(...args);
  servers.push(server);
  return server;
}

const readLines = async <T>(file: string): Promise<T[]> =>
  (await readFile(path.join(dir, file), "utf8"))
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(path.join(dir, file), "utf8")) as T;

interface Summary {
  items: number;
  score: number;
  prompting: string;
  mode: string | null;
  parallel: number;
  total: number | null;
  buckets: Record<string, { items: number; score: number | null; judged: number; quality: { score: number } | null }>;
  quality: { judge: string; note: string | null; judged: number; failed: { index: number; error: string }[]; malformedAnswers: number; failedRequests: number; score?: number; dimensions?: Record<string, number> } | null;
}

interface Pred {
  prompt: string;
  type: string;
  length: number;
  response: string;
  response_length: number;
}

/** LongWriter's evaluation/eval_length.py, line for line: score(x, y) and the mean over pred.jsonl. */
function evalLengthPy(preds: Pred[]): number {
  const score = (x: number, y: number) => (y > x ? 100 * Math.max(0, 1 - (y / x - 1) / 3) : 100 * Math.max(0, 1 - (x / y - 1) / 2));
  const scores = preds.map((pred) => score(pred.length, pred.response_length));
  // np.mean: for fewer than 8 values numpy adds them in order, as this does.
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

const PROMPTS = [
  { prompt: "Write 300 words about rain.", type: "Popular Science", length: 300 },
  { prompt: "写一篇800字的短文。", type: "Literature", length: 800 },
  { prompt: "Write a 2500-word report on harbors.", type: "Report", length: 2500 },
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-cli-eval-"));
  await writeFile(path.join(dir, "prompts.jsonl"), PROMPTS.map((p) => JSON.stringify(p)).join("\n") + "\n");
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("draftline eval longbench-write", () => {
  it("scores each prompt's length per bucket and writes the responses as the official pred.jsonl", async () => {
    const { io, out } = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "prompts.jsonl", "--out", "results.jsonl"], io)).toBe(0);
    expect(out()).toMatch(/LongBench-Write over 3 prompts \(Draftline's prompting\):\n {2}length score S_l \d+\.\d\d\n/);
    expect(out()).toMatch(/0-500 +1 prompts {2}S_l +\d+\.\d\d/);
    expect(out()).toMatch(/2k-4k +1 prompts/);
    const records = await readLines<{ index: number; required: number; produced: number; score: number; status: string; unwrittenSections: string[] }>("results.jsonl");
    expect(records.map((r) => [r.index, r.required])).toEqual([[1, 300], [2, 800], [3, 2500]]);
    // Every planned section was written, and the record says so.
    expect(records.map((r) => r.unwrittenSections)).toEqual([[], [], []]);
    const lowest = records.reduce((a, b) => (b.score < a.score ? b : a));
    const preds = await readLines<Pred>("results.pred.jsonl");
    expect(preds.map(({ prompt, type, length }) => ({ prompt, type, length }))).toEqual(PROMPTS);
    for (const [i, pred] of preds.entries()) {
      expect(pred.response_length).toBe(countLongBenchWords(pred.response));
      expect(pred.response_length).toBe(records[i]!.produced);
      expect(pred.response).toMatch(/^## Opening\n\n/);
    }
    const summary = await readJson<Summary>("results.summary.json");
    expect(summary).toMatchObject({ items: 3, prompting: "draftline", parallel: 1, quality: null, total: null, unfinishedPlans: [], lowest: { index: lowest.index, score: lowest.score } });
    expect(out()).toContain(`lowest S_l ${lowest.score.toFixed(2)} (prompt ${lowest.index})`);
    expect(out()).not.toMatch(/planned section unwritten/);
    // The official eval_length.py, reading pred.jsonl, gets the summary's S_l to the last bit.
    expect(evalLengthPy(preds)).toBe(summary.score);
  });

  it("asks the model for no bible proposals: no writer reads them in an evaluation", async () => {
    await writeFile(path.join(dir, "one.jsonl"), JSON.stringify(PROMPTS[0]) + "\n");
    const script = fakeWriter();
    let asked = 0;
    const server = await writerServer((prompt) => {
      if (prompt.includes("List the new names step ")) asked++;
      return script(prompt);
    });
    const { io, out } = memoryIO({});
    expect(await runCli(["eval", "longbench-write", "--server", server.url, "--data", "one.jsonl", "--out", "noproposals.jsonl"], io)).toBe(0);
    expect(out()).toMatch(/LongBench-Write over 1 prompts/);
    expect(server.stats.requests).toBeGreaterThan(1);
    expect(asked).toBe(0);
  });

  it.each([
    [["--model", "scripted"], 2, /--data FILE is required/],
    [["--model", "scripted", "--data", "missing.jsonl"], 1, /Cannot read .*missing\.jsonl: no such file/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--parallel", "4"], 2, /--parallel needs a server \(--server URL\)/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--parallel", "0"], 2, /--parallel must be a whole number from 1 to 256/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--raw-prompt", "--mode", "native"], 2, /--raw-prompt .* takes no --mode/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--max-tokens", "100"], 2, /--max-tokens goes with --raw-prompt/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--judge", "gpt4"], 2, /--judge must be a server's URL .* or 'local', not 'gpt4'/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--judge", "ftp://x"], 2, /--judge must be an http or https URL/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--judge-model", "m"], 2, /go with --judge URL/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--judge", "local", "--judge-api-key", "k"], 2, /--judge local uses the loaded model/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--from", "2", "--resume"], 2, /Give --from N or --resume, not both/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--from", "9"], 1, /--from 9 is past the last prompt \(3\)/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--judge", "http://127.0.0.1:9"], 1, /The judge cannot be used: cannot reach the judge at http:\/\/127\.0\.0\.1:9/],
    [["--model", "scripted", "--data", "prompts.jsonl", "--out", "prompts.jsonl/r.jsonl"], 1, /Cannot create the folder of .*prompts\.jsonl\/r\.jsonl: /],
    [["--model", "scripted", "--data", "prompts.jsonl", "--out", "ro/r.jsonl", "--pred", "prompts.jsonl/p.jsonl"], 1, /Cannot write .*prompts\.jsonl\/p\.jsonl: a part of its path is a file, not a folder\./],
  ])("refuses %j with a clear message", async (args, code, message) => {
    const { io, err } = memoryIO();
    expect(await runCli(["eval", "longbench-write", ...args], io)).toBe(code);
    expect(err()).toMatch(message);
  });

  it("says which line of the data is wrong", async () => {
    await writeFile(path.join(dir, "bad.jsonl"), '{"prompt":"ok","length":100}\n{"prompt":"no length"}\n');
    const { io, err } = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "bad.jsonl"], io)).toBe(1);
    expect(err()).toMatch(/bad\.jsonl line 2 is not a prompt/);
  });
});

describe("resuming", () => {
  it("--from keeps the first results and their responses and scores the summary over every prompt", async () => {
    const first = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "prompts.jsonl", "--out", "r.jsonl", "--limit", "2"], first.io)).toBe(0);
    const resumed = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "prompts.jsonl", "--out", "r.jsonl", "--from", "2"], resumed.io)).toBe(0);
    expect(resumed.out()).toMatch(/over 3 prompts/);
    expect((await readLines<{ required: number }>("r.jsonl")).map((r) => r.required)).toEqual([300, 800, 2500]);
    const preds = await readLines<Pred>("r.pred.jsonl");
    expect(preds.map((p) => p.length)).toEqual([300, 800, 2500]);
    expect(evalLengthPy(preds)).toBe((await readJson<Summary>("r.summary.json")).score);
  });

  it("--resume goes on after the last result, and refuses results without their responses", async () => {
    const first = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "prompts.jsonl", "--out", "s.jsonl", "--limit", "1"], first.io)).toBe(0);
    const resumed = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "prompts.jsonl", "--out", "s.jsonl", "--resume"], resumed.io)).toBe(0);
    expect(resumed.err()).not.toMatch(/^ {2}1\/3 /m);
    expect(resumed.err()).toMatch(/^ {2}2\/3 +800 → .*\n(.*\n)* {2}3\/3 +2500 → /m);
    expect((await readLines<{ index: number }>("s.jsonl")).map((r) => r.index)).toEqual([1, 2, 3]);
    await writeFile(path.join(dir, "s.pred.jsonl"), "");
    const broken = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "prompts.jsonl", "--out", "s.jsonl", "--from", "3"], broken.io)).toBe(1);
    expect(broken.err()).toMatch(/Cannot resume at prompt 3: .*s\.pred\.jsonl holds only 0 responses \(the results hold 2\)/);
    expect((await readLines<{ index: number }>("s.jsonl")).map((r) => r.index)).toEqual([1, 2, 3]);
  });
});

describe("the quality score with a judge", () => {
  it("scores S_q with the official formula, asks again after malformed answers and reports what failed", async () => {
    // Prompt 1: a good answer. Prompt 2: two malformed answers, then one. Prompt 3: never readable.
    const script = (prompt: string) => {
      if (prompt.includes("Write 300 words about rain.")) return judgeAnswer([5, 4, 3, 2, 1, 4]);
      if (prompt.includes("写一篇800字的短文。")) {
        const seen = judge.requests.filter((r) => r.prompt.includes("写一篇800字")).length;
        return seen <= 2 ? "The response is fine." : "```json\n" + judgeAnswer([3, 4, 5, 2, 1, 2]) + "\n```";
      }
      return "Scores: excellent.";
    };
    const judge = await judgeServer(script, { models: ["qwen-judge"], apiKey: "key" });
    const { io, out, err } = memoryIO();
    const code = await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "prompts.jsonl", "--out", "judged.jsonl", "--judge", `${judge.url}/v1`, "--judge-api-key", "key"], io);
    expect(code).toBe(0);
    expect(judge.requests[0]!.body.model).toBe("qwen-judge");
    const summary = await readJson<Summary>("judged.summary.json");
    const expected = qualityScore([
      { Relevance: 5, Accuracy: 4, Coherence: 3, Clarity: 2, "Breadth and Depth": 1, "Reading Experience": 4 },
      { Relevance: 3, Accuracy: 4, Coherence: 5, Clarity: 2, "Breadth and Depth": 1, "Reading Experience": 2 },
    ])!;
    expect(summary.quality).toMatchObject({ judge: `${judge.url} (qwen-judge)`, judged: 2, malformedAnswers: 2 + 5, failedRequests: 0, score: 50 });
    expect(summary.quality?.dimensions).toEqual({ Relevance: 75, Accuracy: 75, Coherence: 75, Clarity: 25, "Breadth and Depth": 0, "Reading Experience": 50 });
    expect(expected.score).toBe(50);
    expect(summary.quality?.failed).toEqual([{ index: 3, error: '5 answers could not be read as six scores; the last had no JSON object: "Scores: excellent."' }]);
    expect(summary.total).toBe((summary.score + 50) / 2);
    expect(summary.buckets["0-500"]).toMatchObject({ judged: 1, quality: { score: 54.166666666666664 } });
    expect(summary.buckets["2k-4k"]).toMatchObject({ judged: 0, quality: null });
    expect(out()).toMatch(/quality score S_q 50\.00 {3}total \d+\.\d\d/);
    expect(out()).toMatch(/Judge: .*; 2 of 3 judged, 1 without scores; 7 malformed answers asked again, 0 failed requests\./);
    expect(out()).toMatch(/no scores for prompt 3: 5 answers could not be read/);
    expect(err()).toMatch(/S_q +\d+\.\d+ +finished/);
    const records = await readLines<{ judge: { attempts: number; malformed: number } }>("judged.jsonl");
    expect(records.map((r) => [r.judge.attempts, r.judge.malformed])).toEqual([[1, 0], [3, 2], [5, 5]]);
  });

  it("runs the judge on the loaded model with --judge local, and says it is comparable only with itself", async () => {
    const { io, out, err } = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "prompts.jsonl", "--limit", "1", "--out", "local.jsonl", "--judge", "local"], io)).toBe(0);
    expect(err()).toMatch(/Note: a local judge: its scores are comparable only with the same judge model/);
    // The scripted model is no judge: its answers are malformed, asked again five times and reported.
    const summary = await readJson<Summary>("local.summary.json");
    expect(summary.quality).toMatchObject({ judge: "local: scripted", judged: 0, malformedAnswers: 5, failed: [{ index: 1 }] });
    expect(out()).toMatch(/Note: a local judge/);
  });
});

describe("against a server", () => {
  it("--raw-prompt sends the benchmark's prompt unchanged and says so", async () => {
    const writer = await writerServer((context) => (context.includes("Write 300 words about rain.") ? `${"Rain falls. ".repeat(150)}\u0000` : "x\u0000"));
    const { io, out } = memoryIO({});
    expect(await runCli(["eval", "longbench-write", "--server", writer.url, "--data", "prompts.jsonl", "--limit", "1", "--raw-prompt", "--out", "raw.jsonl"], io)).toBe(0);
    expect(writer.stats.requests).toBe(1);
    const preds = await readLines<Pred>("raw.pred.jsonl");
    expect(preds[0]).toMatchObject({ prompt: PROMPTS[0]!.prompt, response_length: 300 });
    expect(preds[0]!.response).toBe("Rain falls. ".repeat(150));
    const summary = await readJson<Summary>("raw.summary.json");
    expect(summary).toMatchObject({ prompting: "raw", mode: null, score: 100 });
    expect(out()).toMatch(/the benchmark's prompts sent unchanged/);
  });

  it("the raw prompt is the benchmark's text alone in the chat format: no target line, no headings instruction", async () => {
    const seen: string[] = [];
    const writer = await writerServer((context) => {
      seen.push(context);
      return "Done.\u0000";
    });
    const { io } = memoryIO({});
    expect(await runCli(["eval", "longbench-write", "--server", writer.url, "--data", "prompts.jsonl", "--limit", "1", "--raw-prompt", "--out", "raw2.jsonl"], io)).toBe(0);
    expect(seen).toEqual([`<|im_start|>user\n${PROMPTS[0]!.prompt}<|im_end|>\n<|im_start|>assistant\n`]);
  });

  it("--parallel N writes N prompts at once and still writes the results in prompt order", async () => {
    const writer = await writerServer(fakeWriter(), { delayMs: 20 });
    const { io } = memoryIO({});
    expect(await runCli(["eval", "longbench-write", "--server", writer.url, "--mode", "native", "--data", "prompts.jsonl", "--parallel", "3", "--out", "par.jsonl"], io)).toBe(0);
    expect(writer.stats.maxInFlight).toBe(3);
    expect((await readLines<{ index: number }>("par.jsonl")).map((r) => r.index)).toEqual([1, 2, 3]);
    expect((await readLines<Pred>("par.pred.jsonl")).map((p) => p.length)).toEqual([300, 800, 2500]);
    expect(await readJson<Summary>("par.summary.json")).toMatchObject({ parallel: 3, mode: "native", items: 3 });
  });
});

describe("draftline eval compare", () => {
  it("prints two runs side by side per bucket and per item", async () => {
    const judge = await judgeServer((prompt) => (prompt.includes("rain") ? judgeAnswer([4, 4, 4, 4, 4, 4]) : judgeAnswer([3, 3, 3, 3, 3, 3])));
    const a = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "prompts.jsonl", "--limit", "2", "--out", "a.jsonl"], a.io)).toBe(0);
    const b = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--mode", "direct", "--data", "prompts.jsonl", "--out", "b.jsonl", "--judge", judge.url], b.io)).toBe(0);
    const { io, out } = memoryIO();
    expect(await runCli(["eval", "compare", "a.jsonl", "b.jsonl"], io)).toBe(0);
    const text = out();
    expect(text).toMatch(/A: .*a\.jsonl\n {3}scripted; Draftline prompting; sampling: temperature 0\.7, top-p 0\.9, min-p 0\.05/);
    expect(text).toMatch(/B: .*b\.jsonl\n {3}scripted; Draftline prompting, direct mode; sampling: temperature 0\.7, top-p 0\.9, min-p 0\.05; judge http/);
    expect(text).toContain("On the 2 prompts both ran (only in A: 0, only in B: 1). Δ = B − A.");
    expect(text).toMatch(/^bucket +items +S_l A +S_l B +Δ +S_q A +S_q B +Δ +total A +total B +Δ$/m);
    expect(text).toMatch(/^0-500 +1 +\d+\.\d\d +\d+\.\d\d +[+-]\d+\.\d\d +— +75\.00 +— +— +\d+\.\d\d +—$/m);
    expect(text).toMatch(/^all +2 /m);
    expect(text).toMatch(/^relevance +— +62\.50 +—/m);
    expect(text).toMatch(/^ +1 +300 +\d+ +\d+ +\d+\.\d\d +\d+\.\d\d +[+-]\d+\.\d\d +— +75\.00 +— {2}finished \/ finished$/m);
    expect(text).toMatch(/S_l: B is higher on \d prompts, lower on \d, equal on \d\./);
  });

  it("refuses runs on different prompts, and a file that is not results", async () => {
    await writeFile(path.join(dir, "other.jsonl"), JSON.stringify({ index: 1, required: 999, produced: 10, score: 0, bucket: "500-2k", status: "finished" }) + "\n");
    const different = memoryIO();
    expect(await runCli(["eval", "compare", "a.jsonl", "other.jsonl"], different.io)).toBe(1);
    expect(different.err()).toMatch(/Item 1 asks for 300 words in a\.jsonl and 999 in other\.jsonl: the runs are not on the same prompts/);
    await writeFile(path.join(dir, "junk.jsonl"), "{}\n");
    const junk = memoryIO();
    expect(await runCli(["eval", "compare", "a.jsonl", "junk.jsonl"], junk.io)).toBe(1);
    expect(junk.err()).toMatch(/junk\.jsonl line 1 is not an evaluation result/);
    const one = memoryIO();
    expect(await runCli(["eval", "compare", "a.jsonl"], one.io)).toBe(2);
  });
});
