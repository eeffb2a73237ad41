// Fit estimates of a GGUF file on this machine, with node-llama-cpp's GgufInsights. This part needs
// node-llama-cpp (it simulates the model's memory inside llama.cpp): the engine process and tools use
// it, only ever on a file that gguf.ts read and bounded first.
import { GgufInsights, readGgufFileInfo, type GgufFileInfo, type Llama } from "node-llama-cpp";
import type { FitEstimate } from "../../common/engine/types";
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
}

/**
 * Estimates whether a checked GGUF fits this machine with the given context (node-llama-cpp's
 * GgufInsights). It simulates the model's memory inside llama.cpp, so call it only on a file read by
 * `readCheckedGguf`, and preferably in the engine process.
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
