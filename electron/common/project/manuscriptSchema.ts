import { z } from "zod";
import type { ManuscriptEdit } from "../manuscript/edits";
import type { Manuscript } from "../manuscript/types";
import { VOICE_SAMPLE_MAX_CHARS } from "../manuscript/voice";
import { MAX_BIBLE_BUDGET, MAX_DESCRIPTION, MAX_ENTRIES, MAX_SUMMARY } from "../memory/limits";
import { MAX_WAITING } from "../memory/proposals";
import { bibleKinds } from "../memory/types";

// The manuscript as a project file stores it, validated on open. It mirrors the Manuscript type of
// electron/common/manuscript; the check at the bottom makes a change there a type error here, so the
// two cannot drift apart silently.

const count = z.number().int().nonnegative();

/** A line of the bible (a name, an alias): one line, bounded. */
const bibleLine = z.string().max(200);

export const bibleEntrySchema = z.object({
  id: z.string().max(100),
  kind: z.enum(bibleKinds),
  name: bibleLine,
  aliases: z.array(bibleLine).max(50),
  description: z.string().max(MAX_DESCRIPTION),
  always: z.boolean(),
});

export const proposalSchema = z.object({
  id: z.string().max(100),
  stepId: z.string().max(100),
  entryId: z.string().max(100).nullable(),
  kind: z.enum(bibleKinds),
  name: bibleLine,
  description: z.string().max(MAX_DESCRIPTION),
  evidence: z.string().max(2000),
});

const summarySource = z.enum(["model", "reflection", "writer"]);

export const stepMemorySchema = z.object({
  entries: z.array(z.string().max(100)).max(MAX_ENTRIES),
  summary: z.string().max(MAX_SUMMARY).nullable(),
  summaryBy: summarySource.nullable(),
  pinned: z.boolean(),
});

export const storyMemorySchema = z.object({
  entries: z.array(bibleEntrySchema).max(MAX_ENTRIES),
  budget: count.max(MAX_BIBLE_BUDGET),
  proposals: z.array(proposalSchema).max(MAX_WAITING),
  dismissed: z.array(bibleLine).max(10_000),
  digest: z.object({ throughStep: count, text: z.string().max(MAX_SUMMARY * 4), by: summarySource }).nullable(),
  lockedSections: z.array(z.string().max(100)).max(10_000),
  nextEntry: z.number().int().positive(),
  nextProposal: z.number().int().positive(),
});

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
  memory: stepMemorySchema.optional(),
});

export const planRevisionSchema = z.object({
  afterStep: count,
  text: z.string(),
  sections: z.array(sectionSchema),
  nextSectionNumber: z.number().int().positive(),
  cause: z.enum(["rebalanced"]).optional(),
  reason: z.string().max(1000).optional(), // the writer clips it to 1,000 characters
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
  memory: storyMemorySchema,
});

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const _schemaMatchesManuscript: Same<z.output<typeof manuscriptSchema>, Manuscript> = true;
void _schemaMatchesManuscript;

/** A bible entry as the writer sends it (the edit checks it further). */
const entryInputSchema = z
  .object({
    kind: z.enum(bibleKinds),
    name: z.string().max(1000),
    aliases: z.array(z.string().max(1000)).max(1000),
    description: z.string().max(100_000),
    always: z.boolean(),
  })
  .strict();

/** A writer's edit (the manuscript module's ManuscriptEdit), as the API receives it. */
export const manuscriptEditSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("editSection"), sectionId: z.string(), title: z.string().max(500).optional(), brief: z.string().max(20_000).optional(), budget: z.number().optional() }).strict(),
  z.object({ type: z.literal("addSection"), index: z.number().int(), title: z.string().max(500), brief: z.string().max(20_000).optional(), budget: z.number() }).strict(),
  z.object({ type: z.literal("removeSection"), sectionId: z.string() }).strict(),
  z.object({ type: z.literal("moveSection"), sectionId: z.string(), toIndex: z.number().int() }).strict(),
  z.object({ type: z.literal("editStep"), stepId: z.string(), plan: z.string().max(100_000).optional(), content: z.string().max(2_000_000).optional() }).strict(),
  z.object({ type: z.literal("setTarget"), targetWords: z.number().nullable() }).strict(),
  z.object({ type: z.literal("setVoice"), sectionId: z.string().nullable(), sample: z.string().max(VOICE_SAMPLE_MAX_CHARS * 2) }).strict(),
  z.object({ type: z.literal("addEntry"), entry: entryInputSchema, restoreId: z.string().max(100).optional() }).strict(),
  z
    .object({
      type: z.literal("editEntry"),
      entryId: z.string().max(100),
      kind: z.enum(bibleKinds).optional(),
      name: z.string().max(1000).optional(),
      aliases: z.array(z.string().max(1000)).max(1000).optional(),
      description: z.string().max(100_000).optional(),
      always: z.boolean().optional(),
    })
    .strict(),
  z.object({ type: z.literal("removeEntry"), entryId: z.string().max(100) }).strict(),
  z.object({ type: z.literal("acceptProposal"), proposalId: z.string().max(100), entry: entryInputSchema.partial().optional() }).strict(),
  z.object({ type: z.literal("dismissProposal"), proposalId: z.string().max(100) }).strict(),
  z.object({ type: z.literal("setSummary"), stepId: z.string().max(100), summary: z.string().max(100_000).nullable() }).strict(),
  z.object({ type: z.literal("pinStep"), stepId: z.string().max(100), pinned: z.boolean() }).strict(),
  z.object({ type: z.literal("setDigest"), text: z.string().max(100_000) }).strict(),
  z.object({ type: z.literal("setBibleBudget"), tokens: z.number() }).strict(),
  z.object({ type: z.literal("lockBudget"), sectionId: z.string().max(100), locked: z.boolean() }).strict(),
]);

const _editSchemaMatches: Same<z.output<typeof manuscriptEditSchema>, ManuscriptEdit> = true;
void _editSchemaMatches;
