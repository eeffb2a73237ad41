import type { BrowserWindowConstructorOptions } from "electron";

/** The scheme the app's own pages are served from (never file://, never a remote origin). */
export const APP_SCHEME = "draftline-app";
export const APP_HOST = "app";
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/** The Content-Security-Policy of every app page: own scripts and styles only, no eval, no remote origins. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * The window's web preferences: the renderer is an ordinary sandboxed web page, developer tools only when
 * running from a checkout. main.ts writes them out literally in its BrowserWindow constructor, where the
 * Electron audit (electronegativity) reads them, and checks them against this type with `satisfies`:
 * each setting is a literal type, so leaving one out or weakening it is a type error.
 */
export interface SecureWebPreferences extends NonNullable<BrowserWindowConstructorOptions["webPreferences"]> {
  preload: string;
  devTools: boolean;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
  /** A middle click would otherwise ask to open a link in a new window. */
  disableBlinkFeatures: "Auxclick";
}

/** Only the app's own pages may be shown; everything else is refused. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === "" && parsed.password === "";
  } catch {
    return false;
  }
}

/**
 * Which requests a page may make. The app never loads remote content: only its own pages, inline
 * data (images), blobs its own pages made, and the developer tools' own scheme.
 */
export function isAllowedRequestUrl(url: string): boolean {
  if (isAppUrl(url)) return true;
  try {
    const protocol = new URL(url).protocol;
    if (protocol === "blob:") return isAppUrl(url.slice("blob:".length));
    return protocol === "data:" || protocol === "devtools:";
  } catch {
    return false;
  }
}

/** Who sent an IPC message, as far as the main process can tell. */
export interface IpcSenderInfo {
  /** The window whose page sent it (undefined: not a window, e.g. a detached webContents). */
  windowId: number | undefined;
  /** The URL of the frame that sent it. */
  frameUrl: string | undefined;
  /** False when a sub-frame sent it. */
  isMainFrame: boolean;
}

/**
 * An IPC message is trusted only when the main frame of one of the app's own windows sent it while
 * showing an app page.
 */
export function isTrustedSender(sender: IpcSenderInfo, isAppWindow: (windowId: number) => boolean): boolean {
  return sender.windowId !== undefined && isAppWindow(sender.windowId) && sender.isMainFrame && isAppUrl(sender.frameUrl ?? "");
}
