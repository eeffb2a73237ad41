import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GGUF_LIMITS, GgufError, inspectGguf } from "./gguf";
import { hostileGgufs } from "./testing/hostileGguf";
import { buildTestModel } from "./testModel";

describe("inspectGguf", () => {
  let dir: string;
  const file = async (name: string, bytes: Buffer | string) => {
    const p = path.join(dir, name);
    await writeFile(p, bytes);
    return p;
  };
  const refusal = (p: string) => inspectGguf(p).then(() => undefined, (e: unknown) => e);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-gguf-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads the facts of the test model", async () => {
    const bytes = buildTestModel();
    const { facts } = await inspectGguf(await file("tiny.gguf", bytes));
    expect(facts).toMatchObject({
      sizeBytes: bytes.length,
      ggufVersion: 3,
      architecture: "llama",
      name: "Draftline tiny test model",
      contextLength: 4096,
      layers: 2,
      embeddingLength: 64,
      headCount: 4,
      // 2 layers of 2 key-value heads, keys and values of 16 elements each.
      kvElementsPerToken: 2 * 2 * (16 + 16),
      quantization: "ALL_F32",
      hasChatTemplate: true,
      vocabularySize: 374,
      tensorCount: 21,
    });
    // Every weight of the network: embedding and output 64×374 each, and per layer 4 attention,
    // 3 feed-forward and 2 norm tensors.
    expect(facts.parameters).toBe(2 * 64 * 374 + 64 + 2 * (64 * 64 * 2 + 64 * 32 * 2 + 64 * 128 * 3 + 2 * 64));
  });

  it("refuses a missing file, a folder and an empty file", async () => {
    expect(await refusal(path.join(dir, "nope.gguf"))).toMatchObject({ message: expect.stringMatching(/does not exist/) });
    expect(await refusal(dir)).toMatchObject({ message: expect.stringMatching(/is not a file/) });
    expect(await refusal(await file("empty.gguf", ""))).toMatchObject({ message: expect.stringMatching(/is not a GGUF model file/) });
  });

  it("refuses a file that is not a GGUF", async () => {
    const error = await refusal(await file("model.safetensors.gguf", Buffer.from("PK\u0003\u0004 a zip file")));
    expect(error).toBeInstanceOf(GgufError);
    expect((error as Error).message).toMatch(/is not a GGUF model file \(a GGUF file starts with the letters GGUF\)/);
  });

  it("refuses a file whose header is cut short", async () => {
    for (const size of [10, 100, 3000]) {
      const error = await refusal(await file(`header-${size}.gguf`, buildTestModel().subarray(0, size)));
      expect((error as Error).message).toMatch(new RegExp(`is truncated: its GGUF header alone needs at least [\\d,]+ bytes but the file has ${size.toLocaleString("en-US")}\\.`));
    }
  });

  it("refuses a file whose weights are cut short, even by one byte", async () => {
    const bytes = buildTestModel();
    const error = await refusal(await file("weights.gguf", bytes.subarray(0, bytes.length - 1)));
    expect((error as Error).message).toMatch(new RegExp(`is truncated: its tensors need ${bytes.length} bytes but the file has ${bytes.length - 1}`));
  });

  it("names every key llama.cpp needs that is missing", async () => {
    const error = await refusal(await file("keys.gguf", buildTestModel({ omitKeys: ["llama.feed_forward_length", "llama.block_count", "tokenizer.ggml.tokens"] })));
    expect((error as Error).message).toMatch(
      /lacks metadata llama.cpp needs \(llama.block_count, llama.feed_forward_length, tokenizer.ggml.tokens\); loading it would crash the engine/,
    );
  });

  it("refuses a file without an architecture", async () => {
    const error = await refusal(await file("arch.gguf", buildTestModel({ omitKeys: ["general.architecture"] })));
    expect((error as Error).message).toMatch(/lacks general.architecture/);
  });

  // Each of these made llama.cpp abort the process or node-llama-cpp's reader allocate without bound.
  for (const hostile of hostileGgufs()) {
    it(`refuses ${hostile.what} (${hostile.name})`, async () => {
      const error = await refusal(await file(hostile.name, hostile.bytes));
      expect(error).toBeInstanceOf(GgufError);
      expect((error as Error).message).toMatch(hostile.refusal);
      expect((error as Error).message).toContain(`'${path.join(dir, hostile.name)}'`);
    });
  }

  it("reads at most the header limit, however large the header claims to be", async () => {
    const bytes = buildTestModel();
    const error = await refusal(await file("big-header.gguf", bytes));
    expect(error).toBeUndefined();
    const limited = await inspectGguf(path.join(dir, "big-header.gguf"), { ...GGUF_LIMITS, maxHeaderBytes: 2048 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((limited as Error).message).toMatch(/has a damaged GGUF header: its header is larger than 0\.001953125 MiB/);
  });

  it("keeps per-layer values and accepts layers without attention", async () => {
    const { encodeGguf, testModelParts } = await import("./testModel");
    const parts = testModelParts();
    const metadata = parts.metadata.map(([key, value]): [string, typeof value] =>
      key === "llama.attention.head_count" ? [key, { type: "i32s", value: [4, 4] }] : key === "llama.attention.head_count_kv" ? [key, { type: "i32s", value: [2, 4] }] : [key, value],
    );
    const { facts, header } = await inspectGguf(await file("per-layer.gguf", encodeGguf({ ...parts, metadata })));
    expect(facts.headCount).toBe(4);
    expect(header.metadata.get("llama.attention.head_count_kv")).toEqual({ kind: "array", type: 5, length: 2, values: [2, 4] });
  });
});
