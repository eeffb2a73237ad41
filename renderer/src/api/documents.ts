// The projects part of the API in the renderer's words: create, open, edit and save a document. The
// store talks to this interface only, so the projects contract (electron/common/api/projects.ts)
// is read in this one file.
import type { ApiClient } from "../../../electron/common/api/client";
import { ApiError, type GenerationMode, type ProjectSummary } from "../../../electron/common/api";
import type { Manuscript, ManuscriptEdit } from "../../../electron/common/manuscript";
import type { Language } from "../../../electron/common/metrics/language";
import type { ImportNotice } from "../../../electron/common/project/importNotices";
import type { HistoryEntry } from "../../../electron/common/project/history";
import type { ProjectState, RecoverableProject } from "../../../electron/common/project/state";

export interface NewDocumentInput {
  instruction: string;
  targetWords: number;
  language: Language;
  /** null: the loaded model's profile decides. */
  mode: GenerationMode | null;
  /** A sample of the writer's prose the model writes like. */
  voice?: string;
  /** The document's title (exports, the window); left out, one made from the instruction. */
  title?: string;
}

/** An open document as the window shows it. */
export interface OpenedDocument {
  projectId: string;
  title: string;
  path: string | null;
  manuscript: Manuscript;
  /** The manuscript's version (updates carry the version they bring it to). */
  version: number;
  modified: boolean;
  readOnly: boolean;
}

/**
 * The back end's answer to an edit: accepted (with the manuscript as it now is, when it says, and the
 * edit's id while the model writes: it is pending until the generation state says otherwise), or refused.
 */
export type EditAnswer =
  | { ok: true; manuscript: Manuscript | null; version: number | null; editId: string | null }
  | { ok: false; message: string };

/**
 * A save: written (`backup`: where the file a Save As replaced was kept), or held back because a file is
 * already at the path and replacing it was not asked for (the writer is asked).
 */
export type SaveOutcome = { ok: true; path: string | null; modified: boolean; backup?: string } | { ok: false; exists: true; path: string; message: string };

/** An export: written, or held back because a file Draftline did not write is there. */
export type ExportOutcome = { ok: true; path: string; bytes: number } | { ok: false; exists: true; path: string; message: string };

export interface DocumentApi {
  list(): Promise<ProjectSummary[]>;
  create(input: NewDocumentInput): Promise<OpenedDocument>;
  open(path: string): Promise<OpenedDocument>;
  get(projectId: string): Promise<OpenedDocument>;
  edit(projectId: string, edit: ManuscriptEdit): Promise<EditAnswer>;
  /** Saves (Save As with a path; `replace: false` answers `exists` where a file already is). */
  save(projectId: string, path?: string, options?: { replace?: boolean }): Promise<SaveOutcome>;
  /** The full path Save As (extension "draftline") or an export would write: the project's last folder, or the documents folder. */
  suggestPath(projectId: string, extension: string): Promise<{ folder: string; path: string }>;
  /**
   * Exports the draft to a file; the format by id ("docx", "markdown", "epub") or by the path's extension.
   * A file there that Draftline did not write is replaced only with `overwrite`: without it the answer
   * is `exists`, and the writer is asked.
   */
  exportTo(projectId: string, path: string, options?: { format?: string; overwrite?: boolean; withPlan?: boolean; author?: string }): Promise<ExportOutcome>;
  /** Unsaved work to take back; `includeOpen`: also the projects open in the back end (web mode). */
  recoverable(includeOpen: boolean): Promise<RecoverableProject[]>;
  /** Takes unsaved work back: an untitled autosave, a file's autosave (by opening the file), an open project. */
  recover(entry: RecoverableProject): Promise<OpenedDocument>;
  /** Closes a project in the back end: its unsaved changes stay in its autosave unless `discard`. */
  close(projectId: string, discard: boolean): Promise<void>;
  /** Gives the document a title (its exports and the window use it). */
  rename(projectId: string, title: string): Promise<ProjectState>;
  /** The project's snapshots, newest first. */
  history(projectId: string): Promise<HistoryEntry[]>;
  /** Keeps a snapshot of the draft now. */
  snapshot(projectId: string, label: string): Promise<HistoryEntry>;
  /** One snapshot, to preview it and compare it with the draft. */
  readSnapshot(projectId: string, snapshotId: string): Promise<{ entry: HistoryEntry; title: string; manuscript: Manuscript }>;
  /** Brings a snapshot back (the draft before is kept as a snapshot first). */
  restore(projectId: string, snapshotId: string): Promise<OpenedDocument>;
  /** Makes a new project of a draft (Word, Markdown or text), with what the import could not bring over. */
  importFrom(path: string): Promise<OpenedDocument & { notices: ImportNotice[] }>;
}

function opened(state: ProjectState, readOnly = state.readOnly): OpenedDocument {
  return { projectId: state.projectId, title: state.title, path: state.path, manuscript: state.manuscript, version: state.currentVersion, modified: state.modified, readOnly };
}

/** The document API over the app's client. */
export function createDocumentApi(api: ApiClient): DocumentApi {
  return {
    list: () => api.call("projects.list", {}),
    create: async (input) =>
      opened(await api.call("projects.create", { instruction: input.instruction, targetWords: input.targetWords, language: input.language, mode: input.mode, ...(input.voice?.trim() ? { voice: input.voice } : {}), ...(input.title?.trim() ? { title: input.title.trim() } : {}) })),
    open: async (path) => {
      const answer = await api.call("projects.open", { path });
      if (!answer.ok) throw new ApiError("failed", answer.error.message);
      return opened(answer.project, answer.project.readOnly || !answer.lock.held);
    },
    get: async (projectId) => opened(await api.call("projects.get", { projectId })),
    edit: async (projectId, edit) => {
      const answer = await api.call("projects.update", { projectId, edit });
      if (!answer.ok) return { ok: false, message: answer.error.message };
      return { ok: true, manuscript: answer.project.manuscript, version: answer.project.currentVersion, editId: answer.edit?.id ?? null };
    },
    save: async (projectId, path, options = {}) => {
      if (path === undefined) {
        const saved = await api.call("projects.save", { projectId });
        return { ok: true, path: saved.path, modified: saved.modified };
      }
      const saved = await api.call("projects.saveAs", { projectId, path, ...(options.replace !== undefined ? { replace: options.replace } : {}) });
      if (!saved.ok) return { ok: false, exists: true, path: saved.path, message: saved.message };
      return { ok: true, path: saved.path, modified: saved.modified, ...(saved.backup ? { backup: saved.backup } : {}) };
    },
    suggestPath: (projectId, extension) => api.call("projects.suggestPath", { projectId, extension }),
    exportTo: async (projectId, path, options = {}) => {
      const done = await api.call("projects.export", {
        projectId,
        path,
        ...(options.format ? { format: options.format } : {}),
        ...(options.withPlan ? { withPlan: true } : {}),
        ...(options.author?.trim() ? { author: options.author.trim() } : {}),
        overwrite: options.overwrite ?? false,
      });
      return done.ok ? { ok: true, path: done.path, bytes: done.bytes } : { ok: false, exists: true, path: done.path, message: done.message };
    },
    recoverable: (includeOpen) => api.call("projects.recoverable", { includeOpen }),
    recover: async (entry) => {
      const answer = entry.path !== null && !entry.open ? await api.call("projects.open", { path: entry.path }) : await api.call("projects.recover", { projectId: entry.projectId });
      if (!answer.ok) throw new ApiError("failed", answer.error.message);
      return opened(answer.project, answer.project.readOnly || !answer.lock.held);
    },
    close: async (projectId, discard) => {
      await api.call("projects.close", { projectId, discard });
    },
    rename: async (projectId, title) => {
      const answer = await api.call("projects.update", { projectId, title });
      if (!answer.ok) throw new ApiError("failed", answer.error.message);
      return answer.project;
    },
    history: (projectId) => api.call("projects.history.list", { projectId }),
    snapshot: (projectId, label) => api.call("projects.history.snapshot", { projectId, label, reason: "manual" }),
    readSnapshot: (projectId, snapshotId) => api.call("projects.history.read", { projectId, snapshotId }),
    restore: async (projectId, snapshotId) => opened(await api.call("projects.history.restore", { projectId, snapshotId })),
    importFrom: async (path) => {
      const answer = await api.call("projects.import", { path });
      if (!answer.ok) throw new ApiError("failed", answer.error.message);
      return { ...opened(answer.project, answer.project.readOnly || !answer.lock.held), notices: answer.notices };
    },
  };
}
