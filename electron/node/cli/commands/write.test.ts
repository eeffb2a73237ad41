// `draftline write` with the scripted engine (DRAFTLINE_ENGINE=scripted): the whole command path —
// model, project, controller, save, export, scores — without inference. (`draftline eval`: eval.test.ts.)
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { decodeProjectFile } from "../../../common/project/file";
import { startWriterServer, type WriterServer } from "../../eval/testing/loopback";
import { fakeWriter } from "../../../common/testing/fakeWriter";
import type { CliIO } from "../command";
import { runCli } from "../main";

let dir: string;

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
    expect(await runCli(["write", "Write about a lighthouse keeper.", "--target", "600", "--model", "scripted", "--temperature", "0.9", "--top-p", "0.95", "--presence-penalty", "0.3", "--frequency-penalty", "0.1", "--seed", "3"], io)).toBe(0);
    // Over the default sampling of a model the catalog does not know (min-p 0.05 stays).
    expect(err()).toMatch(/sampling: temperature 0\.9, top-p 0\.95, min-p 0\.05, presence penalty 0\.3, frequency penalty 0\.1, seed 3/);
  });

  it("does not decode a model the catalog does not know greedily", async () => {
    const { io, err } = memoryIO();
    expect(await runCli(["write", "Write about a lighthouse keeper.", "--target", "300", "--model", "scripted"], io)).toBe(0);
    expect(err()).toMatch(/sampling: temperature 0\.7, top-p 0\.9, min-p 0\.05\n/);
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

  it("writing --out over an existing project keeps the old file beside it and says where", async () => {
    const file = path.join(dir, "twice.draftline");
    expect(await runCli(["write", "Write about a harbor.", "--target", "300", "--model", "scripted", "--out", "twice.draftline"], memoryIO().io)).toBe(0);
    const first = await readFile(file, "utf8");
    const { io, err } = memoryIO();
    expect(await runCli(["write", "Write about a mill.", "--target", "300", "--model", "scripted", "--out", "twice.draftline"], io)).toBe(0);
    const said = /already existed: the old file is kept as (\S+\.replaced-[^\s]+\.draftline)\./.exec(err());
    expect(said, err()).not.toBeNull();
    expect(await readFile(said![1]!, "utf8")).toBe(first);
    expect(decodeProjectFile(await readFile(file, "utf8"), "twice.draftline").manuscript.instruction).toBe("Write about a mill.");
  });

  it("refuses --out or --export into a folder that does not exist before loading the model, without a stack trace", async () => {
    for (const argv of [
      ["write", "x", "--target", "100", "--model", "scripted", "--out", "missing/dir/a.draftline"],
      ["write", "x", "--target", "100", "--model", "scripted", "--export", "missing/a.md"],
    ]) {
      const { io, err } = memoryIO();
      expect(await runCli(argv, io)).toBe(1);
      expect(err()).toMatch(/^draftline write: --(out|export) .*: the folder .*missing.* does not exist\. Create it first, or choose another place\.\n$/);
      expect(err()).not.toMatch(/Loading|unexpected error|\n\s+at /);
    }
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
    [["write", "x", "--target", "100", "--model", "scripted", "--presence-penalty", "3"], /--presence-penalty must be a number from 0 to 2/],
    [["write", "x", "--target", "100", "--model", "scripted", "--kv-cache", "q2_k"], /--kv-cache must be one of f16, q8_0, q4_0, not 'q2_k'/],
    [["write", "x", "--target", "100", "--model", "scripted", "--flash-attention", "maybe"], /--flash-attention must be on or off/],
    [["write", "x", "--target", "100", "--model", "scripted", "--context", "100"], /--context must be at least 512 tokens/],
    [["write", "x", "--model", "scripted", "--continue", "a.draftline"], /--continue goes on with the project's own instruction/],
    [["write", "--model", "scripted", "--continue", "a.draftline", "--out", "b.draftline"], /--continue saves to the project it continues/],
    [["write", "--model", "scripted", "--continue", "a.md"], /--continue must name a \.draftline project/],
    [["write", "--model", "scripted", "--continue", "absent.draftline"], /absent\.draftline does not exist/],
  ])("refuses %j with a clear message", async (argv, message) => {
    const { io, err } = memoryIO();
    expect(await runCli(argv, io)).toBeGreaterThan(0);
    expect(err()).toMatch(message);
  });
});

describe("draftline write against an OpenAI-compatible server: the model proposes bible entries", () => {
  it("asks the server after each step; what the text supports waits for the writer, what it invented is dropped", { timeout: 60_000 }, async () => {
    const script = fakeWriter({ plant: (k) => (k === 0 ? "Tom Hale found the Brass Key at Gull Rock." : null) });
    const asks: string[] = [];
    const server = await startWriterServer((prompt) => {
      // The last user turn asks for proposals (the client writes ChatML: no template on this server).
      if (prompt.lastIndexOf("List the new names step ") < prompt.lastIndexOf("<|im_start|>user")) return script(prompt);
      asks.push(prompt);
      return "NEW | object | Brass Key | The key Tom Hale found at Gull Rock.\nNEW | character | Zed Quorn | A wizard.\u0000";
    });
    try {
      const { io, err } = memoryIO({});
      expect(await runCli(["write", "Write about a harbor.", "--target", "600", "--server", server.url, "--out", "proposals.draftline"], io), err()).toBe(0);
      const saved = decodeProjectFile(await readFile(path.join(dir, "proposals.draftline"), "utf8"), "proposals.draftline");
      expect(asks.length).toBeGreaterThanOrEqual(saved.manuscript.steps.length);
      expect(saved.manuscript.memory.proposals.map((p) => [p.kind, p.name])).toEqual([["object", "Brass Key"]]);
      expect(saved.manuscript.memory.entries).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("draftline write when the model's server dies mid-run", () => {
  const servers: WriterServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  it("saves and exports what was written (marked unfinished), says where it is, exits 1, and --continue finishes it", { timeout: 60_000 }, async () => {
    const dying = await startWriterServer(fakeWriter(), { dieAfterChars: 3_000 });
    servers.push(dying);
    const first = memoryIO({});
    const code = await runCli(["write", "Write about a harbor.", "--target", "1000", "--server", dying.url, "--out", "dies.draftline", "--export", "dies.md"], first.io);
    expect(first.err()).toMatch(/Failed: \d+ of 1000 words/);
    expect(code).toBe(1);
    const wordsBefore = Number(/Failed: (\d+) of 1000 words/.exec(first.err())![1]);
    expect(wordsBefore).toBeGreaterThan(100);
    expect(first.err()).toContain(`Saved ${path.join(dir, "dies.draftline")} (unfinished)`);
    expect(first.err()).toContain(`Exported ${path.join(dir, "dies.md")} (marked unfinished)`);
    expect(first.err()).toContain(`Continue it with: draftline write --continue dies.draftline --server ${dying.url}`);
    expect(first.err()).toMatch(/draftline write: The generation failed: /);
    const saved = decodeProjectFile(await readFile(path.join(dir, "dies.draftline"), "utf8"), "dies.draftline");
    expect(saved.manuscript.finished).toBe(false);
    expect(saved.manuscript.steps.reduce((n, s) => n + s.words, 0)).toBe(wordsBefore);
    const markdown = await readFile(path.join(dir, "dies.md"), "utf8");
    expect(markdown).toMatch(/^status: "unfinished"$/m);
    expect(markdown).toContain(`*Unfinished draft: the model stopped at ${wordsBefore} of 1,000 words.*`);
    expect(markdown).toContain(saved.manuscript.steps[0]!.content.slice(0, 200));

    const healthy = await startWriterServer(fakeWriter());
    servers.push(healthy);
    const again = memoryIO({});
    expect(await runCli(["write", "--continue", "dies.draftline", "--server", healthy.url, "--export", "dies.md"], again.io)).toBe(0);
    expect(again.err()).toContain(`Continuing dies.draftline: ${wordsBefore} of 1000 words`);
    expect(again.err()).toMatch(/Finished: \d+ of 1000 words/);
    const done = decodeProjectFile(await readFile(path.join(dir, "dies.draftline"), "utf8"), "dies.draftline");
    expect(done.manuscript.finished).toBe(true);
    expect(done.manuscript.steps.reduce((n, s) => n + s.words, 0)).toBeGreaterThan(wordsBefore);
    // What the first run wrote is kept, and the export is no longer marked.
    expect(done.manuscript.steps[0]!.content).toBe(saved.manuscript.steps[0]!.content);
    expect(await readFile(path.join(dir, "dies.md"), "utf8")).not.toMatch(/unfinished/i);

    const twice = memoryIO({});
    expect(await runCli(["write", "--continue", "dies.draftline", "--server", healthy.url], twice.io)).toBe(1);
    expect(twice.err()).toMatch(/dies\.draftline is finished \(\d+ of 1000 words\): there is nothing to continue\./);
  });

  it("without --out, prints what was written and where the autosave holds it", { timeout: 60_000 }, async () => {
    const dying = await startWriterServer(fakeWriter(), { dieAfterChars: 3_000 });
    servers.push(dying);
    const run = memoryIO({});
    expect(await runCli(["write", "Write about a harbor.", "--target", "1000", "--server", dying.url], run.io)).toBe(1);
    expect(run.out()).toMatch(/^# /m);
    expect(run.out()).toContain("*Unfinished draft: the model stopped at");
    const where = /The words are kept in the autosave (\S+autosave\.draftline)/.exec(run.err());
    expect(where).not.toBeNull();
    const kept = decodeProjectFile(await readFile(where![1]!, "utf8"), "autosave");
    expect(kept.manuscript.steps.reduce((n, s) => n + s.words, 0)).toBeGreaterThan(100);
  });
});
