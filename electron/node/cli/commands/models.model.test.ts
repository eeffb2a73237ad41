// `draftline models info` (its fit estimate in the engine process) and `models hardware` (llama.cpp without a model, in this process).
import os from "node:os";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { ensureTestModel } from "../../models/testModel";
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
    expect(text).toMatch(/Context {7}4096 tokens \(trained\)\n/);
    expect(text).toMatch(/Layers {8}2\n/);
    expect(text).toMatch(/Quantization {2}ALL_F32\n/);
    expect(text).toMatch(/Chat template yes\n/);
    expect(text).toMatch(/Hardware {6}(CPU only|GPU (cuda|vulkan|metal))/);
    expect(text).toMatch(/Fit {11}fits \(score \d+%\): .*context 2048 tokens, RAM \d/);
  });

  it("prints the hardware", async () => {
    const { io, out } = fakeIO();
    expect(await runCli(["models", "hardware"], io)).toBe(0);
    expect(out()).toMatch(/RAM [\d.]+ [KMGT]B \([\d.]+ [KMGT]B free\), \d+ CPU threads\n$/);
  });
});
