// The context a model is loaded with: the writer's, the catalog's, or the trained length up to 32,768;
// the engine is asked for as many as fit up to that, and the writer is told when memory capped it.
import { describe, expect, it } from "vitest";
import type { CatalogEntry } from "../../common/engine/catalog";
import { kvCacheBytes, textInContext } from "../../common/engine/types";
import { describeContext, planContext } from "./context";

const entry = { name: "IS-Writer-8B", recommended: { contextSize: 32768, kvCacheType: "q8_0", sampling: {} } } as unknown as CatalogEntry;

describe("the context a model is loaded with", () => {
  it("asks for the catalog's context, as much of it as fits, with its KV cache type", () => {
    expect(planContext({}, entry, 131072)).toEqual({ contextSize: { max: 32768 }, wanted: 32768, origin: "catalog", kvCacheType: "q8_0" });
    // Never past what the model was trained for.
    expect(planContext({}, entry, 8192)).toMatchObject({ contextSize: { max: 8192 }, wanted: 8192 });
  });

  it("gives a model the catalog does not know the context it was trained for, at most 32,768 tokens", () => {
    expect(planContext({}, undefined, 4096)).toEqual({ contextSize: { max: 4096 }, wanted: 4096, origin: "trained", kvCacheType: "f16" });
    expect(planContext({}, undefined, 131072)).toMatchObject({ contextSize: { max: 32768 }, wanted: 32768 });
  });

  it("takes the writer's context exactly, and the writer's KV cache and flash attention over the catalog's", () => {
    expect(planContext({ contextSize: 12000, kvCacheType: "f16", flashAttention: false }, entry, 40960)).toEqual({ contextSize: 12000, wanted: 12000, origin: "writer", kvCacheType: "f16", flashAttention: false });
    expect(planContext({ contextSize: "auto" }, entry, 40960)).toMatchObject({ contextSize: "auto", wanted: null, origin: "auto", kvCacheType: "q8_0" });
  });

  it("says why the context is as large as it is, and when memory capped it", () => {
    const plan = planContext({}, entry, 40960);
    expect(describeContext(plan, 32768, "IS-Writer-8B")).toBe("32,768 tokens, the context the catalog recommends for IS-Writer-8B (q8_0 KV cache).");
    expect(describeContext(plan, 16384, "IS-Writer-8B")).toBe("16,384 tokens: the context the catalog recommends for IS-Writer-8B is 32,768, but only 16,384 fit this machine's memory with a q8_0 KV cache.");
    const f16 = planContext({}, undefined, 32768);
    expect(describeContext(f16, 8192, "m")).toMatch(/only 8,192 fit .* A q8_0 KV cache holds about twice as many in the same memory\.$/);
  });
});

describe("KV cache and text in a context", () => {
  it("counts an 8B model's f16 KV cache at 32k as about 4.5 GiB, and half of that at q8_0", () => {
    // Qwen3-8B: 36 layers, 8 key-value heads of 128 (config.json).
    const perToken = 36 * 8 * (128 + 128);
    expect(kvCacheBytes(perToken, 32768, "f16") / 2 ** 30).toBeCloseTo(4.5, 1);
    expect(kvCacheBytes(perToken, 32768, "q8_0") / kvCacheBytes(perToken, 32768, "f16")).toBeCloseTo(0.53, 2);
    expect(kvCacheBytes(perToken, 32768, "q4_0") / kvCacheBytes(perToken, 32768, "f16")).toBeCloseTo(0.28, 2);
  });

  it("says about how much text a context holds", () => {
    expect(textInContext(32768)).toEqual({ words: 24600, characters: 32800 });
  });
});
