import { describe, expect, it } from "vitest";
import { catalogSchema, type Catalog } from "./catalog";
import { identifyModel, modelStem, normalizeName } from "./identify";

const entry = (id: string, name: string, file: string, extra: Record<string, unknown> = {}) => ({
  id,
  name,
  description: "d",
  file,
  source: { kind: "bring-your-own", instructions: "i" },
  quantization: "Q4_K_M",
  license: "l",
  profile: "prompted",
  recommended: { contextSize: 32768, sampling: {} },
  ...extra,
});

const catalog: Catalog = catalogSchema.parse({
  version: 1,
  models: [
    entry("is-writer-8b", "IS-Writer-8B", "IS-Writer-8B-Q4_K_M.gguf", { profile: "native", aliases: ["IS-Writer"] }),
    entry("qwen3-8b", "Qwen3-8B", "Qwen_Qwen3-8B-Q4_K_M.gguf", { architecture: "qwen3" }),
    entry("qwen3-4b", "Qwen3-4B", "Qwen_Qwen3-4B-Q4_K_M.gguf", { architecture: "qwen3" }),
  ],
});

describe("which catalog model a file is", () => {
  it("strips quantization and split suffixes from a file name", () => {
    expect(modelStem("models/is-writer-8b.Q8_0.gguf")).toBe("is-writer-8b");
    expect(modelStem("Qwen3-8B-UD-IQ4_XS-00001-of-00002.gguf")).toBe("Qwen3-8B");
    expect(normalizeName("Qwen3 8B")).toBe(normalizeName("qwen3-8b"));
  });

  it("knows a catalog model by its file name first", () => {
    expect(identifyModel(catalog, { file: "/x/IS-Writer-8B-Q4_K_M.gguf" })).toMatchObject({ entry: { id: "is-writer-8b" }, by: "file" });
  });

  it("knows a renamed or requantized file by how it names itself", () => {
    // IS-Writer in another quantization, under another file name: the file name alone says it.
    expect(identifyModel(catalog, { file: "is-writer-8b.Q8_0.gguf", architecture: "qwen3" })).toMatchObject({ entry: { id: "is-writer-8b" }, by: "name" });
    // A file named anyhow, whose metadata names the model.
    expect(identifyModel(catalog, { file: "model.gguf", name: "IS-Writer-8B" })).toMatchObject({ entry: { id: "is-writer-8b" }, by: "name", reason: 'IS-Writer-8B in the catalog, by general.name "IS-Writer-8B"' });
    expect(identifyModel(catalog, { file: "m.gguf", basename: "Qwen3", sizeLabel: "4B", architecture: "qwen3" })).toMatchObject({ entry: { id: "qwen3-4b" }, by: "name" });
    expect(identifyModel(catalog, { file: "m.gguf", basename: "IS-Writer" })).toMatchObject({ entry: { id: "is-writer-8b" } });
  });

  it("does not take another architecture or size for the model, and says a fine-tune's base", () => {
    expect(identifyModel(catalog, { file: "m.gguf", name: "Qwen3 8B", architecture: "llama" })).toBeNull();
    expect(identifyModel(catalog, { file: "m.gguf", basename: "Qwen3", sizeLabel: "14B", architecture: "qwen3" })).toBeNull();
    expect(identifyModel(catalog, { file: "my-writer.gguf", name: "My Writer", baseModel: "Qwen3 8B", architecture: "qwen3" })).toMatchObject({
      entry: { id: "qwen3-8b" },
      by: "base",
      reason: 'a fine-tune of Qwen3-8B (general.base_model "Qwen3 8B")',
    });
    expect(identifyModel(catalog, { file: "other.gguf", name: "Mistral 7B" })).toBeNull();
  });

  it("knows a server's model by its id", () => {
    expect(identifyModel(catalog, { file: "Qwen/Qwen3-8B", architecture: undefined })).toMatchObject({ entry: { id: "qwen3-8b" }, by: "name" });
  });
});
