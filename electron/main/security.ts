import type { BrowserWindowConstructorOptions } from "electron";

/** The scheme the app's own pages are served from (never file://, never a remote origin). */
export const APP_SCHEME = "draftline-app";
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** The Content-Security-Policy of every app page: own scripts and styles only, no eval, no remote origins. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The window's web preferences: the renderer is an ordinary sandboxed web page. */
export function secureWebPreferences(preload: string): NonNullable<BrowserWindowConstructorOptions["webPreferences"]> {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    spellcheck: true,
  };
}

/** Only the app's own pages may be shown; everything else is refused. */
export function isAppUrl(url: string): boolean {
  try {
    return new URL(url).origin === APP_ORIGIN || url.startsWith(`${APP_ORIGIN}/`);
  } catch {
    return false;
  }
}
