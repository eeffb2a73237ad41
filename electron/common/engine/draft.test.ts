import { describe, expect, it } from "vitest";
import { acceptanceRate, addSpeculativeStats, compareVocabularies, DraftLength, vocabularySampleIds, type VocabularySample } from "./draft";

const vocab = (patch: Partial<VocabularySample> = {}): VocabularySample => ({
  type: "bpe",
  size: 1000,
  bos: 1,
  eos: 2,
  tokens: vocabularySampleIds(1000).map((id) => [id, `t${id}`] as const),
  ...patch,
});

describe("compareVocabularies", () => {
  it("accepts the same vocabulary, and one padded by a few tokens", () => {
    expect(compareVocabularies(vocab(), vocab())).toBeNull();
    expect(compareVocabularies(vocab(), vocab({ size: 1100 }))).toBeNull();
  });

  it("refuses another tokenizer, other special tokens, another size or other token texts, saying which", () => {
    expect(compareVocabularies(vocab(), vocab({ type: "spm" }))).toMatch(/tokenizer is spm/);
    expect(compareVocabularies(vocab(), vocab({ bos: 7 }))).toMatch(/start token is 7/);
    expect(compareVocabularies(vocab(), vocab({ eos: null }))).toMatch(/end token is none/);
    expect(compareVocabularies(vocab(), vocab({ size: 2000 }))).toMatch(/2000 tokens, the model's 1000/);
    const other = vocab({ tokens: vocab().tokens.map(([id, text]) => [id, id === 500 ? "other" : text] as const) });
    expect(compareVocabularies(vocab(), other)).toMatch(/token 500 is "other"/);
  });
});

describe("vocabularySampleIds", () => {
  it("takes the first ids, a spread and the last, each once, in order", () => {
    const ids = vocabularySampleIds(151_936);
    expect(ids.slice(0, 32)).toEqual([...Array(32).keys()]);
    expect(ids.at(-1)).toBe(151_935);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBeLessThan(600);
    expect(vocabularySampleIds(0)).toEqual([]);
  });
});

describe("DraftLength", () => {
  it("drafts longer while the drafts are accepted and shorter when they are rejected, within its limits", () => {
    const length = new DraftLength({ min: 1, max: 8 });
    const start = length.length;
    for (let i = 0; i < 20; i++) length.update(length.length, length.length);
    expect(length.length).toBe(8);
    expect(length.length).toBeGreaterThan(start);
    for (let i = 0; i < 20; i++) length.update(length.length, 0);
    expect(length.length).toBe(1);
    expect(length.acceptance).toBeLessThan(0.01);
  });

  it("settles near the run a steady acceptance rate gives", () => {
    const length = new DraftLength({ min: 1, max: 16 });
    for (let i = 0; i < 50; i++) length.update(10, 8);
    expect(length.length).toBe(4);
    expect(length.update(0, 0)).toBe(4);
  });

  it("refuses limits that allow no draft", () => {
    expect(() => new DraftLength({ min: 3, max: 2 })).toThrow(RangeError);
    expect(() => new DraftLength({ min: 0, max: 0 })).toThrow(RangeError);
  });
});

describe("speculative stats", () => {
  it("adds generations and gives the accepted share", () => {
    const total = addSpeculativeStats({ drafted: 10, accepted: 5, draftLength: 3 }, { drafted: 10, accepted: 10, draftLength: 6 });
    expect(total).toEqual({ drafted: 20, accepted: 15, draftLength: 6 });
    expect(acceptanceRate(total)).toBe(0.75);
    expect(acceptanceRate({ drafted: 0, accepted: 0 })).toBeUndefined();
    expect(addSpeculativeStats(undefined, undefined)).toBeUndefined();
  });
});
