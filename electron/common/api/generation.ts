import { speculativeStatsSchema } from "../engine/draft";
import { z } from "zod";
import { protocolProfiles } from "../engine/catalog";
import { planRevisionSchema, sectionSchema, stepSchema, storyMemorySchema } from "../project/manuscriptSchema";
import { MAX_REWRITE_WORDS, rewriteKinds } from "../generation/rewrite";
import { request } from "./define";

/** How the controller drives the model (defaults to the model's catalog profile). */
export const generationModeSchema = z.enum(protocolProfiles);
export type GenerationMode = z.infer<typeof generationModeSchema>;

/**
 * Where a generation stands. "pausing" finishes the token in flight; "paused" keeps the KV cache.
 * "finished" = the document reached its target and the model wrote FINISHED; "stopped" = the writer
 * or a hard limit stopped it; "error" = see `error`.
 */
export const generationStatusSchema = z.enum(["idle", "loading", "writing", "pausing", "paused", "stopping", "finished", "stopped", "error"]);
export type GenerationStatus = z.infer<typeof generationStatusSchema>;

/** Live figures of a generation, for the status bar and the budget track. */
export const generationProgressSchema = z.object({
  words: z.number().int().nonnegative(),
  target: z.number().int().nonnegative().nullable(),
  /** The length score the document would get if it ended at its plan's total (null without a target). */
  projectedScore: z.number().min(0).max(100).nullable(),
  tokensPerSecond: z.number().nonnegative(),
  elapsedMs: z.number().nonnegative(),
  /** Index of the step being written, or null. */
  currentStep: z.number().int().nonnegative().nullable(),
  /** What the model is writing now. */
  phase: z.enum(["plan", "step-plan", "content", "reflection", "none"]),
  contextTokens: z.number().int().nonnegative(),
  contextSize: z.number().int().nonnegative(),
  /** Totals for this generation: prompt tokens decoded (not reused from the cache) and tokens generated. */
  tokensDecoded: z.number().int().nonnegative(),
  tokensGenerated: z.number().int().nonnegative(),
  /** With a draft model (speculative decoding): the draft tokens checked and accepted so far. */
  speculative: speculativeStatsSchema.optional(),
});
export type GenerationProgress = z.infer<typeof generationProgressSchema>;

/** An edit the writer made while the model writes: pending until the controller takes it in. */
export const pendingEditSchema = z.object({
  id: z.string(),
  /** plan: sections, budgets, future steps, target (taken in at the next step boundary); text: written text; memory: the bible, summaries, pins. */
  kind: z.enum(["plan", "text", "memory"]),
  description: z.string(),
  state: z.enum(["pending", "applied"]),
});
export type PendingEdit = z.infer<typeof pendingEditSchema>;

export const generationStateSchema = z.object({
  projectId: z.string(),
  status: generationStatusSchema,
  mode: generationModeSchema.nullable(),
  progress: generationProgressSchema,
  edits: z.array(pendingEditSchema),
  /** Set when status is "error": what went wrong, for the writer. */
  error: z.string().nullable(),
  /** Notes from the controller (a forced reflection, a compacted context, a parser recovery). */
  notes: z.array(z.string()),
  /**
   * While steps are written again (regenerate a step or a section, resume a stopped step): the ids of
   * those not written yet, the one being written included. The steps after them stay in the document.
   */
  replacing: z.array(z.string()).optional(),
});
export type GenerationState = z.infer<typeof generationStateSchema>;

/**
 * One coalesced update while the model writes (at most one per animation frame's worth of time), the
 * one event of its change: the steps that changed (whole, by index), the plan when it changed (its
 * sections and its revisions, which number the sections), whether the project now has unsaved changes,
 * and the state. The renderer merges them into its copy of the manuscript.
 */
export const generationUpdateSchema = z.object({
  projectId: z.string(),
  /** The manuscript version this update brings the renderer to. */
  version: z.number().int().nonnegative(),
  state: generationStateSchema,
  /** Steps that changed, with their index. */
  steps: z.array(z.object({ index: z.number().int().nonnegative(), step: stepSchema })),
  /** The number of steps now (steps past it were removed: a regeneration). */
  stepCount: z.number().int().nonnegative(),
  /** The current plan's sections, when they changed. */
  sections: z.array(sectionSchema).optional(),
  /** Every plan revision, when they changed: the last one says the number the next new section takes. */
  revisions: z.array(planRevisionSchema).optional(),
  /** The story memory (the bible, its proposals, the story so far, locked budgets), when it changed. */
  memory: storyMemorySchema.optional(),
  /** Whether the project has unsaved changes, when this update changed it. */
  modified: z.boolean().optional(),
  /** The global plan being written, while it is. */
  planDraftText: z.string().nullable().optional(),
  finished: z.boolean(),
});
export type GenerationUpdate = z.infer<typeof generationUpdateSchema>;

const projectRef = z.object({ projectId: z.string().min(1) }).strict();

/** A passage of a step to rewrite: the selection and the text around it in the step, as Markdown. */
export const rewriteRequestSchema = z
  .object({
    projectId: z.string().min(1),
    stepId: z.string().min(1).max(100),
    selection: z.string().min(1).max(100_000),
    before: z.string().max(2_000_000),
    after: z.string().max(2_000_000),
    kind: z.enum(rewriteKinds),
    /** The writer's own instruction (kind "instruction"): "make it tenser", "in the present tense". */
    instruction: z.string().max(2000).optional(),
    /** The length to aim at, in words; left out, the passage's (rewrite, instruction), more (expand) or less (shorten). */
    targetWords: z.number().int().positive().max(MAX_REWRITE_WORDS).optional(),
  })
  .strict();
export type RewriteRequest = z.infer<typeof rewriteRequestSchema>;

/**
 * A rewrite as it streams: "writing" with the text so far, then "done" (the text is the new passage),
 * "stopped" (the writer stopped it: nothing is to be put in the draft) or "error" (`error` says why).
 */
export const rewriteUpdateSchema = z.object({
  projectId: z.string(),
  rewriteId: z.string(),
  status: z.enum(["writing", "done", "stopped", "error"]),
  text: z.string(),
  words: z.number().int().nonnegative(),
  targetWords: z.number().int().positive(),
  error: z.string().nullable(),
});
export type RewriteUpdate = z.infer<typeof rewriteUpdateSchema>;

export const generationRequests = {
  "generation.start": request(
    "Starts (or continues) writing the project with the loaded model.",
    z.object({ projectId: z.string().min(1), mode: generationModeSchema.optional(), fromStep: z.number().int().nonnegative().optional() }).strict(),
    generationStateSchema,
  ),
  "generation.pause": request("Pauses after the token in flight; the model's context is kept.", projectRef, generationStateSchema),
  "generation.resume": request("Resumes a paused generation.", projectRef, generationStateSchema),
  "generation.stop": request("Stops the generation; everything written stays.", projectRef, generationStateSchema),
  "generation.regenerate": request(
    "Writes a step, or every step of a section, again; the rest of the document stays.",
    z.union([z.object({ projectId: z.string().min(1), stepIndex: z.number().int().nonnegative() }).strict(), z.object({ projectId: z.string().min(1), sectionId: z.string().min(1) }).strict()]),
    generationStateSchema,
  ),
  "generation.state": request("The generation state of a project.", projectRef, generationStateSchema),
  "generation.rewrite": request(
    "Rewrites a passage of a step with the loaded model: the text streams in generation.rewrite events and the document is not changed (the writer keeps or discards the result). Refused while the model writes a document or another passage.",
    rewriteRequestSchema,
    z.object({ rewriteId: z.string(), targetWords: z.number().int().positive() }),
  ),
  "generation.stopRewrite": request("Stops the project's rewrite; its text is dropped.", projectRef, z.object({ stopped: z.boolean() })),
} as const;

export const generationEvents = {
  "generation.update": generationUpdateSchema,
  "generation.rewrite": rewriteUpdateSchema,
} as const;
