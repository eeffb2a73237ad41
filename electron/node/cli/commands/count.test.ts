import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIO } from "../command";
import { runCli } from "../main";

function memoryIO(cwd: string, stdin: string | Buffer = "") {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const io: CliIO = { stdin: Readable.from([stdin]), stdout, stderr, isTTY: false, cwd, env: {} };
  return { io, out: () => out, err: () => err };
}

describe("draftline count", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-cli-count-"));
    await writeFile(path.join(dir, "essay.md"), "It's a well-known naïve résumé: 42 cups of 中文 tea.\n");
    await writeFile(path.join(dir, "t.txt"), "<global_plan>## A\nWord count: 5</global_plan><step_plan>Plan with many words here</step_plan><content>One two three.</content><reflection>Word count: 3/5</reflection><step_plan>b</step_plan><content>Four five.</content><reflection>r</reflection>");
    await writeFile(path.join(dir, "binary.bin"), Buffer.from([0x00, 0xff]));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("counts as a writer does by default", async () => {
    const { io, out } = memoryIO(dir);
    expect(await runCli(["count", "essay.md"], io)).toBe(0);
    // It's, a, well-known, naïve, résumé, 42, cups, of, 中, 文, tea
    expect(out()).toBe("words: 11\nstyle: writer\n");
  });

  it("counts as LongBench-Write does, and scores the length against a target", async () => {
    const { io, out } = memoryIO(dir);
    expect(await runCli(["count", "essay.md", "--style", "longbench", "--target", "12"], io)).toBe(0);
    // It, s, a, well, known, cups, of, 中, 文, tea (naïve, résumé and 42 do not count); 10 of 12 scores 90.
    expect(out()).toBe("words: 10\nstyle: longbench\ntarget: 12\nlength score: 90\n");
  });

  it("counts only the content of an IS-CoT transcript, and says so", async () => {
    const { io, out, err } = memoryIO(dir);
    expect(await runCli(["count", "t.txt", "--target", "5"], io)).toBe(0);
    expect(out()).toBe("words: 5\nstyle: writer\ntarget: 5\nlength score: 100\n");
    expect(err()).toMatch(/IS-CoT transcript: counting the content of its 2 steps/);
  });

  it("reads standard input", async () => {
    const { io, out } = memoryIO(dir, "三个字 and two");
    expect(await runCli(["count", "-"], io)).toBe(0);
    expect(out()).toBe("words: 5\nstyle: writer\n");
  });

  it.each<[string, string[], string, number, RegExp]>([
    ["a target that is not a number", ["count", "essay.md", "--target", "abc"], "", 2, /--target must be a whole number of words above 0, not 'abc'/],
    ["a target of 0", ["count", "essay.md", "--target", "0"], "", 2, /not '0'/],
    ["a negative target", ["count", "essay.md", "--target=-5"], "", 2, /not '-5'/],
    ["a fractional target", ["count", "essay.md", "--target", "1.5"], "", 2, /not '1\.5'/],
    ["a target without a value", ["count", "essay.md", "--target"], "", 2, /--target/],
    ["an unknown style", ["count", "essay.md", "--style", "words"], "", 2, /--style must be writer or longbench, not 'words'/],
    ["a missing file", ["count", "missing.md"], "", 1, /Cannot read missing\.md: no such file/],
    ["a binary file", ["count", "binary.bin"], "", 1, /looks like a binary file/],
    ["empty standard input", ["count"], "", 1, /standard input is empty/],
    ["blank standard input", ["count", "-"], " \n\t", 1, /only white space/],
  ])("refuses %s with a clear message", async (_name, args, stdin, code, message) => {
    const { io, out, err } = memoryIO(dir, stdin);
    expect(await runCli(args, io)).toBe(code);
    expect(err()).toMatch(message);
    expect(out()).toBe("");
  });
});
