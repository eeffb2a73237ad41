// The model catalog (models/catalog.json): known models, where their GGUF comes from, and how the
// controller should drive them. One schema; the types are derived from it. Pure: zod only.
import { z } from "zod";
import { kvCacheTypeSchema } from "./types";

/**
 * How the controller drives a model. IS-CoT: "native" models were trained on it (IS-Writer),
 * "prompted" models follow it from a system prompt, "orchestrated" models are driven one step at a
 * time (plan as JSON, then each step's plan, text and reflection). The research systems Draftline
 * comes from: "agentwrite" (LongWriter's AgentWrite: a plan of paragraphs, then each paragraph in
 * turn, the KV cache kept across them), "direct" (one pass, no tags, sections read from the headings:
 * the LongWriter models), "think-answer" (`<think>` plan then `<answer>` draft: LongWriter-Zero).
 */
export const protocolProfiles = ["native", "prompted", "orchestrated", "agentwrite", "direct", "think-answer"] as const;
export type ProtocolProfile = (typeof protocolProfiles)[number];

/**
 * How a model's prompt is written. "chat-template": the template in the GGUF (`name` says which, for
 * people). "raw": the model was trained on a plain-text format the GGUF's template does not give:
 * `preamble` once, followed directly by the first user turn (it holds its own separator), then each
 * user turn as `turn` with `{prompt}` replaced (LongWriter-llama3.1's `[INST]{prompt}[/INST]`). `han`:
 * the preamble and turn for a prompt that holds Han characters (LongWriter-Zero's card has an English
 * and a Chinese template, chosen so). `stop`: strings that end the model's answer besides its end token.
 * `maxNewTokens`: the most tokens one answer of the model takes (its card's generation limit); the
 * one-pass modes end an answer there and ask the model to go on.
 */
const rawTurn = z.string().refine((t) => t.split("{prompt}").length === 2, "a turn holds {prompt} once");

export const promptFormatSchema = z.discriminatedUnion("kind", [
  z
    .object({
      kind: z.literal("chat-template"),
      name: z.string().min(1),
      stop: z.array(z.string().min(1)).optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal("raw"),
      preamble: z.string().optional(),
      turn: rawTurn,
      han: z.object({ preamble: z.string().optional(), turn: rawTurn }).strict().optional(),
      stop: z.array(z.string().min(1)).optional(),
      maxNewTokens: z.number().int().positive().optional(),
    })
    .strict(),
]);
export type PromptFormat = z.infer<typeof promptFormatSchema>;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 is 64 lowercase hex digits");

/** Where the weights come from: a Hugging Face file, or a file the writer already has. */
export const modelSourceSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("huggingface"),
    /** `hf:user/repo/file.gguf` */
    uri: z.string().regex(/^hf:[\w.-]+\/[\w.-]+\/[\w./-]+\.gguf$/, "expected hf:user/repo/file.gguf"),
    /** True when the URI was checked against the repository's file list. */
    verified: z.boolean(),
    sha256: sha256.optional(),
  }),
  z.object({
    kind: z.literal("bring-your-own"),
    /** What the writer should know to get the file (shown in the UI and the CLI). */
    instructions: z.string().min(1),
  }),
]);
export type ModelSource = z.infer<typeof modelSourceSchema>;

export const samplingSchema = z
  .object({
    temperature: z.number().min(0).max(5).optional(),
    topP: z.number().min(0).max(1).optional(),
    minP: z.number().min(0).max(1).optional(),
    topK: z.number().int().min(0).optional(),
    repeatPenalty: z.number().min(0).max(5).optional(),
    presencePenalty: z.number().min(0).max(2).optional(),
    frequencyPenalty: z.number().min(0).max(2).optional(),
  })
  .strict();

export const catalogEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "ids are lowercase letters, digits, dots and dashes"),
    name: z.string().min(1),
    description: z.string().min(1),
    /** The file name the model has in the models folder. */
    file: z.string().regex(/^[^/\\]+\.gguf$/, "a file name ending in .gguf, without folders"),
    /**
     * Other names the model goes by in a GGUF's general.name (or basename and size label) or a server's
     * model id, besides its id, name and file: a file renamed or quantized again is still recognised (identify.ts).
     */
    aliases: z.array(z.string().min(1)).optional(),
    /** The GGUF's general.architecture: a file that names itself alike but is another architecture is not this model. */
    architecture: z.string().min(1).optional(),
    source: modelSourceSchema,
    /** Bytes of the GGUF file; approximate unless the source has a sha256. */
    sizeBytes: z.number().int().positive().optional(),
    /** Parameters, e.g. 8e9. */
    parameters: z.number().positive().optional(),
    quantization: z.string().min(1),
    license: z.string().min(1),
    profile: z.enum(protocolProfiles),
    /** Other profiles the model works with, which the writer may pick instead (`--mode`). */
    otherProfiles: z.array(z.enum(protocolProfiles)).optional(),
    /** The prompt format the model expects; left out: the GGUF's chat template. */
    promptFormat: promptFormatSchema.optional(),
    /**
     * Where the summaries of steps that leave the model's window come from (story memory): short
     * requests to the model (the default), or its own reflections, for a model whose reflections say
     * what happened.
     */
    summaries: z.enum(["request", "reflection"]).optional(),
    /** Other quantizations of the same model in the source repository, with their approximate size. */
    quantizations: z.array(z.object({ name: z.string().min(1), sizeBytes: z.number().int().positive().optional() }).strict()).optional(),
    /** The model card or paper, for people. */
    homepage: z.string().url().optional(),
    /**
     * Speculative decoding: the id of a small catalog model of the same vocabulary that drafts tokens
     * for this one ("speed up with a draft model"). Its vocabulary is checked again when it loads.
     */
    draftModel: z.string().min(1).optional(),
    /** Too small to write a document well: listed as a draft model for its family. */
    draftOnly: z.boolean().optional(),
    recommended: z
      .object({
        /** The context to load the model with (as large as fits when the machine has less memory). */
        contextSize: z.number().int().min(512),
        /** How to store its KV cache at that context (default f16); a quantized one comes with flash attention. */
        kvCacheType: kvCacheTypeSchema.optional(),
        flashAttention: z.boolean().optional(),
        sampling: samplingSchema,
      })
      .strict(),
    /**
     * The model's attention as its config.json gives it (layers, key-value heads, head size): what its
     * KV cache takes per token, so that a memory claim can be checked.
     */
    attention: z.object({ layers: z.number().int().positive(), kvHeads: z.number().int().positive(), headSize: z.number().int().positive() }).strict().optional(),
    /**
     * The GPU memory the description says the model fits, in GB: its weights and its KV cache at the
     * recommended context and cache type fit in it, with room for llama.cpp's buffers (catalog.test.ts).
     */
    gpuMemoryGB: z.number().positive().optional(),
  })
  .strict();
export type CatalogEntry = z.infer<typeof catalogEntrySchema>;

export const catalogSchema = z
  .object({
    version: z.literal(1),
    models: z.array(catalogEntrySchema).min(1),
  })
  .strict()
  .superRefine((catalog, ctx) => {
    const seen = new Set<string>();
    catalog.models.forEach((m, i) => {
      if (seen.has(m.id)) ctx.addIssue({ code: "custom", message: `duplicate id '${m.id}'`, path: ["models", i, "id"] });
      seen.add(m.id);
    });
    catalog.models.forEach((m, i) => {
      if (m.draftModel === undefined) return;
      const draft = catalog.models.find((d) => d.id === m.draftModel);
      if (!draft || draft.id === m.id || draft.source.kind !== "huggingface") {
        ctx.addIssue({ code: "custom", message: `draftModel '${m.draftModel}' is not another downloadable model of the catalog`, path: ["models", i, "draftModel"] });
      }
    });
  });
export type Catalog = z.infer<typeof catalogSchema>;
