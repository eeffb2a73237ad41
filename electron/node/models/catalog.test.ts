import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kvCacheBytes } from "../../common/engine/types";
import { protocolProfiles } from "../../common/engine/catalog";
import { CatalogError, findCatalogEntry, hfEndpoint, loadCatalog, parseCatalog, resolveHfUri } from "./catalog";
import { findRepoRoot } from "../base/paths";
import { catalogPath, modelsDir } from "./paths";

const entry = {
  id: "tiny",
  name: "Tiny",
  description: "Test.",
  file: "tiny.gguf",
  source: { kind: "huggingface", uri: "hf:user/repo/tiny.gguf", verified: true },
  quantization: "F32",
  license: "MIT",
  profile: "prompted",
  recommended: { contextSize: 2048, sampling: { temperature: 0.7 } },
};

describe("model catalog", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-catalog-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("names Qwen3-0.6B as the draft model of the Qwen3-vocabulary models, and refuses a draft it cannot download", async () => {
    const catalog = await loadCatalog();
    for (const id of ["is-writer-8b", "qwen3-8b", "qwen3-4b"]) expect(findCatalogEntry(catalog, id)?.draftModel, id).toBe("qwen3-0.6b");
    const draft = findCatalogEntry(catalog, "qwen3-0.6b");
    expect(draft).toMatchObject({ draftOnly: true, source: { kind: "huggingface" } });
    expect(() => parseCatalog({ version: 1, models: [{ ...entry, draftModel: "missing" }] })).toThrow(/draftModel 'missing' is not another downloadable model/);
    expect(() => parseCatalog({ version: 1, models: [{ ...entry, draftModel: "tiny" }] })).toThrow(/draftModel 'tiny'/);
    expect(parseCatalog({ version: 1, models: [{ ...entry, draftModel: "small" }, { ...entry, id: "small", file: "small.gguf", draftOnly: true }] }).models[0]?.draftModel).toBe("small");
  });

  it("loads models/catalog.json of the repository, IS-Writer-8B first and bring-your-own", async () => {
    const catalog = await loadCatalog();
    expect(catalog.models[0]).toMatchObject({ id: "is-writer-8b", profile: "native", source: { kind: "bring-your-own" } });
    const ids = catalog.models.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(["qwen3-8b", "qwen3-4b", "qwen3-1.7b", "longwriter-llama3.1-8b", "longwriter-glm4-9b", "longwriter-zero-32b"]));
    for (const m of catalog.models.filter((m) => m.source.kind === "huggingface")) {
      expect(m.source.kind === "huggingface" && m.source.uri.endsWith(m.file), m.id).toBe(true);
    }
  });

  it("fits each model in the GPU memory its description names, at its recommended context and KV cache", async () => {
    const catalog = await loadCatalog();
    const claims = catalog.models.filter((m) => m.gpuMemoryGB !== undefined);
    expect(claims.map((m) => m.id)).toEqual(expect.arrayContaining(["qwen3-8b", "qwen3-4b", "longwriter-zero-32b"]));
    for (const m of claims) {
      expect(m.description, m.id).toContain(`${m.gpuMemoryGB} GB GPU`);
      expect(m.description, m.id).toContain(`${m.recommended.contextSize.toLocaleString("en-US")} tokens of context`);
      expect(m.attention && m.sizeBytes, `${m.id} says its attention shape and size`).toBeTruthy();
      const { layers, kvHeads, headSize } = m.attention!;
      const kv = kvCacheBytes(layers * kvHeads * 2 * headSize, m.recommended.contextSize, m.recommended.kvCacheType ?? "f16");
      // llama.cpp's compute buffers and the GPU runtime: half a gigabyte and 5% of the weights.
      const overhead = 0.5e9 + 0.05 * m.sizeBytes!;
      expect(m.sizeBytes! + kv + overhead, `${m.id}: weights ${m.sizeBytes}, KV cache ${kv}`).toBeLessThanOrEqual(m.gpuMemoryGB! * 1e9);
    }
    // At f16 and 32k, Qwen3-8B's KV cache alone is 4.5 GiB: it would not fit an 8 GB GPU.
    const qwen = catalog.models.find((m) => m.id === "qwen3-8b")!;
    expect(qwen.sizeBytes! + kvCacheBytes(36 * 8 * 2 * 128, 32768, "f16")).toBeGreaterThan(8e9);
  });

  it("finds an entry by id, whatever its case", async () => {
    const catalog = parseCatalog({ version: 1, models: [entry] });
    expect(findCatalogEntry(catalog, "TINY")?.name).toBe("Tiny");
    expect(findCatalogEntry(catalog, "other")).toBeUndefined();
  });

  it("refuses a catalog with a bad entry and says where", () => {
    const bad = { version: 1, models: [{ ...entry, profile: "magic", source: { kind: "huggingface", uri: "https://example.com/x.gguf", verified: true } }] };
    expect(() => parseCatalog(bad)).toThrow(CatalogError);
    expect(() => parseCatalog(bad)).toThrow(/models\.0\.source\.uri: expected hf:user\/repo\/file\.gguf/);
    expect(() => parseCatalog(bad)).toThrow(/models\.0\.profile/);
  });

  it("refuses duplicate ids, unknown fields and a bad checksum", () => {
    expect(() => parseCatalog({ version: 1, models: [entry, entry] })).toThrow(/duplicate id 'tiny'/);
    expect(() => parseCatalog({ version: 1, models: [{ ...entry, size: 3 }] })).toThrow(/Unrecognized key/);
    expect(() => parseCatalog({ version: 1, models: [{ ...entry, source: { ...entry.source, sha256: "abc" } }] })).toThrow(/sha256 is 64 lowercase hex digits/);
  });

  it("reports a catalog file that is not JSON", async () => {
    const file = path.join(dir, "catalog.json");
    await writeFile(file, "{ not json");
    await expect(loadCatalog(file)).rejects.toThrow(/is not JSON/);
    await expect(loadCatalog(path.join(dir, "none.json"))).rejects.toThrow(/Cannot read the model catalog/);
  });

  it("turns hf: URIs into download URLs on an overridable endpoint", () => {
    expect(resolveHfUri("hf:Qwen/Qwen3-8B-GGUF/Qwen3-8B-Q4_K_M.gguf", "https://huggingface.co")).toBe(
      "https://huggingface.co/Qwen/Qwen3-8B-GGUF/resolve/main/Qwen3-8B-Q4_K_M.gguf",
    );
    expect(resolveHfUri("hf:u/r/sub/f.gguf", "http://127.0.0.1:9/")).toBe("http://127.0.0.1:9/u/r/resolve/main/sub/f.gguf");
    expect(() => resolveHfUri("hf:just-a-repo", "https://huggingface.co")).toThrow(/not a Hugging Face file URI/);
    expect(hfEndpoint({})).toBe("https://huggingface.co");
    expect(hfEndpoint({ DRAFTLINE_HF_ENDPOINT: "http://127.0.0.1:8000/" })).toBe("http://127.0.0.1:8000");
  });

  it("keeps models in the repository's models folder unless DRAFTLINE_MODELS_DIR says otherwise", () => {
    const root = findRepoRoot();
    expect(root).toBeDefined();
    expect(modelsDir({}, root)).toBe(path.join(root!, "models"));
    expect(modelsDir({ DRAFTLINE_MODELS_DIR: dir }, root)).toBe(dir);
    expect(modelsDir({ DRAFTLINE_HOME: dir }, null)).toBe(path.join(dir, "models"));
    expect(() => catalogPath({}, null)).toThrow(/set DRAFTLINE_CATALOG/);
    expect(catalogPath({}, root)).toBe(path.join(root!, "models", "catalog.json"));
  });
});

describe("the catalog", () => {
  it("offers a model for each research system, with the profile and prompt format it needs", async () => {
    const catalog = await loadCatalog();
    const byId = new Map(catalog.models.map((m) => [m.id, m]));
    expect(byId.get("is-writer-8b")).toMatchObject({ profile: "native", source: { kind: "bring-your-own" }, promptFormat: { kind: "chat-template" } });
    expect(byId.get("longwriter-llama3.1-8b")).toMatchObject({ profile: "direct", otherProfiles: ["agentwrite"], promptFormat: { kind: "raw", turn: "[INST]{prompt}[/INST]" } });
    expect(byId.get("longwriter-glm4-9b")).toMatchObject({ profile: "direct", otherProfiles: ["agentwrite"], promptFormat: { stop: ["<|user|>", "<|observation|>"] } });
    expect(byId.get("longwriter-zero-32b")).toMatchObject({ profile: "think-answer", promptFormat: { kind: "raw", stop: expect.arrayContaining(["</answer>"]) } });
    // Every profile is some catalog model's profile, or one it may be driven by instead.
    const offered = new Set(catalog.models.flatMap((m) => [m.profile, ...(m.otherProfiles ?? [])]));
    expect([...protocolProfiles].filter((p) => !offered.has(p))).toEqual([]);
    for (const m of catalog.models) for (const q of m.quantizations ?? []) expect(q.sizeBytes ?? 1).toBeGreaterThan(0);
  });
});
