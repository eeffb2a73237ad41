import { z } from "zod";
import { catalogEntrySchema } from "../engine/catalog";
import { fitEstimateSchema, hardwareInfoSchema, kvCacheTypeSchema, modelInfoSchema, samplingSettingsSchema } from "../engine/types";
import { request } from "./define";

/**
 * The engine's settings a writer can change: context size (left out: the model's recommended context,
 * or its trained one up to 32,768 tokens, as much as fits; "auto": as much as fits), the KV cache type
 * and flash attention, GPU layers, threads.
 */
export const engineSettingsSchema = z
  .object({
    contextSize: z.union([z.number().int().min(512).max(1_048_576), z.literal("auto")]).optional(),
    kvCacheType: kvCacheTypeSchema.optional(),
    flashAttention: z.boolean().optional(),
    gpuLayers: z.union([z.number().int().min(0).max(1000), z.literal("auto"), z.literal("max")]).optional(),
    threads: z.number().int().min(1).max(512).optional(),
    /**
     * Speculative decoding: a draft model of the same vocabulary, as a GGUF path or the id of a
     * downloaded catalog model (an entry's `draftModel`). Embedded engine only.
     */
    draftModel: z.string().min(1).max(4096).optional(),
  })
  .strict();
export type EngineSettings = z.infer<typeof engineSettingsSchema>;

/** Where the model to load comes from: a local GGUF, a catalog model already downloaded, or a server. */
export const modelSourceRefSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("file"), path: z.string().min(1) }).strict(),
  z.object({ kind: z.literal("catalog"), id: z.string().min(1) }).strict(),
  z
    .object({
      kind: z.literal("server"),
      baseUrl: z.string().url(),
      apiKey: z.string().optional(),
      /** The model name the server serves ("" = its default). */
      model: z.string().optional(),
    })
    .strict(),
]);
export type ModelSourceRef = z.infer<typeof modelSourceRefSchema>;

/** A catalog model with what this machine has of it. */
export const catalogModelSchema = z.object({
  entry: catalogEntrySchema,
  /** "absent", downloading, partially downloaded (resumable) or ready to load. */
  status: z.enum(["absent", "downloading", "partial", "ready"]),
  path: z.string().nullable(),
  downloadedBytes: z.number().int().nonnegative(),
});
export type CatalogModel = z.infer<typeof catalogModelSchema>;

/** A GGUF in the models folder (or opened from elsewhere). */
export const localModelSchema = z.object({
  path: z.string(),
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** The catalog entry it is, when it is one. */
  catalogId: z.string().nullable(),
});
export type LocalModel = z.infer<typeof localModelSchema>;

/** What reading a GGUF's metadata found, before any load. */
export const modelInspectionSchema = z.object({
  path: z.string(),
  ok: z.boolean(),
  /** Why the file cannot be loaded (not a GGUF, truncated, missing keys); null when ok. */
  problem: z.string().nullable(),
  facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  fit: fitEstimateSchema.nullable(),
});
export type ModelInspection = z.infer<typeof modelInspectionSchema>;

/** The engine as the UI shows it. */
export const engineStateSchema = z.object({
  status: z.enum(["none", "loading", "ready", "error"]),
  source: modelSourceRefSchema.nullable(),
  model: modelInfoSchema.nullable(),
  /** 0..1 while loading. */
  loadProgress: z.number().min(0).max(1).nullable(),
  /** Device the model runs on, in words ("NVIDIA RTX 4090 (CUDA)", "CPU, 8 threads", "llama-server at …"). */
  device: z.string().nullable(),
  error: z.string().nullable(),
  settings: engineSettingsSchema,
  /**
   * The sampling of the model's next requests: the catalog's recommended values when a model loads
   * (DEFAULT_SAMPLING for a model the catalog does not know), then the writer's (models.setSampling).
   * Empty only while no model is loaded.
   */
  sampling: samplingSettingsSchema,
  /** Why the loaded context is as large as it is (the catalog's, the trained length, capped by memory, the writer's). */
  contextNote: z.string().nullable().optional(),
  /** The profile of the loaded model: how the controller drives it by default (the writer may pick another, models.setProfile). */
  profile: catalogEntrySchema.shape.profile.nullable(),
  /** Why that profile: which catalog model it is and how it was recognised, what the probe found, or the writer's choice. */
  profileReason: z.string().nullable().optional(),
  /**
   * The check made after loading a native-profile model (or any model when asked): whether a short
   * generation from the native prompt wrote the IS-CoT tags, and what to do when it did not.
   */
  probe: z.object({ writesTags: z.boolean(), suggestion: z.string().nullable() }).optional(),
});
export type EngineState = z.infer<typeof engineStateSchema>;

export const downloadStateSchema = z.object({
  id: z.string(),
  status: z.enum(["downloading", "verifying", "done", "cancelled", "failed"]),
  downloadedBytes: z.number().int().nonnegative(),
  totalBytes: z.number().int().nonnegative().nullable(),
  bytesPerSecond: z.number().nonnegative(),
  secondsLeft: z.number().nonnegative().nullable(),
  error: z.string().nullable(),
});
export type DownloadState = z.infer<typeof downloadStateSchema>;

const none = z.object({}).strict();

/**
 * `draftline doctor` and "Check this model": a short session (a 600-word document) with the loaded
 * model in its profile, and what it shows about the model (electron/node/generation/doctor.ts).
 */
export const doctorReportSchema = z
  .object({
    model: z.string(),
    mode: catalogEntrySchema.shape.profile,
    instruction: z.string(),
    targetWords: z.number().int().positive(),
    /** How the session ended, and the words written. */
    outcome: z.object({ status: z.enum(["finished", "stopped", "error"]), reason: z.string(), words: z.number().int().nonnegative() }).strict(),
    /**
     * Whether the model kept to the mode's format: no request ran out of tokens (each ended at a tag or
     * stop string, at the model's own end, or where Draftline cut it), and in the modes whose model
     * writes tags itself (native, prompted, think-answer) requests ended at them.
     */
    tags: z.object({ followed: z.boolean(), detail: z.string() }).strict(),
    /** The steps Draftline cut for repeating themselves (back to back, or re-telling earlier steps). */
    repetition: z.object({ cuts: z.number().int().nonnegative(), detail: z.string() }).strict(),
    /** Whether the model wrote thinking (<think>…</think>) where it was not asked to, and how much. */
    thinking: z.object({ leaked: z.boolean(), detail: z.string() }).strict(),
    /** Whether the model's plan was read (its sections) and gave budgets that add up to the target. */
    plan: z.object({ read: z.boolean(), sections: z.number().int().nonnegative(), budgetsGiven: z.boolean(), detail: z.string() }).strict(),
    /** Each step: its section, the words asked for and written, and their ratio (1: on budget). */
    steps: z.array(z.object({ step: z.number().int().positive(), section: z.string(), asked: z.number().int().nonnegative().nullable(), words: z.number().int().nonnegative(), ratio: z.number().nullable() }).strict()),
    /** Each request to the model: why it stopped, the tokens it read and wrote, and how long it took. */
    requests: z.array(
      z
        .object({
          stopReason: z.string(),
          stopString: z.string().nullable(),
          promptTokens: z.number().int().nonnegative(),
          generatedTokens: z.number().int().nonnegative(),
          seconds: z.number().nonnegative(),
        })
        .strict(),
    ),
    /** Generated tokens per second of generation time (null when too fast to time). */
    tokensPerSecond: z.number().nonnegative().nullable(),
    /** What the writing loop said while it wrote (cuts, plan fixes, thinking taken out). */
    notes: z.array(z.string()),
  })
  .strict();
export type DoctorReport = z.infer<typeof doctorReportSchema>;

export const modelRequests = {
  "models.catalog": request("The known models and what this machine has of each.", none, z.array(catalogModelSchema)),
  "models.local": request("GGUF files in the models folder.", none, z.array(localModelSchema)),
  "models.inspect": request(
    "Reads a GGUF's metadata and estimates its fit at the context it would be loaded with (the settings given, else its recommended one), the KV cache counted, without loading it.",
    z.object({ path: z.string().min(1), settings: engineSettingsSchema.optional() }).strict(),
    modelInspectionSchema,
  ),
  "models.hardware": request("GPU, VRAM, RAM and CPU threads of this machine.", none, hardwareInfoSchema),
  "models.download": request("Starts (or resumes) downloading a catalog model.", z.object({ id: z.string().min(1) }).strict(), downloadStateSchema),
  "models.cancelDownload": request("Cancels a download; the part already downloaded is kept for resuming.", z.object({ id: z.string().min(1) }).strict(), downloadStateSchema),
  "models.load": request("Loads a model (unloading the current one).", z.object({ source: modelSourceRefSchema, settings: engineSettingsSchema.optional() }).strict(), engineStateSchema),
  "models.setSampling": request(
    "Sets the loaded model's sampling; it applies from the model's next request, also while it writes. Reloading restores the catalog's values.",
    z.object({ sampling: samplingSettingsSchema }).strict(),
    engineStateSchema,
  ),
  "models.setProfile": request(
    "Drives the loaded model in another profile (native, prompted, orchestrated, agentwrite, direct, think-answer) than the one chosen for it.",
    z.object({ profile: catalogEntrySchema.shape.profile }).strict(),
    engineStateSchema,
  ),
  "models.doctor": request(
    "Checks the loaded model: a short session (a 600-word document) in its profile, reporting whether it followed the tags, leaked thinking, read the plan and its budgets, kept to each step's budget, why each request stopped, and its speed.",
    none,
    doctorReportSchema,
  ),
  "models.unload": request("Unloads the model and frees its memory.", none, engineStateSchema),
  "models.state": request("The engine's state.", none, engineStateSchema),
  "models.countTokens": request(
    "How many tokens a text takes: counted by the loaded model's tokenizer (exact), or estimated when no model is loaded.",
    z.object({ text: z.string().max(100_000) }).strict(),
    z.object({ tokens: z.number().int().nonnegative(), exact: z.boolean() }),
  ),
} as const;

export const modelEvents = {
  "models.download": downloadStateSchema,
  "engine.state": engineStateSchema,
} as const;
