// The native open and save dialogs behind the `dialog.*` requests. Web mode has none of these: its
// back end does not register them and the UI asks for paths in text fields instead.
import path from "node:path";
import type { FileFilter } from "electron";
import type { ExportDialogFormat } from "../common/api/ui";
import type { ApiHandlers, CallContext } from "../common/api/server";
import type { FilePurpose } from "./fileAccess";
import { PROJECT_EXTENSION } from "./instance";
import type { DesktopWindow, DialogAdapter } from "./shell";

export const FILTERS = {
  project: [{ name: "Draftline Projects", extensions: ["draftline"] }],
  draft: [{ name: "Drafts (Word, Markdown, text)", extensions: ["docx", "md", "markdown", "txt"] }],
  docx: [{ name: "Word Document", extensions: ["docx"] }],
  markdownExport: [{ name: "Markdown", extensions: ["md"] }],
  epub: [{ name: "EPUB e-book", extensions: ["epub"] }],
  model: [{ name: "GGUF Models", extensions: ["gguf"] }],
} satisfies Record<string, FileFilter[]>;

/** Each export format's extension, dialog title and filter. */
const EXPORT_DIALOG: Record<ExportDialogFormat, { extension: string; title: string; filters: FileFilter[] }> = {
  docx: { extension: ".docx", title: "Export as Word Document", filters: FILTERS.docx },
  markdown: { extension: ".md", title: "Export as Markdown", filters: FILTERS.markdownExport },
  epub: { extension: ".epub", title: "Export as EPUB", filters: FILTERS.epub },
};

/** A title made safe as a file name on every system: no separators or reserved characters. */
export function safeFileName(name: string | undefined, fallback = "Untitled"): string {
  const cleaned = (name ?? "")
    .replace(/[\\/:*?"<>|]/g, " ")
    .replace(/\p{Cc}/gu, "")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "")
    .replace(/[. ]+$/, "")
    .slice(0, 100)
    .trim();
  return cleaned || fallback;
}

/** Adds the extension when the writer typed a name without it (GTK's dialog does not add it). */
export function withExtension(file: string, extension: string): string {
  return file.toLowerCase().endsWith(extension.toLowerCase()) ? file : `${file}${extension}`;
}

export interface DialogDeps {
  dialogs: DialogAdapter;
  /** The window that asked, so the dialog opens as its sheet. */
  windowOf(context: CallContext): DesktopWindow | undefined;
  documentsDir(): string;
  /**
   * The writer chose a project to open. True when another window already shows it: that window
   * was brought to the front and the asking window should do nothing.
   */
  focusIfOpenElsewhere(file: string, context: CallContext): boolean;
  /**
   * The writer chose `file` for `purpose` in the asking window's dialog: that window may now use it
   * (fileAccess.ts). `overwriteConfirmed`: the dialog asked about replacing a file there.
   */
  grant(context: CallContext, purpose: FilePurpose, file: string, options?: { overwriteConfirmed: boolean }): void;
}

type DialogHandlers = Pick<ApiHandlers, "dialog.openProject" | "dialog.saveProjectAs" | "dialog.exportPath" | "dialog.importDraft" | "dialog.openModelFile">;

export function createDialogHandlers(deps: DialogDeps): DialogHandlers {
  const openOne = async (context: CallContext, title: string, filters: FileFilter[], purpose?: FilePurpose): Promise<string | null> => {
    const result = await deps.dialogs.showOpenDialog(deps.windowOf(context), { title, filters, properties: ["openFile"], defaultPath: deps.documentsDir() });
    const file = result.canceled ? null : (result.filePaths[0] ?? null);
    if (file !== null && purpose) deps.grant(context, purpose, file);
    return file;
  };
  const saveAs = async (context: CallContext, purpose: FilePurpose, title: string, name: string, extension: string, filters: FileFilter[]): Promise<string | null> => {
    const result = await deps.dialogs.showSaveDialog(deps.windowOf(context), {
      title,
      defaultPath: path.join(deps.documentsDir(), `${name}${extension}`),
      filters,
      properties: ["createDirectory", "showOverwriteConfirmation"],
    });
    if (result.canceled || !result.filePath) return null;
    const file = withExtension(result.filePath, extension);
    // The dialog asked about replacing the file it returned, not one whose extension was added here.
    deps.grant(context, purpose, file, { overwriteConfirmed: file === result.filePath });
    return file;
  };

  return {
    "dialog.openProject": async (_params, context) => {
      const file = await openOne(context, "Open Project", FILTERS.project, "open");
      if (file === null) return { path: null, alreadyOpen: false };
      return deps.focusIfOpenElsewhere(file, context) ? { path: file, alreadyOpen: true } : { path: file, alreadyOpen: false };
    },
    "dialog.saveProjectAs": async ({ suggestedName }, context) => ({
      path: await saveAs(context, "saveAs", "Save Project", safeFileName(suggestedName), PROJECT_EXTENSION, FILTERS.project),
    }),
    "dialog.exportPath": async ({ format, suggestedName }, context) => {
      const dialog = EXPORT_DIALOG[format];
      return { path: await saveAs(context, "export", dialog.title, safeFileName(suggestedName), dialog.extension, dialog.filters) };
    },
    "dialog.importDraft": async (_params, context) => ({ path: await openOne(context, "Import a Draft", FILTERS.draft, "import") }),
    "dialog.openModelFile": async (_params, context) => ({ path: await openOne(context, "Choose a Model File", FILTERS.model, "model") }),
  };
}
