// Looking at a GGUF file before anything loads it. llama.cpp aborts the whole process (GGML_ASSERT)
// on some malformed files instead of returning an error, so every file is read here first, in plain
// JavaScript: a file that is not a GGUF, is cut short, or lacks metadata llama.cpp needs is refused
// with a message the writer can act on, and is never handed to llama.cpp.
import { open, stat } from "node:fs/promises";
import { GgufFileType, GgufInsights, readGgufFileInfo, type GgufFileInfo, type Llama } from "node-llama-cpp";
import type { FitEstimate } from "../../common/engine/types";

export class GgufError extends Error {
  override name = "GgufError";
}

/** What the CLI and the models panel show about a GGUF file. */
export interface GgufFacts {
  path: string;
  sizeBytes: number;
  ggufVersion: number;
  architecture: string;
  name?: string;
  /** Total parameters (sum of tensor elements). */
  parameters: number;
  /** The context length the model was trained with. */
  contextLength?: number;
  layers?: number;
  embeddingLength?: number;
  headCount?: number;
  /** `general.file_type` as a name ("MOSTLY_Q4_K_M"), or the dominant tensor type. */
  quantization?: string;
  hasChatTemplate: boolean;
  vocabularySize?: number;
  tensorCount: number;
}

/** Architectures without attention heads or feed-forward blocks (state-space and RWKV models). */
const RECURRENT_ARCHITECTURES = new Set(["mamba", "mamba2", "rwkv6", "rwkv6qwen2", "rwkv7", "arwkv7"]);

/** [elements per block, bytes per block] of the ggml tensor types, by type id (ggml.h). */
const GGML_TYPE_BLOCKS: Record<number, [number, number]> = {
  0: [1, 4], // F32
  1: [1, 2], // F16
  2: [32, 18], // Q4_0
  3: [32, 20], // Q4_1
  6: [32, 22], // Q5_0
  7: [32, 24], // Q5_1
  8: [32, 34], // Q8_0
  9: [32, 36], // Q8_1
  10: [256, 84], // Q2_K
  11: [256, 110], // Q3_K
  12: [256, 144], // Q4_K
  13: [256, 176], // Q5_K
  14: [256, 210], // Q6_K
  15: [256, 292], // Q8_K
  16: [256, 66], // IQ2_XXS
  17: [256, 74], // IQ2_XS
  18: [256, 98], // IQ3_XXS
  19: [256, 50], // IQ1_S
  20: [32, 18], // IQ4_NL
  21: [256, 110], // IQ3_S
  22: [256, 82], // IQ2_S
  23: [256, 136], // IQ4_XS
  24: [1, 1], // I8
  25: [1, 2], // I16
  26: [1, 4], // I32
  27: [1, 8], // I64
  28: [1, 8], // F64
  29: [256, 56], // IQ1_M
  30: [1, 2], // BF16
  34: [256, 54], // TQ1_0
  35: [256, 66], // TQ2_0
  39: [32, 17], // MXFP4
};

function tensorBytes(dims: readonly (number | bigint)[], type: number): number | undefined {
  const block = GGML_TYPE_BLOCKS[type];
  if (!block) return undefined;
  const elements = dims.reduce<number>((n, d) => n * Number(d), 1);
  return (elements / block[0]) * block[1];
}

function fileTypeName(value: unknown): string | undefined {
  if (typeof value !== "number") return undefined;
  const name = (GgufFileType as unknown as Record<number, string>)[value];
  return name ?? `file type ${value}`;
}

function metadataValue(info: GgufFileInfo, key: string): unknown {
  let node: unknown = info.metadata;
  for (const part of key.split(".")) {
    if (node == null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function describe(file: string): string {
  return `'${file}'`;
}

/**
 * Reads a GGUF file's header and checks that llama.cpp can load it. Throws a GgufError with a clear
 * message when the file is not a GGUF, is truncated, or lacks required metadata. Never loads weights.
 */
export async function inspectGguf(file: string): Promise<{ facts: GgufFacts; info: GgufFileInfo }> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new GgufError(`${describe(file)} is not a file.`);
    size = s.size;
  } catch (error) {
    if (error instanceof GgufError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new GgufError(code === "ENOENT" ? `${describe(file)} does not exist.` : `Cannot read ${describe(file)}: ${(error as Error).message}`);
  }
  const magic = Buffer.alloc(4);
  const handle = await open(file, "r");
  try {
    await handle.read(magic, 0, 4, 0);
  } finally {
    await handle.close();
  }
  if (size < 4 || magic.toString("latin1") !== "GGUF") {
    throw new GgufError(`${describe(file)} is not a GGUF model file (a GGUF file starts with the letters GGUF).`);
  }

  let info: GgufFileInfo;
  try {
    info = await readGgufFileInfo(file, { logWarnings: false, spliceSplitFiles: false, sourceType: "filesystem" });
  } catch (error) {
    throw new GgufError(`${describe(file)} has a damaged or truncated GGUF header: ${(error as Error).message}`);
  }

  // The reader does not stop at the end of the file (it reads zeros past it): compare sizes instead.
  if ((info.infoEndOffset ?? 0) > size) {
    throw new GgufError(
      `${describe(file)} is truncated: its GGUF header alone needs ${info.infoEndOffset} bytes but the file has ${size}. Download it again (or resume the download).`,
    );
  }

  const architecture = metadataValue(info, "general.architecture");
  if (typeof architecture !== "string" || architecture === "") {
    throw new GgufError(`${describe(file)} lacks general.architecture: llama.cpp cannot load it.`);
  }
  const required = [`${architecture}.context_length`, `${architecture}.embedding_length`, `${architecture}.block_count`];
  if (!RECURRENT_ARCHITECTURES.has(architecture)) required.push(`${architecture}.feed_forward_length`, `${architecture}.attention.head_count`);
  required.push("tokenizer.ggml.model");
  const missing = required.filter((key) => metadataValue(info, key) === undefined);
  if (metadataValue(info, "tokenizer.ggml.model") !== "none" && metadataValue(info, "tokenizer.ggml.tokens") === undefined) {
    missing.push("tokenizer.ggml.tokens");
  }
  if (missing.length > 0) {
    throw new GgufError(`${describe(file)} lacks metadata llama.cpp needs (${missing.join(", ")}); loading it would crash the engine, so it was not loaded.`);
  }

  // The tensor data must all be in the file: a cut download has a valid header and missing weights.
  let dataEnd = info.infoEndOffset ?? 0;
  let parameters = 0;
  for (const tensor of info.tensorInfo ?? []) {
    const elements = tensor.dimensions.reduce<number>((n, d) => n * Number(d), 1);
    parameters += elements;
    const bytes = tensorBytes(tensor.dimensions, tensor.ggmlType) ?? 1;
    dataEnd = Math.max(dataEnd, Number(tensor.fileOffset) + bytes);
  }
  if (size < dataEnd) {
    throw new GgufError(
      `${describe(file)} is truncated: its tensors need ${dataEnd} bytes but the file has ${size}. Download it again (or resume the download).`,
    );
  }

  const numberAt = (key: string) => {
    const v = metadataValue(info, key);
    return typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : undefined;
  };
  const tokens = metadataValue(info, "tokenizer.ggml.tokens");
  const name = metadataValue(info, "general.name");
  const facts: GgufFacts = {
    path: file,
    sizeBytes: size,
    ggufVersion: info.version,
    architecture,
    name: typeof name === "string" ? name : undefined,
    parameters,
    contextLength: numberAt(`${architecture}.context_length`),
    layers: numberAt(`${architecture}.block_count`),
    embeddingLength: numberAt(`${architecture}.embedding_length`),
    headCount: numberAt(`${architecture}.attention.head_count`),
    quantization: fileTypeName(metadataValue(info, "general.file_type")),
    hasChatTemplate: typeof metadataValue(info, "tokenizer.chat_template") === "string",
    vocabularySize: Array.isArray(tokens) ? tokens.length : undefined,
    tensorCount: Number(info.tensorCount),
  };
  return { facts, info };
}

export interface FitOptions {
  /** The context the writer wants; default: 8192 or the trained length if smaller. */
  contextSize?: number;
  gpuLayers?: number | "max";
}

/**
 * Estimates whether a checked GGUF fits this machine with the given context (node-llama-cpp's
 * GgufInsights). It simulates the model's memory inside llama.cpp, so call it only on a file that
 * passed `inspectGguf`, and preferably in the engine process.
 */
export async function estimateFit(info: GgufFileInfo, llama: Llama, options: FitOptions = {}): Promise<FitEstimate> {
  const insights = await GgufInsights.from(info, llama);
  const trained = insights.trainContextSize ?? 8192;
  const contextSize = options.contextSize ?? Math.min(8192, trained);
  const resolved = await insights.configurationResolver.resolveAndScoreConfig({
    targetContextSize: contextSize,
    targetGpuLayers: options.gpuLayers,
  });
  return {
    compatibilityScore: resolved.compatibilityScore,
    fits: resolved.compatibilityScore > 0,
    gpuLayers: resolved.resolvedValues.gpuLayers,
    totalLayers: insights.totalLayers,
    contextSize: resolved.resolvedValues.contextSize,
    ramBytes: resolved.resolvedValues.totalRamUsage,
    vramBytes: resolved.resolvedValues.totalVramUsage,
  };
}
