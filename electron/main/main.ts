import { readFile } from "node:fs/promises";
import path from "node:path";
import { app, BrowserWindow, ipcMain, protocol, session } from "electron";
import { dispatch } from "../common/api/server";
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from "../common/api/bridge";
import { createBackend, type Backend } from "../node/app/backend";
import { APP_ORIGIN, APP_SCHEME, CONTENT_SECURITY_POLICY, isAppUrl, secureWebPreferences } from "./security";

const distDir = path.resolve(import.meta.dirname, "..");
const rendererDir = path.join(distDir, "renderer");
let mainWindow: BrowserWindow | undefined;
let backend: Backend | undefined;

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const CONTENT_TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".png": "image/png", ".woff2": "font/woff2", ".map": "application/json" };

/** Serves dist/renderer under draftline-app://app with the app's CSP. */
function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const relative = url.pathname === "/" ? "index.html" : decodeURIComponent(url.pathname).replace(/^\/+/, "");
    const file = path.resolve(rendererDir, relative);
    if (url.host !== "app" || !file.startsWith(rendererDir + path.sep)) return new Response("Not found", { status: 404 });
    try {
      return new Response(await readFile(file), {
        headers: { "content-type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream", "content-security-policy": CONTENT_SECURITY_POLICY },
      });
    } catch {
      return new Response("Not found", { status: 404 });
    }
  });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 1100,
    minHeight: 640,
    show: false,
    title: "Draftline",
    webPreferences: secureWebPreferences(path.join(distDir, "preload", "preload.cjs")),
  });
  window.once("ready-to-show", () => window.show());
  window.webContents.on("will-navigate", (event, url) => {
    if (!isAppUrl(url)) event.preventDefault();
  });
  window.webContents.on("will-attach-webview", (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(() => ({ action: "deny" }));
  void window.loadURL(`${APP_ORIGIN}/index.html`);
  return window;
}

async function start(): Promise<void> {
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  serveRenderer();

  backend = await createBackend({ shell: "electron", emit: (event) => mainWindow?.webContents.send(IPC_EVENT_CHANNEL, event) });
  const handlers = backend.handlers;
  ipcMain.handle(IPC_REQUEST_CHANNEL, async (event, method: unknown, params: unknown) => {
    // Only the app's own window may call the back end.
    const sender = BrowserWindow.fromWebContents(event.sender);
    if (!sender || sender !== mainWindow || !isAppUrl(event.senderFrame?.url ?? "")) {
      return { kind: "response", id: null, ok: false, error: { code: "bad-message", message: "Refused: not sent by the app's window." } };
    }
    return dispatch(handlers, { kind: "request", id: 0, method, params }, { clientId: `window-${sender.id}` });
  });
  mainWindow = createWindow();
}

app.on("window-all-closed", () => app.quit());
app.on("will-quit", (event) => {
  if (!backend) return;
  const closing = backend;
  backend = undefined;
  event.preventDefault();
  void closing.container.shutdown().finally(() => app.quit());
});

void start();
