// `draftline write` and `draftline eval` with the scripted engine (DRAFTLINE_ENGINE=scripted): the
// whole command path — model, project, controller, save, export, scores — without inference.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeProjectFile } from "../../../common/project/file";
import type { CliIO } from "../command";
import { runCli } from "../main";

let dir: string;

function memoryIO() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const io: CliIO = { stdin: Readable.from([""]), stdout, stderr, isTTY: false, cwd: dir, env: { DRAFTLINE_HOME: path.join(dir, "home"), DRAFTLINE_ENGINE: "scripted" } };
  return { io, out: () => out, err: () => err };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-cli-write-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("draftline write", () => {
  it("writes a document to its target and prints the draft and a summary", async () => {
    const { io, out, err } = memoryIO();
    expect(await runCli(["write", "Write about a lighthouse keeper.", "--target", "1200", "--model", "scripted"], io)).toBe(0);
    expect(out()).toMatch(/^# /m);
    expect(err()).toMatch(/Finished: 1\d{3} of 1200 words in \d+ steps, length score (9\d|100)\.\d/);
  });

  it("writes with the sampling given on the command line", async () => {
    const { io, err } = memoryIO();
    expect(await runCli(["write", "Write about a lighthouse keeper.", "--target", "600", "--model", "scripted", "--temperature", "0.9", "--top-p", "0.95", "--seed", "3"], io)).toBe(0);
    expect(err()).toMatch(/sampling: temperature 0\.9, top-p 0\.95, seed 3/);
  });

  it("saves the project and exports Markdown", async () => {
    const { io, err } = memoryIO();
    const code = await runCli(["write", "Write about a harbor.", "--target", "900", "--model", "scripted", "--out", "harbor.draftline", "--export", "harbor.md", "--with-plan"], io);
    expect(code).toBe(0);
    expect(err()).toContain(`Saved ${path.join(dir, "harbor.draftline")}`);
    const project = decodeProjectFile(await readFile(path.join(dir, "harbor.draftline"), "utf8"), "harbor.draftline");
    expect(project.manuscript.finished).toBe(true);
    expect(project.manuscript.steps.length).toBeGreaterThan(1);
    const markdown = await readFile(path.join(dir, "harbor.md"), "utf8");
    expect(markdown).toMatch(/^---\n/);
    expect(markdown).toContain("## Opening");
  });

  it.each([
    [["write", "--target", "100", "--model", "scripted"], /Say what to write/],
    [["write", "x", "--model", "scripted"], /--target N is required/],
    [["write", "x", "--target", "0", "--model", "scripted"], /--target must be a whole number/],
    [["write", "x", "--target", "lots", "--model", "scripted"], /--target must be a whole number/],
    [["write", "x", "--target", "100", "--model", "scripted", "--mode", "freestyle"], /--mode must be one of/],
    [["write", "x", "--target", "100"], /Name the model/],
    [["write", "x", "--target", "100", "--model", "missing.gguf"], /missing\.gguf does not exist/],
    [["write", "x", "--target", "100", "--model", "scripted", "--out", "a.txt"], /--out must name a \.draftline file/],
    [["write", "x", "--target", "100", "--model", "scripted", "--temperature", "warm"], /--temperature must be a number from 0 to 5, not 'warm'/],
    [["write", "x", "--target", "100", "--model", "scripted", "--top-p", "2"], /--top-p must be a number from 0 to 1/],
    [["write", "x", "--target", "100", "--model", "scripted", "--seed", "1.5"], /--seed must be a whole number/],
  ])("refuses %j with a clear message", async (argv, message) => {
    const { io, err } = memoryIO();
    expect(await runCli(argv, io)).toBeGreaterThan(0);
    expect(err()).toMatch(message);
  });
});

describe("draftline eval longbench-write", () => {
  it("scores each prompt's length and reports the buckets", async () => {
    const data = path.join(dir, "prompts.jsonl");
    await writeFile(data, ['{"prompt":"Write 300 words about rain.","type":"t","length":300}', '{"prompt":"写一篇800字的短文。","type":"t","length":800}', ""].join("\n"));
    const { io, out } = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "prompts.jsonl", "--out", "results.jsonl"], io)).toBe(0);
    expect(out()).toMatch(/length score S_l over 2 prompts: \d+\.\d\d/);
    expect(out()).toMatch(/0-500 +1 prompts/);
    expect(out()).toMatch(/500-2k +1 prompts/);
    const items = (await readFile(path.join(dir, "results.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { required: number; produced: number; score: number });
    expect(items.map((i) => i.required)).toEqual([300, 800]);
    for (const item of items) expect(item.produced).toBeGreaterThan(0);
    const summary = JSON.parse(await readFile(path.join(dir, "results.summary.json"), "utf8")) as { items: number };
    expect(summary.items).toBe(2);
  });

  it("says which line of the data is wrong", async () => {
    await writeFile(path.join(dir, "bad.jsonl"), '{"prompt":"ok","length":100}\n{"prompt":"no length"}\n');
    const { io, err } = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "bad.jsonl"], io)).toBe(1);
    expect(err()).toMatch(/bad\.jsonl line 2 is not a prompt/);
  });

  it("needs --data", async () => {
    const { io, err } = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted"], io)).toBe(2);
    expect(err()).toMatch(/--data FILE is required/);
  });
});

describe("draftline eval --from", () => {
  it("resumes an interrupted run and scores the summary over every prompt", async () => {
    const data = path.join(dir, "three.jsonl");
    await writeFile(data, ['{"prompt":"a","length":200}', '{"prompt":"b","length":300}', '{"prompt":"c","length":400}'].join("\n"));
    const first = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "three.jsonl", "--out", "r.jsonl", "--limit", "2"], first.io)).toBe(0);
    const resumed = memoryIO();
    expect(await runCli(["eval", "longbench-write", "--model", "scripted", "--data", "three.jsonl", "--out", "r.jsonl", "--from", "2"], resumed.io)).toBe(0);
    expect(resumed.out()).toMatch(/over 3 prompts/);
    const rows = (await readFile(path.join(dir, "r.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { required: number });
    expect(rows.map((r) => r.required)).toEqual([200, 300, 400]);
  });
});
