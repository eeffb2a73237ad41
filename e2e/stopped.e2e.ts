// A stopped step is unfinished, not done (web mode, the scripted engine): Stop in the middle of a step
// keeps its words as "stopped", Generate continues that step within its budget before anything else,
// and Finished shows only once every planned section is written. A raised target of an imported draft
// plans new sections, shown on the timeline before the model writes them.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { serveApp, type ServedApp } from "./serve";

const SCREENSHOTS = path.resolve(import.meta.dirname, "../test-results/screenshots");

let app: ServedApp;
let dir: string;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "600" });
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-e2e-stopped-"));
  await mkdir(SCREENSHOTS, { recursive: true });
});
test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The number before " / " in a "1,234 / 2,000 words" text. */
const wordsIn = (text: string | null) => Number((text ?? "").split("/")[0]!.replace(/\D/g, ""));

async function loadScriptedModel(page: Page): Promise<void> {
  await page.goto(app.url);
  await expect(page.getByRole("status")).toContainText("Connected · web mode");
  await page.getByRole("button", { name: "Models" }).click();
  const models = page.getByRole("dialog", { name: "Models" });
  await models.getByLabel("Path of a .gguf file").fill("scripted.gguf");
  await models.getByRole("button", { name: "Load", exact: true }).last().click();
  await expect(models.getByText("scripted model (no inference)").first()).toBeVisible();
  await models.getByRole("button", { name: "Close" }).click();
}

test("Stop in the middle of a step keeps it unfinished; Generate continues it, and Finished waits for every section", async ({ page }) => {
  test.setTimeout(120_000);
  await loadScriptedModel(page);
  await page.getByRole("button", { name: "New document" }).last().click();
  const form = page.getByRole("dialog", { name: "New document" });
  await form.getByLabel("Instruction").fill("Write a 2,000-word short story about a paper lantern festival.");
  await form.getByLabel("Target length (words)").fill("2000");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(form).toBeHidden();

  // Generate, and stop while the second step (Development, 600 words) is being written.
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  const card = page.locator('li.step-card[data-step-card="step-2"]');
  await expect.poll(async () => wordsIn(await card.locator(".step-words").textContent().catch(() => null)), { timeout: 40_000 }).toBeGreaterThanOrEqual(30);
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(page.locator(".status-generation")).toContainText("Stopped");

  // The step says it is stopped, with its words; so does its text in the draft. Nothing says Finished.
  await expect(card.locator(".chip").first()).toHaveText("stopped");
  const cutWords = wordsIn(await card.locator(".step-words").textContent());
  expect(cutWords).toBeGreaterThanOrEqual(30);
  expect(cutWords).toBeLessThan(600);
  await expect(card.getByText(`Stopped at ${cutWords} words, before its end: Generate continues this step.`)).toBeVisible();
  const block = page.locator('.draft section[data-step-id="step-2"]');
  await expect(block).toHaveAttribute("data-status", "stopped");
  const cutText = (await block.innerText()).trim();
  await expect(page.locator(".status-generation")).not.toContainText("Finished");
  await card.scrollIntoViewIfNeeded();
  await block.locator(":scope > *").last().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SCREENSHOTS, "stopped-step.png") });

  // Generate: the stopped step goes on from its words to its budget, then the rest; Finished at the end.
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await expect(page.locator(".status-generation")).toContainText("Finished", { timeout: 60_000 });
  await expect(card.locator(".chip").first()).toHaveText("done");
  expect(wordsIn(await card.locator(".step-words").textContent())).toBe(600);
  expect((await block.innerText()).trim().startsWith(cutText)).toBe(true);
  await expect(page.locator("li.step-card")).toHaveCount(4);
  const sectionWords = await page.locator("li.section-card .section-words").allTextContents();
  expect(sectionWords.map(wordsIn)).toEqual([400, 600, 600, 400]);
});

test("a raised target plans new sections, shown on the timeline before the model writes them", async ({ page }) => {
  test.setTimeout(120_000);
  const draft = path.join(dir, "lanterns.md");
  await writeFile(draft, `# Lanterns\n\n## Evening\n\n${"The lanterns rose over the river. ".repeat(20)}\n\n## Night\n\n${"The paper burned slowly in the dark. ".repeat(20)}\n`);
  await loadScriptedModel(page);
  await page.getByRole("button", { name: "Import a draft" }).click();
  const panel = page.getByRole("dialog", { name: "Import a draft" });
  await panel.getByLabel("File path").fill(draft);
  await panel.getByRole("button", { name: "OK" }).click();
  await expect(panel).toBeHidden();
  const titles = () => page.locator("li.section-card .section-title input").evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));
  await expect.poll(titles).toEqual(["Evening", "Night"]);
  const target = page.getByLabel("Target length (words)");
  const imported = Number(await target.inputValue());

  // 900 more words: new sections after the written ones, with their budgets, before any is written.
  await target.fill(String(imported + 900));
  await target.press("Enter");
  await expect.poll(titles).toEqual(["Evening", "Night", "Part 3", "Part 4", "Part 5"]);
  await expect(page.locator("li.section-card").nth(2).getByLabel("Budget (words)")).toHaveValue("300");
  await expect(page.locator(".track-block")).toHaveCount(5);
  await expect(page.locator("li.section-card").nth(2).locator(".section-head .chip").first()).toHaveText("not yet written");

  // Generate writes them, each in its own section; the imported text stays as it was.
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await expect(page.locator(".status-generation")).toContainText("Finished", { timeout: 60_000 });
  const words = (await page.locator("li.section-card .section-words").allTextContents()).map(wordsIn);
  expect(words.slice(0, 2)).toEqual([120, 140]);
  for (const w of words.slice(2)) expect(w).toBeGreaterThanOrEqual(270);
});
