import { z } from "zod";
import { protocolProfiles } from "../engine/catalog";
import { projectErrorCodes } from "../project/errors";
import { historyEntrySchema, snapshotReasons } from "../project/history";
import { importNoticeSchema } from "../project/importNotices";
import { VOICE_SAMPLE_MAX_CHARS } from "../manuscript/voice";
import { manuscriptEditSchema, manuscriptSchema } from "../project/manuscriptSchema";
import {
  lockStatusSchema,
  projectChangedSchema,
  projectSavedSchema,
  projectSaveFailedSchema,
  projectStateSchema,
  recoverableProjectSchema,
  recoveryInfoSchema,
} from "../project/state";
import { request } from "./define";
import { pendingEditSchema } from "./generation";

export const projectSummary = z.object({
  path: z.string(),
  title: z.string(),
  words: z.number().int().nonnegative(),
  target: z.number().int().nonnegative(),
  modifiedAt: z.number(),
});
export type ProjectSummary = z.infer<typeof projectSummary>;

const projectId = z.string().min(1).max(100);
const filePath = z.string().min(1).max(4096);

/** Why a project could not be opened or imported: a code the UI can switch on and a sentence for the writer. */
export const projectFailure = z.object({
  code: z.enum(projectErrorCodes),
  message: z.string(),
  /** For a damaged project whose previous version (.bak) can be opened instead. */
  backupPath: z.string().optional(),
});
export type ProjectFailure = z.infer<typeof projectFailure>;

/** An opened project: its state, what recovery found, and whether this window may write it. */
export const openedProject = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), project: projectStateSchema, recovery: recoveryInfoSchema, lock: lockStatusSchema }),
  z.object({ ok: z.literal(false), error: projectFailure }),
]);
export type OpenedProject = z.infer<typeof openedProject>;

/** An imported draft: opened as a new project, with what the import could not bring over as it was. */
export const importedProject = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), project: projectStateSchema, recovery: recoveryInfoSchema, lock: lockStatusSchema, notices: z.array(importNoticeSchema).max(50) }),
  z.object({ ok: z.literal(false), error: projectFailure }),
]);
export type ImportedProject = z.infer<typeof importedProject>;

/** After a save: where, when, and the document's versions. */
export const savedProject = z.object({
  projectId,
  path: z.string().nullable(),
  savedAt: z.number().nullable(),
  currentVersion: z.number().int().nonnegative(),
  lastSavedVersion: z.number().int().nonnegative(),
  modified: z.boolean(),
});
export type SavedProject = z.infer<typeof savedProject>;

/**
 * A Save As: saved (with `backup`, where the file it replaced was kept), or not saved because a file is
 * already at that path and replacing it was not asked for (`exists`: the UI asks the writer).
 */
export const saveAsAnswer = z.discriminatedUnion("ok", [
  savedProject.extend({ ok: z.literal(true), backup: z.string().optional() }),
  z.object({ ok: z.literal(false), reason: z.literal("exists"), path: z.string(), message: z.string() }),
]);
export type SaveAsAnswer = z.infer<typeof saveAsAnswer>;

/** Where a Save As or an export of a project is suggested to go: the full path, and its folder. */
export const suggestedPath = z.object({ folder: z.string(), path: z.string() });

/** An export: written, or not written because a file Draftline did not write is there (ask, then overwrite). */
export const exportAnswer = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), path: z.string(), format: z.string(), bytes: z.number().int().nonnegative() }),
  z.object({ ok: z.literal(false), reason: z.literal("exists"), path: z.string(), message: z.string() }),
]);
export type ExportAnswer = z.infer<typeof exportAnswer>;

export const projectRequests = {
  "projects.list": request("Recently opened projects, newest first.", z.object({}).strict(), z.array(projectSummary)),
  "projects.create": request(
    "Creates a project in memory (untitled, autosaved) or, with a path, saved there at once.",
    z
      .object({
        instruction: z.string().min(1).max(50_000),
        targetWords: z.number().int().positive().max(10_000_000).nullable(),
        language: z.enum(["en", "zh", "auto"]).default("auto"),
        mode: z.enum(protocolProfiles).nullable().default(null),
        model: z.string().max(1000).nullable().default(null),
        title: z.string().max(500).optional(),
        path: filePath.optional(),
        /** false: a file already at `path` is refused (`exists`); otherwise it is kept as `<name>.replaced-<time>.draftline` beside it. */
        replace: z.boolean().optional(),
        /** A sample of the writer's prose the model writes like (the document's voice); refused past its budget. */
        voice: z.string().max(VOICE_SAMPLE_MAX_CHARS * 2).optional(),
      })
      .strict(),
    /** backup: where a file already at `path` was kept. */
    projectStateSchema.extend({ backup: z.string().optional() }),
  ),
  "projects.open": request(
    "Opens a project file: its state, what was recovered from an autosave, and the lock (read-only when another window writes it; force takes it over).",
    z.object({ path: filePath, force: z.boolean().default(false) }).strict(),
    openedProject,
  ),
  "projects.recoverable": request(
    "Unsaved work a window can take back, newest first: untitled projects whose autosave survived, project files whose autosave holds changes, and with includeOpen the projects open in the back end (web mode: a page that was reloaded).",
    z.object({ includeOpen: z.boolean().default(false) }).strict(),
    z.array(recoverableProjectSchema),
  ),
  "projects.recover": request("Opens an untitled project from its autosave (or a project open in the back end as it is).", z.object({ projectId }).strict(), openedProject),
  "projects.get": request("The state of an open project, with its manuscript.", z.object({ projectId }).strict(), projectStateSchema),
  "projects.update": request(
    "Applies one of the writer's edits to the manuscript and/or changes the title or model; a refused edit changes nothing and says why.",
    z
      .object({
        projectId,
        edit: manuscriptEditSchema.optional(),
        title: z.string().min(1).max(500).optional(),
        generation: z.object({ model: z.string().max(1000).nullable().optional(), mode: z.enum(protocolProfiles).nullable().optional() }).strict().optional(),
      })
      .strict(),
    z.discriminatedUnion("ok", [
      // `edit`: set while the model writes the document: the edit waits for the next boundary, and the
      // generation states name it by this id until it is applied.
      z.object({ ok: z.literal(true), project: projectStateSchema, edit: pendingEditSchema.optional() }),
      z.object({ ok: z.literal(false), error: z.object({ kind: z.string(), message: z.string() }) }),
    ]),
  ),
  "projects.save": request("Saves the project file (atomically, keeping the previous version as .bak).", z.object({ projectId }).strict(), savedProject),
  "projects.saveAs": request(
    "Saves the project under a new path and goes on with it there. replace: false answers `exists` where a file is already (web mode asks the writer, then saves with replace: true; a native save dialog has asked). A file replaced is kept first as `<name>.replaced-<time>.draftline` beside it (`backup`), with its history.",
    z.object({ projectId, path: filePath, replace: z.boolean().optional() }).strict(),
    saveAsAnswer,
  ),
  "projects.suggestPath": request(
    "Where Save As (extension draftline) or an export (its extension) of the project is suggested to go, as a full path: the folder it was last saved or exported to, else its file's folder, else the documents folder (~/Documents/Draftline, DRAFTLINE_DOCUMENTS), created when a file is written there.",
    z.object({ projectId, extension: z.string().min(1).max(10) }).strict(),
    suggestedPath,
  ),
  "projects.close": request(
    "Closes a project; unsaved changes stay in its autosave unless discard is set.",
    z.object({ projectId, discard: z.boolean().default(false) }).strict(),
    z.object({ closed: z.literal(true) }),
  ),
  "projects.history.list": request("The project's snapshots, newest first.", z.object({ projectId }).strict(), z.array(historyEntrySchema)),
  "projects.history.snapshot": request(
    "Keeps a snapshot of the manuscript now.",
    z.object({ projectId, label: z.string().max(200), reason: z.enum(snapshotReasons).default("manual") }).strict(),
    historyEntrySchema,
  ),
  "projects.history.read": request(
    "One snapshot of the project's history: its entry, and the title and manuscript it holds (to preview it and compare it with the draft).",
    z.object({ projectId, snapshotId: z.string().min(1).max(100) }).strict(),
    z.object({ entry: historyEntrySchema, title: z.string(), manuscript: manuscriptSchema }),
  ),
  "projects.history.restore": request(
    "Brings back a snapshot (the current manuscript is kept as a snapshot first).",
    z.object({ projectId, snapshotId: z.string().min(1).max(100) }).strict(),
    projectStateSchema,
  ),
  "projects.exportFormats": request(
    "The formats projects export to.",
    z.object({}).strict(),
    z.array(z.object({ id: z.string(), extension: z.string(), label: z.string() })),
  ),
  "projects.export": request(
    "Exports the draft to a file (DOCX, Markdown, EPUB, ...): the format by id or by the path's extension, which must match it; withPlan adds plans and reflections. A file that exists and that Draftline did not write is replaced only with overwrite: without it, the answer is `exists` and the UI asks the writer.",
    z
      .object({
        projectId,
        path: filePath,
        format: z.string().max(50).optional(),
        withPlan: z.boolean().default(false),
        planPlacement: z.enum(["appendix", "comments"]).default("appendix"),
        /** EPUB: the book's author. */
        author: z.string().max(200).optional(),
        /** The writer agreed to replace the file at `path`. */
        overwrite: z.boolean().default(false),
      })
      .strict(),
    exportAnswer,
  ),
  "projects.import": request(
    "Makes a project of a draft, a Word document (.docx), Markdown or text (its headings become sections), untitled or saved at `out`; `notices` says what it could not bring over (a Word document's pictures, tables, comments).",
    z.object({ path: filePath, out: filePath.optional() }).strict(),
    importedProject,
  ),
} as const;

/** What the projects service pushes: a change (writer or model), a save or autosave, a failed save. */
export const projectEvents = {
  "project.changed": projectChangedSchema,
  "project.saved": projectSavedSchema,
  "project.saveFailed": projectSaveFailedSchema,
} as const;
