import { z } from "zod";
import type { ManuscriptEdit } from "../manuscript/edits";
import type { Manuscript } from "../manuscript/types";
import { VOICE_SAMPLE_MAX_CHARS } from "../manuscript/voice";

// The manuscript as a project file stores it, validated on open. It mirrors the Manuscript type of
// electron/common/manuscript; the check at the bottom makes a change there a type error here, so the
// two cannot drift apart silently.

const count = z.number().int().nonnegative();

export const sectionSchema = z.object({ id: z.string(), title: z.string(), brief: z.string(), budget: count });

export const reportedProgressSchema = z.object({ written: z.number().nonnegative(), target: z.number().nonnegative().nullable(), phrase: z.string() });

export const stepSchema = z.object({
  id: z.string(),
  sectionId: z.string().nullable(),
  plan: z.string(),
  planComplete: z.boolean(),
  targetWords: count.nullable(),
  content: z.string(),
  reflection: z.string(),
  progress: reportedProgressSchema.nullable(),
  words: count,
  status: z.enum(["planned", "writing", "done", "edited", "stopped"]),
});

export const planRevisionSchema = z.object({
  afterStep: count,
  text: z.string(),
  sections: z.array(sectionSchema),
  nextSectionNumber: z.number().int().positive(),
});

export const manuscriptSchema = z.object({
  instruction: z.string(),
  language: z.enum(["en", "zh", "auto"]),
  targetWords: count.nullable(),
  sections: z.array(sectionSchema),
  revisions: z.array(planRevisionSchema),
  planDraft: z.object({ text: z.string(), sections: z.array(z.object({ title: z.string(), brief: z.string(), budget: count })) }).nullable(),
  steps: z.array(stepSchema),
  finished: z.boolean(),
  voice: z.object({ document: z.string(), sections: z.record(z.string(), z.string()) }).optional(),
});

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const _schemaMatchesManuscript: Same<z.output<typeof manuscriptSchema>, Manuscript> = true;
void _schemaMatchesManuscript;

/** A writer's edit (the manuscript module's ManuscriptEdit), as the API receives it. */
export const manuscriptEditSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("editSection"), sectionId: z.string(), title: z.string().max(500).optional(), brief: z.string().max(20_000).optional(), budget: z.number().optional() }).strict(),
  z.object({ type: z.literal("addSection"), index: z.number().int(), title: z.string().max(500), brief: z.string().max(20_000).optional(), budget: z.number() }).strict(),
  z.object({ type: z.literal("removeSection"), sectionId: z.string() }).strict(),
  z.object({ type: z.literal("moveSection"), sectionId: z.string(), toIndex: z.number().int() }).strict(),
  z.object({ type: z.literal("editStep"), stepId: z.string(), plan: z.string().max(100_000).optional(), content: z.string().max(2_000_000).optional() }).strict(),
  z.object({ type: z.literal("setTarget"), targetWords: z.number().nullable() }).strict(),
  z.object({ type: z.literal("setVoice"), sectionId: z.string().nullable(), sample: z.string().max(VOICE_SAMPLE_MAX_CHARS * 2) }).strict(),
]);

const _editSchemaMatches: Same<z.output<typeof manuscriptEditSchema>, ManuscriptEdit> = true;
void _editSchemaMatches;
