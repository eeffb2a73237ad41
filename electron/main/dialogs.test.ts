import path from "node:path";
import type { OpenDialogOptions, SaveDialogOptions } from "electron";
import { describe, expect, it } from "vitest";
import { dispatch } from "../common/api/server";
import { createDialogHandlers, safeFileName, withExtension } from "./dialogs";
import type { DesktopWindow, DialogAdapter } from "./shell";

const docs = path.resolve("/home/writer/Documents");
const asking = { id: 7 } as DesktopWindow;

function setup(answer: { open?: string[]; save?: string; canceled?: boolean }, openElsewhere: string[] = []) {
  const shown: { kind: "open" | "save"; parent: DesktopWindow | undefined; options: OpenDialogOptions | SaveDialogOptions }[] = [];
  const focused: string[] = [];
  const granted: { clientId: string; purpose: string; file: string; overwriteConfirmed: boolean }[] = [];
  const dialogs: DialogAdapter = {
    showOpenDialog: async (parent, options) => {
      shown.push({ kind: "open", parent, options });
      return { canceled: answer.canceled ?? false, filePaths: answer.canceled ? [] : (answer.open ?? []) };
    },
    showSaveDialog: async (parent, options) => {
      shown.push({ kind: "save", parent, options });
      return answer.canceled ? { canceled: true } : { canceled: false, filePath: answer.save };
    },
    showMessageBox: async () => ({ response: 0 }),
  };
  const handlers = createDialogHandlers({
    dialogs,
    windowOf: (context) => (context.clientId === "window-7" ? asking : undefined),
    documentsDir: () => docs,
    focusIfOpenElsewhere: (file) => {
      if (!openElsewhere.includes(file)) return false;
      focused.push(file);
      return true;
    },
    grant: (context, purpose, file, options) => void granted.push({ clientId: context.clientId, purpose, file, overwriteConfirmed: options?.overwriteConfirmed ?? false }),
  });
  const call = (method: string, params: unknown) => dispatch(handlers, { kind: "request", id: 1, method, params }, { clientId: "window-7" });
  return { call, shown, focused, granted };
}

describe("dialog requests", () => {
  it("opens a project with a .draftline filter, as a sheet of the window that asked", async () => {
    const { call, shown } = setup({ open: ["/home/writer/novel.draftline"] });
    await expect(call("dialog.openProject", {})).resolves.toMatchObject({ ok: true, result: { path: "/home/writer/novel.draftline", alreadyOpen: false } });
    expect(shown).toEqual([
      { kind: "open", parent: asking, options: expect.objectContaining({ properties: ["openFile"], filters: [{ name: "Draftline Projects", extensions: ["draftline"] }] }) },
    ]);
  });

  it("brings forward the window that already shows the chosen project", async () => {
    const { call, focused } = setup({ open: ["/p/a.draftline"] }, ["/p/a.draftline"]);
    await expect(call("dialog.openProject", {})).resolves.toMatchObject({ ok: true, result: { path: "/p/a.draftline", alreadyOpen: true } });
    expect(focused).toEqual(["/p/a.draftline"]);
  });

  it.each(["dialog.openProject", "dialog.saveProjectAs", "dialog.importDraft", "dialog.openModelFile"])("answers %s with a null path when the writer cancels", async (method) => {
    const { call } = setup({ canceled: true });
    await expect(call(method, {})).resolves.toMatchObject({ ok: true, result: { path: null } });
  });

  it("proposes the document's title as the file name in the Documents folder, and adds .draftline", async () => {
    const { call, shown } = setup({ save: "/home/writer/My Novel" });
    await expect(call("dialog.saveProjectAs", { suggestedName: "My Novel: Part 1/2" })).resolves.toMatchObject({ result: { path: "/home/writer/My Novel.draftline" } });
    expect(shown[0]?.options.defaultPath).toBe(path.join(docs, "My Novel Part 1 2.draftline"));
    expect(shown[0]?.options.properties).toContain("showOverwriteConfirmation");
  });

  it.each([
    ["docx", "/out/report", "/out/report.docx", ["docx"]],
    ["markdown", "/out/report.md", "/out/report.md", ["md"]],
  ] as const)("asks where to export %s and returns a path with its extension", async (format, chosen, expected, extensions) => {
    const { call, shown } = setup({ save: chosen });
    await expect(call("dialog.exportPath", { format })).resolves.toMatchObject({ ok: true, result: { path: expected } });
    expect(shown[0]?.options.filters?.[0]?.extensions).toEqual(extensions);
  });

  it("grants the asking window the path each dialog returned, for what it was asked for", async () => {
    const opened = setup({ open: ["/p/novel.draftline"] });
    await opened.call("dialog.openProject", {});
    await opened.call("dialog.importDraft", {});
    expect(opened.granted).toEqual([
      { clientId: "window-7", purpose: "open", file: "/p/novel.draftline", overwriteConfirmed: false },
      { clientId: "window-7", purpose: "import", file: "/p/novel.draftline", overwriteConfirmed: false },
    ]);
    // The save dialog asked about replacing the file it returned, not one whose extension was added after.
    const asIs = setup({ save: "/out/report.md" });
    await asIs.call("dialog.exportPath", { format: "markdown" });
    const extended = setup({ save: "/out/report" });
    await extended.call("dialog.exportPath", { format: "markdown" });
    await extended.call("dialog.saveProjectAs", {});
    expect([...asIs.granted, ...extended.granted]).toEqual([
      { clientId: "window-7", purpose: "export", file: "/out/report.md", overwriteConfirmed: true },
      { clientId: "window-7", purpose: "export", file: "/out/report.md", overwriteConfirmed: false },
      { clientId: "window-7", purpose: "saveAs", file: "/out/report.draftline", overwriteConfirmed: false },
    ]);
    const cancelled = setup({ canceled: true });
    await cancelled.call("dialog.exportPath", { format: "docx" });
    await cancelled.call("dialog.openProject", {});
    expect(cancelled.granted).toEqual([]);
  });

  it("refuses an unknown export format before any dialog opens", async () => {
    const { call, shown } = setup({ save: "/x" });
    await expect(call("dialog.exportPath", { format: "pdf" })).resolves.toMatchObject({ ok: false, error: { code: "bad-params" } });
    expect(shown).toEqual([]);
  });

  it("offers draft (Word, Markdown, text) and GGUF filters for import and model files", async () => {
    const { call, shown } = setup({ open: ["/m/model.gguf"] });
    await call("dialog.importDraft", {});
    await call("dialog.openModelFile", {});
    expect(shown.map((s) => s.options.filters?.[0]?.extensions)).toEqual([["docx", "md", "markdown", "txt"], ["gguf"]]);
  });
});

describe("safeFileName and withExtension", () => {
  it.each([
    ["The Lighthouse", "The Lighthouse"],
    ['a/b\\c:d*e?f"g<h>i|j', "a b c d e f g h i j"],
    ["...hidden", "hidden"],
    ["trailing dots...", "trailing dots"],
    ["   ", "Untitled"],
    [undefined, "Untitled"],
    ["line\nbreak", "linebreak"],
  ])("%j → %j", (input, expected) => {
    expect(safeFileName(input)).toBe(expected);
  });

  it("adds an extension only when it is missing, whatever its case", () => {
    expect(withExtension("/a/book", ".draftline")).toBe("/a/book.draftline");
    expect(withExtension("/a/book.DRAFTLINE", ".draftline")).toBe("/a/book.DRAFTLINE");
  });
});
