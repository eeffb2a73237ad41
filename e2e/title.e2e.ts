// Titles (web mode, the scripted engine): the new-document panel takes a title; the window, the
// timeline's title field, the exported DOCX (its Title paragraph and properties, spaced with a
// proportional line rule) and Markdown (its heading) use it, and renaming in the timeline changes them.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { readZip } from "../electron/node/export/testing/zip";
import { exportDraft, generateToEnd, loadScriptedModel, newDocument, openWindow, saveScreenshot } from "./helpers";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
let dir: string;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "2000" });
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-e2e-title-"));
});
test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function exportTo(page: Page, file: string, format: "Word (.docx)" | "Markdown (.md)"): Promise<void> {
  await exportDraft(page, file, format);
  await expect(page.getByText(`Exported to ${file}.`)).toBeVisible();
}

test("a title from the new-document panel names the window and the exports; renaming in the timeline follows", async ({ page }) => {
  test.setTimeout(120_000);
  await openWindow(page, app);
  await loadScriptedModel(page);

  await newDocument(page, {
    instruction: "Write a 1,000-word short story about a night ferry crossing a winter harbor, told by its pilot.",
    title: "The Night Ferry",
    target: 1000,
    beforeCreate: () => saveScreenshot(page, "title-field"),
  });

  await expect(page).toHaveTitle("The Night Ferry — Draftline");
  await expect(page.locator(".doc-title")).toHaveText("The Night Ferry");
  const field = page.getByRole("complementary", { name: "Planning timeline" }).getByLabel("Title", { exact: true });
  await expect(field).toHaveValue("The Night Ferry");

  await generateToEnd(page);

  // Renamed in the timeline (document settings): the window follows.
  await field.fill("The Night Ferry: A Winter Crossing");
  await field.press("Enter");
  await expect(page).toHaveTitle("The Night Ferry: A Winter Crossing — Draftline");

  const docx = path.join(dir, "ferry.docx");
  await exportTo(page, docx, "Word (.docx)");
  const files = readZip(await readFile(docx));
  const xml = (name: string) => files.get(name)?.toString("utf8") ?? "";
  expect(xml("docProps/core.xml")).toContain("<dc:title>The Night Ferry: A Winter Crossing</dc:title>");
  expect(xml("word/document.xml")).toMatch(/<w:pStyle w:val="Title"\/>[\s\S]*?The Night Ferry: A Winter Crossing/);
  expect(xml("word/document.xml")).not.toContain("Write a 1,000-word short story");
  const titleStyle = /<w:style [^>]*w:styleId="Title"[^>]*>[\s\S]*?<\/w:style>/.exec(xml("word/styles.xml"))?.[0] ?? "";
  expect(titleStyle).toMatch(/<w:spacing [^>]*w:lineRule="auto"/);

  const md = path.join(dir, "ferry.md");
  await exportTo(page, md, "Markdown (.md)");
  const markdown = await readFile(md, "utf8");
  expect(markdown).toContain("\n# The Night Ferry: A Winter Crossing\n");
  expect(markdown).toMatch(/^---\n[\s\S]*title: "?The Night Ferry: A Winter Crossing"?/);
});
