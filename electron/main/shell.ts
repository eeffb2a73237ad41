// The parts of Electron the desktop app uses, as plain interfaces. main.ts implements them with the
// real modules; tests implement them with fakes. Only types come from 'electron' here, so every
// module of electron/main except main.ts runs without Electron.
import type { MenuItemConstructorOptions, MessageBoxOptions, OpenDialogOptions, SaveDialogOptions } from "electron";

export interface Rectangle {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A screen; `workArea` leaves out the taskbar, dock and menu bar. */
export interface Display {
  workArea: Rectangle;
}

/** Where a new window goes and what it shows. */
export interface WindowSpec {
  /** Without x and y the window manager places it. */
  bounds: { width: number; height: number; x?: number; y?: number };
  minWidth: number;
  minHeight: number;
  maximized: boolean;
  url: string;
}

export interface CloseEvent {
  preventDefault(): void;
}

/** The part of a BrowserWindow (and its webContents) the app uses. */
export interface DesktopWindow {
  readonly id: number;
  load(url: string): void;
  /** Shows the window, restoring it when minimized, and gives it focus. */
  focus(): void;
  /** Asks to close: the `close` listeners may still prevent it. */
  close(): void;
  /** Closes without asking. */
  destroy(): void;
  isDestroyed(): boolean;
  setTitle(title: string): void;
  /** macOS: the dot in the close button; elsewhere a no-op. */
  setDocumentEdited(edited: boolean): void;
  /** macOS: the file icon in the title bar; elsewhere a no-op. */
  setRepresentedFilename(file: string): void;
  /** The bounds to restore: not the maximized or full-screen ones. */
  normalBounds(): Rectangle;
  isMaximized(): boolean;
  /** Sends a message to the page on a channel (webContents.send). */
  send(channel: string, message: unknown): void;
  onClose(listener: (event: CloseEvent) => void): void;
  onClosed(listener: () => void): void;
  onFocus(listener: () => void): void;
  /** The page's process crashed or was killed. */
  onRendererGone(listener: () => void): void;
}

export interface OpenDialogResult {
  canceled: boolean;
  filePaths: string[];
}
export interface SaveDialogResult {
  canceled: boolean;
  filePath?: string;
}

/** Native dialogs, sheet-attached to `parent` where there is one. */
export interface DialogAdapter {
  showOpenDialog(parent: DesktopWindow | undefined, options: OpenDialogOptions): Promise<OpenDialogResult>;
  showSaveDialog(parent: DesktopWindow | undefined, options: SaveDialogOptions): Promise<SaveDialogResult>;
  showMessageBox(parent: DesktopWindow | undefined, options: MessageBoxOptions): Promise<{ response: number }>;
}

export type MenuTemplate = MenuItemConstructorOptions[];

/** Everything the desktop app needs from Electron. */
export interface DesktopShell {
  platform: NodeJS.Platform;
  /** False when running from a checkout (`npm start`): then the menu offers developer tools. */
  isPackaged: boolean;
  appName: string;
  version: string;
  dialogs: DialogAdapter;
  createWindow(spec: WindowSpec): DesktopWindow;
  displays(): Display[];
  setApplicationMenu(template: MenuTemplate): void;
  /** Opens a folder or file with the system's handler (Help › Open Logs Folder). */
  openPath(target: string): Promise<void>;
  /** The OS's recent documents (Jump List, Dock menu). */
  addRecentDocument(file: string): void;
  /** The default folder of save dialogs. */
  documentsDir(): string;
  quit(): void;
}
