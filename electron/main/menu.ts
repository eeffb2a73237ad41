// The application menu, built as a plain template from the app's state so it can be checked without
// Electron. Items that act on the document send a UI command to the focused window; the rest (open,
// recent projects, about, logs) the main process does itself.
import path from "node:path";
import type { MenuItemConstructorOptions } from "electron";
import type { UiCommand } from "../common/api/ui";
import type { MenuTemplate } from "./shell";

export interface RecentItem {
  path: string;
  title: string;
}

export interface MenuState {
  platform: NodeJS.Platform;
  appName: string;
  /** Developer tools and reload only when running from a checkout. */
  isPackaged: boolean;
  recent: readonly RecentItem[];
  /** Whether a document window has focus (document commands need one). */
  hasDocument: boolean;
  /** Whether the focused document's model is writing (or paused mid-document). */
  generating: boolean;
}

export interface MenuActions {
  /** A command for the focused window. */
  command(command: UiCommand): void;
  newDocument(): void;
  openProject(): void;
  openRecent(file: string): void;
  clearRecent(): void;
  showAbout(): void;
  openLogsFolder(): void;
}

export const MAX_RECENT_ITEMS = 10;

/** The accelerators of the document commands; the rest come with Electron's roles. */
export const ACCELERATORS = {
  new: "CmdOrCtrl+N",
  open: "CmdOrCtrl+O",
  save: "CmdOrCtrl+S",
  saveAs: "Shift+CmdOrCtrl+S",
  exportDocx: "CmdOrCtrl+E",
  exportMarkdown: "Shift+CmdOrCtrl+E",
  toggleTimeline: "Shift+CmdOrCtrl+T",
  generateStart: "CmdOrCtrl+Enter",
  generatePause: "Alt+CmdOrCtrl+P",
  generateResume: "Alt+CmdOrCtrl+R",
  generateStop: "CmdOrCtrl+.",
} as const;

/**
 * The recent-projects menu label: the title, and the file name when the title does not say it. A
 * single "&" marks a menu mnemonic, so the writer's own ampersands are doubled.
 */
export function recentLabel(item: RecentItem): string {
  const file = path.basename(item.path);
  const title = item.title.trim();
  const label = !title || file.toLowerCase().startsWith(title.toLowerCase()) ? title || file : `${title} — ${file}`;
  return label.replaceAll("&", "&&");
}

export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuTemplate {
  const mac = state.platform === "darwin";
  const doc = state.hasDocument;
  const send = (command: UiCommand) => () => actions.command(command);
  const separator: MenuItemConstructorOptions = { type: "separator" };

  const recentItems: MenuItemConstructorOptions[] =
    state.recent.length === 0
      ? [{ label: "No Recent Projects", enabled: false }]
      : [
          ...state.recent.slice(0, MAX_RECENT_ITEMS).map((item) => ({ label: recentLabel(item), click: () => actions.openRecent(item.path) })),
          separator,
          { label: "Clear Menu", click: () => actions.clearRecent() },
        ];

  const fileMenu: MenuItemConstructorOptions = {
    label: "&File",
    submenu: [
      { label: "&New", accelerator: ACCELERATORS.new, click: () => actions.newDocument() },
      { label: "&Open…", accelerator: ACCELERATORS.open, click: () => actions.openProject() },
      { label: "Open &Recent", submenu: recentItems },
      separator,
      { label: "&Save", accelerator: ACCELERATORS.save, enabled: doc, click: send("file.save") },
      { label: "Save &As…", accelerator: ACCELERATORS.saveAs, enabled: doc, click: send("file.saveAs") },
      separator,
      { label: "&Import Draft…", enabled: doc, click: send("file.importDraft") },
      {
        label: "&Export",
        enabled: doc,
        submenu: [
          { label: "Word Document (.docx)…", accelerator: ACCELERATORS.exportDocx, enabled: doc, click: send("file.exportDocx") },
          { label: "Markdown (.md)…", accelerator: ACCELERATORS.exportMarkdown, enabled: doc, click: send("file.exportMarkdown") },
          { label: "EPUB E-book (.epub)…", enabled: doc, click: send("file.exportEpub") },
        ],
      },
      separator,
      { role: "close", label: "&Close Window" },
      ...(mac ? [] : [separator, { role: "quit", label: "&Quit" } as MenuItemConstructorOptions]),
    ],
  };

  const editMenu: MenuItemConstructorOptions = {
    label: "&Edit",
    submenu: [
      { role: "undo" },
      { role: "redo" },
      separator,
      { role: "cut" },
      { role: "copy" },
      { role: "paste" },
      ...(mac ? [{ role: "pasteAndMatchStyle" } as MenuItemConstructorOptions] : []),
      { role: "delete" },
      separator,
      { role: "selectAll" },
    ],
  };

  const viewMenu: MenuItemConstructorOptions = {
    label: "&View",
    submenu: [
      { label: "Show or Hide &Timeline", accelerator: ACCELERATORS.toggleTimeline, enabled: doc, click: send("view.toggleTimeline") },
      {
        label: "T&heme",
        submenu: [
          { label: "Match System", click: send("view.theme.system") },
          { label: "Light", click: send("view.theme.light") },
          { label: "Dark", click: send("view.theme.dark") },
        ],
      },
      separator,
      { role: "resetZoom" },
      { role: "zoomIn" },
      { role: "zoomOut" },
      separator,
      { role: "togglefullscreen" },
      ...(state.isPackaged ? [] : [separator, { role: "reload" } as MenuItemConstructorOptions, { role: "toggleDevTools" } as MenuItemConstructorOptions]),
    ],
  };

  const generating = state.generating;
  const generateMenu: MenuItemConstructorOptions = {
    label: "&Generate",
    submenu: [
      { label: "&Start Writing", accelerator: ACCELERATORS.generateStart, enabled: doc && !generating, click: send("generate.start") },
      { label: "&Pause", accelerator: ACCELERATORS.generatePause, enabled: doc && generating, click: send("generate.pause") },
      { label: "&Resume", accelerator: ACCELERATORS.generateResume, enabled: doc && generating, click: send("generate.resume") },
      { label: "S&top", accelerator: ACCELERATORS.generateStop, enabled: doc && generating, click: send("generate.stop") },
    ],
  };

  const helpMenu: MenuItemConstructorOptions = {
    role: "help",
    label: "&Help",
    submenu: [
      ...(mac ? [] : [{ label: `&About ${state.appName}`, click: () => actions.showAbout() }, separator]),
      { label: "Open &Logs Folder", click: () => actions.openLogsFolder() },
    ],
  };

  const appMenu: MenuItemConstructorOptions = {
    label: state.appName,
    submenu: [
      { label: `About ${state.appName}`, click: () => actions.showAbout() },
      separator,
      { role: "services" },
      separator,
      { role: "hide" },
      { role: "hideOthers" },
      { role: "unhide" },
      separator,
      { role: "quit" },
    ],
  };

  return [...(mac ? [appMenu] : []), fileMenu, editMenu, viewMenu, generateMenu, ...(mac ? [{ role: "windowMenu" } as MenuItemConstructorOptions] : []), helpMenu];
}
