// The writer's voice in the window (web mode, the scripted engine): a sample of the writer's prose, or a
// style entry of the story bible taken as the sample, set for the whole document in the Voice panel.
import { expect, test } from "@playwright/test";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted" });
});
test.afterAll(async () => {
  await app?.stop();
});

test("a style entry of the bible becomes the document's voice sample", async ({ page }) => {
  await page.goto(app.url);
  await expect(page.getByRole("status")).toContainText("Connected · web mode");
  await page.getByRole("button", { name: "New document" }).last().click();
  const form = page.getByRole("dialog", { name: "New document" });
  await form.getByLabel("Instruction").fill("Write a short story about a lighthouse keeper.");
  await form.getByLabel("Target length (words)").fill("900");
  await form.getByRole("button", { name: "Create" }).click();
  await expect(form).toBeHidden();

  // A style entry in the bible.
  const entry = page.locator("form.bible-new");
  await entry.getByLabel("Kind").selectOption("style");
  await entry.getByLabel("Name").fill("Spare and salty");
  await entry.getByLabel("Description").fill("Short sentences. Salt, rope and weather. No adverbs.");
  await entry.getByRole("button", { name: "Add to the bible" }).click();
  await expect(page.locator('li[data-bible-entry="Spare and salty"]')).toBeVisible();

  // The Voice panel offers it; taken, it fills the sample, which the writer saves for the document.
  await page.getByRole("button", { name: "Voice" }).click();
  const voice = page.getByRole("dialog", { name: "Voice" });
  await voice.getByLabel("Or take a style entry of the story bible").selectOption({ label: "Spare and salty" });
  await expect(voice.getByLabel("A sample of your prose")).toHaveValue("Short sentences. Salt, rope and weather. No adverbs.");
  await voice.getByRole("button", { name: "Save" }).click();
  await expect(voice.getByRole("button", { name: "Remove" })).toBeEnabled();
  // Opened again, the document's voice is the style entry's text.
  await voice.getByRole("button", { name: "Close" }).click();
  await page.getByRole("button", { name: "Voice" }).click();
  await expect(page.getByRole("dialog", { name: "Voice" }).getByLabel("A sample of your prose")).toHaveValue("Short sentences. Salt, rope and weather. No adverbs.");
});
