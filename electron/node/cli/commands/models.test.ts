import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostileGgufs } from "../../engine/testing/hostileGguf";
import { buildTestModel } from "../../engine/testModel";
import type { CliIO } from "../command";
import { runCli } from "../main";

const model = buildTestModel();
const sha256 = createHash("sha256").update(model).digest("hex");

function fakeIO(env: Record<string, string | undefined>, isTTY = false) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const io: CliIO = { stdin: new PassThrough(), stdout, stderr, isTTY, cwd: os.tmpdir(), env };
  return { io, out: () => out, err: () => err };
}

describe("draftline models and test-model", () => {
  let dir: string;
  let modelsDir: string;
  let server: Server;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-cli-models-"));
    modelsDir = path.join(dir, "models");
    server = createServer((req, res) => {
      if (req.url !== "/draftline/tiny/resolve/main/tiny.gguf") return void res.writeHead(404).end();
      res.writeHead(200, { "content-length": String(model.length) }).end(model);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    const catalog = {
      version: 1,
      models: [
        {
          id: "is-writer-8b",
          name: "IS-Writer-8B",
          description: "Native.",
          file: "IS-Writer-8B-Q4_K_M.gguf",
          source: { kind: "bring-your-own", instructions: "The weights are not public." },
          quantization: "Q4_K_M",
          license: "own",
          profile: "native",
          recommended: { contextSize: 32768, sampling: {} },
        },
        {
          id: "tiny",
          name: "Tiny",
          description: "The test model.",
          file: "tiny.gguf",
          source: { kind: "huggingface", uri: "hf:draftline/tiny/tiny.gguf", verified: true, sha256 },
          sizeBytes: model.length,
          quantization: "F32",
          license: "MIT",
          profile: "prompted",
          recommended: { contextSize: 2048, sampling: { temperature: 0.7 } },
        },
      ],
    };
    await writeFile(path.join(dir, "catalog.json"), JSON.stringify(catalog));
    env = {
      DRAFTLINE_CATALOG: path.join(dir, "catalog.json"),
      DRAFTLINE_MODELS_DIR: modelsDir,
      DRAFTLINE_HF_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    };
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("test-model writes the tiny model", async () => {
    const { io, out } = fakeIO(env);
    const file = path.join(dir, "written.gguf");
    expect(await runCli(["test-model", file], io)).toBe(0);
    expect(out()).toMatch(/^Wrote .*written\.gguf \(497 KB\) in \d+ ms: llama architecture/);
    expect((await readFile(file)).equals(model)).toBe(true);
  });

  it("test-model refuses a missing or odd output name", async () => {
    const missing = fakeIO(env);
    expect(await runCli(["test-model"], missing.io)).toBe(2);
    expect(missing.err()).toMatch(/Say where to write the model/);
    const odd = fakeIO(env);
    expect(await runCli(["test-model", "model.bin"], odd.io)).toBe(2);
    expect(odd.err()).toMatch(/should end in \.gguf/);
  });

  it("pull downloads a catalog model into the models folder, with plain progress lines off a terminal", async () => {
    const { io, out } = fakeIO(env);
    expect(await runCli(["models", "pull", "tiny"], io)).toBe(0);
    expect((await readFile(path.join(modelsDir, "tiny.gguf"))).equals(model)).toBe(true);
    expect(out()).toContain(`Downloading Tiny from ${env.DRAFTLINE_HF_ENDPOINT}/draftline/tiny/resolve/main/tiny.gguf`);
    expect(out()).toMatch(/tiny: 100% 497 KB of 497 KB, .*\/s/);
    expect(out()).not.toContain("\r");
    expect(out()).toContain(`sha256 ${sha256}`);
    expect(out()).toContain("llama, 121.9K parameters, ALL_F32.");
  });

  it("pull draws a progress bar on a terminal, and says when the model is already there", async () => {
    const tty = fakeIO(env, true);
    expect(await runCli(["models", "pull", "tiny", "--force"], tty.io)).toBe(0);
    expect(tty.out()).toMatch(/\r\[#{30}\] 100% 497 KB of 497 KB/);
    const again = fakeIO(env);
    expect(await runCli(["models", "pull", "TINY"], again.io)).toBe(0);
    expect(again.out()).toMatch(/Tiny is already downloaded: .*tiny\.gguf/);
  });

  it("pull explains a bring-your-own model and an unknown id", async () => {
    const own = fakeIO(env);
    expect(await runCli(["models", "pull", "is-writer-8b"], own.io)).toBe(1);
    expect(own.err()).toContain(`IS-Writer-8B cannot be downloaded. The weights are not public. Put it in ${modelsDir} as IS-Writer-8B-Q4_K_M.gguf.`);
    const unknown = fakeIO(env);
    expect(await runCli(["models", "pull", "gpt-5"], unknown.io)).toBe(1);
    expect(unknown.err()).toMatch(/No model 'gpt-5' in the catalog. Known: is-writer-8b, tiny\./);
  });

  it("list shows the catalog, what is on disk, and other GGUF files", async () => {
    await writeFile(path.join(modelsDir, "mine.gguf"), model);
    await mkdir(path.join(modelsDir, "downloads"), { recursive: true });
    await writeFile(path.join(modelsDir, "downloads", "IS-Writer-8B-Q4_K_M.gguf.partial"), "x");
    const { io, out } = fakeIO(env);
    expect(await runCli(["models", "list"], io)).toBe(0);
    const lines = out().split("\n");
    expect(lines[0]).toBe(`Models folder: ${modelsDir}`);
    expect(lines.find((l) => l.startsWith("tiny "))).toMatch(/prompted\s+497 KB\s+hf:draftline\/tiny\/tiny\.gguf\s+yes$/);
    expect(lines.find((l) => l.startsWith("is-writer-8b"))).toMatch(/native\s+\?\s+bring your own file\s+partial 1 B$/);
    expect(out()).toMatch(/Other GGUF files in the models folder:\n {2}mine\.gguf {2}497 KB/);
  });

  it("info refuses a file that is not a GGUF before loading anything", async () => {
    const file = path.join(dir, "notes.gguf");
    await writeFile(file, "just text");
    const { io, err, out } = fakeIO(env);
    expect(await runCli(["models", "info", file], io)).toBe(1);
    expect(err()).toMatch(/is not a GGUF model file/);
    expect(out()).toBe("");
    expect(existsSync(file)).toBe(true);
  });

  // These aborted the process with GGML_ASSERT or SIGILL, or ran it out of memory: each is now refused
  // by the bounded reader, in this process, before llama.cpp or an engine starts.
  it("info refuses every hostile GGUF with a clear message", async () => {
    for (const hostile of hostileGgufs()) {
      const file = path.join(dir, hostile.name);
      await writeFile(file, hostile.bytes);
      const { io, err, out } = fakeIO(env);
      expect(await runCli(["models", "info", file], io)).toBe(1);
      expect(err()).toMatch(hostile.refusal);
      expect(err()).not.toMatch(/\n\s+at /);
      expect(out()).toBe("");
    }
  });

  it("reports usage errors", async () => {
    const none = fakeIO(env);
    expect(await runCli(["models"], none.io)).toBe(2);
    expect(none.err()).toMatch(/Say what to do: list, info, pull or hardware/);
    const bad = fakeIO(env);
    expect(await runCli(["models", "info", "a.gguf", "--context", "12"], bad.io)).toBe(2);
    expect(bad.err()).toMatch(/--context must be at least 512 tokens, not '12'/);
  });
});
