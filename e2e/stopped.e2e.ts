// A stopped step is unfinished, not done (web mode, the scripted engine): Stop in the middle of a step
// keeps its words as "stopped", Generate continues that step within its budget before anything else,
// and Finished shows only once every planned section is written. A raised target of an imported draft
// plans new sections, shown on the timeline before the model writes them.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { generate, generateToEnd, importDraft, loadScriptedModel, newDocument, openWindow, saveScreenshot, sectionTitles, stopGeneration, wordsIn } from "./helpers";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
let dir: string;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "600" });
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-e2e-stopped-"));
});
test.afterAll(async () => {
  await app?.stop();
  await rm(dir, { recursive: true, force: true });
});

test("Stop in the middle of a step keeps it unfinished; Generate continues it, and Finished waits for every section", async ({ page }) => {
  test.setTimeout(120_000);
  await openWindow(page, app);
  await loadScriptedModel(page);
  await newDocument(page, { instruction: "Write a 2,000-word short story about a paper lantern festival.", target: 2000 });

  // Generate, and stop while the second step (Development, 600 words) is being written.
  await generate(page);
  const card = page.locator('li.step-card[data-step-card="step-2"]');
  await expect.poll(async () => wordsIn(await card.locator(".step-words").textContent().catch(() => null)), { timeout: 40_000 }).toBeGreaterThanOrEqual(30);
  await stopGeneration(page);

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
  await saveScreenshot(page, "stopped-step");

  // Generate: the stopped step goes on from its words to its budget, then the rest; Finished at the end.
  await generateToEnd(page);
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
  await openWindow(page, app);
  await loadScriptedModel(page);
  await importDraft(page, draft, { from: "Import a draft" });
  const titles = () => sectionTitles(page);
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
  await generateToEnd(page);
  const words = (await page.locator("li.section-card .section-words").allTextContents()).map(wordsIn);
  expect(words.slice(0, 2)).toEqual([120, 140]);
  for (const w of words.slice(2)) expect(w).toBeGreaterThanOrEqual(270);
});
