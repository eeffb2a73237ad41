// The story bible in the window (web mode, the scripted engine): the writer creates two characters in
// the bible panel beside the timeline, the model writes, and each step card says which of them the
// model had in view ("What the model remembers"); deleting an entry says so and Undo brings it back.
// Screenshots of the bible panel and of a step card with its memory go to test-results/screenshots.
import { expect, test } from "@playwright/test";
import { addBibleEntry, generateToEnd, loadScriptedModel, newDocument, openWindow, saveScreenshot } from "./helpers";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "400" });
});
test.afterAll(async () => {
  await app?.stop();
});

test("two characters in the bible are in the model's view and on the step cards; a deleted entry comes back with Undo", async ({ page }) => {
  test.setTimeout(150_000);
  await openWindow(page, app);
  await loadScriptedModel(page);
  await newDocument(page, { instruction: "Write a short story about Mara, the keeper of a lighthouse.", target: 900 });

  // The bible panel beside the timeline: two characters, one named in the instruction by an alias,
  // one kept always in context.
  const bible = page.getByRole("complementary", { name: "Story bible" });
  await expect(bible).toBeVisible();
  await expect(bible).toContainText("No entries yet.");
  await addBibleEntry(page, { kind: "character", name: "Mara Vell", aliases: "Mara, the keeper", description: "Green eyes; forty; keeps the lamp at Gull Rock." });
  await addBibleEntry(page, { kind: "character", name: "Tom Hale", aliases: "Tom", description: "A fisherman with a red beard, Mara's brother.", always: true });
  await expect(bible.locator('li[data-bible-entry="Mara Vell"] .in-view')).toBeVisible();
  await expect(bible.locator('li[data-bible-entry="Tom Hale"] .in-view')).toBeVisible();
  await expect(bible.locator("[data-bible-budget]")).toContainText(/In the model's view for the next step: 2 entries, about \d+ of 600 tokens\./);

  // The model writes; each step card shows the entries it had in view.
  await generateToEnd(page, { timeout: 90_000 });
  const first = page.locator('li.step-card[data-step-card="step-1"]');
  await expect(first.locator("[data-memory-entries]")).toHaveText("Bible in view: Tom Hale, Mara Vell"); // kept always first, then by relevance
  const last = page.locator("li.step-card").last();
  await expect(last.locator("[data-memory-entries]")).toContainText("Mara Vell");
  await expect(last.locator("[data-memory-entries]")).toContainText("Tom Hale");

  await saveScreenshot(bible, "bible-panel");
  await first.scrollIntoViewIfNeeded();
  await saveScreenshot(first, "step-card-memory");

  // The writer writes what the model remembers of step 1 and pins step 2; both are kept.
  await first.getByLabel("Summary (written when the step leaves the model's window)").fill("Mara lights the lamp; Tom rows out into the storm.");
  await first.getByLabel("Summary (written when the step leaves the model's window)").blur();
  await expect(first.getByLabel("Summary, by you")).toHaveValue("Mara lights the lamp; Tom rows out into the storm.");
  const second = page.locator('li.step-card[data-step-card="step-2"]');
  await second.getByLabel("Keep this step in full in the model's view").check();
  await expect(second.locator(".step-memory summary")).toContainText("pinned");

  // Deleting says so and offers Undo, which brings the entry back.
  await bible.getByRole("button", { name: "Delete Tom Hale" }).click();
  await expect(bible.getByRole("status")).toHaveText(/Deleted “Tom Hale” from the bible\.\s*Undo/);
  await expect(bible.locator('li[data-bible-entry="Tom Hale"]')).toHaveCount(0);
  await bible.getByRole("button", { name: "Undo" }).click();
  await expect(bible.locator('li[data-bible-entry="Tom Hale"]')).toBeVisible();
  await expect(bible.locator('li[data-bible-entry="Tom Hale"]').getByLabel("Description")).toHaveValue("A fisherman with a red beard, Mara's brother.");
});
