import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkInvariants } from "../../../common/manuscript";
import { countWriterWords } from "../../../common/metrics/words";
import { encodeProjectFile } from "../../../common/project/file";
import { sampleManuscript } from "../../../common/testing/sampleManuscript";
import { newProjectFile, readProjectFile } from "../../projects/projectFile";
import type { CliIO } from "../command";
import { runCli } from "../main";

function memoryIO(cwd: string, dataDir: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  // The scripted model: no inference, a deterministic writer that answers a rewrite request with prose.
  const io: CliIO = { stdin: Readable.from([""]), stdout, stderr, isTTY: false, cwd, env: { DRAFTLINE_ENGINE: "scripted", DRAFTLINE_MODELS_DIR: dataDir } };
  return { io, out: () => out, err: () => err };
}

describe("draftline rewrite", () => {
  let dir: string;
  const project = newProjectFile({ title: "The Lighthouse", manuscript: sampleManuscript(), generation: { model: null, mode: null }, appVersion: "test" });
  const file = () => path.join(dir, "story.draftline");
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-cli-rewrite-"));
  });
  beforeEach(async () => {
    await writeFile(file(), encodeProjectFile(project));
    await rm(`${file()}.bak`, { force: true });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("replaces the passage it found with the model's shorter one, prints it, keeps the previous file as .bak, and changes nothing else", async () => {
    const { io, out, err } = memoryIO(dir, path.join(dir, "data"));
    const passage = "Night fell over the rocks, and the lamp turned slowly until dawn came grey.";
    expect(await runCli(["rewrite", "story.draftline", "--find", passage, "--shorten", "--target", "12", "--model", "scripted"], io)).toBe(0);
    const text = out().trim();
    expect(countWriterWords(text)).toBeGreaterThanOrEqual(12);
    expect(countWriterWords(text)).toBeLessThan(12 + 12);
    expect(err()).toMatch(/Rewrote a passage of step-2 \(14 → \d+ words, target 12\) in story\.draftline; the previous version is story\.draftline\.bak\./);
    const after = await readProjectFile(file());
    const before = project.manuscript;
    expect(after.manuscript.steps[1]!.content).toBe(text);
    expect(after.manuscript.steps[1]!.status).toBe("edited");
    // Everything outside the passage is as it was.
    after.manuscript.steps.forEach((s, i) => {
      if (i !== 1) expect(s.content).toBe(before.steps[i]!.content);
    });
    expect(after.manuscript.sections).toEqual(before.sections);
    expect(checkInvariants(after.manuscript)).toEqual([]);
    expect(await readFile(`${file()}.bak`, "utf8")).toBe(encodeProjectFile(project));
  });

  it("rewrites inside a step: the text before and after the passage stays to the character", async () => {
    const { io } = memoryIO(dir, path.join(dir, "data"));
    expect(await runCli(["rewrite", "story.draftline", "--find", "The sea keeps what it takes.", "--instruction", "make it ominous", "--model", "scripted"], io)).toBe(0);
    const content = (await readProjectFile(file())).manuscript.steps[0]!.content;
    const original = project.manuscript.steps[0]!.content;
    const at = original.indexOf("The sea keeps what it takes.");
    expect(content.startsWith(original.slice(0, at))).toBe(true);
    expect(content).not.toContain("The sea keeps what it takes.");
  });

  it("with --section looks for the text in that section only", async () => {
    const { io } = memoryIO(dir, path.join(dir, "data"));
    expect(await runCli(["rewrite", "story.draftline", "--find", "came", "--section", "2", "--model", "scripted"], io)).toBe(0);
    const after = (await readProjectFile(file())).manuscript;
    const before = project.manuscript;
    expect(after.steps.slice(0, 2).map((s) => s.content)).toEqual(before.steps.slice(0, 2).map((s) => s.content));
    expect(after.steps[2]!.content.startsWith("- wind\n- rain\n\nThe storm ")).toBe(true);
    expect(after.steps[2]!.content.endsWith(" from the west and stayed three days.")).toBe(true);
    expect(after.steps[2]!.content).not.toBe(before.steps[2]!.content);
  });

  it("with --dry-run prints the passage and leaves the project as it was", async () => {
    const { io, out, err } = memoryIO(dir, path.join(dir, "data"));
    const before = await stat(file());
    expect(await runCli(["rewrite", "story.draftline", "--step", "step-2", "--expand", "--model", "scripted", "--dry-run"], io)).toBe(0);
    expect(out().trim().length).toBeGreaterThan(0);
    expect(err()).toContain("--dry-run: story.draftline was not changed.");
    expect(await readFile(file(), "utf8")).toBe(encodeProjectFile(project));
    expect((await stat(file())).mtimeMs).toBe(before.mtimeMs);
  });

  it.each<[string, string[], number, RegExp]>([
    ["no passage named", ["rewrite", "story.draftline", "--model", "scripted"], 2, /--step ID or --find TEXT/],
    ["both ways of naming it", ["rewrite", "story.draftline", "--step", "step-1", "--find", "x", "--model", "scripted"], 2, /one of them/],
    ["two kinds of change", ["rewrite", "story.draftline", "--step", "step-1", "--expand", "--shorten", "--model", "scripted"], 2, /Choose one of --instruction, --expand and --shorten/],
    ["text that is not in the draft", ["rewrite", "story.draftline", "--find", "a dragon", "--model", "scripted"], 1, /"a dragon" is not in the draft/],
    ["a step that does not exist", ["rewrite", "story.draftline", "--step", "step-9", "--model", "scripted"], 1, /There is no step step-9/],
    ["text that occurs more than once", ["rewrite", "story.draftline", "--find", "came", "--model", "scripted"], 1, /"came" occurs 3 times \(step-1, step-2, step-3\): give more of the text, or --section N/],
    ["a section that does not exist", ["rewrite", "story.draftline", "--find", "came", "--section", "3", "--model", "scripted"], 1, /There is no section 3: the document has 2 \(1 "Arrival", 2 "The storm"\)/],
    ["--section without --find", ["rewrite", "story.draftline", "--step", "step-1", "--section", "1", "--model", "scripted"], 2, /--section narrows --find/],
    ["a target that is not a number", ["rewrite", "story.draftline", "--step", "step-1", "--target", "lots", "--model", "scripted"], 2, /--target must be a whole number/],
  ])("refuses %s with a clear message and leaves the project alone", async (_label, argv, code, message) => {
    const { io, err } = memoryIO(dir, path.join(dir, "data"));
    expect(await runCli(argv, io)).toBe(code);
    expect(err()).toMatch(message);
    expect(await readFile(file(), "utf8")).toBe(encodeProjectFile(project));
  });
});
