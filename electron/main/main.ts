// The Electron main process: the one module that imports 'electron' at runtime. It adapts Electron to
// DesktopShell (desktop.ts does the work, tested without Electron), serves the renderer on the app's
// own scheme, locks the sessions down, and shuts the back end down on quit so the model's memory is
// freed.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, screen, session, shell, utilityProcess, type IpcMainInvokeEvent } from "electron";
import { IPC_REQUEST_CHANNEL } from "../common/api/bridge";
import { createBackend, type Backend } from "../node/app/backend";
import { createLogger, logsDir, rotatingFileSink } from "../node/app/log";
import { appDataDir } from "../node/base/paths";
import { RecentProjects } from "../node/projects/recent";
import { DesktopApp } from "./desktop";
import { APP_ID, PRODUCT_NAME } from "./identity";
import { desktopEngineLauncher, type DesktopEngineLauncher } from "./engineLauncher";
import { PendingOpens, projectFilesFromArgv } from "./instance";
import { APP_HOST, APP_SCHEME, CONTENT_SECURITY_POLICY, isAllowedRequestUrl, isAppUrl, type IpcSenderInfo, type SecureWebPreferences } from "./security";
import type { DesktopShell, DesktopWindow, WindowSpec } from "./shell";
import { WindowStateStore } from "./windowState";

const distDir = path.resolve(import.meta.dirname, "..");
const rendererDir = path.join(distDir, "renderer");
const preloadPath = path.join(distDir, "preload", "preload.cjs");
const engineHostPath = path.join(distDir, "node", "engine-host.js");

const dataDir = appDataDir();
// Chromium's own storage lives with the app's files (and DRAFTLINE_HOME isolates both in tests).
app.setPath("userData", path.join(dataDir, "chromium"));
const log = createLogger({
  sink: rotatingFileSink({ dir: logsDir(dataDir), onError: (error) => console.error("draftline: cannot write the log:", error) }),
  mirror: app.isPackaged ? undefined : (line) => console.log(line),
});

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const pending = new PendingOpens();
// macOS sends the files to open (Finder, Dock) as events, possibly before the app is ready.
app.on("open-file", (event, file) => {
  event.preventDefault();
  pending.add([file]);
});

let backend: Backend | undefined;
let launcher: DesktopEngineLauncher | undefined;
let desktop: DesktopApp | undefined;

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".map": "application/json",
};

/** Serves dist/renderer under draftline-app://app with the app's CSP. */
function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const relative = url.pathname === "/" ? "index.html" : decodeURIComponent(url.pathname).replace(/^\/+/, "");
    const file = path.resolve(rendererDir, relative);
    if (url.host !== APP_HOST || !file.startsWith(rendererDir + path.sep)) return new Response("Not found", { status: 404 });
    try {
      return new Response(await readFile(file), {
        headers: {
          "content-type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream",
          "content-security-policy": CONTENT_SECURITY_POLICY,
          "x-content-type-options": "nosniff",
        },
      });
    } catch {
      return new Response("Not found", { status: 404 });
    }
  });
}

/** No permission (camera, notifications, …), no remote request, for every page. */
function lockDownSessions(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRequestUrl(details.url);
    if (!allowed) log.warn("request.blocked", { scheme: details.url.split(":")[0]?.slice(0, 20) ?? "" });
    callback({ cancel: !allowed });
  });
}

// Every web page the app ever creates may show app pages only, and open no window of its own.
app.on("web-contents-created", (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: "deny" }));
  const refuseForeign = (event: { preventDefault(): void }, url: string) => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on("will-navigate", refuseForeign);
  contents.on("will-frame-navigate", (event) => refuseForeign(event, event.url));
  contents.on("will-redirect", refuseForeign);
  contents.on("will-attach-webview", (event) => event.preventDefault());
});

function wrapWindow(window: BrowserWindow): DesktopWindow {
  const mac = process.platform === "darwin";
  return {
    id: window.id,
    load: (url) => void window.loadURL(url),
    focus: () => {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    },
    close: () => window.close(),
    destroy: () => window.destroy(),
    isDestroyed: () => window.isDestroyed(),
    setTitle: (title) => window.setTitle(title),
    setDocumentEdited: (edited) => {
      if (mac) window.setDocumentEdited(edited);
    },
    setRepresentedFilename: (file) => {
      if (mac) window.setRepresentedFilename(file);
    },
    normalBounds: () => window.getNormalBounds(),
    isMaximized: () => window.isMaximized(),
    send: (channel, message) => {
      if (!window.isDestroyed()) window.webContents.send(channel, message);
    },
    onClose: (listener) => void window.on("close", listener),
    onClosed: (listener) => void window.on("closed", listener),
    onFocus: (listener) => void window.on("focus", listener),
    onRendererGone: (listener) => void window.webContents.on("render-process-gone", () => listener()),
  };
}

function createBrowserWindow(spec: WindowSpec): BrowserWindow {
  const window = new BrowserWindow({
    ...spec.bounds,
    minWidth: spec.minWidth,
    minHeight: spec.minHeight,
    show: false,
    title: PRODUCT_NAME,
    // Written out here, not built by a function, so that the Electron audit can read every setting.
    webPreferences: {
      preload: preloadPath,
      devTools: !app.isPackaged,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: "Auxclick",
      spellcheck: true,
    } satisfies SecureWebPreferences,
  });
  if (spec.maximized) window.maximize();
  // The title bar shows the document (desktop.ts), not the page's <title>.
  window.on("page-title-updated", (event) => event.preventDefault());
  window.once("ready-to-show", () => window.show());
  void window.loadURL(spec.url);
  return window;
}

function electronShell(): DesktopShell {
  const parentOf = (window: DesktopWindow | undefined) => (window ? (BrowserWindow.fromId(window.id) ?? undefined) : undefined);
  return {
    platform: process.platform,
    isPackaged: app.isPackaged,
    appName: PRODUCT_NAME,
    version: app.getVersion(),
    dialogs: {
      showOpenDialog: (parent, options) => {
        const window = parentOf(parent);
        return window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options);
      },
      showSaveDialog: (parent, options) => {
        const window = parentOf(parent);
        return window ? dialog.showSaveDialog(window, options) : dialog.showSaveDialog(options);
      },
      showMessageBox: (parent, options) => {
        const window = parentOf(parent);
        return window ? dialog.showMessageBox(window, options) : dialog.showMessageBox(options);
      },
    },
    createWindow: (spec) => wrapWindow(createBrowserWindow(spec)),
    displays: () => {
      const primary = screen.getPrimaryDisplay();
      return [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)];
    },
    setApplicationMenu: (template) => Menu.setApplicationMenu(Menu.buildFromTemplate(template)),
    openPath: async (target) => {
      const error = await shell.openPath(target);
      if (error) log.warn("open-path.failed", { path: target, error });
    },
    addRecentDocument: (file) => app.addRecentDocument(file),
    documentsDir: () => app.getPath("documents"),
    quit: () => app.quit(),
  };
}

function senderOf(event: IpcMainInvokeEvent): IpcSenderInfo {
  const frame = event.senderFrame;
  return { windowId: BrowserWindow.fromWebContents(event.sender)?.id, frameUrl: frame?.url, isMainFrame: frame != null && frame.parent === null };
}

async function start(): Promise<void> {
  pending.add(projectFilesFromArgv(process.argv, process.cwd()));
  app.on("second-instance", (_event, argv, workingDirectory) => {
    const files = projectFilesFromArgv(argv, workingDirectory);
    if (files.length > 0) pending.add(files);
    else desktop?.bringToFront();
  });

  await app.whenReady();
  if (process.platform === "win32") app.setAppUserModelId(APP_ID);
  lockDownSessions();
  serveRenderer();

  launcher = desktopEngineLauncher({ fork: (script, args, options) => utilityProcess.fork(script, args, options), hostScript: engineHostPath, log });
  backend = await createBackend({ shell: "electron", emit: (event) => desktop?.broadcast(event), log, engineLauncher: launcher });
  desktop = new DesktopApp({
    shell: electronShell(),
    dataDir,
    handlers: backend.handlers,
    recent: new RecentProjects(dataDir),
    windowStates: WindowStateStore.in(dataDir).load(),
    log,
  });
  const ready = desktop;
  ipcMain.handle(IPC_REQUEST_CHANNEL, (event, method: unknown, params: unknown) => ready.handleRequest(senderOf(event), method, params));
  app.on("activate", () => ready.activate());
  await ready.start(pending.start((files) => ready.openFiles(files)));
}

app.on("window-all-closed", () => {
  if (process.platform !== "darwin") app.quit();
});

let shuttingDown = false;
app.on("will-quit", (event) => {
  if (shuttingDown || !backend) {
    launcher?.dispose();
    return;
  }
  shuttingDown = true;
  event.preventDefault();
  const closing = backend;
  const started = Date.now();
  void closing.container
    .shutdown()
    .catch((error: unknown) => log.error("app.shutdown-failed", { error: error instanceof Error ? error : String(error) }))
    .finally(() => {
      // Whatever a service left running goes now: the engine's GPU memory must be freed.
      launcher?.dispose();
      log.info("app.quit", { ms: Date.now() - started });
      app.quit();
    });
});

if (app.requestSingleInstanceLock()) {
  start().catch((error: unknown) => {
    log.error("app.start-failed", { error: error instanceof Error ? error : String(error) });
    dialog.showErrorBox("Draftline could not start", error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
} else {
  // Another Draftline is running: it gets our arguments (second-instance) and opens the files.
  app.quit();
}
