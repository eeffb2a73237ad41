import { beforeEach, describe, expect, it } from "vitest";
import { createManuscript } from "../../../electron/common/manuscript";
import { InMemoryBackend } from "../testing/inMemoryBackend";
import { translate } from "../i18n";
import { createAppStore, type AppStore } from "../store/store";
import { runCommand } from "./commands";
import { applyChosenPath, exportDocument, replaceAskedFile, save } from "./fileActions";

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function setup(shell: "web" | "electron") {
  const fake = new InMemoryBackend({ shell });
  const store: AppStore = createAppStore();
  store.getState().setConnected(fake.client, fake.documents, await fake.client.call("app.info", {}));
  await store.getState().createDocument({ instruction: "A story about a bridge", targetWords: 1000, language: "en", mode: null });
  return { fake, store };
}

describe("saving, exporting and importing", () => {
  let web: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => {
    web = await setup("web");
  });

  it("in the browser, saving a document never saved asks for a path, then saves there", async () => {
    expect(runCommand("file.save", web.store)).toBe(true);
    await settle();
    expect(web.store.getState().panel).toBe("saveAs");
    expect(await applyChosenPath(web.store, "saveAs", "/home/me/bridge.draftline")).toEqual({ ok: true });
    expect(web.store.getState().document).toMatchObject({ path: "/home/me/bridge.draftline", modified: false });
    expect(web.fake.files.has("/home/me/bridge.draftline")).toBe(true);
  });

  it("in the browser, Save As over a file that is there asks first, and replaces it only when told to, saying where the old file was kept", async () => {
    web.fake.addFile("/home/me/other.draftline", createManuscript({ instruction: "The other story", targetWords: 500 }));
    const held = await applyChosenPath(web.store, "saveAs", "/home/me/other.draftline");
    expect(held).toMatchObject({ ok: false, exists: true });
    expect(web.store.getState()).toMatchObject({ panel: "replaceExport", replaceQuestion: { purpose: "saveAs", path: "/home/me/other.draftline" } });
    expect(web.fake.files.get("/home/me/other.draftline")?.instruction).toBe("The other story");
    expect(web.store.getState().document?.path).toBeNull();
    expect(await replaceAskedFile(web.store)).toEqual({ ok: true });
    expect(web.store.getState()).toMatchObject({ panel: null, replaceQuestion: null, document: { path: "/home/me/other.draftline", modified: false } });
    expect(web.fake.files.get("/home/me/other.draftline")?.instruction).toBe("A story about a bridge");
    const backup = "/home/me/other.replaced-2026-01-01T00-00-00-000Z.draftline";
    expect(web.fake.files.get(backup)?.instruction).toBe("The other story");
    expect(web.store.getState().notices.at(-1)).toMatchObject({ kind: "info", key: "notice.savedReplacing", values: { path: "/home/me/other.draftline", backup } });
    expect(translate("en", "replace.bodySaveAs", { path: "/home/me/other.draftline" })).toBe("/home/me/other.draftline already exists. Replace it?");
  });

  it("after a save the status names the full path; the suggested path is the documents folder, then the project's last folder", async () => {
    const { documents, document } = web.store.getState();
    expect(await documents!.suggestPath(document!.projectId, "draftline")).toEqual({ folder: "/home/writer/Documents/Draftline", path: "/home/writer/Documents/Draftline/A story about a bridge.draftline" });
    await applyChosenPath(web.store, "saveAs", "/home/me/books/bridge.draftline");
    expect(web.store.getState().notices.at(-1)).toMatchObject({ key: "notice.saved", values: { path: "/home/me/books/bridge.draftline" } });
    expect((await documents!.suggestPath(document!.projectId, "docx")).path).toBe("/home/me/books/A story about a bridge.docx");
  });

  it("in the desktop app, Save As uses the native dialog, and a cancelled dialog saves nothing", async () => {
    const desktop = await setup("electron");
    desktop.fake.dialogAnswer = null;
    runCommand("file.saveAs", desktop.store);
    await settle();
    await settle();
    expect(desktop.store.getState().document?.path).toBeNull();
    expect(desktop.store.getState().panel).toBeNull();
    desktop.fake.dialogAnswer = "/docs/bridge.draftline";
    runCommand("file.saveAndClose", desktop.store);
    for (let i = 0; i < 5; i++) await settle();
    expect(desktop.store.getState().document?.path).toBe("/docs/bridge.draftline");
    expect(desktop.fake.windowClosed).toBe(true);
  });

  it("a saved document saves to its file without asking", async () => {
    await applyChosenPath(web.store, "saveAs", "/home/me/bridge.draftline");
    await save(web.store);
    expect(web.store.getState().panel).toBeNull();
    expect(web.store.getState().document?.modified).toBe(false);
  });

  it("exports the draft and says where", async () => {
    expect(await applyChosenPath(web.store, "export", "/home/me/bridge.docx", { format: "docx" })).toEqual({ ok: true });
    expect(web.fake.exported.has("/home/me/bridge.docx")).toBe(true);
    expect(web.store.getState().notices.at(-1)).toMatchObject({ kind: "info", key: "notice.exported", values: { path: "/home/me/bridge.docx" } });
  });

  it("asks before an export replaces a file Draftline did not write, and replaces it only when told to", async () => {
    web.fake.foreignFiles.add("/home/me/.bashrc.md");
    const held = await applyChosenPath(web.store, "export", "/home/me/.bashrc.md", { format: "markdown" });
    expect(held).toMatchObject({ ok: false, exists: true });
    expect(web.fake.exported.has("/home/me/.bashrc.md")).toBe(false);
    expect(web.store.getState()).toMatchObject({ panel: "replaceExport", replaceQuestion: { path: "/home/me/.bashrc.md", format: "markdown" } });
    // Cancel: nothing is written.
    web.store.getState().openPanel(null);
    expect(web.fake.exported.has("/home/me/.bashrc.md")).toBe(false);
    // Asked again, the writer says Replace.
    await applyChosenPath(web.store, "export", "/home/me/.bashrc.md", { format: "markdown" });
    expect(await replaceAskedFile(web.store)).toEqual({ ok: true });
    expect(web.fake.exported.has("/home/me/.bashrc.md")).toBe(true);
    expect(web.store.getState()).toMatchObject({ panel: null, replaceQuestion: null });
    expect(web.store.getState().notices.at(-1)).toMatchObject({ key: "notice.exported", values: { path: "/home/me/.bashrc.md" } });
  });

  it("exports an EPUB with its author and the plan appendix, and keeps them when the writer is asked to replace a file", async () => {
    web.fake.foreignFiles.add("/home/me/bridge.epub");
    const held = await applyChosenPath(web.store, "export", "/home/me/bridge.epub", { format: "epub", withPlan: true, author: " Ada Writer " });
    expect(held).toMatchObject({ ok: false, exists: true });
    expect(web.store.getState().replaceQuestion).toEqual({ path: "/home/me/bridge.epub", format: "epub", withPlan: true, author: "Ada Writer" });
    expect(await replaceAskedFile(web.store)).toEqual({ ok: true });
    expect(web.fake.exportOptions.get("/home/me/bridge.epub")).toEqual({ withPlan: true, author: "Ada Writer" });
  });

  it("in the desktop app, File > Export > EPUB asks the native dialog for an .epub", async () => {
    const desktop = await setup("electron");
    desktop.fake.dialogAnswer = "/docs/bridge.epub";
    expect(runCommand("file.exportEpub", desktop.store)).toBe(true);
    for (let i = 0; i < 5; i++) await settle();
    expect(desktop.fake.requests.find((r) => r.method === "dialog.exportPath")?.params).toEqual({ format: "epub", suggestedName: "A story about a bridge.epub" });
    expect(desktop.fake.exported.has("/docs/bridge.epub")).toBe(true);
  });

  it("in the desktop app, an export that finds a file in its way asks too, instead of failing", async () => {
    const desktop = await setup("electron");
    desktop.fake.dialogAnswer = "/docs/bridge.md";
    desktop.fake.foreignFiles.add("/docs/bridge.md");
    await exportDocument(desktop.store, "markdown");
    expect(desktop.store.getState()).toMatchObject({ panel: "replaceExport", replaceQuestion: { path: "/docs/bridge.md", format: "markdown" } });
    expect(desktop.store.getState().notices.filter((n) => n.kind === "error")).toEqual([]);
    expect(await replaceAskedFile(desktop.store)).toEqual({ ok: true });
    expect(desktop.fake.exported.has("/docs/bridge.md")).toBe(true);
  });

  it("imports a draft as a new document, and says why when it cannot", async () => {
    web.fake.addFile("/home/me/draft.md", { ...createManuscript({ instruction: "Imported", targetWords: 500 }) });
    expect(await applyChosenPath(web.store, "importDraft", "/home/me/draft.md")).toEqual({ ok: true });
    expect(web.store.getState().manuscript?.instruction).toBe("Imported");
    const missing = await applyChosenPath(web.store, "importDraft", "/nowhere.md");
    expect(missing).toEqual({ ok: false, message: "There is no file at /nowhere.md." });
  });

  it("tells the writer what a Word document held that the import could not bring over", async () => {
    web.fake.addFile("/home/me/novel.docx", createManuscript({ instruction: "Imported", targetWords: 500 }));
    web.fake.importNotices = [
      { kind: "images", count: 2 },
      { kind: "tables", count: 1 },
      { kind: "other", count: 1, detail: "An unrecognised element was ignored: w:sdt" },
    ];
    expect(await applyChosenPath(web.store, "importDraft", "/home/me/novel.docx")).toEqual({ ok: true });
    const shown = web.store.getState().notices.map((n) => translate("en", n.key, n.values));
    expect(shown).toEqual([
      "Imported without its 2 picture(s): Draftline keeps only text.",
      "Imported 1 table(s) as paragraphs: their cells' text is kept.",
      "Part of the document could not be read: An unrecognised element was ignored: w:sdt",
    ]);
  });
});
