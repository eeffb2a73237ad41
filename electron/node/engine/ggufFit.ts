// Fit estimates of a GGUF file on this machine, with node-llama-cpp's GgufInsights. This part needs
// node-llama-cpp (it simulates the model's memory inside llama.cpp): the engine process and tools use
// it, only ever on a file that gguf.ts read and bounded first.
import { GgmlType, GgufInsights, readGgufFileInfo, type GgufFileInfo, type Llama } from "node-llama-cpp";
import { kvCacheBytes, type FitEstimate, type KvCacheType } from "../../common/engine/types";
import { GgufError, inspectGguf, type GgufFacts } from "./gguf";

/**
 * Checks a file with the bounded reader, then reads it with node-llama-cpp's reader (which allocates
 * whatever the header declares, so it only sees a checked file).
 */
export async function readCheckedGguf(file: string): Promise<{ facts: GgufFacts; info: GgufFileInfo }> {
  const { facts } = await inspectGguf(file);
  try {
    const info = await readGgufFileInfo(file, { logWarnings: false, spliceSplitFiles: false, sourceType: "filesystem" });
    return { facts, info };
  } catch (error) {
    throw new GgufError(`'${file}' has a damaged GGUF header: ${(error as Error).message}`);
  }
}

export interface FitOptions {
  /** The context the writer wants; default: 8192 or the trained length if smaller. */
  contextSize?: number;
  gpuLayers?: number | "max";
  /** How the KV cache would be stored (default f16); a quantized one comes with flash attention. */
  kvCacheType?: KvCacheType;
  flashAttention?: boolean;
}

/** A KV cache type as ggml names it. */
export const GGML_KV_TYPES: Record<KvCacheType, "F16" | "Q8_0" | "Q4_0"> = { f16: "F16", q8_0: "Q8_0", q4_0: "Q4_0" };

/** Why a model cannot hold a KV cache of this type (llama.cpp stores a quantized one in blocks of 32 elements of a head), or null. */
export function kvCacheRefusal(facts: Pick<GgufFacts, "headSize">, kvCacheType: KvCacheType | undefined): string | null {
  if (kvCacheType === undefined || kvCacheType === "f16" || facts.headSize === undefined || facts.headSize % 32 === 0) return null;
  return `This model's attention heads have ${facts.headSize} elements, which a ${kvCacheType} KV cache (blocks of 32) cannot hold: use an f16 KV cache.`;
}

/** Flash attention for a KV cache type: llama.cpp quantizes the value cache only with flash attention on. */
export function flashAttentionFor(kvCacheType: KvCacheType | undefined, flashAttention: boolean | undefined): boolean | "auto" {
  if (kvCacheType !== undefined && kvCacheType !== "f16") return true;
  return flashAttention ?? "auto";
}

/**
 * The fit of a model with a draft model beside it (speculative decoding): the draft's weights and its
 * context of the same size are added to the model's RAM and VRAM, and both must fit.
 */
export function withDraft(model: FitEstimate, draft: FitEstimate): FitEstimate {
  return {
    ...model,
    fits: model.fits && draft.fits,
    compatibilityScore: Math.min(model.compatibilityScore, draft.compatibilityScore),
    ramBytes: model.ramBytes + draft.ramBytes,
    vramBytes: model.vramBytes + draft.vramBytes,
    draft: { ramBytes: draft.ramBytes, vramBytes: draft.vramBytes, gpuLayers: draft.gpuLayers, fits: draft.fits },
  };
}

/**
 * Estimates whether a checked GGUF fits this machine with the given context (node-llama-cpp's
 * GgufInsights). It simulates the model's memory inside llama.cpp, so call it only on a file read by
 * `readCheckedGguf`, and preferably in the engine process.
 */
export async function estimateFit(info: GgufFileInfo, llama: Llama, options: FitOptions = {}, facts?: GgufFacts): Promise<FitEstimate> {
  const insights = await GgufInsights.from(info, llama);
  const trained = insights.trainContextSize ?? 8192;
  const contextSize = options.contextSize ?? Math.min(8192, trained);
  const kv = options.kvCacheType ?? "f16";
  const resolved = await insights.configurationResolver.resolveAndScoreConfig({
    targetContextSize: contextSize,
    targetGpuLayers: options.gpuLayers,
    flashAttention: flashAttentionFor(options.kvCacheType, options.flashAttention),
    kvCacheKeyType: GgmlType[GGML_KV_TYPES[kv]],
    kvCacheValueType: GgmlType[GGML_KV_TYPES[kv]],
  });
  return {
    compatibilityScore: resolved.compatibilityScore,
    fits: resolved.compatibilityScore > 0,
    gpuLayers: resolved.resolvedValues.gpuLayers,
    totalLayers: insights.totalLayers,
    contextSize: resolved.resolvedValues.contextSize,
    ramBytes: resolved.resolvedValues.totalRamUsage,
    vramBytes: resolved.resolvedValues.totalVramUsage,
    kvCacheType: kv,
    ...(facts?.kvElementsPerToken ? { kvCacheBytes: kvCacheBytes(facts.kvElementsPerToken, resolved.resolvedValues.contextSize, kv) } : {}),
  };
}
