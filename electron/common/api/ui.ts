import { z } from "zod";
import { request } from "./define";

/**
 * What the desktop shell asks the UI to do: a menu item or shortcut that acts on the document the
 * window shows. The renderer owns the document, so the main process only names the command.
 */
export const uiCommands = [
  "file.new",
  "file.save",
  "file.saveAs",
  /**
   * The close guard's "Save" answer: save (asking for a path if the document has none), report the
   * new state with `window.setDocumentState`, then call `window.close`. A cancelled save keeps the
   * window open.
   */
  "file.saveAndClose",
  "file.importDraft",
  "file.exportDocx",
  "file.exportMarkdown",
  "file.exportEpub",
  "view.toggleTimeline",
  "view.theme.system",
  "view.theme.light",
  "view.theme.dark",
  "generate.start",
  "generate.pause",
  "generate.resume",
  "generate.stop",
] as const;
export const uiCommand = z.enum(uiCommands);
export type UiCommand = z.infer<typeof uiCommand>;

export const uiEvents = {
  /** A menu item or shortcut the window should carry out. */
  "ui.command": z.object({ command: uiCommand }),
} as const;

/** The formats File > Export offers. */
export const exportDialogFormats = ["docx", "markdown", "epub"] as const;
export const exportDialogFormat = z.enum(exportDialogFormats);
export type ExportDialogFormat = z.infer<typeof exportDialogFormat>;

/** A file the writer picked in a native dialog; null when they cancelled. */
const pickedPath = z.object({ path: z.string().nullable() });
const suggestedName = z.string().min(1).max(255).optional();

export const windowDocumentState = z
  .object({
    /** Unsaved changes: closing the window asks first. */
    modified: z.boolean(),
    /** The model is writing (or paused mid-document): closing the window asks first. */
    generating: z.boolean(),
    /** The document's title, shown in the title bar. */
    title: z.string().max(500),
    /** The project file the window shows; null for a new document never saved. */
    path: z.string().min(1).max(4096).nullable().optional(),
  })
  .strict();
export type WindowDocumentState = z.infer<typeof windowDocumentState>;

/**
 * Native things only the desktop shell can do. Web mode does not register them (a call answers
 * `unknown-method`); there the UI asks for paths in text fields instead.
 */
export const uiRequests = {
  "dialog.openProject": request(
    "Asks for a project to open. `alreadyOpen`: another window shows it and was brought to the front.",
    z.object({}).strict(),
    z.object({ path: z.string().nullable(), alreadyOpen: z.boolean() }),
  ),
  "dialog.saveProjectAs": request("Asks where to save the project; the path ends in .draftline.", z.object({ suggestedName }).strict(), pickedPath),
  "dialog.exportPath": request("Asks where to export the document in the given format.", z.object({ format: exportDialogFormat, suggestedName }).strict(), pickedPath),
  "dialog.importDraft": request("Asks for a draft to import: a Word document (.docx), Markdown or text.", z.object({}).strict(), pickedPath),
  "dialog.openModelFile": request("Asks for a GGUF model file.", z.object({}).strict(), pickedPath),
  "window.setDocumentState": request(
    "Tells the window what it shows: the title bar, the edited dot, and whether closing must ask first.",
    windowDocumentState,
    z.object({}),
  ),
  "window.close": request(
    "Closes the calling window, e.g. once `file.saveAndClose` has saved; closing still asks if something would be lost.",
    z.object({}).strict(),
    z.object({}),
  ),
} as const;
