// The writer's voice in the window (web mode, the scripted engine): a sample of the writer's prose, or a
// style entry of the story bible taken as the sample, set for the whole document in the Voice panel.
import { expect, test } from "@playwright/test";
import { addBibleEntry, closeDialog, newDocument, openDialog, openWindow } from "./helpers";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted" });
});
test.afterAll(async () => {
  await app?.stop();
});

test("a style entry of the bible becomes the document's voice sample", async ({ page }) => {
  await openWindow(page, app);
  await newDocument(page, { instruction: "Write a short story about a lighthouse keeper.", target: 900 });

  // A style entry in the bible.
  await addBibleEntry(page, { kind: "style", name: "Spare and salty", description: "Short sentences. Salt, rope and weather. No adverbs." });

  // The Voice panel offers it; taken, it fills the sample, which the writer saves for the document.
  const voice = await openDialog(page, "Voice");
  await voice.getByLabel("Or take a style entry of the story bible").selectOption({ label: "Spare and salty" });
  await expect(voice.getByLabel("A sample of your prose")).toHaveValue("Short sentences. Salt, rope and weather. No adverbs.");
  await voice.getByRole("button", { name: "Save" }).click();
  await expect(voice.getByRole("button", { name: "Remove" })).toBeEnabled();
  // Opened again, the document's voice is the style entry's text.
  await closeDialog(voice);
  const reopened = await openDialog(page, "Voice");
  await expect(reopened.getByLabel("A sample of your prose")).toHaveValue("Short sentences. Salt, rope and weather. No adverbs.");
});
