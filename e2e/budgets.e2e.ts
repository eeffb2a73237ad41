// Locked and rebalanced budgets on the timeline's section cards (web mode, the scripted engine): while
// the model writes, the writer locks one section's budget and gives another more words, so the
// document heads past its target (it runs long); the controller rebalances the sections not yet
// written and not locked, and their cards say so (old → new, and why) while the locked one keeps its
// budget. Setting a rebalanced budget clears its mark. A screenshot goes to test-results/screenshots.
import { expect, test } from "@playwright/test";
import { collectPageErrors, expectGeneration, generate, loadScriptedModel, newDocument, openWindow, pauseGeneration, saveScreenshot } from "./helpers";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "300" });
});
test.afterAll(async () => {
  await app?.stop();
});

test("a locked budget is kept when the writing runs long; the sections rebalanced say so until the writer sets them", async ({ page }) => {
  test.setTimeout(150_000);
  const errors = collectPageErrors(page);
  await openWindow(page, app);
  await loadScriptedModel(page);
  await newDocument(page, { instruction: "Write a short story about a lighthouse keeper and the winter storm.", target: 1500 });

  await generate(page);
  const cards = page.locator("li.section-card");
  await expect(cards).toHaveCount(4, { timeout: 20_000 });
  // Paused while the first step is written: the lock goes in before the first boundary.
  await pauseGeneration(page);
  const card = (title: string) => cards.filter({ has: page.getByRole("button", { name: `Lock budget of ${title}` }) });
  const lock = page.getByRole("button", { name: "Lock budget of Turn" });
  await expect(lock).toHaveAttribute("aria-pressed", "false");
  const turnBudget = await card("Turn").getByLabel("Budget (words)").inputValue();
  await lock.click();
  await expect(lock).toHaveAttribute("aria-pressed", "true");
  // Development gets 300 more words: the plan now heads 300 words past the target.
  const development = card("Development").getByLabel("Budget (words)");
  await development.fill(String(Number(await development.inputValue()) + 300));
  await development.press("Enter");
  await page.getByRole("button", { name: "Resume" }).click();

  // The writing runs long: the sections not yet written and not locked are rebalanced, and say so.
  const marked = page.locator("[data-rebalanced]");
  await expect(marked.first()).toBeVisible({ timeout: 60_000 });
  const ending = card("Ending");
  await expect(ending.locator(".chip.rebalanced")).toHaveText("rebalanced 300 → 30");
  await expect(ending.locator(".rebalanced-reason")).toContainText(/^The writing ran long \(heading for \d+ of 1500 words\)/);
  // The locked one kept its budget and has no mark.
  await expect(card("Turn").getByLabel("Budget (words)")).toHaveValue(turnBudget);
  await expect(card("Turn").locator("[data-rebalanced]")).toHaveCount(0);
  await ending.locator("[data-rebalanced]").scrollIntoViewIfNeeded();
  await saveScreenshot(page, "budgets-rebalanced-locked");

  // The writer sets the rebalanced budget: its mark goes; the lock is on (a budget the writer set is kept).
  await pauseGeneration(page);
  const endingBudget = ending.getByLabel("Budget (words)");
  await endingBudget.fill("222");
  await endingBudget.press("Enter");
  await expect(ending.locator("[data-rebalanced]")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Lock budget of Ending" })).toHaveAttribute("aria-pressed", "true");
  await page.getByRole("button", { name: "Stop" }).click();
  await expectGeneration(page, /Stopped|Finished/);
  await expect(endingBudget).toHaveValue("222");
  expect(errors).toEqual([]);
});
