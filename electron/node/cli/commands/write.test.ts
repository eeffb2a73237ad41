// `draftline write` with the scripted engine (DRAFTLINE_ENGINE=scripted): the whole command path —
// model, project, controller, save, export, scores — without inference. (`draftline eval`: eval.test.ts.)
import { mkdtemp, readFile, rm } from "node:fs/promises";
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
