import type { MenuItemConstructorOptions } from "electron";
import { describe, expect, it } from "vitest";
import type { UiCommand } from "../common/api/ui";
import { buildMenuTemplate, MAX_RECENT_ITEMS, recentLabel, type MenuActions, type MenuState } from "./menu";

type Item = MenuItemConstructorOptions;

function fakeActions() {
  const calls: string[] = [];
  const actions: MenuActions = {
    command: (command: UiCommand) => calls.push(`command ${command}`),
    newDocument: () => calls.push("new"),
    openProject: () => calls.push("open"),
    openRecent: (file) => calls.push(`recent ${file}`),
    clearRecent: () => calls.push("clear recent"),
    showAbout: () => calls.push("about"),
    openLogsFolder: () => calls.push("logs"),
  };
  return { actions, calls };
}

const base: MenuState = { platform: "linux", appName: "Draftline", isPackaged: true, recent: [], hasDocument: true, generating: false };

function build(state: Partial<MenuState> = {}) {
  const { actions, calls } = fakeActions();
  return { template: buildMenuTemplate({ ...base, ...state }, actions), calls };
}

const plain = (label: string | undefined) => (label ?? "").replace(/&(?!&)/g, "").replace(/&&/g, "&");

function submenu(item: Item | undefined): Item[] {
  return Array.isArray(item?.submenu) ? item.submenu : [];
}

function menu(template: Item[], label: string): Item[] {
  const found = template.find((item) => plain(item.label) === label);
  if (!found) throw new Error(`no menu ${label} in ${template.map((i) => plain(i.label)).join(", ")}`);
  return submenu(found);
}

/** Finds an item by its path of labels, e.g. ["File", "Export", "Markdown (.md)…"]. */
function item(template: Item[], ...labels: string[]): Item {
  let items = template;
  let found: Item | undefined;
  for (const label of labels) {
    found = items.find((i) => plain(i.label) === label);
    if (!found) throw new Error(`no item ${labels.join(" › ")} (at ${label}: ${items.map((i) => plain(i.label) || i.role).join(", ")})`);
    items = submenu(found);
  }
  return found as Item;
}

function click(entry: Item): void {
  (entry.click as (() => void) | undefined)?.();
}

function all(items: Item[]): Item[] {
  return items.flatMap((i) => [i, ...all(submenu(i))]);
}

/** Electron's default accelerators of the roles this menu uses (docs: menu-item roles). */
const ROLE_ACCELERATORS: Record<string, string[]> = {
  undo: ["CmdOrCtrl+Z"],
  redo: ["Shift+CmdOrCtrl+Z", "Ctrl+Y"],
  cut: ["CmdOrCtrl+X"],
  copy: ["CmdOrCtrl+C"],
  paste: ["CmdOrCtrl+V"],
  pasteAndMatchStyle: ["Shift+Alt+CmdOrCtrl+V"],
  selectAll: ["CmdOrCtrl+A"],
  close: ["CmdOrCtrl+W"],
  quit: ["CmdOrCtrl+Q"],
  hide: ["Cmd+H"],
  hideOthers: ["Alt+Cmd+H"],
  reload: ["CmdOrCtrl+R"],
  toggleDevTools: ["Alt+CmdOrCtrl+I", "Ctrl+Shift+I"],
  resetZoom: ["CmdOrCtrl+0"],
  zoomIn: ["CmdOrCtrl+Plus"],
  zoomOut: ["CmdOrCtrl+-"],
  togglefullscreen: ["F11", "Ctrl+Cmd+F"],
};

/** Accelerators compared regardless of modifier order and case. */
function normalize(accelerator: string): string {
  const parts = accelerator.toLowerCase().split("+");
  const key = parts.pop();
  return [...parts.sort(), key].join("+");
}

describe("the application menu", () => {
  it("has File, Edit, View, Generate and Help on Windows and Linux, with Quit in File", () => {
    for (const platform of ["linux", "win32"] as const) {
      const { template } = build({ platform });
      expect(template.map((i) => plain(i.label))).toEqual(["File", "Edit", "View", "Generate", "Help"]);
      expect(menu(template, "File").some((i) => i.role === "quit")).toBe(true);
      expect(plain(item(template, "Help", "About Draftline").label)).toBe("About Draftline");
    }
  });

  it("follows macOS conventions: the app menu holds About and Quit, and there is a Window menu", () => {
    const { template } = build({ platform: "darwin" });
    expect(plain(template[0]?.label)).toBe("Draftline");
    const appMenu = submenu(template[0]);
    expect(appMenu.map((i) => i.role ?? plain(i.label))).toEqual(expect.arrayContaining(["About Draftline", "services", "hide", "quit"]));
    expect(menu(template, "File").some((i) => i.role === "quit")).toBe(false);
    expect(template.some((i) => i.role === "windowMenu")).toBe(true);
    expect(menu(template, "Edit").some((i) => i.role === "pasteAndMatchStyle")).toBe(true);
  });

  it.each([
    [["File", "New"], "new"],
    [["File", "Open…"], "open"],
    [["File", "Save"], "command file.save"],
    [["File", "Save As…"], "command file.saveAs"],
    [["File", "Import Draft…"], "command file.importDraft"],
    [["File", "Export", "Word Document (.docx)…"], "command file.exportDocx"],
    [["File", "Export", "Markdown (.md)…"], "command file.exportMarkdown"],
    [["File", "Export", "EPUB E-book (.epub)…"], "command file.exportEpub"],
    [["View", "Show or Hide Timeline"], "command view.toggleTimeline"],
    [["View", "Theme", "Dark"], "command view.theme.dark"],
    [["Help", "Open Logs Folder"], "logs"],
  ])("%j does %s", (labels, expected) => {
    const { template, calls } = build();
    click(item(template, ...labels));
    expect(calls).toEqual([expected]);
  });

  it("offers Start while idle, and Pause, Resume and Stop while the model writes", () => {
    const idle = build({ generating: false }).template;
    const writing = build({ generating: true });
    const enabled = (template: Item[]) => menu(template, "Generate").map((i) => [plain(i.label), i.enabled]);
    expect(enabled(idle)).toEqual([["Start Writing", true], ["Pause", false], ["Resume", false], ["Stop", false]]);
    expect(enabled(writing.template)).toEqual([["Start Writing", false], ["Pause", true], ["Resume", true], ["Stop", true]]);
    for (const [label, command] of [["Pause", "generate.pause"], ["Resume", "generate.resume"], ["Stop", "generate.stop"]]) {
      click(item(writing.template, "Generate", label as string));
      expect(writing.calls.at(-1)).toBe(`command ${command}`);
    }
  });

  it("disables document commands when no document window has focus, but not New and Open", () => {
    const { template } = build({ hasDocument: false, generating: false });
    expect(item(template, "File", "Save").enabled).toBe(false);
    expect(item(template, "File", "Export").enabled).toBe(false);
    expect(item(template, "Generate", "Start Writing").enabled).toBe(false);
    expect(item(template, "File", "New").enabled).not.toBe(false);
    expect(item(template, "File", "Open…").enabled).not.toBe(false);
  });

  it("gives the document commands their usual shortcuts", () => {
    const { template } = build();
    expect(item(template, "File", "New").accelerator).toBe("CmdOrCtrl+N");
    expect(item(template, "File", "Open…").accelerator).toBe("CmdOrCtrl+O");
    expect(item(template, "File", "Save").accelerator).toBe("CmdOrCtrl+S");
    expect(item(template, "File", "Save As…").accelerator).toBe("Shift+CmdOrCtrl+S");
    expect(item(template, "Generate", "Start Writing").accelerator).toBe("CmdOrCtrl+Enter");
  });

  it("never gives two items the same shortcut, also counting Electron's role shortcuts", () => {
    for (const platform of ["linux", "darwin", "win32"] as const) {
      const items = all(build({ platform, isPackaged: false }).template);
      const used = items.flatMap((i) => (i.accelerator ? [String(i.accelerator)] : i.role ? (ROLE_ACCELERATORS[i.role] ?? []) : [])).map(normalize);
      const repeated = used.filter((a, index) => used.indexOf(a) !== index);
      expect(repeated, platform).toEqual([]);
    }
  });

  it("has Zoom from Electron's roles, and developer tools only when not packaged", () => {
    const packaged = menu(build({ isPackaged: true }).template, "View").map((i) => i.role);
    expect(packaged).toEqual(expect.arrayContaining(["resetZoom", "zoomIn", "zoomOut", "togglefullscreen"]));
    expect(packaged).not.toContain("toggleDevTools");
    expect(menu(build({ isPackaged: false }).template, "View").map((i) => i.role)).toContain("toggleDevTools");
  });
});

describe("Open Recent", () => {
  it("says so when there is nothing recent", () => {
    const recent = submenu(item(build().template, "File", "Open Recent"));
    expect(recent).toEqual([{ label: "No Recent Projects", enabled: false }]);
  });

  it("lists the newest projects, opens the one clicked, and can be cleared", () => {
    const projects = Array.from({ length: 14 }, (_, i) => ({ path: `/docs/p${i}.draftline`, title: `Project ${i}` }));
    const { template, calls } = build({ recent: projects });
    const recent = submenu(item(template, "File", "Open Recent"));
    const entries = recent.filter((i) => i.click && plain(i.label) !== "Clear Menu");
    expect(entries).toHaveLength(MAX_RECENT_ITEMS);
    expect(plain(entries[0]?.label)).toBe("Project 0 — p0.draftline");
    click(entries[2] as Item);
    click(item(template, "File", "Open Recent", "Clear Menu"));
    expect(calls).toEqual(["recent /docs/p2.draftline", "clear recent"]);
  });

  it("labels a project by its title, adds the file name when it differs, and keeps ampersands", () => {
    expect(recentLabel({ path: "/d/The Lighthouse.draftline", title: "The Lighthouse" })).toBe("The Lighthouse");
    expect(recentLabel({ path: "/d/untitled.draftline", title: "" })).toBe("untitled.draftline");
    expect(recentLabel({ path: "/d/rr.draftline", title: "Rock & Roll" })).toBe("Rock && Roll — rr.draftline");
  });
});
