// `draftline write --mode …` for every mode with real node-llama-cpp: the tiny test model (random
// weights), held to each mode's format by its grammars, one thread.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolProfiles } from "../../../common/engine/catalog";
import { overrunCap, writtenWords } from "../../../common/generation/rules";
import { checkInvariants, type Manuscript } from "../../../common/manuscript";
import { lengthScore } from "../../../common/metrics";
import { decodeProjectFile } from "../../../common/project/file";
import { ensureTestModel } from "../../engine/testModel";
import type { CliIO } from "../command";
import { writeCommand } from "./write";

let model: string;

beforeAll(async () => {
  model = await ensureTestModel();
});

/**
 * The length rules: past the target the last section still reaches its own end, never past the hard
 * cap (15% over, issue 19's rule, which replaced the cut at 2% over); ending short makes the model go on.
 */
function expectLengthRules(m: Manuscript, target: number): void {
  const words = writtenWords(m);
  expect(words).toBeGreaterThanOrEqual(target * 0.9);
  expect(words).toBeLessThanOrEqual(overrunCap(target));
  expect(lengthScore(target, words)).toBeGreaterThanOrEqual(94);
}

describe("draftline write --mode with the tiny model", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-modes-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it.each(protocolProfiles.map((mode) => [mode]))("writes a document in the %s mode", async (mode) => {
    const stderr = new PassThrough();
    let err = "";
    stderr.on("data", (c: Buffer) => (err += c.toString()));
    const io: CliIO = { stdin: Readable.from([""]), stdout: new PassThrough(), stderr, isTTY: false, cwd: dir, env: { DRAFTLINE_HOME: path.join(dir, "home"), DRAFTLINE_THREADS: "1" } };
    const out = `${mode}.draftline`;
    const code = await writeCommand.run(["Write about the plan of the writer.", "--target", "300", "--model", model, "--mode", mode, "--context", "4096", "--out", out], io);
    expect(err).toMatch(/Finished: \d+ of 300 words/);
    expect(code).toBe(0);
    const project = decodeProjectFile(await readFile(path.join(dir, out), "utf8"), out);
    const m = project.manuscript;
    expect(project.generation.mode).toBe(mode);
    expect(m.finished).toBe(true);
    expect(m.sections.length).toBeGreaterThanOrEqual(1);
    expect(m.steps.length).toBeGreaterThanOrEqual(1);
    expect(m.steps.every((s) => s.status === "done" && s.content !== "")).toBe(true);
    expectLengthRules(m, 300);
    expect(checkInvariants(m)).toEqual([]);
  });
});
