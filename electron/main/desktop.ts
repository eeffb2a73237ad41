// The desktop app: one window per project, the menu, the close guard, the requests only a desktop
// shell answers (native dialogs, the window's document state), and IPC from the windows to the back
// end. It talks to Electron only through DesktopShell, so it is tested with fakes.
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { ProjectSummary, WireEvent, WireResponse } from "../common/api";
import { IPC_EVENT_CHANNEL } from "../common/api/bridge";
import type { UiCommand, WindowDocumentState } from "../common/api/ui";
import { ApiError } from "../common/api/define";
import { dispatch, type ApiHandlers, type CallContext } from "../common/api/server";
import { logsDir, type Logger } from "../node/app/log";
import { choiceOf, closeAction, closeQuestion } from "./closeGuard";
import { createDialogHandlers } from "./dialogs";
import { desktopFileAccess, PathGrants } from "./fileAccess";
import { buildMenuTemplate, type MenuActions, type RecentItem } from "./menu";
import { APP_ORIGIN, isTrustedSender, type IpcSenderInfo } from "./security";
import type { DesktopShell, DesktopWindow } from "./shell";
import { MIN_SIZE, placeWindow, type WindowStateStore } from "./windowState";

/** The recent-projects list of the back end (electron/node/projects/recent). */
export interface RecentSource {
  list(): Promise<ProjectSummary[]>;
  remove(file: string): Promise<unknown>;
}

export interface DesktopAppOptions {
  shell: DesktopShell;
  dataDir: string;
  /** The back end's handlers; the desktop adds its own (dialogs, window state). */
  handlers: Partial<ApiHandlers>;
  recent: RecentSource;
  windowStates: WindowStateStore;
  log: Logger;
}

interface DocumentState {
  modified: boolean;
  generating: boolean;
  title: string;
  /** The project file shown; null for a new document never saved. */
  path: string | null;
}

interface WindowEntry {
  window: DesktopWindow;
  clientId: string;
  state: DocumentState;
  /** The writer already answered the close question: close without asking again. */
  closeConfirmed: boolean;
  /** A close question is on screen. */
  asking: boolean;
  /** The files this window's writer chose (dialogs, the OS, the launch): the only ones its page may name. */
  grants: PathGrants;
}

/** Requests logged at info level (by name, never their parameters): loading models, writing, saving, exporting. */
const NOTABLE_REQUEST = /^(models\.(load|unload|download|cancelDownload)|generation\.(start|pause|resume|stop|regenerate)|projects\.(create|open|save|saveAs|close|import|export|restore)|export\.)/;

export function windowUrl(project: string | null): string {
  return `${APP_ORIGIN}/index.html${project === null ? "" : `?project=${encodeURIComponent(project)}`}`;
}

/** The title bar: the document's title; elsewhere than macOS with the app's name and an edited mark. */
export function windowTitle(state: Pick<DocumentState, "title" | "modified">, platform: NodeJS.Platform, appName: string): string {
  const title = state.title.trim() || "Untitled";
  if (platform === "darwin") return title;
  return `${state.modified ? "• " : ""}${title} — ${appName}`;
}

function titleOfFile(file: string | null): string {
  return file === null ? "Untitled" : path.basename(file).replace(/\.draftline$/i, "");
}

export class DesktopApp {
  readonly handlers: Partial<ApiHandlers>;
  private readonly entries = new Map<number, WindowEntry>();
  /** Window ids, most recently focused last. */
  private focusOrder: number[] = [];
  private recent: RecentItem[] = [];

  constructor(private readonly options: DesktopAppOptions) {
    const dialogs = createDialogHandlers({
      dialogs: options.shell.dialogs,
      windowOf: (context) => this.entryOf(context)?.window,
      documentsDir: () => options.shell.documentsDir(),
      focusIfOpenElsewhere: (file, context) => {
        const other = this.entryShowing(file);
        if (!other || other.clientId === context.clientId) return false;
        other.window.focus();
        return true;
      },
      grant: (context, purpose, file, grantOptions) => this.entryOf(context)?.grants.grant(purpose, file, grantOptions),
    });
    const backEnd = desktopFileAccess(options.handlers, {
      grantsOf: (context) => this.entryOf(context)?.grants,
      isRecent: async (file) => (await options.recent.list().catch(() => [])).some((p) => path.resolve(p.path) === file),
    });
    this.handlers = {
      ...backEnd,
      ...dialogs,
      "window.setDocumentState": async (state, context) => {
        this.setDocumentState(this.requireEntry(context), state);
        return {};
      },
      "window.close": async (_params, context) => {
        this.requireEntry(context).window.close();
        return {};
      },
    };
  }

  /** Opens the projects named at launch, or an empty window. */
  async start(files: readonly string[]): Promise<void> {
    await this.refreshRecent();
    if (files.length > 0) this.openFiles(files);
    else this.createWindow(null);
    this.options.log.info("app.started", { windows: this.entries.size, platform: this.options.shell.platform, version: this.options.shell.version });
  }

  /** A request from a window's page. Anything but the main frame of an app window showing an app page is refused. */
  async handleRequest(sender: IpcSenderInfo, method: unknown, params: unknown): Promise<WireResponse> {
    if (!isTrustedSender(sender, (id) => this.entries.has(id))) {
      this.options.log.warn("ipc.refused", { windowId: sender.windowId ?? null, mainFrame: sender.isMainFrame });
      return { kind: "response", id: null, ok: false, error: { code: "bad-message", message: "Refused: not sent by one of the app's windows." } };
    }
    const started = Date.now();
    const response = await dispatch(this.handlers, { kind: "request", id: 0, method, params }, { clientId: `window-${sender.windowId}` });
    const name = typeof method === "string" ? method.slice(0, 80) : "invalid";
    const fields = { method: name, ok: response.ok, code: response.ok ? null : response.error.code, ms: Date.now() - started };
    if (!response.ok && response.error.code !== "unknown-method") this.options.log.warn("request.failed", fields);
    else if (NOTABLE_REQUEST.test(name)) this.options.log.info("request", fields);
    return response;
  }

  /** An event of the back end, for every window. */
  broadcast(event: WireEvent): void {
    for (const entry of this.entries.values()) entry.window.send(IPC_EVENT_CHANNEL, event);
  }

  /**
   * Opens project files (a second launch, the OS's open-file, Open Recent): a project already shown
   * is brought to the front, an untouched empty window takes the first one, the rest get new windows.
   */
  openFiles(files: readonly string[]): void {
    for (const file of files) {
      const resolved = path.resolve(file);
      const shown = this.entryShowing(resolved);
      if (shown) {
        shown.window.focus();
        continue;
      }
      const pristine = this.focusedEntry();
      if (pristine && this.isPristine(pristine)) {
        pristine.grants.grant("open", resolved);
        pristine.state = { ...pristine.state, path: resolved, title: titleOfFile(resolved) };
        pristine.window.load(windowUrl(resolved));
        pristine.window.focus();
      } else {
        this.createWindow(resolved);
      }
      this.options.log.info("project.opening", { path: resolved });
    }
  }

  /** macOS: the Dock icon was clicked with no window open. */
  activate(): void {
    if (this.entries.size === 0) this.createWindow(null);
  }

  /** The app was launched again without a file: show the window used last (or a new one). */
  bringToFront(): void {
    const focused = this.focusedEntry();
    if (focused) focused.window.focus();
    else this.createWindow(null);
  }

  get windowCount(): number {
    return this.entries.size;
  }

  readonly menuActions: MenuActions = {
    command: (command) => this.sendCommand(command),
    newDocument: () => {
      const focused = this.focusedEntry();
      if (focused && this.isPristine(focused)) {
        focused.window.focus();
        this.send(focused, "file.new");
      } else {
        this.createWindow(null);
      }
    },
    openProject: () => void this.openWithDialog(),
    openRecent: (file) => this.openFiles([file]),
    clearRecent: () => void this.clearRecent(),
    showAbout: () => void this.showAbout(),
    openLogsFolder: () => void this.openLogsFolder(),
  };

  /** Sends a UI command to the focused window. */
  sendCommand(command: UiCommand): void {
    const entry = this.focusedEntry();
    if (entry) this.send(entry, command);
  }

  refreshMenu(): void {
    const focused = this.focusedEntry();
    const { shell } = this.options;
    shell.setApplicationMenu(
      buildMenuTemplate(
        {
          platform: shell.platform,
          appName: shell.appName,
          isPackaged: shell.isPackaged,
          recent: this.recent,
          hasDocument: focused !== undefined,
          generating: focused?.state.generating ?? false,
        },
        this.menuActions,
      ),
    );
  }

  private send(entry: WindowEntry, command: UiCommand): void {
    const event: WireEvent = { kind: "event", name: "ui.command", payload: { command } };
    entry.window.send(IPC_EVENT_CHANNEL, event);
  }

  private createWindow(project: string | null): DesktopWindow {
    const { shell, windowStates } = this.options;
    const occupied = [...this.entries.values()].map((e) => e.window.normalBounds());
    const placement = placeWindow(windowStates.get(project), shell.displays(), occupied);
    const window = shell.createWindow({ ...placement, minWidth: MIN_SIZE.width, minHeight: MIN_SIZE.height, url: windowUrl(project) });
    const entry: WindowEntry = {
      window,
      clientId: `window-${window.id}`,
      state: { modified: false, generating: false, title: titleOfFile(project), path: project },
      closeConfirmed: false,
      asking: false,
      grants: new PathGrants(),
    };
    if (project !== null) entry.grants.grant("open", project);
    this.entries.set(window.id, entry);
    window.setTitle(windowTitle(entry.state, shell.platform, shell.appName));
    window.onFocus(() => {
      this.focusOrder = [...this.focusOrder.filter((id) => id !== window.id), window.id];
      void this.refreshRecent().then(() => this.refreshMenu());
    });
    window.onClose((event) => this.onClose(entry, event));
    window.onClosed(() => {
      this.entries.delete(window.id);
      this.focusOrder = this.focusOrder.filter((id) => id !== window.id);
      this.refreshMenu();
    });
    window.onRendererGone(() => {
      // What the page held is gone with it; reload it so the project comes back from disk.
      this.options.log.error("window.renderer-gone", { windowId: window.id });
      entry.state = { ...entry.state, modified: false, generating: false };
      if (!window.isDestroyed()) window.load(windowUrl(entry.state.path));
    });
    this.focusOrder.push(window.id);
    this.refreshMenu();
    return window;
  }

  private onClose(entry: WindowEntry, event: { preventDefault(): void }): void {
    const question = entry.closeConfirmed ? null : closeQuestion(entry.state);
    if (!question) {
      this.options.windowStates.remember(entry.state.path, { bounds: entry.window.normalBounds(), maximized: entry.window.isMaximized() });
      return;
    }
    event.preventDefault();
    if (entry.asking) return;
    entry.asking = true;
    entry.window.focus();
    void this.options.shell.dialogs
      .showMessageBox(entry.window, {
        type: "question",
        message: question.message,
        detail: question.detail,
        buttons: question.buttons,
        defaultId: question.defaultId,
        cancelId: question.cancelId,
        noLink: true,
      })
      .then(({ response }) => {
        entry.asking = false;
        if (entry.window.isDestroyed()) return;
        const choice = choiceOf(question, response);
        const action = closeAction(choice, entry.state);
        this.options.log.info("window.close-answer", { choice, modified: entry.state.modified, generating: entry.state.generating });
        for (const command of action.commands) this.send(entry, command);
        if (action.closeNow) {
          entry.closeConfirmed = true;
          entry.window.close();
        }
      });
  }

  private setDocumentState(entry: WindowEntry, state: WindowDocumentState): void {
    const { shell } = this.options;
    const previousPath = entry.state.path;
    entry.state = {
      modified: state.modified,
      generating: state.generating,
      title: state.title,
      path: state.path === undefined ? entry.state.path : state.path === null ? null : path.resolve(state.path),
    };
    entry.window.setTitle(windowTitle(entry.state, shell.platform, shell.appName));
    entry.window.setDocumentEdited(state.modified);
    if (entry.state.path !== null) entry.window.setRepresentedFilename(entry.state.path);
    if (entry.state.path !== null && entry.state.path !== previousPath) {
      shell.addRecentDocument(entry.state.path);
      void this.refreshRecent().then(() => this.refreshMenu());
    } else if (entry === this.focusedEntry()) {
      this.refreshMenu();
    }
  }

  private async openWithDialog(): Promise<void> {
    const result = await this.options.shell.dialogs.showOpenDialog(this.focusedEntry()?.window, {
      title: "Open Project",
      filters: [{ name: "Draftline Projects", extensions: ["draftline"] }],
      properties: ["openFile"],
      defaultPath: this.options.shell.documentsDir(),
    });
    const file = result.filePaths[0];
    if (!result.canceled && file) this.openFiles([file]);
  }

  private async refreshRecent(): Promise<void> {
    try {
      this.recent = (await this.options.recent.list()).map((p) => ({ path: p.path, title: p.title }));
    } catch {
      this.recent = [];
    }
  }

  private async clearRecent(): Promise<void> {
    for (const item of this.recent) await this.options.recent.remove(item.path);
    await this.refreshRecent();
    this.refreshMenu();
  }

  private async showAbout(): Promise<void> {
    const { shell } = this.options;
    await shell.dialogs.showMessageBox(this.focusedEntry()?.window, {
      type: "info",
      title: `About ${shell.appName}`,
      message: `${shell.appName} ${shell.version}`,
      detail: "Writes long documents with a language model that runs on this computer. Everything stays offline.",
      buttons: ["OK"],
    });
  }

  private async openLogsFolder(): Promise<void> {
    const dir = logsDir(this.options.dataDir);
    mkdirSync(dir, { recursive: true });
    await this.options.shell.openPath(dir);
  }

  private isPristine(entry: WindowEntry): boolean {
    return entry.state.path === null && !entry.state.modified && !entry.state.generating;
  }

  private entryShowing(file: string): WindowEntry | undefined {
    return [...this.entries.values()].find((e) => e.state.path === file);
  }

  private focusedEntry(): WindowEntry | undefined {
    for (let i = this.focusOrder.length - 1; i >= 0; i--) {
      const entry = this.entries.get(this.focusOrder[i] as number);
      if (entry) return entry;
    }
    return undefined;
  }

  private entryOf(context: CallContext): WindowEntry | undefined {
    return [...this.entries.values()].find((e) => e.clientId === context.clientId);
  }

  private requireEntry(context: CallContext): WindowEntry {
    const entry = this.entryOf(context);
    if (!entry) throw new ApiError("failed", "This request needs a desktop window.");
    return entry;
  }
}
