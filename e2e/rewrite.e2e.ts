// Rewriting a selection in web mode (the scripted engine): the writer selects a paragraph, asks for a
// shorter one, sees the difference beside the draft, keeps it (the step's words follow), and one undo
// brings the original back; a rewrite discarded leaves the draft as it was.
import { expect, test, type Page } from "@playwright/test";
import { generateToEnd, loadScriptedModel, newDocument, openWindow, saveScreenshot, wordsIn } from "./helpers";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "600" });
});
test.afterAll(async () => {
  await app?.stop();
});

async function writtenDocument(page: Page): Promise<void> {
  await openWindow(page, app);
  await loadScriptedModel(page);
  await newDocument(page, { instruction: "Write a 600-word story about a fishing harbor at dawn.", target: 600 });
  await generateToEnd(page);
}

test("select a paragraph, shorten it, see the difference, keep it; undo restores it; discard leaves it", async ({ page }) => {
  test.setTimeout(120_000);
  await writtenDocument(page);
  const paragraph = page.locator('.draft section[data-step-id="step-1"] > p').first();
  const card = page.locator('li.step-card[data-step-card="step-1"] .step-words');
  const original = (await paragraph.innerText()).trim();
  const stepText = (await page.locator('.draft section[data-step-id="step-1"]').innerText()).trim();
  const wordsBefore = wordsIn(await card.textContent());
  expect(original.split(/\s+/).length).toBeGreaterThan(20);

  // While nothing is selected, the panel does not open, and the writer is told why.
  await page.locator('.draft section[data-step-id="step-1"] > p').first().click();
  await page.getByRole("button", { name: "Rewrite…" }).click();
  await expect(page.getByText("Select the text to rewrite in the draft first.")).toBeVisible();

  await paragraph.click({ clickCount: 3 });
  await page.getByRole("button", { name: "Rewrite…" }).click();
  const panel = page.getByRole("complementary", { name: "Rewrite the selection" });
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId("rewrite-original")).toHaveText(original);
  await panel.getByLabel("Shorten").check();
  await panel.getByLabel("Length (words)").fill("15");
  await panel.getByRole("button", { name: "Rewrite", exact: true }).click();
  await expect(panel.getByRole("button", { name: "Keep" })).toBeVisible({ timeout: 30_000 });

  // The difference: the original's words struck through, the new ones marked; the draft is unchanged.
  const diff = panel.getByTestId("rewrite-diff");
  await expect(diff.locator("del").first()).toBeVisible();
  await expect(diff.locator("ins").first()).toBeVisible();
  const result = (await panel.getByLabel("The new passage (you can edit it before keeping it)").inputValue()).trim();
  const resultWords = result.split(/\s+/).length;
  expect(resultWords).toBeGreaterThanOrEqual(15);
  expect(resultWords).toBeLessThan(15 + 20);
  expect(result).toMatch(/\.$/);
  await expect(paragraph).toHaveText(original);
  await saveScreenshot(page, "rewrite-difference");

  // Keep: the paragraph is the new text, the rest of the step as it was, and the step's words follow.
  await panel.getByRole("button", { name: "Keep" }).click();
  await expect(panel).toBeHidden();
  await expect(paragraph).toHaveText(result);
  const stepAfter = (await page.locator('.draft section[data-step-id="step-1"]').innerText()).trim();
  expect(stepAfter).toBe(stepText.replace(original, result));
  await expect.poll(async () => wordsIn(await card.textContent())).toBe(wordsBefore - original.split(/\s+/).length + resultWords);

  // One undo brings the original back, and its words.
  await paragraph.click();
  await page.keyboard.press("Control+z");
  await expect(paragraph).toHaveText(original);
  await expect.poll(async () => wordsIn(await card.textContent())).toBe(wordsBefore);

  // Discard: the draft stays as it is.
  await paragraph.click({ clickCount: 3 });
  await page.getByRole("button", { name: "Rewrite…" }).click();
  await panel.getByLabel("Expand").check();
  await panel.getByRole("button", { name: "Rewrite", exact: true }).click();
  await expect(panel.getByRole("button", { name: "Discard" })).toBeVisible({ timeout: 30_000 });
  await panel.getByRole("button", { name: "Discard" }).click();
  await expect(panel).toBeHidden();
  await expect(paragraph).toHaveText(original);
  expect((await page.locator('.draft section[data-step-id="step-1"]').innerText()).trim()).toBe(stepText);
  expect(wordsIn(await card.textContent())).toBe(wordsBefore);
});
