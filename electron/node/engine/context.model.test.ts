// The context and the KV cache with real node-llama-cpp on the tiny model: a context asked for as
// "as many as fit up to N" stops at what the model was trained for, a quantized KV cache is created
// (with flash attention) and generates, and the fit estimate counts the KV cache at the context and
// type asked for.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kvCacheBytes } from "../../common/engine/types";
import { ensureTestModel } from "./testModel";
import { LlamaEngine } from "./llamaEngine";

describe("context and KV cache of the tiny model", () => {
  const engine = new LlamaEngine();
  let model: string;
  /** The tiny model with 2 heads of 32 elements: a quantized KV cache stores a head in blocks of 32. */
  let wide: string;

  beforeAll(async () => {
    model = await ensureTestModel();
    wide = await ensureTestModel(undefined, { heads: 2, kvHeads: 2 });
  });
  afterAll(() => engine.dispose());

  it("creates as large a context as asked for, never past the trained length", async () => {
    const info = await engine.load({ model, threads: 1, contextSize: { max: 32768 } });
    expect(info).toMatchObject({ contextSize: 4096, trainContextSize: 4096, kvCacheType: "f16" });
  });

  it("stores the KV cache as q8_0 with flash attention when asked, and still generates", async () => {
    const info = await engine.load({ model: wide, threads: 1, contextSize: 2048, kvCacheType: "q8_0" });
    expect(info).toMatchObject({ contextSize: 2048, kvCacheType: "q8_0", flashAttention: true });
    const prompt = engine.tokenize("The river runs through the town.");
    const result = await engine.generate({ tokens: prompt, maxTokens: 16, sampling: { temperature: 0 } });
    expect(result.tokens.length).toBeGreaterThan(0);
    expect(result.text.length).toBeGreaterThan(0);
  });

  it("refuses a quantized KV cache for heads it cannot hold, with what to do", async () => {
    await expect(engine.load({ model, threads: 1, contextSize: 2048, kvCacheType: "q4_0" })).rejects.toThrow("This model's attention heads have 16 elements, which a q4_0 KV cache (blocks of 32) cannot hold: use an f16 KV cache.");
  });

  it("counts the KV cache at the context and type of the estimate", async () => {
    const f16 = await engine.estimateFit(wide, { contextSize: 32768, kvCacheType: "f16", flashAttention: true });
    const q8 = await engine.estimateFit(wide, { contextSize: 32768, kvCacheType: "q8_0" });
    // 2 layers × 2 KV heads × (32 + 32) elements a token.
    expect(f16).toMatchObject({ contextSize: 32768, kvCacheType: "f16", kvCacheBytes: kvCacheBytes(256, 32768, "f16") });
    expect(q8).toMatchObject({ contextSize: 32768, kvCacheType: "q8_0", kvCacheBytes: kvCacheBytes(256, 32768, "q8_0") });
    const saved = f16.ramBytes + f16.vramBytes - (q8.ramBytes + q8.vramBytes);
    expect(saved).toBeGreaterThan(0.8 * (kvCacheBytes(256, 32768, "f16") - kvCacheBytes(256, 32768, "q8_0")));
  });
});
