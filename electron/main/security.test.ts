import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, isAllowedRequestUrl, isAppUrl, isTrustedSender, type SecureWebPreferences } from "./security";

function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp.split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

// main.ts writes the window's settings out in its BrowserWindow constructor (where the Electron audit
// reads them) and checks them with `satisfies SecureWebPreferences`; these are type checks (tsc).
describe("SecureWebPreferences", () => {
  const secure = {
    preload: "/app/dist/preload/preload.cjs",
    devTools: false,
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
  } as const;

  it("accepts the isolated, sandboxed settings, with or without developer tools", () => {
    expectTypeOf(secure).toExtend<SecureWebPreferences>();
    expectTypeOf({ ...secure, devTools: true } as const).toExtend<SecureWebPreferences>();
  });

  it("refuses a window that gives the page Node, leaves the sandbox or turns a web protection off", () => {
    expectTypeOf({ ...secure, contextIsolation: false } as const).not.toExtend<SecureWebPreferences>();
    expectTypeOf({ ...secure, sandbox: false } as const).not.toExtend<SecureWebPreferences>();
    expectTypeOf({ ...secure, nodeIntegration: true } as const).not.toExtend<SecureWebPreferences>();
    expectTypeOf({ ...secure, webSecurity: false } as const).not.toExtend<SecureWebPreferences>();
    expectTypeOf({ ...secure, allowRunningInsecureContent: true } as const).not.toExtend<SecureWebPreferences>();
    expectTypeOf({ ...secure, webviewTag: true } as const).not.toExtend<SecureWebPreferences>();
    expectTypeOf({ ...secure, disableBlinkFeatures: "" } as const).not.toExtend<SecureWebPreferences>();
  });

  it("refuses a window that leaves a setting out", () => {
    const { sandbox: _sandbox, ...withoutSandbox } = secure;
    expectTypeOf(withoutSandbox).not.toExtend<SecureWebPreferences>();
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

// The page also carries its CSP as a <meta> tag (where the Electron audit reads it). Both shells send
// their own header, and a page gets both policies, so the tag must allow what either header allows
// (web mode: its loopback WebSocket) and nothing that neither does.
describe("the page's <meta> Content-Security-Policy", () => {
  const html = readFileSync(path.join(import.meta.dirname, "../../renderer/index.html"), "utf8");
  const tag = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/i.exec(html);
  const meta = directives(tag?.[1] ?? "");

  it("stands in the head before any script", () => {
    expect(tag).not.toBeNull();
    expect(html.indexOf(tag![0])).toBeLessThan(html.indexOf("<script"));
    expect(html.indexOf(tag![0])).toBeLessThan(html.indexOf("</head>"));
  });

  it("allows no eval, no inline code and no remote origin", () => {
    expect(tag![1]).not.toMatch(/unsafe-eval|unsafe-inline|wasm-unsafe-eval|unsafe-hashes/);
    for (const [, values] of meta) {
      for (const value of values) expect(value).toMatch(/^('self'|'none'|data:|ws:\/\/127\.0\.0\.1:\*|ws:\/\/localhost:\*)$/);
    }
  });

  it("restricts scripts, styles and everything else to the page's origin, and denies plugins, base and forms", () => {
    expect(meta.get("default-src")).toEqual(["'self'"]);
    expect(meta.get("script-src")).toEqual(["'self'"]);
    expect(meta.get("style-src")).toEqual(["'self'"]);
    expect(meta.get("object-src")).toEqual(["'none'"]);
    expect(meta.get("base-uri")).toEqual(["'none'"]);
    expect(meta.get("form-action")).toEqual(["'none'"]);
  });

  it("allows every source the desktop header allows, so the two agree in the desktop app", () => {
    for (const [name, values] of directives(CONTENT_SECURITY_POLICY)) {
      const allowed = meta.get(name) ?? meta.get("default-src") ?? [];
      // frame-ancestors is ignored in a <meta> tag; 'none' elsewhere allows nothing to compare.
      if (name === "frame-ancestors" || values.includes("'none'")) continue;
      for (const value of values) expect(allowed, `${name} ${value}`).toContain(value);
    }
  });

  it("allows web mode's loopback WebSocket (its header names the port)", () => {
    expect(meta.get("connect-src")).toEqual(["'self'", "ws://127.0.0.1:*", "ws://localhost:*"]);
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
