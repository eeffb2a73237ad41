// The model catalog (models/catalog.json): known models, where their GGUF comes from, and how the
// controller should drive them. One schema; the types are derived from it. Pure: zod only.
import { z } from "zod";

/**
 * How a model writes IS-CoT: "native" models were trained on it, "prompted" models follow it from a
 * system prompt, "orchestrated" models are driven one step at a time by the controller.
 */
export const protocolProfiles = ["native", "prompted", "orchestrated"] as const;
export type ProtocolProfile = (typeof protocolProfiles)[number];

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
  })
  .strict();

export const catalogEntrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, "ids are lowercase letters, digits, dots and dashes"),
    name: z.string().min(1),
    description: z.string().min(1),
    /** The file name the model has in the models folder. */
    file: z.string().regex(/^[^/\\]+\.gguf$/, "a file name ending in .gguf, without folders"),
    source: modelSourceSchema,
    /** Bytes of the GGUF file; approximate unless the source has a sha256. */
    sizeBytes: z.number().int().positive().optional(),
    /** Parameters, e.g. 8e9. */
    parameters: z.number().positive().optional(),
    quantization: z.string().min(1),
    license: z.string().min(1),
    profile: z.enum(protocolProfiles),
    recommended: z
      .object({
        contextSize: z.number().int().min(512),
        sampling: samplingSchema,
      })
      .strict(),
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
  });
export type Catalog = z.infer<typeof catalogSchema>;
