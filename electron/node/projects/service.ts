import { writtenWords } from "../../common/generation/rules";
import { randomUUID } from "node:crypto";
import { constants as fsConstants, promises as fs } from "node:fs";
import path from "node:path";
import type { PendingEdit } from "../../common/api/generation";
import type { ProtocolProfile } from "../../common/engine/catalog";
import { applyEdit, createManuscript, stopStepInProgress, type EditError, type Manuscript, type ManuscriptEdit } from "../../common/manuscript";
import { ApiError } from "../../common/api/define";
import type { Language } from "../../common/metrics/language";
import { ProjectError } from "../../common/project/errors";
import { decodeProjectFile, encodeProjectFile, PROJECT_FORMAT, PROJECT_SCHEMA_VERSION, type GenerationInfo, type ProjectFile, type ProjectSettings } from "../../common/project/file";
import { DEFAULT_HISTORY_LIMITS, type HistoryEntry, type HistoryLimits, type SnapshotReason } from "../../common/project/history";
import { titleFromInstruction } from "../../common/project/title";
import type { ImportNotice } from "../../common/project/importNotices";
import type { LockStatus, ProjectChanged, ProjectSaved, ProjectSaveFailed, ProjectState, RecoverableProject, RecoveryInfo } from "../../common/project/state";
import type { Service } from "../base/container";
import type { ExportResult } from "../export/registry";
import { realFs, removeAbandonedTemps, writeFileAtomic, type AtomicFs } from "../base/atomicWrite";
import { AutosaveScheduler, DEFAULT_AUTOSAVE_TIMING, type AutosaveTiming } from "./autosave";
import { ProjectFolders } from "./folders";
import { errnoOf, fsFailure } from "../base/fsErrors";
import { HistoryStore, historyDirFor } from "./history";
import { isStaleHolder, processAlive, ProjectLock, type LockHolder } from "./lock";
import { journalPathFor, PROJECT_EXTENSION, readProjectFile, readProjectText, writeProjectFile } from "./projectFile";
import type { RecentProjects } from "./recent";

export type ChangeSource = "writer" | "model";

/**
 * A writer's edit, taken (with the edit still pending when a running generation took it: it goes into
 * the model's context at the next boundary) or refused with the manuscript's reason.
 */
export type TakenEdit = { ok: true; manuscript: Manuscript; edit?: PendingEdit } | { ok: false; error: EditError };

/** Who takes a project's edits while the model writes it (the generation service). */
export type EditOwner = (edit: ManuscriptEdit) => TakenEdit;

export type ProjectEvent =
  | { name: "project.changed"; payload: ProjectChanged }
  | { name: "project.saved"; payload: ProjectSaved }
  | { name: "project.saveFailed"; payload: ProjectSaveFailed };

export interface ProjectsServiceOptions {
  /** The app's data folder: untitled projects autosave under `<dataDir>/unsaved/<id>/`. */
  dataDir: string;
  recent: RecentProjects;
  appVersion: string;
  emit?: (event: ProjectEvent) => void;
  autosave?: AutosaveTiming;
  history?: HistoryLimits;
  /** File operations for saves (tests inject a full disk through it). */
  fs?: AtomicFs;
  /**
   * Where a project never saved or exported is suggested to go (`base/paths.ts` documentsDir:
   * `~/Documents/Draftline`, or DRAFTLINE_DOCUMENTS); created when something is written there.
   * Default: `<dataDir>/Documents`.
   */
  documentsDir?: string;
}

/** Where Save As or an export would write, suggested: the project's last folder, or the documents folder. */
export interface SuggestedPath {
  folder: string;
  path: string;
}

/** A save: the project's state, and where the file it replaced was kept (a Save As over another file). */
export type SavedAs = ProjectState & { backup?: string };

export interface CreateProjectOptions {
  instruction: string;
  targetWords: number | null;
  language?: Language;
  mode?: ProtocolProfile | null;
  model?: string | null;
  title?: string;
  settings?: ProjectSettings;
  /** Save it there at once; left out, the project is untitled until Save As. */
  path?: string;
  /** false: a file already at `path` is refused (`exists`), nothing replaced; otherwise it is kept as a backup (see saveAs). */
  replace?: boolean;
  /** The document's voice: a sample of the writer's prose (checked as the setVoice edit checks it). */
  voice?: string;
}

export interface OpenProjectResult {
  project: ProjectState;
  recovery: RecoveryInfo;
  lock: LockStatus;
}

/**
 * Why a project is read-only here: another window or process held its lock when it opened ("locked"),
 * its folder may not be written ("no-write-access": a read-only disk, no permission), or another
 * window took the lock over while it was open here ("taken-over": its edits exist only in this window
 * until Save As or an export keeps them).
 */
type ReadOnly = { reason: "locked" | "taken-over"; holder: LockHolder | null } | { reason: "no-write-access"; errno: string };

/** One open project: the document and its versions, its files and its timers. */
interface OpenProject {
  id: string;
  path: string | null;
  createdAt: number;
  title: string;
  settings: ProjectSettings;
  generation: GenerationInfo;
  manuscript: Manuscript;
  /** Bumped by every change; `lastSavedVersion` is the version in the project file. */
  currentVersion: number;
  lastSavedVersion: number;
  /** The version in the recovery journal (0: none written). */
  autosavedVersion: number;
  savedAt: number | null;
  autosavedAt: number | null;
  lock: ProjectLock | null;
  /** Why this window may not write the project's file (null: it may). */
  readOnly: ReadOnly | null;
  history: HistoryStore;
  autosave: AutosaveScheduler;
  /** File writes of this project, one at a time. */
  queue: Promise<unknown>;
}


const closedSteps = (m: Manuscript) => m.steps.reduce((n, s) => (s.status === "done" || s.status === "edited" || s.status === "stopped" ? n + 1 : n), 0);

/** Whether `next` closes a step (or the document) that `previous` had open: a step boundary. */
function closedStep(previous: Manuscript, next: Manuscript): boolean {
  return closedSteps(next) > closedSteps(previous) || (next.finished && !previous.finished);
}

/**
 * Owns the open projects: creating, opening (with recovery and the one-writer lock), changing (the
 * writer's edits and the model's writing), autosaving, saving, version history, export and import.
 *
 * Saving never loses work: the project file is only ever replaced atomically, its previous version
 * kept as `.bak`; between saves, changes are autosaved to a recovery journal (a few seconds after a
 * change, at least every few seconds while the model writes, and whenever the model closes a step);
 * open recovers a journal newer than the file and says so. See projectFile.ts for the files beside a project.
 */
export class ProjectsService implements Service {
  readonly name = "projects";
  private readonly projects = new Map<string, OpenProject>();
  /** Projects whose edits a running generation takes (see claimEdits). */
  private readonly editOwners = new Map<string, EditOwner>();
  private readonly fs: AtomicFs;
  private readonly timing: AutosaveTiming;
  private readonly historyLimits: HistoryLimits;
  /** The folder each project was last saved or exported to (the app's per-project setting). */
  private readonly folders: ProjectFolders;
  private readonly documentsDir: string;

  constructor(private readonly options: ProjectsServiceOptions) {
    this.folders = new ProjectFolders(options.dataDir);
    this.documentsDir = path.resolve(options.documentsDir ?? path.join(options.dataDir, "Documents"));
    this.fs = options.fs ?? realFs;
    this.timing = options.autosave ?? DEFAULT_AUTOSAVE_TIMING;
    this.historyLimits = options.history ?? DEFAULT_HISTORY_LIMITS;
  }

  // ---- lifecycle --------------------------------------------------------------------------------

  /** Autosaves what is unsaved to the journals and releases every lock (the app is quitting). */
  async shutdown(): Promise<void> {
    const errors: string[] = [];
    for (const project of [...this.projects.values()]) {
      try {
        await this.close(project.id);
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (errors.length > 0) throw new Error(errors.join("; "));
  }

  // ---- create, open, close ----------------------------------------------------------------------

  /** With a path where a file already is, `backup` says where that file was kept (see saveAs). */
  async create(options: CreateProjectOptions): Promise<SavedAs> {
    const id = randomUUID();
    let manuscript = createManuscript({ instruction: options.instruction.trim(), language: options.language ?? "auto", targetWords: options.targetWords });
    if (options.voice?.trim()) {
      const voiced = applyEdit(manuscript, { type: "setVoice", sectionId: null, sample: options.voice });
      if (!voiced.ok) throw new ApiError("bad-params", voiced.error.message);
      manuscript = voiced.manuscript;
    }
    const project = this.register({
      id,
      path: null,
      createdAt: Date.now(),
      title: options.title?.trim() || titleFromInstruction(options.instruction),
      settings: options.settings ?? { sampling: {} },
      generation: { model: options.model ?? null, mode: options.mode ?? null },
      manuscript,
      savedAt: null,
      lock: null,
      readOnly: null,
      history: new HistoryStore(path.join(this.unsavedDir(id), "history"), this.historyLimits),
    });
    let backup: string | undefined;
    try {
      if (options.path) backup = (await this.saveAs(id, options.path, options.replace === undefined ? {} : { replace: options.replace })).backup;
      else await this.lockUnsaved(project);
    } catch (error) {
      await this.discard(project);
      throw error;
    }
    return { ...this.state(project), ...(backup ? { backup } : {}) };
  }

  /**
   * Opens a project file. A project open in this service already is returned as it is. When another
   * window or process holds the lock the project opens read-only (`force` takes the lock over). A
   * recovery journal newer than the file is recovered: the project opens with it, modified.
   */
  async open(file: string, options: { force?: boolean } = {}): Promise<OpenProjectResult> {
    const projectPath = path.resolve(file);
    const already = [...this.projects.values()].find((p) => p.path === projectPath);
    if (already) return { project: this.state(already), recovery: { recovered: false }, lock: { held: already.readOnly === null, heldBy: null, tookOverStale: false } };

    const saved = await readProjectFile(projectPath);
    const lock = new ProjectLock(projectPath);
    let lockResult;
    let readOnly: ReadOnly | null = null;
    try {
      lockResult = await lock.acquire(options);
      if (!lockResult.acquired) readOnly = { reason: "locked", holder: lockResult.holder };
    } catch (error) {
      // A folder we may read but not write (a read-only disk, no permission): the project opens read-only.
      const errno = errnoOf(error) ?? "";
      if (!["EACCES", "EPERM", "EROFS"].includes(errno)) throw fsFailure(error, "lock", projectPath);
      lockResult = { acquired: false as const, holder: null };
      readOnly = { reason: "no-write-access", errno };
    }
    const lockStatus: LockStatus = {
      held: lockResult.acquired,
      heldBy: !lockResult.acquired && lockResult.holder ? describeHolder(lockResult.holder) : null,
      tookOverStale: lockResult.acquired && lockResult.tookOverFrom !== undefined,
    };

    let recovery: RecoveryInfo = { recovered: false };
    let source: ProjectFile = saved;
    if (!readOnly) {
      // Half-written temporary files of a process that died while saving: nothing in them is needed.
      await removeAbandonedTemps(path.dirname(projectPath), path.basename(projectPath), processAlive);
      const journal = await this.readJournal(journalPathFor(projectPath));
      if (journal.kind === "ok" && journal.file.savedAt > saved.savedAt) {
        source = journal.file;
        recovery = { recovered: true, from: "autosave", savedAt: journal.file.savedAt, fileSavedAt: saved.savedAt, words: writtenWords(journal.file.manuscript) };
      } else if (journal.kind === "ok") {
        await fs.unlink(journalPathFor(projectPath)).catch(() => {});
      } else if (journal.kind === "damaged") {
        recovery = { recovered: false, damagedAutosave: journal.movedTo };
      }
    }

    // A copy of a project that is open too keeps its content but gets an id of its own.
    const id = this.projects.has(saved.id) ? randomUUID() : saved.id;
    const project = this.register({
      id,
      path: projectPath,
      createdAt: saved.createdAt,
      title: source.title,
      settings: source.settings,
      generation: source.generation,
      manuscript: source.manuscript,
      savedAt: saved.savedAt,
      lock: readOnly ? null : lock,
      readOnly,
      history: new HistoryStore(historyDirFor(projectPath), this.historyLimits),
    });
    if (recovery.recovered) {
      // What the journal holds is newer than the file: modified, and already autosaved.
      project.currentVersion = 1;
      project.autosavedVersion = 1;
      project.autosavedAt = recovery.savedAt;
    }
    await this.touchRecent(project);
    return { project: this.state(project), recovery, lock: lockStatus };
  }

  /**
   * Closes a project. Unsaved changes stay in the recovery journal (so nothing is lost and the next
   * open offers them) unless `discard` says the writer chose not to keep them.
   */
  async close(projectId: string, options: { discard?: boolean } = {}): Promise<void> {
    const project = this.get(projectId);
    try {
      if (project.readOnly?.reason === "taken-over" && !options.discard) await this.keepTakenOver(project);
      if (!project.readOnly) {
        if (options.discard) {
          project.autosave.cancel(true);
          await this.enqueue(project, () => this.removeJournal(project));
          if (!project.path) await fs.rm(this.unsavedDir(project.id), { recursive: true, force: true });
        } else {
          await project.autosave.flush();
          await project.queue;
        }
      }
    } finally {
      project.autosave.cancel(true);
      this.projects.delete(projectId);
      await project.lock?.release().catch(() => {});
    }
  }

  /**
   * Unsaved work to take back, newest first: untitled projects whose autosave survived (a crash, or a
   * close that kept it) and recent project files whose autosave holds changes, none open now; with
   * `includeOpen`, also the projects open here with unsaved changes (web mode: a reloaded page shows
   * none of them).
   */
  async listRecoverable(options: { includeOpen?: boolean } = {}): Promise<RecoverableProject[]> {
    const root = path.join(this.options.dataDir, "unsaved");
    const names = await fs.readdir(root).catch(() => [] as string[]);
    const found: RecoverableProject[] = [];
    for (const name of names) {
      if (this.projects.has(name)) continue;
      const journal = await this.readJournal(path.join(root, name, "autosave.draftline"), false);
      if (journal.kind !== "ok") continue;
      const holder = await new ProjectLock(path.join(root, name, "autosave.draftline")).holderOrNull();
      if (holder && !isStaleHolder(holder)) continue;
      found.push({ projectId: name, title: journal.file.title, savedAt: journal.file.savedAt, words: writtenWords(journal.file.manuscript), path: null, open: false });
    }
    const openPaths = new Set([...this.projects.values()].map((p) => p.path));
    for (const recent of await this.options.recent.list()) {
      if (openPaths.has(recent.path)) continue;
      // Opening the file takes its autosave back (and says so); a save removes the autosave.
      const journal = await this.readJournal(journalPathFor(recent.path), false);
      if (journal.kind !== "ok") continue;
      const holder = await new ProjectLock(recent.path).holderOrNull();
      if (holder && !isStaleHolder(holder)) continue;
      found.push({ projectId: journal.file.id, title: journal.file.title, savedAt: journal.file.savedAt, words: writtenWords(journal.file.manuscript), path: recent.path, open: false });
    }
    if (options.includeOpen) {
      for (const p of this.projects.values()) {
        // Only what has unsaved changes: a saved project opens again from the recent list.
        if (p.readOnly || p.currentVersion === p.lastSavedVersion) continue;
        found.push({ projectId: p.id, title: p.title, savedAt: p.autosavedAt ?? p.savedAt ?? p.createdAt, words: writtenWords(p.manuscript), path: p.path, open: true });
      }
    }
    return found.sort((a, b) => b.savedAt - a.savedAt);
  }

  /** Opens an untitled project from its autosave (see listRecoverable). */
  async openRecovered(projectId: string): Promise<OpenProjectResult> {
    if (!/^[\w-]+$/.test(projectId)) throw new ProjectError("not-found", "No such recoverable project.");
    const already = this.projects.get(projectId);
    if (already) return { project: this.state(already), recovery: { recovered: false }, lock: { held: true, heldBy: null, tookOverStale: false } };
    const journalPath = path.join(this.unsavedDir(projectId), "autosave.draftline");
    const journal = await this.readJournal(journalPath, false);
    if (journal.kind !== "ok") throw new ProjectError("not-found", "That unsaved project can no longer be recovered: its autosave is gone or damaged.");
    const file = journal.file;
    const project = this.register({
      id: projectId,
      path: null,
      createdAt: file.createdAt,
      title: file.title,
      settings: file.settings,
      generation: file.generation,
      manuscript: file.manuscript,
      savedAt: null,
      lock: null,
      readOnly: null,
      history: new HistoryStore(path.join(this.unsavedDir(projectId), "history"), this.historyLimits),
    });
    await this.lockUnsaved(project).catch((error: unknown) => {
      this.projects.delete(projectId);
      throw error;
    });
    project.currentVersion = 1;
    project.autosavedVersion = 1;
    project.autosavedAt = file.savedAt;
    return {
      project: this.state(project),
      recovery: { recovered: true, from: "autosave", savedAt: file.savedAt, fileSavedAt: null, words: writtenWords(file.manuscript) },
      lock: { held: true, heldBy: null, tookOverStale: false },
    };
  }

  // ---- reading and changing ---------------------------------------------------------------------

  /** The state of an open project. */
  getState(projectId: string): ProjectState {
    return this.state(this.get(projectId));
  }

  /** The mode the project is written in: the writer's choice when it was made, then its last run's (null: the model's profile). */
  generationMode(projectId: string): ProtocolProfile | null {
    return this.get(projectId).generation.mode;
  }

  getManuscript(projectId: string): Manuscript {
    return this.get(projectId).manuscript;
  }

  openProjects(): ProjectState[] {
    return [...this.projects.values()].map((p) => this.state(p));
  }

  /**
   * Changes the manuscript: `change` gets the current one and returns the next (the same object for
   * no change). The generation service calls this for every batch of changes with source "model"
   * and `announce: false` (its own event carries the change); the UI's edits come with "writer".
   * Autosave follows on its own.
   */
  update(projectId: string, change: (m: Manuscript) => Manuscript, options: { source: ChangeSource; announce?: boolean }): ProjectState {
    const project = this.writable(projectId);
    const previous = project.manuscript;
    const next = change(previous);
    if (next === previous) return this.state(project);
    project.manuscript = next;
    this.changed(project, options.source, options.announce ?? true);
    // The model closed a step (or the document): the journal takes it in now, not when the timer
    // fires, so a crash loses at most the step being written.
    if (options.source === "model" && closedStep(previous, next)) project.autosave.saveNow();
    return this.state(project);
  }

  /**
   * While the model writes a document, its edits go to `owner` (the generation service, which keeps
   * the project current); the function returned gives them back.
   */
  claimEdits(projectId: string, owner: EditOwner): () => void {
    this.editOwners.set(projectId, owner);
    return () => {
      if (this.editOwners.get(projectId) === owner) this.editOwners.delete(projectId);
    };
  }

  /** Applies one of the writer's edits (manuscript module's applyEdit), or hands it to the generation writing the document; a refused edit changes nothing. */
  applyEdit(projectId: string, edit: ManuscriptEdit): TakenEdit {
    const project = this.writable(projectId);
    const owner = this.editOwners.get(projectId);
    if (owner) return owner(edit);
    const result = applyEdit(project.manuscript, edit);
    if (result.ok && result.manuscript !== project.manuscript) {
      project.manuscript = result.manuscript;
      this.changed(project, "writer");
    }
    return result;
  }

  /** Changes the project's own fields: title, settings, model and mode. */
  updateProject(projectId: string, fields: { title?: string; settings?: ProjectSettings; generation?: Partial<GenerationInfo> }): ProjectState {
    const project = this.writable(projectId);
    if (fields.title !== undefined) project.title = fields.title.trim() || project.title;
    if (fields.settings !== undefined) project.settings = fields.settings;
    if (fields.generation !== undefined) project.generation = { ...project.generation, ...fields.generation };
    this.changed(project, "writer");
    return this.state(project);
  }

  // ---- saving -----------------------------------------------------------------------------------

  /** Saves the project file (atomically, keeping the previous version as .bak). */
  async save(projectId: string): Promise<ProjectState> {
    const project = this.writable(projectId);
    if (!project.path) throw new ProjectError("unsaved", "This project has no file yet: choose where to save it (Save As).");
    const target = project.path;
    await this.enqueue(project, () => this.writeProject(project, target));
    return this.state(project);
  }

  /**
   * Where Save As (`.draftline`) or an export (`extension`) of the project would go: its full path, in
   * the folder the project was last saved or exported to, else its file's folder, else the documents
   * folder; the file named after the title.
   */
  async suggestPath(projectId: string, extension: string): Promise<SuggestedPath> {
    const project = this.get(projectId);
    const folder = (await this.folders.get(project.id)) ?? (project.path ? path.dirname(project.path) : this.documentsDir);
    const ext = extension.replace(/^\.+/, "").replace(/[^A-Za-z0-9]/g, "").slice(0, 10) || "draftline";
    const own = project.path && ext === PROJECT_EXTENSION.slice(1) ? path.basename(project.path, PROJECT_EXTENSION) : null;
    return { folder, path: path.join(folder, `${own ?? safeFileName(project.title)}.${ext}`) };
  }

  /** The documents folder is made when a file is first written there; any other folder must exist. */
  async prepareFolder(file: string): Promise<void> {
    const folder = path.dirname(path.resolve(file));
    if (folder !== this.documentsDir) return;
    try {
      await fs.mkdir(folder, { recursive: true });
    } catch (error) {
      throw fsFailure(error, "save", folder, true);
    }
  }

  /** A file of the project was written at `file` (a save, an export): its folder is suggested next time. */
  async rememberFolder(projectId: string, file: string): Promise<void> {
    const project = this.projects.get(projectId);
    if (project) await this.folders.remember(project.id, path.dirname(path.resolve(file))).catch(() => {});
  }

  /**
   * Saves the project under a new path and goes on with it there: the lock moves to the new file, the
   * history is copied beside it, the old file stays as it was. A file already at the new path (another
   * project) is refused with `replace: false`; otherwise it is kept first as
   * `<name>.replaced-<time>.draftline` beside it, with its history and autosave (the answer's `backup`).
   */
  async saveAs(projectId: string, file: string, options: { replace?: boolean } = {}): Promise<SavedAs> {
    // A read-only project may be saved elsewhere: that is how the writer keeps a version whose file
    // another window took over, or one opened from a disk this window may not write.
    const project = this.get(projectId);
    let target = path.resolve(file);
    if (!target.endsWith(PROJECT_EXTENSION)) target += PROJECT_EXTENSION;
    if (target === project.path) return this.save(projectId);
    const other = [...this.projects.values()].find((p) => p.path === target);
    if (other) throw new ProjectError("locked", `${path.basename(target)} is open in another window: close it there first.`);
    const there = await fs.lstat(target).then(() => true, () => false);
    if (options.replace === false && there) {
      throw new ProjectError("exists", `${target} already exists (nothing was replaced).`, { path: target });
    }
    await this.prepareFolder(target);

    const lock = new ProjectLock(target);
    let result;
    try {
      result = await lock.acquire();
    } catch (error) {
      throw fsFailure(error, "save", target, true);
    }
    if (!result.acquired) {
      const by = result.holder ? ` by ${describeHolderText(result.holder)}` : "";
      throw new ProjectError("locked", `${path.basename(target)} is being edited elsewhere${by}: choose another name.`);
    }
    let backup: string | undefined;
    await this.enqueue(project, async () => {
      try {
        // The file being replaced is kept (copied: should the save fail, it is still where it was).
        if (there) backup = await this.keepReplaced(target);
        await this.writeProject(project, target, lock);
      } catch (error) {
        await lock.release().catch(() => {});
        throw error;
      }
      // Its history and autosave go with the copy, so opening the copy brings all of it back.
      if (backup) {
        await fs.rename(historyDirFor(target), historyDirFor(backup)).catch(() => {});
        await fs.rename(journalPathFor(target), journalPathFor(backup)).catch(() => {});
      }
      const previousPath = project.path;
      const previousLock = project.lock;
      // The files beside the old path belong to whoever holds it now when this window lost it.
      const ownedBefore = project.readOnly === null;
      if (ownedBefore) await this.removeJournal(project);
      project.path = target;
      project.lock = lock;
      project.readOnly = null;
      if (previousPath || !ownedBefore) await project.history.copyTo(historyDirFor(target)).catch(() => {});
      else await project.history.moveTo(historyDirFor(target)).catch(() => {});
      project.history = new HistoryStore(historyDirFor(target), this.historyLimits);
      await previousLock?.release().catch(() => {});
      if (!previousPath && ownedBefore) await fs.rm(this.unsavedDir(project.id), { recursive: true, force: true }).catch(() => {});
    });
    await this.touchRecent(project);
    await this.rememberFolder(project.id, target);
    return { ...this.state(project), ...(backup ? { backup } : {}) };
  }

  /** Copies a file a Save As replaces to `<name>.replaced-<time>.draftline` beside it; answers its path. */
  private async keepReplaced(target: string): Promise<string> {
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const backup = path.join(path.dirname(target), `${path.basename(target, PROJECT_EXTENSION)}.replaced-${stamp}${PROJECT_EXTENSION}`);
    try {
      await fs.copyFile(target, backup, fsConstants.COPYFILE_EXCL);
    } catch (error) {
      throw fsFailure(error, "save", target, true);
    }
    return backup;
  }

  /** Where the project's recovery journal is (beside its file, or in the app's data for an untitled one). */
  recoveryJournalPath(projectId: string): string {
    return this.journalPath(this.get(projectId));
  }

  /** Writes the recovery journal now if there are changes it does not hold (and waits for it). */
  async autosaveNow(projectId: string): Promise<void> {
    await this.get(projectId).autosave.flush();
  }

  // ---- history ----------------------------------------------------------------------------------

  /** Keeps a snapshot of the manuscript now (before a regeneration, before a plan edit, on demand). */
  async snapshot(projectId: string, label: string, reason: SnapshotReason = "manual"): Promise<HistoryEntry> {
    const project = this.writable(projectId);
    return project.history.add({ title: project.title, generation: project.generation, manuscript: project.manuscript }, { label: label.trim() || "Snapshot", reason, words: writtenWords(project.manuscript) });
  }

  async history(projectId: string): Promise<HistoryEntry[]> {
    return this.get(projectId).history.list();
  }

  /** One snapshot: its entry, and the title and manuscript it holds (checked as a project file's are). */
  async readSnapshot(projectId: string, snapshotId: string): Promise<{ entry: HistoryEntry; title: string; manuscript: Manuscript }> {
    const project = this.get(projectId);
    const entry = (await project.history.list()).find((e) => e.id === snapshotId);
    if (!entry) throw new ProjectError("not-found", "That version is no longer in the project's history.");
    const payload = (await project.history.read(snapshotId)) as { title?: unknown; manuscript: unknown };
    const parsed = decodeProjectFile(encodeProjectFile({ ...this.toFile(project, Date.now()), manuscript: payload.manuscript as Manuscript }), `version "${entry.label}"`);
    return { entry, title: typeof payload.title === "string" && payload.title.trim() ? payload.title : project.title, manuscript: parsed.manuscript };
  }

  /**
   * Brings back a snapshot; the manuscript as it was just before is kept as a snapshot first (so the
   * restore can be undone from the history). Not while the model writes the document.
   */
  async restore(projectId: string, snapshotId: string): Promise<ProjectState> {
    const project = this.writable(projectId);
    if (this.editOwners.has(projectId)) throw new ProjectError("busy", "The model is writing this document: stop it before bringing back a version.");
    const { entry, title, manuscript } = await this.readSnapshot(projectId, snapshotId);
    await this.snapshot(projectId, `Before restoring "${entry.label}"`, "before-restore");
    project.manuscript = stopStepInProgress(manuscript);
    project.title = title;
    this.changed(project, "writer");
    return this.state(project);
  }

  // ---- export and import ------------------------------------------------------------------------

  async export(projectId: string, options: { format?: string; path: string; withPlan?: boolean; planPlacement?: "appendix" | "comments"; author?: string }): Promise<ExportResult> {
    const project = this.get(projectId);
    // Loaded on first use: the DOCX library is large, and most sessions never export.
    const { exportManuscript } = await import("../export/exportManuscript");
    const done = await exportManuscript(project.manuscript, { ...options, title: project.title, model: project.generation.model, mode: project.generation.mode }, this.fs);
    await this.rememberFolder(project.id, done.path);
    return done;
  }

  /**
   * Imports a draft (Word, Markdown or text) as a new project (untitled, or saved at `out`), with a
   * first snapshot of the draft as imported; with it, what the import could not bring over as it was.
   */
  async import(file: string, options: { out?: string } = {}): Promise<ProjectState & { notices: ImportNotice[] }> {
    const { importDraftFile } = await import("../export/import");
    const draft = await importDraftFile(path.resolve(file));
    const project = await this.create({ instruction: draft.manuscript.instruction, targetWords: draft.manuscript.targetWords, title: draft.title, mode: draft.generation.mode, model: draft.generation.model });
    const opened = this.get(project.projectId);
    opened.manuscript = draft.manuscript;
    this.changed(opened, "writer");
    await this.snapshot(opened.id, `Imported from ${path.basename(file)}`, "import").catch(() => {});
    if (options.out) {
      try {
        await this.saveAs(opened.id, options.out);
      } catch (error) {
        await this.close(opened.id, { discard: true });
        throw error;
      }
    }
    return { ...this.state(opened), notices: draft.notices };
  }

  // ---- internals --------------------------------------------------------------------------------

  private register(init: Omit<OpenProject, "currentVersion" | "lastSavedVersion" | "autosavedVersion" | "autosavedAt" | "autosave" | "queue">): OpenProject {
    const project: OpenProject = {
      ...init,
      // A step still in progress in a file (an autosave written while the model wrote, before a crash)
      // was cut off: it keeps its words as a stopped step, which the next run continues.
      manuscript: stopStepInProgress(init.manuscript),
      currentVersion: 0,
      lastSavedVersion: 0,
      autosavedVersion: 0,
      autosavedAt: null,
      queue: Promise.resolve(),
      autosave: undefined as unknown as AutosaveScheduler,
    };
    project.autosave = new AutosaveScheduler(
      () => this.enqueue(project, () => this.writeJournal(project)),
      this.timing,
      (error) => this.reportFailure(project, "autosave", error),
    );
    this.projects.set(project.id, project);
    return project;
  }

  private get(projectId: string): OpenProject {
    const project = this.projects.get(projectId);
    if (!project) throw new ProjectError("not-open", "That project is not open (it may have been closed in another window).");
    return project;
  }

  private writable(projectId: string): OpenProject {
    const project = this.get(projectId);
    if (project.readOnly) throw readOnlyError(project.title, project.path, project.readOnly);
    return project;
  }

  private changed(project: OpenProject, source: ChangeSource, announce = true): void {
    project.currentVersion++;
    project.autosave.changed();
    if (!announce) return;
    this.options.emit?.({
      name: "project.changed",
      payload: { projectId: project.id, currentVersion: project.currentVersion, modified: project.currentVersion !== project.lastSavedVersion, source, words: writtenWords(project.manuscript) },
    });
  }

  private state(project: OpenProject): ProjectState {
    return {
      projectId: project.id,
      path: project.path,
      title: project.title,
      manuscript: project.manuscript,
      settings: project.settings,
      generation: project.generation,
      currentVersion: project.currentVersion,
      lastSavedVersion: project.lastSavedVersion,
      modified: project.currentVersion !== project.lastSavedVersion,
      readOnly: project.readOnly !== null,
      words: writtenWords(project.manuscript),
      savedAt: project.savedAt,
      autosavedAt: project.autosavedAt,
    };
  }

  private toFile(project: OpenProject, savedAt: number): ProjectFile {
    return {
      format: PROJECT_FORMAT,
      schemaVersion: PROJECT_SCHEMA_VERSION,
      id: project.id,
      createdAt: project.createdAt,
      savedAt,
      app: { name: "Draftline", version: this.options.appVersion },
      title: project.title,
      settings: project.settings,
      generation: project.generation,
      manuscript: project.manuscript,
    };
  }

  private enqueue<T>(project: OpenProject, work: () => Promise<T>): Promise<T> {
    const run = project.queue.then(work, work);
    project.queue = run.catch(() => {});
    return run;
  }

  /** Writes the project file; the version written is the one current when the write starts. */
  private async writeProject(project: OpenProject, target: string, lock: ProjectLock | null = project.lock): Promise<void> {
    await this.ensureLock(project, lock, target);
    const version = project.currentVersion;
    // Strictly increasing, so a journal written later always compares newer.
    const savedAt = Math.max(Date.now(), (project.autosavedAt ?? 0) + 1, (project.savedAt ?? 0) + 1);
    try {
      await writeProjectFile(target, this.toFile(project, savedAt), this.fs);
    } catch (error) {
      this.reportFailure(project, "save", error);
      throw error;
    }
    project.lastSavedVersion = version;
    project.savedAt = savedAt;
    if (project.currentVersion === version) {
      project.autosave.cancel();
      if (target === project.path) await this.removeJournal(project);
    }
    if (target === project.path) await this.touchRecent(project);
    this.options.emit?.({ name: "project.saved", payload: { projectId: project.id, kind: "save", path: target, savedAt, version, modified: project.currentVersion !== version } });
  }

  private async writeJournal(project: OpenProject): Promise<void> {
    const version = project.currentVersion;
    if (version === project.autosavedVersion || version === project.lastSavedVersion) return;
    const journal = this.journalPath(project);
    await this.ensureLock(project, project.lock, project.path);
    const savedAt = Math.max(Date.now(), (project.savedAt ?? 0) + 1, (project.autosavedAt ?? 0) + 1);
    const file: ProjectFile = { ...this.toFile(project, savedAt), autosave: { projectPath: project.path, baseSavedAt: project.savedAt } };
    try {
      await fs.mkdir(path.dirname(journal), { recursive: true });
      await writeFileAtomic(journal, encodeProjectFile(file), { fs: this.fs });
    } catch (error) {
      throw fsFailure(error, "autosave", journal, true);
    }
    project.autosavedVersion = version;
    project.autosavedAt = savedAt;
    this.options.emit?.({ name: "project.saved", payload: { projectId: project.id, kind: "autosave", path: journal, savedAt, version, modified: project.currentVersion !== project.lastSavedVersion } });
  }

  /** Before writing: the lock must still be ours (nobody forced it away); a vanished lock is taken again. */
  private async ensureLock(project: OpenProject, lock: ProjectLock | null, target: string | null): Promise<void> {
    if (!lock || (await lock.stillHeld())) return;
    const again = await lock.acquire();
    if (!again.acquired) {
      const takenOver: ReadOnly = { reason: "taken-over", holder: again.holder };
      if (lock === project.lock) project.readOnly = takenOver;
      throw readOnlyError(project.title, target, takenOver);
    }
  }

  /**
   * A project whose file another window took over, closed with changes this window could not save:
   * they are kept as an unsaved project (listRecoverable offers it), never dropped.
   */
  private async keepTakenOver(project: OpenProject): Promise<void> {
    if (project.currentVersion === project.lastSavedVersion) return;
    const id = randomUUID();
    const journal = path.join(this.unsavedDir(id), "autosave.draftline");
    const file: ProjectFile = { ...this.toFile(project, Date.now()), id, autosave: { projectPath: null, baseSavedAt: null } };
    try {
      await fs.mkdir(path.dirname(journal), { recursive: true });
      await writeFileAtomic(journal, encodeProjectFile(file), { fs: this.fs });
    } catch (error) {
      throw fsFailure(error, "keep the changes of", project.path ?? project.title, false);
    }
  }

  private journalPath(project: OpenProject): string {
    return project.path ? journalPathFor(project.path) : path.join(this.unsavedDir(project.id), "autosave.draftline");
  }

  private unsavedDir(id: string): string {
    return path.join(this.options.dataDir, "unsaved", id);
  }

  /** An untitled project holds a lock on its autosave, so another instance does not recover it meanwhile. */
  private async lockUnsaved(project: OpenProject): Promise<void> {
    const journal = this.journalPath(project);
    await fs.mkdir(path.dirname(journal), { recursive: true });
    const lock = new ProjectLock(journal);
    const result = await lock.acquire();
    if (!result.acquired) throw new ProjectError("locked", "That unsaved project is open in another window.");
    project.lock = lock;
    await removeAbandonedTemps(path.dirname(journal), path.basename(journal), processAlive);
  }

  private async removeJournal(project: OpenProject): Promise<void> {
    await fs.unlink(this.journalPath(project)).catch((error: unknown) => {
      if (errnoOf(error) !== "ENOENT") throw error;
    });
    project.autosavedVersion = 0;
  }

  private async discard(project: OpenProject): Promise<void> {
    project.autosave.cancel(true);
    this.projects.delete(project.id);
    await project.lock?.release().catch(() => {});
    if (!project.path) await fs.rm(this.unsavedDir(project.id), { recursive: true, force: true }).catch(() => {});
  }

  /** Reads a recovery journal; a damaged one is moved aside (never deleted: it may be all there is). */
  private async readJournal(journal: string, moveDamaged = true): Promise<{ kind: "none" } | { kind: "ok"; file: ProjectFile } | { kind: "damaged"; movedTo: string }> {
    let text: string;
    try {
      text = await readProjectText(journal);
    } catch {
      return { kind: "none" };
    }
    try {
      return { kind: "ok", file: decodeProjectFile(text, path.basename(journal)) };
    } catch {
      if (!moveDamaged) return { kind: "none" };
      const aside = `${journal}.damaged-${Date.now()}`;
      await fs.rename(journal, aside).catch(() => {});
      return { kind: "damaged", movedTo: aside };
    }
  }

  private async touchRecent(project: OpenProject): Promise<void> {
    if (!project.path) return;
    await this.options.recent
      .touch({ path: project.path, title: project.title, words: writtenWords(project.manuscript), target: project.manuscript.targetWords ?? 0, modifiedAt: project.savedAt ?? Date.now() })
      .catch(() => {});
  }

  private reportFailure(project: OpenProject, kind: "save" | "autosave", error: unknown): void {
    const failure = fsFailure(error, kind, project.path ?? project.title, true);
    this.options.emit?.({ name: "project.saveFailed", payload: { projectId: project.id, kind, code: failure.code, message: failure.message } });
  }
}

/** Why a read-only project cannot be changed or saved here, and what keeps the writer's version. */
function readOnlyError(title: string, file: string | null, readOnly: ReadOnly): ProjectError {
  const name = file ? path.basename(file) : title;
  switch (readOnly.reason) {
    case "locked":
      return new ProjectError("read-only", `${name} is open read-only: another window or process is editing it${readOnly.holder ? ` (${describeHolderText(readOnly.holder)})` : ""}.`);
    case "taken-over":
      return new ProjectError("locked", `${name} was taken over${readOnly.holder ? ` by ${describeHolderText(readOnly.holder)}` : ""}; this window can no longer save it. Use Save As to keep your version.`);
    case "no-write-access": {
      const why = readOnly.errno === "EROFS" ? "the disk it is on is read-only" : `this window may not write in its folder (${file ? path.dirname(file) : "permission denied"})`;
      return new ProjectError("permission-denied", `${name} is open read-only: ${why}. Use Save As to save it somewhere else.`);
    }
    default:
      return readOnly satisfies never;
  }
}

/** A title as a file name: no separators or characters a file system refuses, at most 80 characters. */
function safeFileName(title: string): string {
  return title.replace(/[\\/:*?"<>|\p{Cc}]+/gu, " ").replace(/\s+/g, " ").replace(/^[.\s]+/, "").trim().slice(0, 80).trim() || "Untitled";
}

function describeHolder(holder: LockHolder): { pid: number; hostname: string; since: number } {
  return { pid: holder.pid, hostname: holder.hostname, since: holder.acquiredAt };
}

function describeHolderText(holder: LockHolder): string {
  return `process ${holder.pid} on ${holder.hostname}`;
}
