// What the end-to-end tests do again and again in the window, as a writer does it: open the window, load
// a model through the Models dialog, start a new document, generate, stop, open a panel. Every helper
// waits for the state the window shows afterwards (never for a time), so a test goes on from there.
import path from "node:path";
import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";
import type { ServedApp } from "./serve";

/** Where the screenshots for the report and the README go (Playwright makes the folder). */
export const SCREENSHOTS = path.resolve(import.meta.dirname, "../test-results/screenshots");

/** Saves a screenshot of the page (or one part of it) as test-results/screenshots/<name>.png. */
export async function saveScreenshot(target: Page | Locator, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  await target.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), ...options });
}

/** A screenshot attached to the test's report and saved as test-results/screenshots/<name>.png. */
export async function shoot(page: Page, testInfo: TestInfo, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const body = await page.screenshot(options);
  await testInfo.attach(name, { body, contentType: "image/png" });
  await saveScreenshot(page, name, options);
}

/** Collects the page's uncaught errors (and, with `console`, its console errors but the favicon's), for `expect(errors).toEqual([])`. */
export function collectPageErrors(page: Page, options: { console?: boolean } = {}): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  if (options.console)
    page.on("console", (m) => {
      if (m.type() === "error" && !m.text().includes("favicon")) errors.push(m.text());
    });
  return errors;
}

/** The number before " / " in a "1,234 / 2,000 words" text. */
export const wordsIn = (text: string | null): number => Number((text ?? "").split("/")[0]!.replace(/\D/g, ""));

/** The document's words, as the status bar counts them. */
export async function totalWords(page: Page): Promise<number> {
  return wordsIn(await page.locator(".status-words").textContent());
}

/** The plan's section titles, in order, as the timeline shows them. */
export function sectionTitles(page: Page): Promise<string[]> {
  return page.locator("li.section-card .section-title input").evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
}

/** Opens the window on the served app and waits until it is connected in web mode. */
export async function openWindow(page: Page, app: ServedApp): Promise<void> {
  await page.goto(app.url);
  await expect(page.getByRole("status")).toContainText("Connected · web mode");
}

/** Clicks the button that opens a dialog (by default the button of the dialog's name) and returns the dialog, in view. */
export async function openDialog(page: Page, name: string, options: { button?: string } = {}): Promise<Locator> {
  await page.getByRole("button", { name: options.button ?? name, exact: true }).click();
  const dialog = page.getByRole("dialog", { name });
  await expect(dialog).toBeVisible();
  return dialog;
}

/** Closes a dialog with its Close button and waits until it is gone. */
export async function closeDialog(dialog: Locator): Promise<void> {
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
}

export interface LoadModelOptions {
  /** The .gguf file typed into the path field; the scripted engine's model by default. */
  path?: string;
  /** The button that opens the Models dialog: the toolbar's "Models", or the welcome's "Load a model". */
  from?: "Models" | "Load a model";
  /** What the loaded model's line says once it is loaded; the scripted model's device by default. */
  loaded?: string | RegExp;
  /** How long loading may take (a real model on a busy machine takes a while). */
  timeout?: number;
}

/** Loads a model by its path in the Models dialog and waits until it is loaded; returns the dialog, still open. */
export async function loadModelByPath(page: Page, options: LoadModelOptions = {}): Promise<Locator> {
  const models = await openDialog(page, "Models", { button: options.from ?? "Models" });
  await models.getByLabel("Path of a .gguf file").fill(options.path ?? "scripted.gguf");
  await models.getByRole("button", { name: "Load", exact: true }).last().click();
  await expect(models.locator(".loaded-model")).toContainText(options.loaded ?? "scripted model (no inference)", { timeout: options.timeout });
  return models;
}

/** Loads the scripted engine's model (a fake that writes IS-CoT, no inference) and closes the Models dialog. */
export async function loadScriptedModel(page: Page, options: Pick<LoadModelOptions, "from"> = {}): Promise<void> {
  await closeDialog(await loadModelByPath(page, options));
}

export interface NewDocument {
  instruction: string;
  /** The target length in words; the form's own default when left out. */
  target?: number;
  title?: string;
  /** Runs on the filled form before Create (a screenshot of it, say). */
  beforeCreate?: (form: Locator) => Promise<void>;
}

/** Fills the New document form, already open, creates the document and waits until the form is gone. */
export async function createDocument(page: Page, doc: NewDocument): Promise<void> {
  const form = page.getByRole("dialog", { name: "New document" });
  await form.getByLabel("Instruction").fill(doc.instruction);
  if (doc.title !== undefined) await form.getByLabel("Title", { exact: true }).fill(doc.title);
  if (doc.target !== undefined) await form.getByLabel("Target length (words)").fill(String(doc.target));
  await doc.beforeCreate?.(form);
  await form.getByRole("button", { name: "Create" }).click();
  await expect(form).toBeHidden();
}

/** Opens New document, fills it in, creates the document and waits until the form is gone. */
export async function newDocument(page: Page, doc: NewDocument): Promise<void> {
  await page.getByRole("button", { name: "New document" }).last().click();
  await createDocument(page, doc);
}

/** Waits until the status bar's generation state says `state`. */
export async function expectGeneration(page: Page, state: string | RegExp, options: { timeout?: number } = {}): Promise<void> {
  await expect(page.locator(".status-generation")).toContainText(state, options);
}

/** Starts the model writing the open document. */
export async function generate(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Generate", exact: true }).click();
}

/** Generates the whole document and waits until the window says Finished. */
export async function generateToEnd(page: Page, options: { timeout?: number } = {}): Promise<void> {
  await generate(page);
  await expectGeneration(page, "Finished", { timeout: options.timeout ?? 60_000 });
}

/** Pauses the model and waits until the window says Paused. */
export async function pauseGeneration(page: Page, options: { timeout?: number } = {}): Promise<void> {
  await page.getByRole("button", { name: "Pause" }).click();
  await expectGeneration(page, "Paused", options);
}

/** Stops the model and waits until the window says so (`Stopped`, or what `state` names). */
export async function stopGeneration(page: Page, state: string | RegExp = "Stopped", options: { timeout?: number } = {}): Promise<void> {
  // A bounded wait: a Stop button that stays disabled fails here, saying so, not at the test's timeout.
  await page.getByRole("button", { name: "Stop" }).click({ timeout: 15_000 });
  await expectGeneration(page, state, options);
}

/** Imports a draft through the Import panel and waits until it is open. `replacing`: a document with unsaved changes is open, and the writer says Continue. */
export async function importDraft(page: Page, file: string, options: { from?: "Import…" | "Import a draft"; replacing?: boolean } = {}): Promise<void> {
  await page.getByRole("button", { name: options.from ?? "Import…", exact: true }).click();
  if (options.replacing) await page.getByRole("dialog", { name: "Replace the open document?" }).getByRole("button", { name: "Continue" }).click();
  const panel = page.getByRole("dialog", { name: "Import a draft" });
  await panel.getByLabel("File path").fill(file);
  await panel.getByRole("button", { name: "OK" }).click();
  await expect(panel).toBeHidden();
}

/** Fills in the Export panel and clicks OK (what follows, a question or "Exported to …", is the test's to see). */
export async function exportDraft(page: Page, file: string, format: "Word (.docx)" | "Markdown (.md)"): Promise<void> {
  await page.getByRole("button", { name: "Export…" }).click();
  const panel = page.getByRole("dialog", { name: "Export" });
  await panel.getByLabel("Format").selectOption({ label: format });
  await panel.getByLabel("File path").fill(file);
  await panel.getByRole("button", { name: "OK" }).click();
}

export interface BibleEntry {
  kind: "character" | "style";
  name: string;
  aliases?: string;
  description: string;
  /** Kept always in the model's view. */
  always?: boolean;
}

/** Adds an entry to the story bible with its New entry form and waits until the bible lists it. */
export async function addBibleEntry(page: Page, entry: BibleEntry): Promise<void> {
  const form = page.locator("form.bible-new");
  await form.getByLabel("Kind").selectOption(entry.kind);
  await form.getByLabel("Name").fill(entry.name);
  if (entry.aliases !== undefined) await form.getByLabel("Aliases").fill(entry.aliases);
  await form.getByLabel("Description").fill(entry.description);
  if (entry.always) await form.getByLabel("Always in context").check();
  await form.getByRole("button", { name: "Add to the bible" }).click();
  await expect(page.locator(`li[data-bible-entry="${entry.name}"]`)).toBeVisible();
}
