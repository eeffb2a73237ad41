// History in the window (web mode, the scripted engine): "Continue from here" on a stopped draft says
// what it writes again and keeps a snapshot; the History panel lists it with its time, words and
// cause, shows what it changes against the draft, and restores it — keeping the draft first, so the
// restore is undone the same way. A snapshot is kept on demand too.
import { expect, test } from "@playwright/test";
import { generate, loadScriptedModel, newDocument, openDialog, openWindow, pauseGeneration, saveScreenshot, stopGeneration, totalWords, wordsIn } from "./helpers";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "300" });
});
test.afterAll(async () => {
  await app?.stop();
});

test("continue from here asks, keeps a snapshot, and History shows, compares and restores it (and undoes the restore)", async ({ page }) => {
  test.setTimeout(150_000);
  await openWindow(page, app);
  await loadScriptedModel(page);
  await newDocument(page, { instruction: "Write a short story about a paper lantern festival.", target: 2000 });

  // A draft of two written steps, stopped in the third.
  await generate(page);
  await expect(page.locator('li.step-card[data-step-card="step-3"] .step-words')).toBeVisible({ timeout: 60_000 });
  await stopGeneration(page);
  const stoppedAt = await totalWords(page);
  const later = (await page.locator("li.step-card .step-words").allTextContents()).slice(1).map(wordsIn);

  // Continue from step 1: the question says which steps and how many words are written again.
  await page.locator('li.step-card[data-step-card="step-1"]').getByRole("button", { name: "Continue from here" }).click();
  const question = page.getByRole("dialog", { name: "Write it again?" });
  await expect(question).toContainText(`Continue from step 1: steps 2 to 3 (${later.reduce((a, b) => a + b, 0).toLocaleString("en-US")} words) are written again.`);
  await expect(question).toContainText("A snapshot is kept first: History (in the menu) brings them back.");
  await question.getByRole("button", { name: "Write again" }).click();
  await expect(page.getByText("A snapshot was kept first: History brings back what was there.")).toBeVisible();
  await expect(page.locator('li.step-card[data-step-card="step-2"] .chip').first()).toHaveText(/planned|writing/, { timeout: 20_000 });
  await stopGeneration(page);
  const continuedAt = await totalWords(page);
  expect(continuedAt).toBeLessThan(stoppedAt);

  // History: the snapshot, with its cause and words; what restoring it changes; then restore it.
  const history = await openDialog(page, "History");
  const snapshot = history.getByRole("button", { name: /Before continuing from step 2/ });
  await expect(snapshot).toContainText("before writing again");
  await expect(snapshot).toContainText(`${stoppedAt.toLocaleString("en-US")} words`);
  await snapshot.click();
  await expect(history.locator(".history-changes")).toContainText(/Restoring it — words brought back: [\d,]+; words taken out of the draft: [\d,]+\./);
  await expect(history.locator(".history-changes ins").first()).toBeVisible();
  await saveScreenshot(page, "history-panel");
  await history.getByRole("button", { name: "This version", exact: true }).click();
  await expect(history.locator(".history-text")).toContainText("## Opening");
  await history.getByRole("button", { name: "Restore this version" }).click();
  await expect(history.getByRole("group", { name: "Restore this version" })).toContainText(`The draft as it is (${continuedAt.toLocaleString("en-US")} words) is kept as a snapshot first`);
  await history.getByRole("button", { name: "Restore", exact: true }).click();
  await expect(page.getByText("Restored “Before continuing from step 2”. The draft before is kept in History.")).toBeVisible();
  await expect.poll(() => totalWords(page)).toBe(stoppedAt);
  await expect(page.locator('li.step-card[data-step-card="step-3"]')).toBeVisible();

  // The restore is undone the same way: the draft before it is the newest version.
  const undo = history.getByRole("button", { name: /Before restoring "Before continuing from step 2"/ });
  await expect(undo).toContainText("before a restore");
  await undo.click();
  await history.getByRole("button", { name: "Restore this version" }).click();
  await history.getByRole("button", { name: "Restore", exact: true }).click();
  await expect.poll(() => totalWords(page)).toBe(continuedAt);

  // On demand: a named snapshot.
  await history.getByLabel("Name of a snapshot").fill("My checkpoint");
  await history.getByRole("button", { name: "Keep a snapshot now" }).click();
  await expect(history.getByRole("button", { name: /My checkpoint/ })).toContainText("kept by you");
});

test("regenerating a section keeps the later sections in view and counted, and marks the part being replaced", async ({ page }) => {
  test.setTimeout(150_000);
  await openWindow(page, app);
  await loadScriptedModel(page);
  await newDocument(page, { instruction: "Write a short story about a night ferry.", target: 2000 });

  // Three sections written (one step each), stopped in the fourth.
  await generate(page);
  await expect(page.locator('li.step-card[data-step-card="step-4"] .step-words')).toBeVisible({ timeout: 90_000 });
  await stopGeneration(page);
  const steps = await page.locator("li.step-card").count();
  const later = (await page.locator("li.step-card .step-words").allTextContents()).slice(1).map(wordsIn);
  const laterWords = later.reduce((a, b) => a + b, 0);

  // Regenerate the first section, then pause while it is written again.
  const first = page.locator("li.section-card").first();
  await first.getByRole("button", { name: "Regenerate section" }).click();
  await page.getByRole("dialog", { name: "Write it again?" }).getByRole("button", { name: "Write again" }).click();
  await expect(first).toHaveAttribute("data-rewriting", "true");
  await pauseGeneration(page);

  // The part being replaced is marked; every later step is still there, with its words counted.
  await expect(first.locator(".chip.replaced")).toHaveText("being written again");
  await expect(page.locator("li.step-card")).toHaveCount(steps);
  expect((await page.locator("li.step-card .step-words").allTextContents()).slice(1).map(wordsIn)).toEqual(later);
  expect(await totalWords(page)).toBeGreaterThanOrEqual(laterWords);
  await expect(page.locator("li.section-card").nth(1).locator(".chip").first()).not.toHaveText("not yet written");
  await expect(page.locator('.draft .step-block[data-step-id="step-3"]')).toBeVisible();
  await saveScreenshot(page, "regenerate-keeps-the-rest");

  // Resumed, it ends with the section written again and the rest as it was.
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(page.getByRole("button", { name: "Generate", exact: true })).toBeEnabled({ timeout: 60_000 });
  await expect(first).not.toHaveAttribute("data-rewriting", /.*/);
  expect((await page.locator("li.step-card .step-words").allTextContents()).slice(1).map(wordsIn)).toEqual(later);
});
