import fc from "fast-check";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkInvariants, type Manuscript } from "../../../common/manuscript";
import type { CliIO } from "../command";
import { runCli } from "../main";
import { lineAndColumn, lineLocator } from "./parse";

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

const TRANSCRIPT = [
  "<global_plan>",
  "1. Introduction (300 words): hook",
  "2. History (700 words): origins",
  "</global_plan>",
  "<step_plan>Introduction, about 300 words.</step_plan>",
  "<content>Tea is old.",
  "<reflection>Word count: 3/1000</reflection>",
  "<FINISHED>",
].join("\n");

describe("draftline parse", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-cli-parse-"));
    await writeFile(path.join(dir, "t.txt"), TRANSCRIPT);
    await writeFile(path.join(dir, "plain.txt"), "Just an essay, no tags.");
    await writeFile(path.join(dir, "empty.txt"), "");
    await writeFile(path.join(dir, "binary.bin"), Buffer.from([0x3c, 0x00, 0x01, 0x02]));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("prints the manuscript as JSON and the repairs on standard error, with line and column", async () => {
    const { io, out, err } = memoryIO(dir);
    expect(await runCli(["parse", "t.txt"], io)).toBe(0);
    const m = JSON.parse(out()) as Manuscript;
    expect(checkInvariants(m)).toEqual([]);
    expect(m.sections.map((s) => [s.id, s.title, s.budget])).toEqual([["sec-1", "Introduction", 300], ["sec-2", "History", 700]]);
    expect(m.steps).toMatchObject([{ id: "step-1", sectionId: "sec-1", content: "Tea is old.", words: 3, progress: { written: 3, target: 1000 }, status: "done" }]);
    expect(m.finished).toBe(true);
    expect(err()).toBe("warning: line 7, column 1: the content block was not closed; <reflection> closed it\n");
  });

  it("reads standard input for - and for no file", async () => {
    for (const args of [["parse", "-"], ["parse"]]) {
      const { io, out } = memoryIO(dir, TRANSCRIPT);
      expect(await runCli(args, io)).toBe(0);
      expect((JSON.parse(out()) as Manuscript).steps).toHaveLength(1);
    }
  });

  it.each<[string, string[], string | Buffer, number, RegExp]>([
    ["a missing file", ["parse", "nope.txt"], "", 1, /Cannot read nope\.txt: no such file/],
    ["a folder", ["parse", "."], "", 1, /it is a folder/],
    ["an empty file", ["parse", "empty.txt"], "", 1, /empty\.txt is empty/],
    ["a binary file", ["parse", "binary.bin"], "", 1, /binary\.bin looks like a binary file/],
    ["empty standard input", ["parse", "-"], "", 1, /standard input is empty/],
    ["a text that is not a transcript", ["parse", "plain.txt"], "", 1, /holds no IS-CoT blocks/],
    ["two files", ["parse", "t.txt", "t.txt"], "", 2, /reads one file, not 2/],
    ["an unknown option", ["parse", "--json", "t.txt"], "", 2, /Unknown option '--json'/],
  ])("refuses %s with a clear message", async (_name, args, stdin, code, message) => {
    const { io, out, err } = memoryIO(dir, stdin);
    expect(await runCli(args, io)).toBe(code);
    expect(err()).toMatch(message);
    expect(out()).toBe("");
  });
});

describe("lineAndColumn", () => {
  it("counts lines and columns from 1", () => {
    expect(lineAndColumn("ab\ncd\nef", 0)).toBe("line 1, column 1");
    expect(lineAndColumn("ab\ncd\nef", 4)).toBe("line 2, column 2");
    expect(lineAndColumn("ab\ncd\nef", 6)).toBe("line 3, column 1");
  });
});

describe("lineLocator", () => {
  it("places every offset as counting the line ends before it does", () => {
    const naive = (text: string, offset: number) => {
      const before = text.slice(0, offset).split("\n");
      return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
    };
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "\n", "\r\n", "中", " "), { maxLength: 40 }), fc.array(fc.nat(60), { maxLength: 10 }), (parts, offsets) => {
        const text = parts.join("");
        const locate = lineLocator(text);
        for (const o of offsets) expect(locate(Math.min(o, text.length))).toBe(naive(text, Math.min(o, text.length)));
      }),
    );
  });
});
