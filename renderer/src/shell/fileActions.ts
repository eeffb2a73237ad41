// Save, Save As, export and import: the native dialogs in the desktop app, a path panel in the
// browser (web mode has no file dialogs).
import type { ExportDialogFormat } from "../../../electron/common/api/ui";
import type { AppStore } from "../store/store";
import type { ExportChoices, PathPurpose } from "../store/uiSlice";

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
const isDesktop = (store: AppStore) => store.getState().appInfo?.shell === "electron";
const safeName = (title: string) => title.replace(/[\\/:*?"<>|\n\r]+/g, " ").trim().slice(0, 80) || "Untitled";

function fail(store: AppStore, action: "menu.save" | "menu.export" | "menu.import", message: string): void {
  store.getState().pushNotice({ kind: "error", key: "notice.requestFailed", action, values: { message } });
}

/** What carrying out a chosen path came to; `exists`: a file is in the way, and the "replace it?" panel asks the writer. */
export type PathOutcome = { ok: true } | { ok: false; message: string; exists?: true };

/**
 * Carries out a path the writer gave for a purpose (from a dialog or the path panel). An export that
 * finds a file Draftline did not write, or a Save As to a path typed in web mode where a file is, asks
 * the writer first (the "replace it?" panel), and replaces it only with `overwrite` (a Save As keeps
 * the file it replaces as a backup, and says where). A native save dialog has asked already.
 */
export async function applyChosenPath(
  store: AppStore,
  purpose: PathPurpose,
  path: string,
  options: { closeAfter?: boolean; overwrite?: boolean } & ExportChoices = {},
): Promise<PathOutcome> {
  const s = store.getState();
  switch (purpose) {
    case "saveAs": {
      const outcome = await s.saveDocument(path, isDesktop(store) ? {} : { replace: options.overwrite ?? false });
      if (!outcome.ok) {
        if (!outcome.exists) return outcome;
        store.getState().askToReplace({ purpose: "saveAs", path: outcome.path ?? path, ...(options.closeAfter ? { closeAfter: true } : {}) });
        return { ok: false, message: outcome.message, exists: true };
      }
      const saved = outcome.path ?? path;
      store.getState().pushNotice(outcome.backup ? { kind: "info", key: "notice.savedReplacing", values: { path: saved, backup: outcome.backup } } : { kind: "info", key: "notice.saved", values: { path: saved } });
      if (options.closeAfter) await s.api?.call("window.close", {}).catch(() => undefined);
      return { ok: true };
    }
    case "export": {
      const document = s.document;
      if (!document || !s.documents) return { ok: false, message: "No document is open." };
      try {
        const choices: ExportChoices = {
          ...(options.format ? { format: options.format } : {}),
          ...(options.withPlan ? { withPlan: true } : {}),
          ...(options.author?.trim() ? { author: options.author.trim() } : {}),
        };
        const done = await s.documents.exportTo(document.projectId, path, { ...choices, overwrite: options.overwrite ?? false });
        if (!done.ok) {
          store.getState().askToReplace({ path: done.path, ...choices });
          return { ok: false, message: done.message, exists: true };
        }
        store.getState().pushNotice({ kind: "info", key: "notice.exported", values: { path: done.path } });
        return { ok: true };
      } catch (error) {
        return { ok: false, message: describe(error) };
      }
    }
    case "importDraft": {
      if (!s.documents) return { ok: false, message: "Not connected." };
      try {
        const { notices, ...document } = await s.documents.importFrom(path);
        s.showDocument(document);
        // What a Word document held that a draft cannot (pictures, tables, comments): told, never lost in silence.
        for (const notice of notices) {
          store.getState().pushNotice({ kind: "info", key: `notice.import.${notice.kind}`, values: { count: notice.count, detail: notice.detail ?? "" } });
        }
        return { ok: true };
      } catch (error) {
        return { ok: false, message: describe(error) };
      }
    }
    default:
      return purpose satisfies never;
  }
}

/** The writer answered "Replace" to the question an export or a Save As asked: again, replacing the file. */
export async function replaceAskedFile(store: AppStore): Promise<PathOutcome> {
  const question = store.getState().replaceQuestion;
  if (!question) return { ok: false, message: "Nothing to replace." };
  const { path, purpose, closeAfter, ...choices } = question;
  const outcome = purpose === "saveAs" ? await applyChosenPath(store, "saveAs", path, { overwrite: true, ...(closeAfter ? { closeAfter } : {}) }) : await applyChosenPath(store, "export", path, { ...choices, overwrite: true });
  if (outcome.ok) store.setState({ replaceQuestion: null, panel: null });
  return outcome;
}

/** Save As: where to is asked for in the native dialog, or in the path panel. */
export async function saveAs(store: AppStore, options: { closeAfter?: boolean } = {}): Promise<void> {
  const s = store.getState();
  if (!s.document) return;
  if (!isDesktop(store)) return s.openPanel("saveAs");
  try {
    const picked = await s.api!.call("dialog.saveProjectAs", { suggestedName: `${safeName(s.document.title)}.draftline` });
    if (!picked.path) return;
    const outcome = await applyChosenPath(store, "saveAs", picked.path, options);
    if (!outcome.ok) fail(store, "menu.save", outcome.message);
  } catch (error) {
    fail(store, "menu.save", describe(error));
  }
}

/** Save: to the project's file, or Save As for a document never saved. */
export async function save(store: AppStore, options: { closeAfter?: boolean } = {}): Promise<void> {
  const s = store.getState();
  if (!s.document) return;
  if (s.document.path === null) return saveAs(store, options);
  const outcome = await s.saveDocument();
  if (!outcome.ok) return fail(store, "menu.save", outcome.message);
  if (options.closeAfter) await s.api?.call("window.close", {}).catch(() => undefined);
}

/** Each format's file extension, for the name an export dialog proposes. */
export const EXPORT_EXTENSIONS: Record<ExportDialogFormat, string> = { docx: "docx", markdown: "md", epub: "epub" };

export async function exportDocument(store: AppStore, format: ExportDialogFormat): Promise<void> {
  const s = store.getState();
  if (!s.document) return;
  if (!isDesktop(store)) return s.openPanel("export");
  try {
    const picked = await s.api!.call("dialog.exportPath", { format, suggestedName: `${safeName(s.document.title)}.${EXPORT_EXTENSIONS[format]}` });
    if (!picked.path) return;
    const outcome = await applyChosenPath(store, "export", picked.path, { format });
    // A file in the way: the "replace it?" panel is up and asks the writer.
    if (!outcome.ok && !outcome.exists) fail(store, "menu.export", outcome.message);
  } catch (error) {
    fail(store, "menu.export", describe(error));
  }
}

export async function importDraft(store: AppStore): Promise<void> {
  const s = store.getState();
  if (!isDesktop(store)) return s.openPanel("importDraft");
  try {
    const picked = await s.api!.call("dialog.importDraft", {});
    if (!picked.path) return;
    const outcome = await applyChosenPath(store, "importDraft", picked.path);
    if (!outcome.ok) fail(store, "menu.import", outcome.message);
  } catch (error) {
    fail(store, "menu.import", describe(error));
  }
}
