// The messages between the app and its engine process, defined once: every method's parameters and
// result as a zod schema, the message envelopes, and the types derived from them. Both sides validate
// what they receive, so a confused or compromised peer yields a clear error instead of undefined data.
import { z } from "zod";
import {
  chatMessageSchema,
  fitEstimateSchema,
  gpuTypeSchema,
  hardwareInfoSchema,
  kvCacheTypeSchema,
  modelInfoSchema,
  samplingSettingsSchema,
  stopReasons,
  tokenIdSchema,
} from "../../common/engine/types";
import { speculativeStatsSchema } from "../../common/engine/draft";
import { backendErrorCodes } from "./backend";

const tokens = z.array(tokenIdSchema);
const empty = z.object({}).strict();

export const loadOptionsSchema = z
  .object({
    model: z.string().min(1),
    contextSize: z.union([z.number().int().positive(), z.literal("auto"), z.object({ max: z.number().int().positive() }).strict()]).optional(),
    kvCacheType: kvCacheTypeSchema.optional(),
    flashAttention: z.boolean().optional(),
    gpuLayers: z.union([z.literal("auto"), z.literal("max"), z.number().int().nonnegative()]).optional(),
    gpu: z.union([z.literal("auto"), gpuTypeSchema]).optional(),
    threads: z.number().int().positive().optional(),
    draftModel: z.string().min(1).optional(),
    draftTokens: z.number().int().min(1).max(64).optional(),
    draftMinConfidence: z.number().min(0).max(1).optional(),
  })
  .strict();

export const generateResultSchema = z.object({
  tokens,
  text: z.string(),
  stopReason: z.enum(stopReasons),
  stopString: z.string().optional(),
  remainder: z.string().optional(),
  inputTokensDecoded: z.number().int().nonnegative(),
  generatedTokens: z.number().int().nonnegative(),
  speculative: speculativeStatsSchema.optional(),
});

/** Every method the engine process answers: what it takes and what it returns. */
export const engineMethods = {
  load: { params: loadOptionsSchema, result: modelInfoSchema },
  unload: { params: empty, result: empty },
  tokenize: { params: z.object({ text: z.string(), specialTokens: z.boolean() }), result: z.object({ tokens }) },
  detokenize: { params: z.object({ tokens, specialTokens: z.boolean() }), result: z.object({ text: z.string() }) },
  applyChatTemplate: {
    params: z.object({ messages: z.array(chatMessageSchema), addGenerationPrompt: z.boolean() }),
    result: z.object({ tokens, text: z.string() }),
  },
  generate: {
    params: z.object({
      tokens,
      maxTokens: z.number().int().positive().optional(),
      stop: z.array(z.string().min(1)).optional(),
      grammar: z.string().optional(),
      sampling: samplingSettingsSchema.optional(),
      /** Send `tokens` messages while generating. */
      stream: z.boolean(),
    }),
    result: generateResultSchema,
  },
  estimateFit: {
    params: z.object({
      file: z.string().min(1),
      contextSize: z.number().int().positive().optional(),
      gpuLayers: z.union([z.literal("max"), z.number().int().nonnegative()]).optional(),
      kvCacheType: kvCacheTypeSchema.optional(),
      flashAttention: z.boolean().optional(),
      /** A draft model loaded beside it: its memory is added. */
      draftFile: z.string().min(1).optional(),
    }),
    result: fitEstimateSchema,
  },
  /** Reads a GGUF's metadata (no weights): what it is, or a bad-model error saying why it cannot load. */
  inspect: {
    params: z.object({ file: z.string().min(1) }),
    result: z.object({ facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])) }),
  },
  /** Whether `draft` can draft for `model` (their vocabularies; no weights loaded): null, or the reason it cannot. */
  checkDraft: {
    params: z.object({ model: z.string().min(1), draft: z.string().min(1) }),
    result: z.object({ problem: z.string().nullable() }),
  },
  hardware: { params: empty, result: hardwareInfoSchema },
  stats: {
    params: empty,
    result: z.object({
      rss: z.number(),
      privateBytes: z.number().optional(),
      cpuMicros: z.number(),
      modelBytes: z.number(),
      contextBytes: z.number(),
      contextStateBytes: z.number(),
      draftModelBytes: z.number().optional(),
      draftContextBytes: z.number().optional(),
    }),
  },
} as const;

export type EngineMethod = keyof typeof engineMethods;
export type EngineParams<M extends EngineMethod> = z.infer<(typeof engineMethods)[M]["params"]>;
export type EngineResult<M extends EngineMethod> = z.infer<(typeof engineMethods)[M]["result"]>;

const methodNames = Object.keys(engineMethods) as [EngineMethod, ...EngineMethod[]];
const id = z.number().int().nonnegative();

/** App → engine. */
export const parentMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("call"), id, method: z.enum(methodNames), params: z.unknown() }),
  z.object({ type: z.literal("abort"), id }),
]);
export type ParentMessage = z.infer<typeof parentMessageSchema>;

export const engineErrorSchema = z.object({ code: z.enum(backendErrorCodes), message: z.string() });

/** Engine → app. */
export const hostMessageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("ready"), pid: z.number().int() }),
  z.object({ type: z.literal("result"), id, result: z.unknown() }),
  z.object({ type: z.literal("error"), id, error: engineErrorSchema }),
  /** The engine made progress (a step of a load, a batch of a prompt decoded): deadlines start again. */
  z.object({ type: z.literal("alive") }),
  /** Streamed output of a `generate` call: tokens in order, with their text. */
  z.object({ type: z.literal("tokens"), id, tokens, text: z.string() }),
]);
export type HostMessage = z.infer<typeof hostMessageSchema>;

/** A readable summary of a validation failure, for error messages. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join(".") || "message"}: ${issue.message}`)
    .join("; ");
}
