// Plain data about inference that the UI shows and the back end produces: sampling settings, what a
// loaded model is, how a generation ended, the machine's hardware, download progress, fit estimates.
// Each is one zod schema, and its type is derived from it; the engine process's messages are
// validated with the same schemas. Pure: zod only, no Node, no DOM.
import { z } from "zod";

/** A token id of the loaded model's vocabulary. */
export const tokenIdSchema = z.number().int().nonnegative();
export type TokenId = z.infer<typeof tokenIdSchema>;

/**
 * The ranges a writer may set, the same in the API, the settings form and the CLI: wider values do
 * not sample anything useful, and a huge one (1e308) must be refused, not passed to llama.cpp.
 */
export const SAMPLING_LIMITS = {
  temperature: 5,
  topP: 1,
  minP: 1,
  topK: 100_000,
  repeatPenalty: 5,
  presencePenalty: 2,
  frequencyPenalty: 2,
  seed: 2 ** 32 - 1,
} as const;

const ranged = (name: string, max: number) => z.number().min(0, `${name} must be from 0 to ${max}`).max(max, `${name} must be from 0 to ${max}`);
const counted = (name: string, max: number) => z.number().int(`${name} must be a whole number`).min(0, `${name} must be from 0 to ${max}`).max(max, `${name} must be from 0 to ${max}`);

/**
 * Sampling settings of one generation. A backend given none, or no temperature, decodes greedily:
 * the app always sends the model's own (its catalog entry's) or DEFAULT_SAMPLING.
 */
export const samplingSettingsSchema = z
  .object({
    /** 0 = greedy (always the most likely token); up to 5. */
    temperature: ranged("temperature", SAMPLING_LIMITS.temperature).optional(),
    /** Nucleus sampling, 0..1 (1 disables). */
    topP: ranged("top-p", SAMPLING_LIMITS.topP).optional(),
    /** Drop tokens below this share of the top token's probability, 0..1. */
    minP: ranged("min-p", SAMPLING_LIMITS.minP).optional(),
    /** Keep only the K most likely tokens (0 disables), up to 100,000. */
    topK: counted("top-k", SAMPLING_LIMITS.topK).optional(),
    /** Penalty for repeating a recent token (1 disables; the default), up to 5. */
    repeatPenalty: ranged("repeat penalty", SAMPLING_LIMITS.repeatPenalty).optional(),
    /** Lowers every token already used by this much (0 disables; the default), up to 2. */
    presencePenalty: ranged("presence penalty", SAMPLING_LIMITS.presencePenalty).optional(),
    /** Lowers a token by this much for each time it was used (0 disables; the default), up to 2. */
    frequencyPenalty: ranged("frequency penalty", SAMPLING_LIMITS.frequencyPenalty).optional(),
    /** Seed of the sampler, for reproducible generations with a temperature (llama.cpp's is 32 bits). */
    seed: counted("seed", SAMPLING_LIMITS.seed).optional(),
  })
  .strict();
export type SamplingSettings = z.infer<typeof samplingSettingsSchema>;

/**
 * The sampling of a model the catalog does not know (and of every server model it does not name):
 * one that suits long prose. Greedy decoding makes instruct models repeat themselves; a moderate
 * temperature with nucleus and min-p filtering keeps the text varied without drifting off.
 */
export const DEFAULT_SAMPLING: Readonly<SamplingSettings> = Object.freeze({ temperature: 0.7, topP: 0.9, minP: 0.05 });

/**
 * How the KV cache (the keys and values of every token in the context) is stored: f16 (llama.cpp's
 * default), or quantized to about half (q8_0) or a quarter (q4_0) of that, with flash attention.
 */
export const kvCacheTypes = ["f16", "q8_0", "q4_0"] as const;
export const kvCacheTypeSchema = z.enum(kvCacheTypes);
export type KvCacheType = z.infer<typeof kvCacheTypeSchema>;

/** Bytes one element of the KV cache takes (ggml's block sizes: q8_0 is 34 bytes per 32, q4_0 18 per 32). */
const KV_ELEMENT_BYTES: Record<KvCacheType, number> = { f16: 2, q8_0: 34 / 32, q4_0: 18 / 32 };

/**
 * The bytes of a KV cache of `tokens` tokens, for a model whose layers hold `elementsPerToken` key and
 * value elements per token (the sum over layers of KV heads × (key length + value length)).
 */
export function kvCacheBytes(elementsPerToken: number, tokens: number, type: KvCacheType = "f16"): number {
  return Math.round(elementsPerToken * tokens * KV_ELEMENT_BYTES[type]);
}

/**
 * About how much text a context of `tokens` tokens holds: some 0.75 English words a token (the usual
 * rule for BPE vocabularies), and about one Chinese character a token (Qwen's vocabulary holds more,
 * Llama's fewer). For people: the window holds the prompt, the plan and the text together.
 */
export function textInContext(tokens: number): { words: number; characters: number } {
  return { words: Math.round((tokens * 0.75) / 100) * 100, characters: Math.round(tokens / 100) * 100 };
}

/** Why a generation ended: end-of-generation token, a stop string, the token limit, or an abort. */
export const stopReasons = ["eog", "stop", "maxTokens", "abort"] as const;
export type StopReason = (typeof stopReasons)[number];

/** The GPU backend llama.cpp uses; `false` is the CPU. */
export const gpuTypeSchema = z.union([z.literal("cuda"), z.literal("vulkan"), z.literal("metal"), z.literal(false)]);
export type GpuType = z.infer<typeof gpuTypeSchema>;

/** A model as loaded by a backend. */
export const modelInfoSchema = z.object({
  /** File path (embedded backend) or model name (server backends). */
  source: z.string(),
  /** `general.name`, or the file name. */
  name: z.string(),
  architecture: z.string(),
  parameters: z.number().optional(),
  /** Size of the weights in bytes. */
  sizeBytes: z.number().optional(),
  /** The context window of the loaded context, in tokens. */
  contextSize: z.number().int().positive(),
  /** How its KV cache is stored, and whether flash attention is on (embedded backend). */
  kvCacheType: kvCacheTypeSchema.optional(),
  flashAttention: z.boolean().optional(),
  /** The context length the model was trained with. */
  trainContextSize: z.number().int().optional(),
  layers: z.number().int().optional(),
  /** Layers on the GPU. */
  gpuLayers: z.number().int().optional(),
  gpu: gpuTypeSchema,
  /** File type / quantization, e.g. "MOSTLY_Q4_K_M". */
  quantization: z.string().optional(),
  /** Whether the model carries a chat template (tokenizer.chat_template). */
  hasChatTemplate: z.boolean(),
  /** The chat format in use, e.g. "ChatML", "Qwen", "JinjaTemplate". */
  chatWrapper: z.string().optional(),
  /** True when the chat format leaves the model's thinking out (Qwen3's enable_thinking false). */
  thinkingOff: z.boolean().optional(),
  vocabularySize: z.number().int().optional(),
  eosToken: tokenIdSchema.optional(),
  bosToken: tokenIdSchema.optional(),
  /** True when the backend puts the BOS token in front of every context itself. */
  addsBosToken: z.boolean(),
  /** The draft model of speculative decoding, when one is loaded with the model. */
  draft: z
    .object({
      source: z.string(),
      name: z.string(),
      sizeBytes: z.number().nonnegative(),
      contextSize: z.number().int().positive(),
      gpuLayers: z.number().int().nonnegative(),
      /** Most tokens drafted at a time. */
      maxDraftTokens: z.number().int().positive(),
    })
    .optional(),
});
export type ModelInfo = z.infer<typeof modelInfoSchema>;

/** What the machine offers for inference. */
export const hardwareInfoSchema = z.object({
  /** The GPU backend in use (false: CPU only) and the ones this build supports. */
  gpu: gpuTypeSchema,
  supportedGpus: z.array(gpuTypeSchema),
  gpuNames: z.array(z.string()),
  /** Bytes; absent when no GPU is in use. */
  vram: z.object({ total: z.number(), free: z.number() }).optional(),
  ram: z.object({ total: z.number(), free: z.number() }),
  /** Logical CPU cores. */
  cpuThreads: z.number().int(),
});
export type HardwareInfo = z.infer<typeof hardwareInfoSchema>;

/** How well a model file fits this machine, estimated before loading it. */
export const fitEstimateSchema = z.object({
  /** 0..1: 1 = every layer on the GPU (or, CPU only, a small model comfortably in RAM); 0 = does not fit. */
  compatibilityScore: z.number(),
  fits: z.boolean(),
  gpuLayers: z.number().int(),
  totalLayers: z.number().int(),
  contextSize: z.number().int(),
  /** Bytes of RAM and VRAM the model and its context would take, the KV cache included. */
  ramBytes: z.number(),
  vramBytes: z.number(),
  /** How the KV cache is stored in this estimate, and its bytes at `contextSize` (when the file says its shape). */
  kvCacheType: kvCacheTypeSchema.optional(),
  kvCacheBytes: z.number().optional(),
  /** With a draft model: its share of the memory above (its weights and its context). */
  draft: z.object({ ramBytes: z.number(), vramBytes: z.number(), gpuLayers: z.number().int(), fits: z.boolean() }).optional(),
});
export type FitEstimate = z.infer<typeof fitEstimateSchema>;

/** Progress of a model download. */
export interface DownloadProgress {
  downloadedBytes: number;
  /** Undefined when the server sends no length and the catalog has no size. */
  totalBytes?: number;
  bytesPerSecond: number;
  /** Undefined while the speed or the total is unknown. */
  secondsLeft?: number;
}

/** One message of a chat, turned into the model's prompt format by its chat template. */
export const chatMessageSchema = z.object({
  role: z.enum(["system", "user", "assistant"]),
  content: z.string(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;
