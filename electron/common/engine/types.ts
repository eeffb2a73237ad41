// Plain data about inference that the UI shows and the back end produces: sampling settings, what a
// loaded model is, how a generation ended, the machine's hardware, download progress, fit estimates.
// Each is one zod schema, and its type is derived from it; the engine process's messages are
// validated with the same schemas. Pure: zod only, no Node, no DOM.
import { z } from "zod";

/** A token id of the loaded model's vocabulary. */
export const tokenIdSchema = z.number().int().nonnegative();
export type TokenId = z.infer<typeof tokenIdSchema>;

/** Sampling settings of one generation. Left out: the backend's default (greedy when no temperature). */
export const samplingSettingsSchema = z
  .object({
    /** 0 = greedy (always the most likely token). */
    temperature: z.number().min(0).optional(),
    /** Nucleus sampling, 0..1 (1 disables). */
    topP: z.number().min(0).max(1).optional(),
    /** Drop tokens below this share of the top token's probability, 0..1. */
    minP: z.number().min(0).max(1).optional(),
    /** Keep only the K most likely tokens (0 disables). */
    topK: z.number().int().min(0).optional(),
    /** Penalty for repeating a recent token (1 disables; the default). */
    repeatPenalty: z.number().min(0).optional(),
    /** Seed of the sampler, for reproducible generations with a temperature. */
    seed: z.number().int().nonnegative().optional(),
  })
  .strict();
export type SamplingSettings = z.infer<typeof samplingSettingsSchema>;

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
  vocabularySize: z.number().int().optional(),
  eosToken: tokenIdSchema.optional(),
  bosToken: tokenIdSchema.optional(),
  /** True when the backend puts the BOS token in front of every context itself. */
  addsBosToken: z.boolean(),
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
  /** Bytes of RAM and VRAM the model and its context would take. */
  ramBytes: z.number(),
  vramBytes: z.number(),
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
