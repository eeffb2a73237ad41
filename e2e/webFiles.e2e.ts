// The files a page may name in web mode, against `draftline serve`: Save As and Export show the full
// path they write (the documents folder at first, then the project's last folder); a Save As over a
// file asks and keeps the file it replaces; an export writes only its format's extension and asks
// before replacing a file Draftline did not write; an import reads only a Markdown or text draft.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createDocument, exportDraft, newDocument, openWindow, saveScreenshot } from "./helpers";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
let dir: string;
test.beforeAll(async () => {
  app = await serveApp();
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-e2e-files-"));
});
test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("an export asks before replacing a file Draftline did not write, and never writes another format's file", async ({ page }) => {
  await openWindow(page, app);
  await newDocument(page, { instruction: "Write a short story about a lighthouse keeper.", target: 1000 });

  // A decoy in the way: the export asks, Cancel keeps it.
  const notes = path.join(dir, "notes.md");
  await writeFile(notes, "the writer's own notes\n");
  await exportDraft(page, notes, "Markdown (.md)");
  const question = page.getByRole("dialog", { name: "Replace the file?" });
  await expect(question).toContainText(`${notes} already exists, and Draftline did not write it.`);
  await question.getByRole("button", { name: "Cancel" }).click();
  await expect(question).toBeHidden();
  expect(await readFile(notes, "utf8")).toBe("the writer's own notes\n");

  // Asked again, Replace writes the export there.
  await exportDraft(page, notes, "Markdown (.md)");
  await question.getByRole("button", { name: "Replace" }).click();
  await expect(question).toBeHidden();
  await expect(page.getByText(`Exported to ${notes}.`)).toBeVisible();
  expect(await readFile(notes, "utf8")).toContain("lighthouse keeper");
  // Its own export is written again without a question.
  await exportDraft(page, notes, "Markdown (.md)");
  await expect(page.getByRole("dialog", { name: "Export" })).toBeHidden();
  await expect(question).toBeHidden();

  // A Markdown export over a dotfile is refused whatever the writer answers.
  const bashrc = path.join(dir, ".bashrc");
  await writeFile(bashrc, "export PATH=/usr/bin\n");
  await exportDraft(page, bashrc, "Markdown (.md)");
  await expect(page.getByRole("dialog", { name: "Export" }).getByRole("alert")).toContainText("A Markdown export is a .md, .markdown, .txt file");
  expect(await readFile(bashrc, "utf8")).toBe("export PATH=/usr/bin\n");
});

test("an import reads only a Word, Markdown or text draft", async ({ page }) => {
  await openWindow(page, app);
  const secret = path.join(dir, "id_rsa");
  await writeFile(secret, "-----BEGIN PRIVATE KEY-----\n");
  await page.getByRole("button", { name: "Import a draft" }).click();
  const panel = page.getByRole("dialog", { name: "Import a draft" });
  await panel.getByLabel("File path").fill(secret);
  await panel.getByRole("button", { name: "OK" }).click();
  await expect(panel.getByRole("alert")).toContainText("Only Word, Markdown or text drafts (.md, .markdown, .txt, .docx) can be imported");
  await expect(page.getByText("BEGIN PRIVATE KEY")).toHaveCount(0);

  // A draft with hostile markup: shown as the text it is, never run or rendered as HTML.
  const draft = path.join(dir, "draft.md");
  await writeFile(draft, '# The Keeper\n\n## Night <img src=x onerror="window.__pwned=1">\n\nThe lamp turned all night. <script>window.__pwned=2</script><b>not bold</b>\n');
  await panel.getByLabel("File path").fill(draft);
  await panel.getByRole("button", { name: "OK" }).click();
  await expect(panel).toBeHidden();
  await expect(page.getByText("The lamp turned all night.")).toBeVisible();
  await expect(page.getByText("<script>window.__pwned=2</script><b>not bold</b>", { exact: false }).first()).toBeVisible();
  expect(await page.locator("main img, main script, main b").count()).toBe(0);
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
});

test("Save As and Export show the full path they write: the documents folder at first, then the project's last folder; Save As over a file asks, and keeps the file it replaced", async ({ page }) => {
  const documents = path.join(app.home, "Documents", "Draftline");
  await openWindow(page, app);
  await newDocument(page, { instruction: "Write a short story about a lighthouse keeper.", title: "The Keeper", target: 1000 });

  // The first Save: the full path in the documents folder, named after the title; the status names it.
  await page.getByRole("button", { name: "Save", exact: true }).click();
  const saveAs = page.getByRole("dialog", { name: "Save as" });
  const first = path.join(documents, "The Keeper.draftline");
  await expect(saveAs.getByLabel("File path")).toHaveValue(first);
  await expect(saveAs).toContainText("Documents/Draftline in your home folder");
  await saveScreenshot(page, "save-dialog-full-path");
  await saveAs.getByRole("button", { name: "OK" }).click();
  await expect(saveAs).toBeHidden();
  await expect(page.locator(".status-saved")).toHaveText(`Saved to ${first}`);
  expect(await readFile(first, "utf8")).toContain("lighthouse keeper");

  // Export: in the folder it was saved to; exported elsewhere, that folder is suggested next time.
  await page.getByRole("button", { name: "Export…" }).click();
  const exportPanel = page.getByRole("dialog", { name: "Export" });
  await expect(exportPanel.getByLabel("File path")).toHaveValue(path.join(documents, "The Keeper.docx"));
  await exportPanel.getByLabel("Format").selectOption({ label: "Markdown (.md)" });
  await expect(exportPanel.getByLabel("File path")).toHaveValue(path.join(documents, "The Keeper.md"));
  const exports = path.join(dir, "exports");
  await mkdir(exports, { recursive: true });
  await exportPanel.getByLabel("File path").fill(path.join(exports, "keeper.md"));
  await exportPanel.getByRole("button", { name: "OK" }).click();
  await expect(page.getByText(`Exported to ${path.join(exports, "keeper.md")}.`)).toBeVisible();
  // After a reload, the project (opened again) still suggests its last folder.
  await page.reload();
  await expect(page.getByRole("status")).toContainText("Connected · web mode");
  await page.getByRole("button", { name: "Open…" }).first().click();
  const open = page.getByRole("dialog", { name: "Open a project" });
  await open.getByRole("textbox").fill(first);
  await open.getByRole("button", { name: "Open" }).click();
  await expect(open).toBeHidden();
  await page.getByRole("button", { name: "Export…" }).click();
  await expect(exportPanel.getByLabel("File path")).toHaveValue(path.join(exports, "The Keeper.docx"));
  await exportPanel.getByRole("button", { name: "Close" }).click();

  // Another document saved over the first one's file: asked, Cancel keeps it; Replace keeps a backup.
  await page.getByRole("button", { name: "New", exact: true }).click();
  await createDocument(page, { instruction: "Write a short story about a ferryman.", title: "The Ferryman", target: 1000 });
  await page.getByRole("button", { name: "Save As…" }).click();
  await expect(saveAs.getByLabel("File path")).toHaveValue(path.join(documents, "The Ferryman.draftline"));
  await saveAs.getByLabel("File path").fill(first);
  await saveAs.getByRole("button", { name: "OK" }).click();
  const question = page.getByRole("dialog", { name: "Replace the file?" });
  await expect(question).toContainText(`${first} already exists. Replace it?`);
  await expect(question).toContainText(".replaced-<date>.draftline");
  await saveScreenshot(page, "save-as-replace-question");
  await question.getByRole("button", { name: "Cancel" }).click();
  await expect(question).toBeHidden();
  expect(await readFile(first, "utf8")).toContain("lighthouse keeper");

  await page.getByRole("button", { name: "Save As…" }).click();
  await saveAs.getByLabel("File path").fill(first);
  await saveAs.getByRole("button", { name: "OK" }).click();
  await question.getByRole("button", { name: "Replace" }).click();
  await expect(question).toBeHidden();
  await expect(page.locator(".status-saved")).toHaveText(`Saved to ${first}`);
  expect(await readFile(first, "utf8")).toContain("ferryman");
  const backups = (await readdir(documents)).filter((f) => /^The Keeper\.replaced-.+\.draftline$/.test(f));
  expect(backups).toHaveLength(1);
  expect(await readFile(path.join(documents, backups[0]!), "utf8")).toContain("lighthouse keeper");
  await expect(page.getByText(`The file that was there is kept as ${path.join(documents, backups[0]!)}.`)).toBeVisible();
});
