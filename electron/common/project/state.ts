import { z } from "zod";
import { generationInfoSchema, projectSettingsSchema } from "./file";
import { manuscriptSchema } from "./manuscriptSchema";

/** What recovery found when a project was opened. */
export const recoveryInfoSchema = z.discriminatedUnion("recovered", [
  z.object({
    recovered: z.literal(true),
    /** The recovery journal (autosave) was newer than the project file. */
    from: z.literal("autosave"),
    /** When that autosave was written. */
    savedAt: z.number(),
    /** When the project file was saved (null: never). */
    fileSavedAt: z.number().nullable(),
    /** Words in the recovered manuscript. */
    words: z.number().int().nonnegative(),
  }),
  z.object({
    recovered: z.literal(false),
    /** A recovery journal that could not be read, moved aside under this name. */
    damagedAutosave: z.string().optional(),
  }),
]);
export type RecoveryInfo = z.infer<typeof recoveryInfoSchema>;

/** Who else is writing a project that was opened read-only. */
export const lockStatusSchema = z.object({
  /** True when this window holds the lock and may save. */
  held: z.boolean(),
  /** The other writer, when the lock is held elsewhere. */
  heldBy: z.object({ pid: z.number(), hostname: z.string(), since: z.number() }).nullable(),
  /** A stale lock (its process dead) that was taken over. */
  tookOverStale: z.boolean(),
});
export type LockStatus = z.infer<typeof lockStatusSchema>;

/** An open project as the UI sees it. Documents have versions: modified means current ≠ last saved. */
export const projectStateSchema = z.object({
  projectId: z.string(),
  /** The project file; null until it is first saved. */
  path: z.string().nullable(),
  title: z.string(),
  manuscript: manuscriptSchema,
  settings: projectSettingsSchema,
  generation: generationInfoSchema,
  currentVersion: z.number().int().nonnegative(),
  lastSavedVersion: z.number().int().nonnegative(),
  modified: z.boolean(),
  readOnly: z.boolean(),
  words: z.number().int().nonnegative(),
  savedAt: z.number().nullable(),
  autosavedAt: z.number().nullable(),
});
export type ProjectState = z.infer<typeof projectStateSchema>;

/**
 * Work a window can take back: an untitled project whose autosave survived (a crash, a window that
 * closed or moved on to another document), changes to a project file that only its autosave holds,
 * or (web mode) a project still open in the back end that no window shows since a page reload.
 */
export const recoverableProjectSchema = z.object({
  projectId: z.string(),
  title: z.string(),
  /** When its autosave was written (or, open, when it last changed). */
  savedAt: z.number(),
  words: z.number().int().nonnegative(),
  /** The project file whose unsaved changes these are; null for an untitled project. */
  path: z.string().nullable().default(null),
  /** Open in the back end now (the model may still be writing it). */
  open: z.boolean().default(false),
});
export type RecoverableProject = z.infer<typeof recoverableProjectSchema>;

/** The events the projects service pushes to the UI. */
export const projectChangedSchema = z.object({
  projectId: z.string(),
  currentVersion: z.number().int().nonnegative(),
  modified: z.boolean(),
  /** Who changed it: the writer's edit or the model writing. */
  source: z.enum(["writer", "model"]),
  words: z.number().int().nonnegative(),
});
export type ProjectChanged = z.infer<typeof projectChangedSchema>;

export const projectSavedSchema = z.object({
  projectId: z.string(),
  /** "save": the project file; "autosave": the recovery journal. */
  kind: z.enum(["save", "autosave"]),
  path: z.string().nullable(),
  savedAt: z.number(),
  version: z.number().int().nonnegative(),
  modified: z.boolean(),
});
export type ProjectSaved = z.infer<typeof projectSavedSchema>;

export const projectSaveFailedSchema = z.object({
  projectId: z.string(),
  kind: z.enum(["save", "autosave"]),
  code: z.string(),
  message: z.string(),
});
export type ProjectSaveFailed = z.infer<typeof projectSaveFailedSchema>;
