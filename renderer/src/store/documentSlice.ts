// The open document: its manuscript (kept in step with the back end by generation updates and the
// writer's edits), the recent projects, and the writer's edits still waiting to be taken in.
import type { GenerationUpdate, ProjectSummary } from "../../../electron/common/api";
import type { RecoverableProject } from "../../../electron/common/project/state";
import { applyEdit, type Manuscript, type ManuscriptEdit } from "../../../electron/common/manuscript";
import { stopStepInProgress } from "../../../electron/common/manuscript/stopped";
import type { NewDocumentInput, OpenedDocument } from "../api/documents";
import { applyGenerationUpdate, reconcileManuscript } from "./generationUpdates";
import { acknowledgeEdit, settleEdits, type EditTarget, type LocalEdit } from "./pendingEdits";
import type { StoreSlice } from "./store";

export interface OpenDocument {
  projectId: string;
  title: string;
  path: string | null;
  version: number;
  modified: boolean;
  readOnly: boolean;
}

/** How an edit ended, for the control that made it. */
export type EditOutcome = { ok: true } | { ok: false; message: string };
/** A save: where it went (and where the file a Save As replaced was kept), or why not (`exists`: a file is there, ask the writer). */
export type SaveDocumentOutcome = { ok: true; path: string | null; backup?: string } | { ok: false; message: string; exists?: true; path?: string };

export interface DocumentSlice {
  recent: ProjectSummary[];
  /** Unsaved work the window can take back (see refreshRecoverable). */
  recoverable: RecoverableProject[];
  document: OpenDocument | null;
  manuscript: Manuscript | null;
  localEdits: LocalEdit[];
  /** Set when an update showed that this copy missed one; the document is reloaded. */
  outOfSync: boolean;
  setRecent(recent: ProjectSummary[]): void;
  /**
   * Shows a document. The one shown before is closed in the back end: its unsaved changes stay in its
   * autosave, which recovery offers.
   */
  showDocument(opened: OpenedDocument): void;
  /** Asks the back end for unsaved work to take back (in web mode also the projects it has open). */
  refreshRecoverable(): Promise<void>;
  /** Takes unsaved work back and shows it (with its generation's state: the model may still write it). */
  recoverDocument(entry: RecoverableProject): Promise<EditOutcome>;
  /** Deletes unsaved work for good (the writer chose so). */
  discardRecoverable(entry: RecoverableProject): Promise<EditOutcome>;
  /** Gives the open document a title (exports and the window use it). */
  renameDocument(title: string): Promise<EditOutcome>;
  /** Brings back a version from the history; the draft before is kept as a snapshot first. */
  restoreSnapshot(snapshotId: string): Promise<EditOutcome>;
  closeDocument(): void;
  /** A `generation.update` (already coalesced): the manuscript and the generation state at once. */
  receiveGenerationUpdate(update: GenerationUpdate): void;
  /**
   * Applies one of the writer's edits here at once (so the timeline and the counts follow as they
   * type) and sends it to the back end; a refusal from either side comes back as a message.
   */
  editManuscript(edit: ManuscriptEdit, target: EditTarget): Promise<EditOutcome>;
  createDocument(input: NewDocumentInput): Promise<EditOutcome>;
  openDocument(path: string): Promise<EditOutcome>;
  /**
   * Saves the document; with a path, there (Save As). `replace: false` (web mode's typed path) answers
   * `exists` where a file is already, replacing nothing; a native dialog has asked, so it replaces.
   */
  saveDocument(path?: string, options?: { replace?: boolean }): Promise<SaveDocumentOutcome>;
  /** Reads the open document again from the back end (after a missed update). */
  reloadDocument(): Promise<void>;
  /** The back end's word on the document's versions: changed (by the model or the writer) or saved. */
  setDocumentStatus(projectId: string, status: { modified: boolean; path?: string | null }): void;
}

let nextLocalEdit = 1;

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const createDocumentSlice: StoreSlice<DocumentSlice> = (set, get) => ({
  recent: [],
  recoverable: [],
  document: null,
  manuscript: null,
  localEdits: [],
  outOfSync: false,
  setRecent: (recent) => set({ recent }),

  showDocument: (opened) => {
    const previous = get().document;
    set({
      document: { projectId: opened.projectId, title: opened.title, path: opened.path, version: opened.version, modified: opened.modified, readOnly: opened.readOnly },
      manuscript: opened.manuscript,
      localEdits: [],
      outOfSync: false,
      generation: null,
      // A rewrite belongs to the document it was asked on.
      rewrite: get().rewrite?.projectId === opened.projectId ? get().rewrite : null,
      recoverable: get().recoverable.filter((e) => e.projectId !== opened.projectId),
    });
    if (previous && previous.projectId !== opened.projectId) {
      const documents = get().documents;
      void documents
        ?.close(previous.projectId, false)
        .catch(() => undefined)
        .then(() => get().refreshRecoverable());
    }
  },

  refreshRecoverable: async () => {
    const { documents, appInfo } = get();
    if (!documents) return;
    try {
      const list = await documents.recoverable(appInfo?.shell === "web");
      set({ recoverable: list.filter((e) => e.projectId !== get().document?.projectId) });
    } catch {
      // An older back end, or none: nothing to offer.
    }
  },

  recoverDocument: async (entry) => {
    const { documents, api } = get();
    if (!documents) return { ok: false, message: "Not connected." };
    try {
      const opened = await documents.recover(entry);
      get().showDocument(opened);
      // A project open in the back end may still be written: the window shows where that stands.
      const state = await api?.call("generation.state", { projectId: opened.projectId }).catch(() => undefined);
      if (state) get().setGenerationState(state);
      return { ok: true };
    } catch (error) {
      return { ok: false, message: describe(error) };
    } finally {
      void get().refreshRecoverable();
    }
  },

  discardRecoverable: async (entry) => {
    const { documents, api } = get();
    if (!documents) return { ok: false, message: "Not connected." };
    try {
      if (entry.open) {
        await api?.call("generation.stop", { projectId: entry.projectId }).catch(() => undefined);
        await documents.close(entry.projectId, true);
      } else {
        // Opened (which takes its autosave back) and closed again without keeping it.
        const opened = await documents.recover(entry);
        await documents.close(opened.projectId, true);
      }
      return { ok: true };
    } catch (error) {
      return { ok: false, message: describe(error) };
    } finally {
      await get().refreshRecoverable();
    }
  },

  closeDocument: () => set({ document: null, manuscript: null, localEdits: [], generation: null, outOfSync: false, rewrite: null }),


  receiveGenerationUpdate: (update) => {
    const { document, manuscript, localEdits } = get();
    if (!document || !manuscript || document.projectId !== update.projectId) return;
    const applied = applyGenerationUpdate(manuscript, update);
    const modified = update.modified ?? document.modified;
    set({
      manuscript: applied.manuscript,
      document: document.version === update.version && document.modified === modified ? document : { ...document, version: update.version, modified },
      generation: update.state,
      localEdits: settleEdits(localEdits, update.state),
      outOfSync: get().outOfSync || applied.outOfSync,
    });
  },

  editManuscript: async (edit, target) => {
    const { document, manuscript, documents } = get();
    if (!document || !manuscript) return { ok: false, message: "No document is open." };
    // Typed into the step the model writes, paused: the back end cuts the step there and takes the
    // writer's text (the run continues it after that text); the copy here does the same.
    const live = get().generation?.status === "paused" ? (get().generation?.progress.currentStep ?? null) : null;
    const base = edit.type === "editStep" && live !== null && manuscript.steps[live]?.id === edit.stepId ? stopStepInProgress(manuscript, { keepEmpty: true }) : manuscript;
    const local = applyEdit(base, edit);
    if (!local.ok) return { ok: false, message: local.error.message };
    const id = nextLocalEdit++;
    set({ manuscript: local.manuscript, localEdits: [...get().localEdits, { id, target, state: "sending", serverId: null }] });
    if (!documents) {
      set({ localEdits: get().localEdits.filter((e) => e.id !== id) });
      return { ok: true };
    }
    try {
      const answer = await documents.edit(document.projectId, edit);
      get().flushEvents();
      const now = get();
      if (now.document?.projectId !== document.projectId) return { ok: true };
      if (!answer.ok) {
        set({ localEdits: now.localEdits.filter((e) => e.id !== id), outOfSync: true });
        return { ok: false, message: answer.message };
      }
      const fresher = answer.manuscript && answer.version !== null && answer.version >= (now.document?.version ?? 0);
      set({
        localEdits: acknowledgeEdit(now.localEdits, id, answer.editId, now.generation?.status),
        ...(fresher && now.document && now.manuscript ? { manuscript: reconcileManuscript(now.manuscript, answer.manuscript!), document: { ...now.document, version: answer.version!, modified: true } } : {}),
      });
      return { ok: true };
    } catch (error) {
      set({ localEdits: get().localEdits.filter((e) => e.id !== id), outOfSync: true });
      return { ok: false, message: describe(error) };
    }
  },

  createDocument: async (input) => {
    const documents = get().documents;
    if (!documents) return { ok: false, message: "Not connected." };
    try {
      get().showDocument(await documents.create(input));
      return { ok: true };
    } catch (error) {
      return { ok: false, message: describe(error) };
    }
  },

  openDocument: async (path) => {
    const documents = get().documents;
    if (!documents) return { ok: false, message: "Not connected." };
    try {
      get().showDocument(await documents.open(path));
      return { ok: true };
    } catch (error) {
      return { ok: false, message: describe(error) };
    }
  },

  renameDocument: async (title) => {
    const { documents, document } = get();
    if (!documents || !document) return { ok: false, message: "No document is open." };
    const trimmed = title.trim();
    if (trimmed === "" || trimmed === document.title) return { ok: true };
    try {
      const state = await documents.rename(document.projectId, trimmed.slice(0, 500));
      const now = get().document;
      if (now?.projectId === state.projectId) set({ document: { ...now, title: state.title, modified: state.modified } });
      return { ok: true };
    } catch (error) {
      return { ok: false, message: describe(error) };
    }
  },

  restoreSnapshot: async (snapshotId) => {
    const { documents, document } = get();
    if (!documents || !document) return { ok: false, message: "No document is open." };
    try {
      const restored = await documents.restore(document.projectId, snapshotId);
      get().flushEvents();
      if (get().document?.projectId !== restored.projectId) return { ok: true };
      const generation = get().generation;
      get().showDocument(restored);
      if (generation) set({ generation });
      return { ok: true };
    } catch (error) {
      return { ok: false, message: describe(error) };
    }
  },

  reloadDocument: async () => {
    const { documents, document } = get();
    if (!documents || !document) return;
    try {
      const fresh = await documents.get(document.projectId);
      if (get().document?.projectId !== fresh.projectId) return;
      const current = get().manuscript;
      set({ manuscript: current ? reconcileManuscript(current, fresh.manuscript) : fresh.manuscript, document: { ...get().document!, version: fresh.version, modified: fresh.modified }, outOfSync: false });
    } catch (error) {
      get().pushNotice({ kind: "error", key: "notice.requestFailed", action: "menu.open", values: { message: describe(error) } });
    }
  },

  setDocumentStatus: (projectId, status) => {
    const document = get().document;
    if (!document || document.projectId !== projectId) return;
    if (document.modified === status.modified && (status.path === undefined || status.path === document.path)) return;
    set({ document: { ...document, modified: status.modified, ...(status.path !== undefined ? { path: status.path } : {}) } });
  },

  saveDocument: async (path, options = {}) => {
    const { documents, document } = get();
    if (!documents || !document) return { ok: false, message: "No document is open." };
    try {
      const saved = await documents.save(document.projectId, path, path !== undefined && options.replace !== undefined ? { replace: options.replace } : {});
      if (!saved.ok) return { ok: false, message: saved.message, exists: true, path: saved.path };
      const now = get().document;
      if (now?.projectId === document.projectId) set({ document: { ...now, path: saved.path, modified: saved.modified } });
      return { ok: true, path: saved.path, ...(saved.backup ? { backup: saved.backup } : {}) };
    } catch (error) {
      return { ok: false, message: describe(error) };
    }
  },
});
