// Nothing unsaved is lost (web mode): New over an imported, unsaved draft asks first and keeps it to
// recover; closing or reloading the page while the model writes asks first, and the reloaded window
// offers the document it left; on start, the window offers the autosaves of an earlier run (recover,
// save as, discard).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createDocument, expectGeneration, generate, importDraft, loadScriptedModel, newDocument, openWindow, saveScreenshot, totalWords } from "./helpers";
import { serveApp } from "./serve";

let dir: string;
let lanterns: string;
let harbour: string;
test.beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-e2e-unsaved-"));
  lanterns = path.join(dir, "lanterns.md");
  harbour = path.join(dir, "harbour.md");
  await writeFile(lanterns, `# Lanterns\n\n## Evening\n\n${"The lanterns rose over the river. ".repeat(20)}\n`);
  await writeFile(harbour, `# Harbour\n\n## Morning\n\n${"Boats left the harbour at dawn. ".repeat(10)}\n`);
});
test.afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

test("New over an imported, unsaved draft asks first; the draft stays in its autosave and Recover brings it back", async ({ page }) => {
  const app = await serveApp();
  try {
    await openWindow(page, app);
    await importDraft(page, lanterns);
    await expect(page.getByText("The lanterns rose over the river.").first()).toBeVisible();

    // New: the question says what it replaces and where it is kept; Cancel changes nothing.
    await page.getByRole("button", { name: "New", exact: true }).click();
    const question = page.getByRole("dialog", { name: "Replace the open document?" });
    await expect(question).toContainText("“Lanterns” has changes that are not saved (120 words).");
    await expect(question).toContainText("It is kept as an autosave: Recover… brings it back.");
    await question.getByRole("button", { name: "Cancel" }).click();
    await expect(question).toBeHidden();
    await expect(page.getByRole("dialog", { name: "New document" })).toBeHidden();
    await expect(page.getByText("The lanterns rose over the river.").first()).toBeVisible();

    // Continue: a new document takes its place.
    await page.getByRole("button", { name: "New", exact: true }).click();
    await question.getByRole("button", { name: "Continue" }).click();
    await createDocument(page, { instruction: "Write about a bridge." });
    await expect(page.getByText("The lanterns rose over the river.")).toHaveCount(0);

    // Recover…: the draft is offered, and comes back whole.
    await page.getByRole("button", { name: "Recover…" }).click();
    const recover = page.getByRole("dialog", { name: "Unsaved work" });
    await expect(recover.locator(".recover-entry")).toHaveCount(1);
    await expect(recover).toContainText("Never saved: only its autosave holds it.");
    await recover.getByRole("button", { name: "Recover: Lanterns" }).click();
    await expect(recover).toBeHidden();
    await expect(page.getByText("Recovered “Lanterns” (120 words).")).toBeVisible();
    await expect(page.getByText("The lanterns rose over the river.").first()).toBeVisible();
    await expect(page.locator(".status-words")).toContainText("120");
  } finally {
    await app.stop();
  }
});

test("reloading the page while the model writes asks first, and the reloaded window offers the document it left", async ({ page }) => {
  test.setTimeout(120_000);
  const app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "300" });
  try {
    await openWindow(page, app);
    await loadScriptedModel(page);
    await newDocument(page, { instruction: "Write a story about a night ferry.", target: 2000 });
    await generate(page);
    await expect(page.locator('.draft section[data-step-id="step-1"]')).toContainText(/\w+ \w+ \w+ \w+/, { timeout: 30_000 });

    // The browser asks before the page goes; staying keeps the document where it was.
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.type());
      void (dialogs.length === 1 ? dialog.dismiss() : dialog.accept());
    });
    await page.evaluate(() => setTimeout(() => location.reload(), 0));
    await expect.poll(() => dialogs.length).toBe(1);
    expect(dialogs[0]).toBe("beforeunload");
    await expectGeneration(page, "Writing");
    const before = await totalWords(page);

    // Leaving anyway: the reloaded window offers the document the back end still has open.
    await page.evaluate(() => setTimeout(() => location.reload(), 0));
    await expect.poll(() => dialogs.length).toBe(2);
    await expect(page.getByRole("status")).toContainText("Connected · web mode");
    const offer = page.getByRole("region", { name: "Unsaved work" });
    await expect(offer).toContainText("Write a story about a night ferry");
    await expect(offer).toContainText("Still open in Draftline (the model may be writing it).");
    await offer.getByRole("button", { name: "Recover: Write a story about a night ferry" }).click();
    await expectGeneration(page, /Writing|Finished/);
    await expect.poll(() => totalWords(page)).toBeGreaterThanOrEqual(before);
    await expect(page.locator('.draft section[data-step-id="step-1"]')).toContainText(/\w+ \w+ \w+ \w+/);
  } finally {
    await app.stop();
  }
});

test("on start, the window offers the autosaves an earlier run left: save one under a name, discard another", async ({ page }) => {
  const home = await mkdtemp(path.join(os.tmpdir(), "draftline-e2e-home-"));
  try {
    // An earlier run: two imported drafts, never saved; the server ends (their autosaves stay).
    const earlier = await serveApp({ DRAFTLINE_HOME: home });
    await openWindow(page, earlier);
    await importDraft(page, lanterns);
    await importDraft(page, harbour, { replacing: true });
    await expect(page.getByText("Boats left the harbour at dawn.").first()).toBeVisible();
    await page.goto("about:blank");
    expect(await earlier.stop()).toBe(0);

    // This run: the welcome screen offers both.
    const app = await serveApp({ DRAFTLINE_HOME: home });
    try {
      await openWindow(page, app);
      const offer = page.getByRole("region", { name: "Unsaved work" });
      await expect(offer.locator(".recover-entry")).toHaveCount(2);
      await expect(offer).toContainText("Lanterns");
      await expect(offer).toContainText("Harbour");
      await saveScreenshot(page, "recovery-offer");

      // Discard asks again, then deletes only that one.
      await offer.getByRole("button", { name: "Discard: Harbour" }).click();
      await offer.getByRole("button", { name: "Discard for good" }).click();
      await expect(offer.locator(".recover-entry")).toHaveCount(1);

      // Save as: recovered, then saved where the writer says.
      await offer.getByRole("button", { name: "Save as…: Lanterns" }).click();
      const saveAs = page.getByRole("dialog", { name: "Save as" });
      const target = path.join(dir, "lanterns.draftline");
      await saveAs.getByLabel("File path").fill(target);
      await saveAs.getByRole("button", { name: "OK" }).click();
      await expect(saveAs).toBeHidden();
      await expect(page.locator(".status-saved")).toHaveText(`Saved to ${target}`);
      expect(await readFile(target, "utf8")).toContain("The lanterns rose over the river.");
    } finally {
      await app.stop();
    }
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
