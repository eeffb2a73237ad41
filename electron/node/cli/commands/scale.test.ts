// `draftline parse` and `draftline count` on transcripts of about 13 MB shaped to find work that grows
// faster than the text (each ran past 120 s before the reducer, the plan reader and the section
// assignment were made linear). The time is not asserted: the test checks what they read, with room for
// a slow machine. bench/parser.bench.ts measures how the time grows.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bigPlan, FILLER, longLines, namedSection, nestedContent, tinySteps } from "../../../common/iscot/testing/adversarial";
import type { Manuscript } from "../../../common/manuscript";
import { countWriterWords } from "../../../common/metrics/words";
import type { CliIO } from "../command";
import { runCli } from "../main";

async function run(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on("data", (c: Buffer) => out.push(c.toString()));
  stderr.on("data", (c: Buffer) => err.push(c.toString()));
  const io: CliIO = { stdin: Readable.from([]), stdout, stderr, isTTY: false, cwd, env: {} };
  const code = await runCli(args, io);
  return { code, out: out.join(""), err: err.join("") };
}

const MINUTES = 60_000;

describe("draftline parse and count on 13 MB adversarial transcripts", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-cli-scale-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  async function file(name: string, text: string): Promise<string> {
    expect(Buffer.byteLength(text)).toBeGreaterThan(12_000_000);
    await writeFile(path.join(dir, name), text);
    return name;
  }

  it(
    "reads 200,000 tiny steps",
    async () => {
      const name = await file("steps.txt", tinySteps(200_000));
      const parsed = await run(["parse", name], dir);
      expect(parsed.code).toBe(0);
      const m = JSON.parse(parsed.out) as Manuscript;
      expect(m.steps).toHaveLength(200_000);
      expect(m.steps[199_999]).toMatchObject({ id: "step-200000", content: "w x", words: 2, status: "done" });
      expect(parsed.err).toBe("");
      const counted = await run(["count", name], dir);
      expect(counted.out).toContain("words: 400000\n");
    },
    10 * MINUTES,
  );

  it(
    "reads 100,000 nested <content> tags, a step each, and reports each repair with its line",
    async () => {
      const name = await file("nested.txt", nestedContent(100_000));
      const parsed = await run(["parse", name], dir);
      expect(parsed.code).toBe(0);
      const m = JSON.parse(parsed.out) as Manuscript;
      expect(m.steps).toHaveLength(100_000);
      expect(m.steps[99_999]!.content).toBe(`${FILLER} 99999`);
      const warnings = parsed.err.split("\n").filter((l) => l !== "");
      expect(warnings).toHaveLength(299_999);
      expect(warnings.filter((w) => /^warning: line 100001, column \d+: <\/content> closes no open block; ignored$/.test(w))).toHaveLength(99_999);
      expect(warnings[warnings.length - 1]).toBe("warning: line 100001, column 1000001: the text ends inside step 100000");
      const counted = await run(["count", name], dir);
      expect(counted.out).toContain(`words: ${100_000 * (countWriterWords(FILLER) + 1)}\n`);
    },
    10 * MINUTES,
  );

  it(
    "reads a global plan of 100,000 sections and gives each step the section it names",
    async () => {
      const name = await file("plan.txt", bigPlan(100_000));
      const parsed = await run(["parse", name], dir);
      expect(parsed.code).toBe(0);
      const m = JSON.parse(parsed.out) as Manuscript;
      expect(m.sections).toHaveLength(100_000);
      expect(m.sections[99_999]).toMatchObject({ id: "sec-100000", title: "Section 100000", budget: 100 });
      expect(m.steps).toHaveLength(1000);
      expect(m.steps.map((s) => s.sectionId)).toEqual(m.steps.map((_, k) => `sec-${namedSection(k, 100_000)}`));
      const counted = await run(["count", name], dir);
      expect(counted.out).toContain(`words: ${1000 * countWriterWords(FILLER)}\n`);
    },
    10 * MINUTES,
  );

  it(
    "reads plan lines and a reflection with runs of a million spaces",
    async () => {
      const name = await file("lines.txt", longLines(1_000_000));
      const parsed = await run(["parse", name], dir);
      expect(parsed.code).toBe(0);
      const m = JSON.parse(parsed.out) as Manuscript;
      expect(m.sections.map((s) => s.budget)).toEqual([100, 200]);
      expect(m.steps[0]!.progress).toMatchObject({ written: 1, target: 2 });
      const counted = await run(["count", name], dir);
      expect(counted.out).toContain(`words: ${countWriterWords(FILLER)}\n`);
    },
    10 * MINUTES,
  );
});
