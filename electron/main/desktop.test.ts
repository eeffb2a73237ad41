import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { MenuItemConstructorOptions, MessageBoxOptions } from "electron";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ProjectSummary, WireEvent } from "../common/api";
import { IPC_EVENT_CHANNEL } from "../common/api/bridge";
import { catalogSchema } from "../common/engine/catalog";
import { createLogger } from "../node/app/log";
import { DesktopApp, windowTitle, windowUrl } from "./desktop";
import { APP_ORIGIN } from "./security";
import type { CloseEvent, DesktopShell, DesktopWindow, DialogAdapter, MenuTemplate, Rectangle, WindowSpec } from "./shell";
import { WindowStateStore } from "./windowState";

/** A catalog entry as the app ships it. */
const catalogEntry = catalogSchema.parse(JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../models/catalog.json"), "utf8"))).models[0]!;

class FakeWindow implements DesktopWindow {
  url: string;
  title = "";
  edited = false;
  representedFile = "";
  destroyed = false;
  focusCount = 0;
  readonly sent: { channel: string; message: unknown }[] = [];
  private readonly closeListeners: ((event: CloseEvent) => void)[] = [];
  private readonly closedListeners: (() => void)[] = [];
  private readonly focusListeners: (() => void)[] = [];
  private readonly goneListeners: (() => void)[] = [];

  constructor(
    readonly id: number,
    readonly spec: WindowSpec,
  ) {
    this.url = spec.url;
  }
  load(url: string) {
    this.url = url;
  }
  focus() {
    this.focusCount++;
    for (const l of this.focusListeners) l();
  }
  close() {
    if (this.destroyed) return;
    let prevented = false;
    for (const l of this.closeListeners) l({ preventDefault: () => (prevented = true) });
    if (!prevented) this.destroy();
  }
  destroy() {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const l of this.closedListeners) l();
  }
  isDestroyed() {
    return this.destroyed;
  }
  setTitle(title: string) {
    this.title = title;
  }
  setDocumentEdited(edited: boolean) {
    this.edited = edited;
  }
  setRepresentedFilename(file: string) {
    this.representedFile = file;
  }
  normalBounds(): Rectangle {
    return { x: this.spec.bounds.x ?? 100, y: this.spec.bounds.y ?? 100, width: this.spec.bounds.width, height: this.spec.bounds.height };
  }
  isMaximized() {
    return false;
  }
  send(channel: string, message: unknown) {
    this.sent.push({ channel, message });
  }
  onClose(l: (event: CloseEvent) => void) {
    this.closeListeners.push(l);
  }
  onClosed(l: () => void) {
    this.closedListeners.push(l);
  }
  onFocus(l: () => void) {
    this.focusListeners.push(l);
  }
  onRendererGone(l: () => void) {
    this.goneListeners.push(l);
  }
  crash() {
    for (const l of this.goneListeners) l();
  }
  /** The UI commands this window received. */
  commands(): string[] {
    return this.sent.filter((s) => s.channel === IPC_EVENT_CHANNEL && (s.message as WireEvent).name === "ui.command").map((s) => ((s.message as WireEvent).payload as { command: string }).command);
  }
}

/** A message box that answers with the button labelled `answer` (after the test sets it). */
function fakeShell(platform: NodeJS.Platform = "linux") {
  const windows: FakeWindow[] = [];
  const boxes: MessageBoxOptions[] = [];
  const recentDocuments: string[] = [];
  const opened: string[] = [];
  let menu: MenuTemplate = [];
  let answer = "Cancel";
  let pickedFile: string | undefined;
  let savedFile: string | undefined;
  const dialogs: DialogAdapter = {
    showOpenDialog: async () => (pickedFile ? { canceled: false, filePaths: [pickedFile] } : { canceled: true, filePaths: [] }),
    showSaveDialog: async () => (savedFile ? { canceled: false, filePath: savedFile } : { canceled: true }),
    showMessageBox: async (_parent, options) => {
      boxes.push(options);
      return { response: (options.buttons ?? []).indexOf(answer) };
    },
  };
  const shell: DesktopShell = {
    platform,
    isPackaged: true,
    appName: "Draftline",
    version: "1.2.3",
    dialogs,
    createWindow: (spec) => {
      const window = new FakeWindow(windows.length + 1, spec);
      windows.push(window);
      return window;
    },
    displays: () => [{ workArea: { x: 0, y: 0, width: 2560, height: 1440 } }],
    setApplicationMenu: (template) => void (menu = template),
    openPath: async (target) => void opened.push(target),
    addRecentDocument: (file) => void recentDocuments.push(file),
    documentsDir: () => "/home/writer/Documents",
    quit: () => {},
  };
  return {
    shell,
    windows,
    boxes,
    recentDocuments,
    opened,
    menu: () => menu,
    answer: (label: string) => void (answer = label),
    pick: (file: string) => void (pickedFile = file),
    saveTo: (file: string) => void (savedFile = file),
  };
}

/** Lets the promise callbacks of a message box or dialog run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "draftline-desktop-"));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

function setup(platform: NodeJS.Platform = "linux", recent: ProjectSummary[] = []) {
  const fake = fakeShell(platform);
  const logLines: string[] = [];
  /** What reached the back end's file requests: the method and its parameters. */
  const backEnd: { method: string; params: Record<string, unknown> }[] = [];
  const reached = (method: string) => async (params: object) => {
    backEnd.push({ method, params: { ...params } });
    throw new Error("reached the back end");
  };
  const app = new DesktopApp({
    shell: fake.shell,
    dataDir,
    handlers: {
      "app.echo": async ({ text }) => {
        if (text.startsWith("fail")) throw new Error("echo failed");
        return { text, receivedAt: 1 };
      },
      "projects.open": reached("projects.open"),
      "projects.import": reached("projects.import"),
      "projects.saveAs": reached("projects.saveAs"),
      "projects.create": reached("projects.create"),
      "projects.export": reached("projects.export"),
      "models.inspect": reached("models.inspect"),
      "models.load": reached("models.load"),
      // What the models folder holds and the catalog has downloaded.
      "models.local": async () => [{ path: "/models/folder/a.gguf", name: "a", sizeBytes: 1, catalogId: null }],
      "models.catalog": async () => [{ entry: catalogEntry, status: "ready" as const, path: "/models/catalog/qwen.gguf", downloadedBytes: 1 }],
    },
    recent: { list: async () => recent, remove: async () => undefined },
    windowStates: WindowStateStore.in(dataDir).load(),
    log: createLogger({ sink: (line) => logLines.push(line) }),
  });
  const sender = (window: FakeWindow | undefined) => ({ windowId: window?.id, frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true });
  const request = (window: FakeWindow | undefined, method: string, params: unknown) => app.handleRequest(sender(window), method, params);
  const setState = (window: FakeWindow | undefined, state: object) => request(window, "window.setDocumentState", { modified: false, generating: false, title: "Essay", ...state });
  return { app, ...fake, logLines, request, setState, backEnd };
}

function findItem(template: MenuItemConstructorOptions[], label: string): MenuItemConstructorOptions | undefined {
  for (const item of template) {
    if (item.label?.replace(/&/g, "") === label) return item;
    const inner = Array.isArray(item.submenu) ? findItem(item.submenu, label) : undefined;
    if (inner) return inner;
  }
  return undefined;
}

describe("windows", () => {
  it("starts with one empty window on the app's page and sets the menu", async () => {
    const { app, windows, menu } = setup();
    await app.start([]);
    expect(windows).toHaveLength(1);
    expect(windows[0]?.url).toBe(`${APP_ORIGIN}/index.html`);
    expect(windows[0]?.title).toBe("Untitled — Draftline");
    expect(findItem(menu(), "Save")).toBeDefined();
  });

  it("opens each project given at launch in its own window, the path in the page's address", async () => {
    const { app, windows } = setup();
    await app.start(["/p/a.draftline", "/p/b.draftline"]);
    expect(windows.map((w) => w.url)).toEqual([windowUrl("/p/a.draftline"), windowUrl("/p/b.draftline")]);
    expect(windows[0]?.url).toBe(`${APP_ORIGIN}/index.html?project=%2Fp%2Fa.draftline`);
  });

  it("brings the project's window to the front instead of opening it twice", async () => {
    const { app, windows } = setup();
    await app.start(["/p/a.draftline", "/p/b.draftline"]);
    const before = windows[0]?.focusCount ?? 0;
    app.openFiles(["/p/a.draftline"]);
    expect(windows).toHaveLength(2);
    expect(windows[0]?.focusCount).toBe(before + 1);
  });

  it("shows a project in the untouched empty window, but never replaces a document being written", async () => {
    const { app, windows, setState } = setup();
    await app.start([]);
    app.openFiles(["/p/a.draftline"]);
    expect(windows).toHaveLength(1);
    expect(windows[0]?.url).toBe(windowUrl("/p/a.draftline"));

    app.menuActions.newDocument();
    expect(windows).toHaveLength(2);
    await setState(windows[1], { modified: true, title: "Draft", path: null });
    app.openFiles(["/p/b.draftline"]);
    expect(windows).toHaveLength(3);
    expect(windows[1]?.url).toBe(windowUrl(null));
  });

  it("New in an untouched window starts the document there; otherwise it opens a window", async () => {
    const { app, windows } = setup();
    await app.start([]);
    app.menuActions.newDocument();
    expect(windows).toHaveLength(1);
    expect(windows[0]?.commands()).toEqual(["file.new"]);
    app.openFiles(["/p/a.draftline"]);
    app.menuActions.newDocument();
    expect(windows).toHaveLength(2);
  });

  it("a second launch without a file brings the last used window forward", async () => {
    const { app, windows } = setup();
    await app.start(["/p/a.draftline", "/p/b.draftline"]);
    windows[0]?.focus();
    const before = windows[0]?.focusCount ?? 0;
    app.bringToFront();
    expect(windows).toHaveLength(2);
    expect(windows[0]?.focusCount).toBe(before + 1);
  });

  it("File › Open shows the dialog and opens the chosen project", async () => {
    const { app, windows, pick, setState } = setup();
    await app.start([]);
    await setState(windows[0], { modified: true });
    pick("/p/chosen.draftline");
    app.menuActions.openProject();
    await settle();
    expect(windows.map((w) => w.url)).toEqual([windowUrl(null), windowUrl("/p/chosen.draftline")]);
  });

  it("remembers where a project's window was and opens it there next time, moved aside from an open one", async () => {
    const first = setup();
    await first.app.start(["/p/a.draftline"]);
    first.windows[0]?.close();
    const second = setup();
    await second.app.start(["/p/a.draftline", "/p/b.draftline"]);
    expect(second.windows[0]?.spec.bounds).toEqual({ x: 100, y: 100, width: 1400, height: 900 });
    expect(second.windows[1]?.spec.bounds).toMatchObject({ x: 128, y: 128 });
  });

  it("reloads a window whose page crashed, without asking about changes that died with it", async () => {
    const { app, windows, setState, boxes } = setup();
    await app.start(["/p/a.draftline"]);
    await setState(windows[0], { modified: true, path: "/p/a.draftline" });
    windows[0]?.load("draftline-app://app/elsewhere");
    windows[0]?.crash();
    expect(windows[0]?.url).toBe(windowUrl("/p/a.draftline"));
    windows[0]?.close();
    expect(boxes).toEqual([]);
    expect(windows[0]?.destroyed).toBe(true);
  });
});

describe("the close guard", () => {
  it("closes a saved document without asking", async () => {
    const { app, windows, boxes } = setup();
    await app.start([]);
    windows[0]?.close();
    expect(boxes).toEqual([]);
    expect(windows[0]?.destroyed).toBe(true);
  });

  it("asks about unsaved changes: Cancel keeps the window, Don't Save closes it", async () => {
    const { app, windows, boxes, answer, setState } = setup();
    await app.start([]);
    const window = windows[0] as FakeWindow;
    await setState(window, { modified: true, title: "The Lighthouse" });

    answer("Cancel");
    window.close();
    await settle();
    expect(boxes[0]?.message).toContain("“The Lighthouse”");
    expect(window.destroyed).toBe(false);

    answer("Don't Save");
    window.close();
    await settle();
    expect(window.destroyed).toBe(true);
  });

  it("Save asks the page to save and close, and the window stays until the page closes it", async () => {
    const { app, windows, answer, setState, request } = setup();
    await app.start([]);
    const window = windows[0] as FakeWindow;
    await setState(window, { modified: true });
    answer("Save");
    window.close();
    await settle();
    expect(window.commands()).toEqual(["file.saveAndClose"]);
    expect(window.destroyed).toBe(false);

    await setState(window, { modified: false, path: "/p/saved.draftline" });
    await request(window, "window.close", {});
    expect(window.destroyed).toBe(true);
  });

  it("while the model writes, asks first, and Stop and Close stops it before saving", async () => {
    const { app, windows, answer, boxes, setState } = setup();
    await app.start([]);
    const window = windows[0] as FakeWindow;
    await setState(window, { generating: true });
    answer("Stop and Close");
    window.close();
    await settle();
    expect(boxes[0]?.message).toMatch(/still writing/);
    expect(window.commands()).toEqual(["generate.stop", "file.saveAndClose"]);
  });

  it("asks once even when close is pressed again while the question is open", async () => {
    const { app, windows, boxes, setState } = setup();
    await app.start([]);
    await setState(windows[0], { modified: true });
    windows[0]?.close();
    windows[0]?.close();
    await settle();
    expect(boxes).toHaveLength(1);
  });
});

describe("document state", () => {
  it("shows the title and the edited mark, and tells the OS about the file", async () => {
    const { app, windows, setState, recentDocuments } = setup("darwin");
    await app.start([]);
    await setState(windows[0], { modified: true, title: "The Lighthouse", path: "/p/l.draftline" });
    expect(windows[0]).toMatchObject({ title: "The Lighthouse", edited: true, representedFile: path.resolve("/p/l.draftline") });
    expect(recentDocuments).toEqual([path.resolve("/p/l.draftline")]);
  });

  it("marks unsaved changes in the title bar elsewhere than macOS", () => {
    expect(windowTitle({ title: "Essay", modified: true }, "win32", "Draftline")).toBe("• Essay — Draftline");
    expect(windowTitle({ title: "Essay", modified: false }, "linux", "Draftline")).toBe("Essay — Draftline");
    expect(windowTitle({ title: " ", modified: false }, "darwin", "Draftline")).toBe("Untitled");
  });

  it("enables Pause and Stop in the menu while the focused window's model writes", async () => {
    const { app, windows, setState, menu } = setup();
    await app.start([]);
    expect(findItem(menu(), "Stop")?.enabled).toBe(false);
    await setState(windows[0], { generating: true });
    expect(findItem(menu(), "Stop")?.enabled).toBe(true);
    expect(findItem(menu(), "Start Writing")?.enabled).toBe(false);
  });

  it("sends a menu command to the focused window only", async () => {
    const { app, windows, menu } = setup();
    await app.start(["/p/a.draftline", "/p/b.draftline"]);
    windows[0]?.focus();
    (findItem(menu(), "Save")?.click as () => void)();
    expect(windows[0]?.commands()).toEqual(["file.save"]);
    expect(windows[1]?.commands()).toEqual([]);
  });

  it("lists the recent projects in the menu and opens the one chosen", async () => {
    const recent = [{ path: path.resolve("/p/old.draftline"), title: "Old Essay", words: 0, target: 0, modifiedAt: 0 }];
    const { app, windows, menu, setState } = setup("linux", recent);
    await app.start([]);
    await setState(windows[0], { modified: true });
    (findItem(menu(), "Old Essay — old.draftline")?.click as () => void)();
    expect(windows.map((w) => w.url)).toEqual([windowUrl(null), windowUrl(path.resolve("/p/old.draftline"))]);
  });
});

describe("files a window's page may name", () => {
  const reachedBackEnd = { ok: false, error: { code: "failed", message: "reached the back end" } };
  const home = (name: string) => path.resolve("/home/writer", name);

  it("open, import, save as and export take only the paths this window's dialogs returned", async () => {
    const { app, windows, request, pick, saveTo, backEnd } = setup();
    await app.start([]);
    const page = windows[0];
    const refused = (message: string) => ({ ok: false, error: { code: "failed", message: expect.stringContaining(message) } });
    await expect(request(page, "projects.open", { path: home("secret.draftline") })).resolves.toMatchObject(refused("opens only a project chosen in its Open dialog or listed in recent projects"));
    await expect(request(page, "projects.import", { path: home(".ssh/id_rsa") })).resolves.toMatchObject(refused("imports only a file chosen in its Import dialog"));
    await expect(request(page, "projects.export", { projectId: "p", path: home(".bashrc"), format: "markdown" })).resolves.toMatchObject(refused("exports only to a file chosen in its Export dialog"));
    await expect(request(page, "projects.saveAs", { projectId: "p", path: home(".bashrc") })).resolves.toMatchObject(refused("saves only where its Save dialog was pointed"));
    await expect(request(page, "projects.create", { instruction: "x", targetWords: null, path: home("x.draftline") })).resolves.toMatchObject(refused("saves only"));
    expect(backEnd).toEqual([]);
    // A document with no file yet needs no path.
    await expect(request(page, "projects.create", { instruction: "x", targetWords: null })).resolves.toMatchObject(reachedBackEnd);

    pick(home("novel.draftline"));
    await request(page, "dialog.openProject", {});
    await expect(request(page, "projects.open", { path: home("novel.draftline"), force: true })).resolves.toMatchObject(reachedBackEnd);
    pick(home("draft.md"));
    await request(page, "dialog.importDraft", {});
    await expect(request(page, "projects.import", { path: home("draft.md") })).resolves.toMatchObject(reachedBackEnd);
    // A path is granted for what it was chosen for: an imported draft is not a project to open.
    await expect(request(page, "projects.open", { path: home("draft.md") })).resolves.toMatchObject(refused("opens only"));
    saveTo(home("novel.draftline"));
    await request(page, "dialog.saveProjectAs", {});
    await expect(request(page, "projects.saveAs", { projectId: "p", path: home("novel.draftline") })).resolves.toMatchObject(reachedBackEnd);
    await expect(request(page, "projects.import", { path: home("draft.md"), out: home("novel.draftline") })).resolves.toMatchObject(reachedBackEnd);
    expect(backEnd.map((c) => c.method)).toEqual(["projects.create", "projects.open", "projects.import", "projects.saveAs", "projects.import"]);
  });

  it("a model is read from the models folder, a downloaded catalog model or the model dialog's choice, never another path", async () => {
    const { app, windows, request, pick, backEnd } = setup();
    await app.start([]);
    const page = windows[0];
    const refused = { ok: false, error: { code: "failed", message: expect.stringContaining("reads only a model in its models folder or chosen in its Choose a Model File dialog") } };
    await expect(request(page, "models.inspect", { path: home(".ssh/id_rsa") })).resolves.toMatchObject(refused);
    await expect(request(page, "models.load", { source: { kind: "file", path: home("secret.gguf") } })).resolves.toMatchObject(refused);
    // A draft model named by path is held to the same rule; one named by its catalog id is the back end's to find.
    await expect(request(page, "models.load", { source: { kind: "file", path: "/models/folder/a.gguf" }, settings: { draftModel: home("b.gguf") } })).resolves.toMatchObject(refused);
    expect(backEnd.filter((c) => c.method.startsWith("models.load") || c.method === "models.inspect")).toEqual([]);

    await expect(request(page, "models.inspect", { path: "/models/folder/a.gguf" })).resolves.toMatchObject(reachedBackEnd);
    await expect(request(page, "models.load", { source: { kind: "file", path: "/models/catalog/qwen.gguf" }, settings: { draftModel: "qwen3-0.6b" } })).resolves.toMatchObject(reachedBackEnd);
    pick(home("Downloads/mine.gguf"));
    await request(page, "dialog.openModelFile", {});
    await expect(request(page, "models.inspect", { path: home("Downloads/mine.gguf") })).resolves.toMatchObject(reachedBackEnd);
    await expect(request(page, "models.load", { source: { kind: "file", path: home("Downloads/mine.gguf") }, settings: { draftModel: "/models/folder/a.gguf" } })).resolves.toMatchObject(reachedBackEnd);
    // A server or a catalog id names no file here.
    await expect(request(page, "models.load", { source: { kind: "catalog", id: "is-writer-8b" } })).resolves.toMatchObject(reachedBackEnd);
    expect(backEnd.filter((c) => c.method === "models.load" || c.method === "models.inspect").map((c) => c.method)).toEqual(["models.inspect", "models.load", "models.inspect", "models.load", "models.load"]);
  });

  it("an export the dialog asked about replacing goes ahead; one whose extension was added asks again", async () => {
    const { app, windows, request, saveTo, backEnd } = setup();
    await app.start([]);
    saveTo(home("story.md"));
    await request(windows[0], "dialog.exportPath", { format: "markdown" });
    await expect(request(windows[0], "projects.export", { projectId: "p", path: home("story.md"), format: "markdown" })).resolves.toMatchObject(reachedBackEnd);
    saveTo(home("notes"));
    await request(windows[0], "dialog.exportPath", { format: "markdown" });
    await expect(request(windows[0], "projects.export", { projectId: "p", path: home("notes.md"), format: "markdown" })).resolves.toMatchObject(reachedBackEnd);
    await expect(request(windows[0], "projects.export", { projectId: "p", path: home("notes.md"), format: "markdown", overwrite: true })).resolves.toMatchObject(reachedBackEnd);
    expect(backEnd.map((c) => [c.params.path, c.params.overwrite])).toEqual([
      [home("story.md"), true],
      [home("notes.md"), false],
      [home("notes.md"), true],
    ]);
  });

  it("a window may open what the launch or the OS handed it and the recent projects, not another window's choices", async () => {
    const recent = [{ path: path.resolve("/p/recent.draftline"), title: "Recent", words: 0, target: 0, modifiedAt: 0 }];
    const { app, windows, request, pick, backEnd } = setup("linux", recent);
    await app.start([path.resolve("/p/a.draftline")]);
    app.openFiles([path.resolve("/p/b.draftline")]);
    await expect(request(windows[0], "projects.open", { path: path.resolve("/p/a.draftline") })).resolves.toMatchObject(reachedBackEnd);
    await expect(request(windows[0], "projects.open", { path: path.resolve("/p/recent.draftline") })).resolves.toMatchObject(reachedBackEnd);
    await expect(request(windows[0], "projects.open", { path: path.resolve("/p/b.draftline") })).resolves.toMatchObject({ ok: false, error: { message: expect.stringContaining("opens only") } });
    await expect(request(windows[1], "projects.open", { path: path.resolve("/p/b.draftline") })).resolves.toMatchObject(reachedBackEnd);
    pick(path.resolve("/p/chosen.md"));
    await request(windows[1], "dialog.importDraft", {});
    await expect(request(windows[0], "projects.import", { path: path.resolve("/p/chosen.md") })).resolves.toMatchObject({ ok: false, error: { message: expect.stringContaining("imports only") } });
    expect(backEnd).toHaveLength(3);
  });
});

describe("requests from windows", () => {
  it("refuses a sender that is not one of the app's windows, or a frame not on the app's page", async () => {
    const { app, windows } = setup();
    await app.start([]);
    const refused = { ok: false, error: { code: "bad-message" } };
    await expect(app.handleRequest({ windowId: 99, frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true }, "app.echo", { text: "x" })).resolves.toMatchObject(refused);
    await expect(app.handleRequest({ windowId: windows[0]?.id, frameUrl: "https://example.com/", isMainFrame: true }, "app.echo", { text: "x" })).resolves.toMatchObject(refused);
    await expect(app.handleRequest({ windowId: windows[0]?.id, frameUrl: `${APP_ORIGIN}/index.html`, isMainFrame: false }, "app.echo", { text: "x" })).resolves.toMatchObject(refused);
  });

  it("answers every window of the app, not only the first", async () => {
    const { app, windows, request } = setup();
    await app.start(["/p/a.draftline", "/p/b.draftline"]);
    await expect(request(windows[1], "app.echo", { text: "second" })).resolves.toMatchObject({ ok: true, result: { text: "second" } });
  });

  it("stops answering a window once it closed", async () => {
    const { app, windows, request } = setup();
    await app.start([]);
    windows[0]?.close();
    await expect(request(windows[0], "app.echo", { text: "late" })).resolves.toMatchObject({ ok: false, error: { code: "bad-message" } });
  });

  it("opening a project shown by another window brings that window forward", async () => {
    const { app, windows, request, pick } = setup();
    await app.start(["/p/a.draftline", "/p/b.draftline"]);
    pick(path.resolve("/p/a.draftline"));
    const before = windows[0]?.focusCount ?? 0;
    await expect(request(windows[1], "dialog.openProject", {})).resolves.toMatchObject({ ok: true, result: { alreadyOpen: true } });
    expect(windows[0]?.focusCount).toBe(before + 1);
  });

  it("logs a failed request by its method and error code, never the text it carried", async () => {
    const { app, windows, request, logLines } = setup();
    await app.start([]);
    await request(windows[0], "app.echo", { text: "fail: the lighthouse keeper's secret" });
    const failed = logLines.map((l) => JSON.parse(l)).find((l) => l.event === "request.failed");
    expect(failed).toMatchObject({ method: "app.echo", ok: false, code: "failed" });
    expect(logLines.join("\n")).not.toContain("lighthouse");
  });

  it("sends the back end's events to every window", async () => {
    const { app, windows } = setup();
    await app.start(["/p/a.draftline", "/p/b.draftline"]);
    const event: WireEvent = { kind: "event", name: "generation.progress", payload: { words: 10 } };
    app.broadcast(event);
    expect(windows.map((w) => w.sent.at(-1))).toEqual([
      { channel: IPC_EVENT_CHANNEL, message: event },
      { channel: IPC_EVENT_CHANNEL, message: event },
    ]);
  });
});

describe("Help", () => {
  it("opens the logs folder in the app's data folder", async () => {
    const { app, opened } = setup();
    await app.start([]);
    app.menuActions.openLogsFolder();
    await settle();
    expect(opened).toEqual([path.join(dataDir, "logs")]);
  });

  it("About names the app and its version", async () => {
    const { app, boxes } = setup();
    await app.start([]);
    app.menuActions.showAbout();
    await settle();
    expect(boxes[0]?.message).toBe("Draftline 1.2.3");
  });
});
