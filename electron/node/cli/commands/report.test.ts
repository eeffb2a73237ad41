// `draftline report` on a project written by the scripted engine, with a scripted loopback judge.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { judgeAnswer, startJudgeServer } from "../../eval/testing/loopback";
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
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-cli-report-"));
  const { io } = memoryIO();
  expect(await runCli(["write", "Write about a harbor town.", "--target", "2000", "--model", "scripted", "--out", "harbor.draftline"], io)).toBe(0);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("draftline report", () => {
  it("shows each section's words against its budget, repetition per step and the stock phrases found", async () => {
    await writeFile(path.join(dir, "phrases.txt"), "# mine\nharbor\nnot in the text\n");
    const { io, out } = memoryIO();
    expect(await runCli(["report", "harbor.draftline", "--stock-phrases", "phrases.txt"], io)).toBe(0);
    const text = out();
    expect(text).toMatch(/^Write about a harbor town: 2,0\d\d of 2,000 words, length score (9\d|100)\.\d/);
    expect(text).toMatch(/^ {3}1 {2}Opening +\d+ \/ +\d+ {2}\[#+-*\][ +] +\d+\.\d$/m);
    expect(text).toMatch(/^ {3}4 {2}Ending /m);
    expect(text).toMatch(/^Repetition: \d+\.\d% of the [\d,]+ 4-word n-grams repeat one seen earlier\.$/m);
    expect(text).toMatch(/^ {5}1 +\d+ +\d+\.\d%/m);
    expect(text).toMatch(/^Stock phrases found \(of 2 in the list\):\n {2}"harbor" ×\d+ \(steps? [\d, ]+\)$/m);
  });

  it("gives the report as JSON, and the judge's six scores with --judge", async () => {
    const judge = await startJudgeServer(() => judgeAnswer([4, 4, 3, 4, 3, 4], "Repetitive vocabulary."));
    try {
      const { io, out } = memoryIO();
      expect(await runCli(["report", "harbor.draftline", "--json", "--judge", judge.url], io)).toBe(0);
      const report = JSON.parse(out()) as { sections: { budget: number; words: number; score: number }[]; repetition: { n: number; perStep: unknown[] }; stockPhrases: unknown[]; quality: { score: number; scores: Record<string, number> } };
      expect(report.sections).toHaveLength(4);
      expect(report.repetition.n).toBe(4);
      expect(report.quality.scores).toMatchObject({ Relevance: 4, Coherence: 3 });
      expect(report.quality.score).toBe((75 + 75 + 50 + 75 + 50 + 75) / 6);
      expect(judge.requests[0]!.prompt).toContain("<User Request>\n\nWrite about a harbor town.\n\n</User Request>");
      const text = memoryIO();
      expect(await runCli(["report", "harbor.draftline", "--judge", judge.url], text.io)).toBe(0);
      expect(text.out()).toMatch(/Quality \(judge http:\/\/127\.0\.0\.1:\d+ \(judge\)\): S_q 66\.7\n {2}relevance 4\/5 · accuracy 4\/5 · coherence 3\/5/);
    } finally {
      await judge.close();
    }
  });

  it.each([
    [[], 2, /Name the project/],
    [["missing.draftline"], 1, /missing\.draftline/],
    [["harbor.draftline", "--judge", "local"], 2, /--judge local needs the model/],
    [["harbor.draftline", "--judge", "judge.example"], 2, /--judge must be a server's URL/],
    [["harbor.draftline", "--ngram", "0"], 2, /--ngram must be a whole number/],
    [["harbor.draftline", "--stock-phrases", "none.txt"], 1, /Cannot read .*none\.txt: no such file/],
  ])("refuses %j with a clear message", async (args, code, message) => {
    const { io, err } = memoryIO();
    expect(await runCli(["report", ...args], io)).toBe(code);
    expect(err()).toMatch(message);
  });
});
