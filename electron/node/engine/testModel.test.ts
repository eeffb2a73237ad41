import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildTestModel } from "./testModel";

const digest = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

describe("buildTestModel", () => {
  it("writes a GGUF v3 file of about half a megabyte", () => {
    const bytes = buildTestModel();
    expect(bytes.subarray(0, 4).toString("latin1")).toBe("GGUF");
    expect(bytes.readUInt32LE(4)).toBe(3);
    expect(bytes.length).toBeGreaterThan(300_000);
    expect(bytes.length).toBeLessThan(1_000_000);
    expect(bytes.length % 32).toBe(0);
  });

  it("gives the same bytes for the same seed and different weights for another", () => {
    expect(digest(buildTestModel())).toBe(digest(buildTestModel()));
    expect(digest(buildTestModel({ seed: 2 }))).not.toBe(digest(buildTestModel()));
  });

  it("leaves out the metadata keys it is asked to", () => {
    const full = buildTestModel();
    const partial = buildTestModel({ omitKeys: ["llama.feed_forward_length"] });
    expect(full.includes(Buffer.from("llama.feed_forward_length"))).toBe(true);
    expect(partial.includes(Buffer.from("llama.feed_forward_length"))).toBe(false);
  });

  it("carries the IS-CoT tags, the chat tokens and a ChatML template", () => {
    const bytes = buildTestModel();
    for (const text of ["<global_plan>", "</reflection>", "<FINISHED>", "<|im_start|>", "<|im_end|>", "<|endoftext|>", "tokenizer.chat_template"]) {
      expect(bytes.includes(Buffer.from(text)), text).toBe(true);
    }
  });
});
