import { describe, expect, it } from "vitest";
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, isAllowedRequestUrl, isAppUrl, isTrustedSender, secureWebPreferences } from "./security";

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

describe("secureWebPreferences", () => {
  const prefs = secureWebPreferences("/app/dist/preload/preload.cjs", { devTools: false });

  it("isolates the page from Node and from the preload's world", () => {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
    });
  });

  it("keeps the web's own protections on", () => {
    expect(prefs).toMatchObject({ webSecurity: true, allowRunningInsecureContent: false, experimentalFeatures: false, navigateOnDragDrop: false });
    expect(prefs.disableBlinkFeatures).toContain("Auxclick");
  });

  it("loads the given preload", () => {
    expect(prefs.preload).toBe("/app/dist/preload/preload.cjs");
  });

  it("offers developer tools only when asked (running from a checkout)", () => {
    expect(prefs.devTools).toBe(false);
    expect(secureWebPreferences("/p.cjs", { devTools: true }).devTools).toBe(true);
  });
});

describe("CONTENT_SECURITY_POLICY", () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it("allows no eval and no inline code", () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|unsafe-inline|wasm-unsafe-eval|unsafe-hashes/);
  });

  it("names no remote origin and no wildcard anywhere", () => {
    for (const [, values] of csp) {
      for (const value of values) expect(value).toMatch(/^('self'|'none'|data:)$/);
    }
  });

  it("denies plugins, frames, base and form targets, and being framed", () => {
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("frame-src")).toEqual(["'none'"]);
    expect(csp.get("base-uri")).toEqual(["'none'"]);
    expect(csp.get("form-action")).toEqual(["'none'"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
  });

  it("restricts scripts and connections to the app's own origin", () => {
    expect(csp.get("default-src")).toEqual(["'self'"]);
    expect(csp.get("script-src")).toEqual(["'self'"]);
    expect(csp.get("connect-src")).toEqual(["'self'"]);
  });
});

describe("isAppUrl", () => {
  it.each([`${APP_ORIGIN}/index.html`, `${APP_ORIGIN}/index.html?project=%2Fhome%2Fa.draftline`, `${APP_ORIGIN}/`])("accepts the app's page %s", (url) => {
    expect(isAppUrl(url)).toBe(true);
  });

  it.each([
    "https://example.com/",
    "http://app/index.html",
    "file:///etc/passwd",
    "draftline-app://evil/index.html",
    "draftline-app://app.evil.com/index.html",
    "draftline-app://app@evil.com/index.html",
    "draftline-app://app:8080/index.html",
    "javascript:alert(1)",
    "about:blank",
    "",
    "not a url",
  ])("refuses %s", (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});

describe("isAllowedRequestUrl", () => {
  it("lets pages load their own files, inline images and their own blobs", () => {
    expect(isAllowedRequestUrl(`${APP_ORIGIN}/assets/index.js`)).toBe(true);
    expect(isAllowedRequestUrl("data:image/png;base64,iVBORw0KGgo=")).toBe(true);
    expect(isAllowedRequestUrl(`blob:${APP_ORIGIN}/0b6c3f1e-8a8e-4c55-9d2a-1f6f3a0c2b7d`)).toBe(true);
  });

  it("blocks blobs of any other origin", () => {
    expect(isAllowedRequestUrl("blob:https://example.com/0b6c3f1e-8a8e-4c55-9d2a-1f6f3a0c2b7d")).toBe(false);
  });

  it.each(["https://fonts.googleapis.com/css", "http://127.0.0.1:8080/", "ws://127.0.0.1:9000/api", "wss://example.com/", "file:///home/writer/secret.txt", "ftp://x/"])(
    "blocks remote and local-file request %s",
    (url) => {
      expect(isAllowedRequestUrl(url)).toBe(false);
    },
  );
});

describe("isTrustedSender", () => {
  const appWindows = new Set([1, 2]);
  const isAppWindow = (id: number) => appWindows.has(id);
  const page = `${APP_ORIGIN}/index.html`;

  it("trusts the main frame of any of the app's windows showing an app page", () => {
    expect(isTrustedSender({ windowId: 1, frameUrl: page, isMainFrame: true }, isAppWindow)).toBe(true);
    expect(isTrustedSender({ windowId: 2, frameUrl: page, isMainFrame: true }, isAppWindow)).toBe(true);
  });

  it("refuses a webContents that is not one of the app's windows", () => {
    expect(isTrustedSender({ windowId: 3, frameUrl: page, isMainFrame: true }, isAppWindow)).toBe(false);
    expect(isTrustedSender({ windowId: undefined, frameUrl: page, isMainFrame: true }, isAppWindow)).toBe(false);
  });

  it("refuses a sub-frame, and a frame that navigated away from the app", () => {
    expect(isTrustedSender({ windowId: 1, frameUrl: page, isMainFrame: false }, isAppWindow)).toBe(false);
    expect(isTrustedSender({ windowId: 1, frameUrl: "https://example.com/", isMainFrame: true }, isAppWindow)).toBe(false);
    expect(isTrustedSender({ windowId: 1, frameUrl: undefined, isMainFrame: true }, isAppWindow)).toBe(false);
  });
});
