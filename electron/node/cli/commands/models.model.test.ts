// `draftline models info` (its fit estimate in the engine process) and `models hardware` (llama.cpp without a model, in this process).
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ensureTestModel, writeTestModel } from "../../engine/testModel";
import type { CliIO } from "../command";
import { runCli } from "../main";

function fakeIO() {
  const stdout = new PassThrough();
  let out = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  const io: CliIO = { stdin: new PassThrough(), stdout, stderr: new PassThrough(), isTTY: false, cwd: os.tmpdir(), env: { DRAFTLINE_THREADS: "1" } };
  return { io, out: () => out };
}

describe("draftline models info", () => {
  it("prints the GGUF facts and whether the model fits this machine", async () => {
    const file = await ensureTestModel();
    const { io, out } = fakeIO();
    expect(await runCli(["models", "info", file, "--context", "2048"], io)).toBe(0);
    const text = out();
    expect(text).toContain(`File          ${file}`);
    expect(text).toMatch(/Architecture {2}llama\n/);
    expect(text).toMatch(/Parameters {4}121\.9K\n/);
    expect(text).toMatch(/Trained for {3}4096 tokens of context\n/);
    // How much the model sees at once, and its KV cache: 2 layers × 2 KV heads × (16 + 16) elements a token, 2 bytes each.
    expect(text).toMatch(/Context {7}2,048 tokens at once: about 1,500 English words or 2,000 Chinese characters \(prompt, plan and text together\); as given with --context\n/);
    expect(text).toMatch(/KV cache {6}f16, 524 KB at 2,048 tokens \(--kv-cache q8_0 halves it\)\n/);
    expect(text).toMatch(/Layers {8}2\n/);
    expect(text).toMatch(/Quantization {2}ALL_F32\n/);
    expect(text).toMatch(/Chat template yes\n/);
    expect(text).toMatch(/Hardware {6}(CPU only|GPU (cuda|vulkan|metal))/);
    expect(text).toMatch(/Fit {11}fits \(score \d+%\): .*context 2048 tokens, RAM \d/);
  });

  it("estimates the fit at the context the model would get, with the KV cache type asked for", async () => {
    // Two heads of 32 elements: a q8_0 KV cache (blocks of 32) can hold them.
    const file = await ensureTestModel(os.tmpdir(), { heads: 2, kvHeads: 2 });
    const { io, out } = fakeIO();
    expect(await runCli(["models", "info", file, "--kv-cache", "q8_0"], io)).toBe(0);
    const text = out();
    // Not in the catalog: the context it was trained for; q8_0 takes 34 bytes per 32 elements:
    // 2 layers × 2 KV heads × (32 + 32) elements = 256 a token, 272 bytes, 1.1 MB at 4,096 tokens.
    expect(text).toMatch(/Context {7}4,096 tokens at once: .*; the context it was trained for/);
    expect(text).toMatch(/KV cache {6}q8_0, 1\.1 MB at 4,096 tokens\n/);
    expect(text).toMatch(/Fit {11}fits \(score \d+%\): .*context 4096 tokens/);
  });

  it("says which catalog model a renamed file is by its GGUF metadata, and how it will be driven", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "draftline-models-info-"));
    try {
      const renamed = path.join(dir, "is-writer-8b.Q8_0.gguf");
      await writeTestModel(renamed, { name: "IS-Writer 8B" });
      const { io, out } = fakeIO();
      expect(await runCli(["models", "info", renamed, "--context", "2048", "--kv-cache", "f16"], io)).toBe(0);
      expect(out()).toMatch(/Profile {7}native: IS-Writer-8B in the catalog, by general\.name "IS-Writer 8B"\n/);
      const unknown = path.join(dir, "unknown.gguf");
      await writeTestModel(unknown, { name: "Some Model" });
      const second = fakeIO();
      expect(await runCli(["models", "info", unknown, "--context", "2048"], second.io)).toBe(0);
      expect(second.out()).toMatch(/Profile {7}Some Model is not in the catalog; probed when loaded: native if it writes <global_plan> by itself from the native prompt, else prompted\n/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a quantized KV cache the model's heads cannot hold, and says what to use", async () => {
    const file = await ensureTestModel();
    const { io, out } = fakeIO();
    let err = "";
    io.stderr.on("data", (c: Buffer) => (err += c.toString()));
    expect(await runCli(["models", "info", file, "--kv-cache", "q8_0"], io)).toBe(1);
    expect(out()).toContain(`File          ${file}`);
    expect(err).toContain("This model's attention heads have 16 elements, which a q8_0 KV cache (blocks of 32) cannot hold: use an f16 KV cache.");
  });

  it("prints the hardware", async () => {
    const { io, out } = fakeIO();
    expect(await runCli(["models", "hardware"], io)).toBe(0);
    expect(out()).toMatch(/RAM [\d.]+ [KMGT]B \([\d.]+ [KMGT]B free\), \d+ CPU threads\n$/);
  });
});
