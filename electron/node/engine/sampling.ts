// The sampling of a request as node-llama-cpp takes it. Kept apart from the engine so that it can be
// checked without loading llama.cpp.
import type { LlamaCompletionGenerationOptions } from "node-llama-cpp";
import type { SamplingSettings } from "../../common/engine/types";

/**
 * A request's sampling as node-llama-cpp's completion options. No temperature: greedy. The repeat,
 * presence and frequency penalties are one option there; a presence or frequency penalty alone leaves
 * the repeat penalty off (node-llama-cpp's own default would be 1.1).
 */
export function completionSampling(sampling: SamplingSettings): Pick<LlamaCompletionGenerationOptions, "temperature" | "topP" | "minP" | "topK" | "seed" | "repeatPenalty"> {
  const penalty = sampling.repeatPenalty && sampling.repeatPenalty !== 1 ? sampling.repeatPenalty : undefined;
  const presence = sampling.presencePenalty || undefined;
  const frequency = sampling.frequencyPenalty || undefined;
  return {
    temperature: sampling.temperature ?? 0,
    topP: sampling.topP,
    minP: sampling.minP,
    topK: sampling.topK,
    seed: sampling.seed,
    repeatPenalty:
      penalty === undefined && presence === undefined && frequency === undefined
        ? false
        : { penalty: penalty ?? 1, ...(presence !== undefined ? { presencePenalty: presence } : {}), ...(frequency !== undefined ? { frequencyPenalty: frequency } : {}) },
  };
}
