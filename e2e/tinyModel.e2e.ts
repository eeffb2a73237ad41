// The writer's window end to end with a real model: `draftline serve` loads the tiny test GGUF (random
// weights, written here by `draftline test-model`) through node-llama-cpp on one thread, and the
// protocol grammars of its catalog profile hold it to IS-CoT. Create a document, generate, see the
// sections and step cards fill in, pause, edit a future section's budget and the first step's text,
// resume and see both taken in and the counts follow, stop.
//
// A real model's plan is not known in advance (2 to 6 sections, nonsense titles), so the test reads
// the plan it got instead of expecting one. Nor is its speed: on a busy machine the browser and the test
// slow down more than the model, which once finished the whole document before the test reached Pause.
// So the test waits for states only, and pauses the model before it acts: the budget and draft edits
// are made while the document is paused (they wait for the next step boundary, as during writing), and
// are seen taken in once the model writes on.
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { closeDialog, collectPageErrors, generate, loadModelByPath, newDocument, openWindow, pauseGeneration, shoot, stopGeneration, totalWords, wordsIn } from "./helpers";
import { serveApp, type ServedApp } from "./serve";
const root = path.resolve(import.meta.dirname, "..");

let app: ServedApp;
let modelDir: string;
let modelPath: string;
test.beforeAll(async () => {
  modelDir = await mkdtemp(path.join(os.tmpdir(), "draftline-e2e-model-"));
  modelPath = path.join(modelDir, "tiny.gguf");
  const written = spawnSync(process.execPath, [path.join(root, "bin/draftline.js"), "test-model", modelPath], { encoding: "utf8" });
  if (written.status !== 0) throw new Error(`draftline test-model failed:\n${written.stderr}`);
  app = await serveApp();
});
test.afterAll(async () => {
  await app?.stop();
  if (modelDir) await rm(modelDir, { recursive: true, force: true });
});

test("the tiny model writes through the window: plan, steps, pause, a budget and a draft edit while paused, resume, stop", async ({ page }, testInfo) => {
  // A bound for a machine busy with other work, not a speed: every wait below is for a state of the window.
  test.setTimeout(600_000);
  const slow = { timeout: 180_000 };
  const errors = collectPageErrors(page, { console: true });

  await openWindow(page, app);

  // Load the GGUF by its path, as a writer in web mode does: real loading through node-llama-cpp.
  const models = await loadModelByPath(page, { path: modelPath, from: "Load a model", loaded: /tiny/i, ...slow });
  await expect(models.locator(".loaded-model")).toContainText("CPU");
  // Sampling: a value out of range is refused with its name; a good one applies to the loaded model.
  const sampling = models.getByRole("form", { name: "Sampling" });
  await sampling.getByLabel("Temperature").fill("7");
  await sampling.getByRole("button", { name: "Apply sampling" }).click();
  await expect(sampling.getByRole("alert")).toHaveText("Check the settings: Temperature is not valid.");
  await sampling.getByLabel("Temperature").fill("0.8");
  await sampling.getByLabel("Seed").fill("42");
  await sampling.getByRole("button", { name: "Apply sampling" }).click();
  await expect(sampling.getByText("Sampling applied.")).toBeVisible();
  await shoot(page, testInfo, "tiny-01-model-loaded");
  await closeDialog(models);
  await expect(page.getByText(/Model ready/)).toBeVisible();

  // The longest document Draftline plans: the model cannot finish it while the test runs (it wrote 20,000
  // words in 94 s at a load of 8, once finishing before the test reached Stop), so every action below
  // meets the model still writing.
  await newDocument(page, { instruction: "Write a long report on the harbour's history, its trade and its people.", target: 200_000 });

  // Generate: the global plan's sections appear with their budgets, then step cards and the draft fill in.
  await generate(page);
  const sectionCards = page.locator("li.section-card");
  await expect(sectionCards.nth(1)).toBeVisible(slow);
  const sections = await sectionCards.count();
  expect(sections).toBeGreaterThanOrEqual(2);
  expect(sections).toBeLessThanOrEqual(6);
  const firstCard = page.locator('li.step-card[data-step-card="step-1"]');
  await expect(firstCard).toBeVisible(slow);
  await expect(page.locator('.draft section[data-step-id="step-1"]')).toContainText(/\S+ \S+ \S+/, slow);
  // The first step is written (the model is on the next one): the writer may edit it.
  await expect(page.locator('li.step-card[data-step-card="step-2"]')).toBeVisible(slow);
  await expect(firstCard.locator(".chip").first()).not.toHaveText("writing");
  await shoot(page, testInfo, "tiny-02-writing");

  // Pause: the model stops where it is and keeps its place; the words stand still.
  await pauseGeneration(page, slow);
  const pausedAt = await totalWords(page);
  await page.waitForTimeout(1500);
  expect(await totalWords(page)).toBe(pausedAt);

  // While paused, a section ahead of the model gets a new budget: pending until the next step boundary.
  // The last one not written yet; a random plan of two sections may already be in its last section
  // (its step plans choose), and then that one, partly written, is the section ahead.
  const unwritten = page.locator("li.section-card:not([data-written])");
  const ahead = (await unwritten.count()) > 0 ? unwritten.last() : sectionCards.last();
  // Held by its id: once the model writes in it, it is no longer 'not written'.
  const last = page.locator(`li.section-card[data-section-card="${await ahead.getAttribute("data-section-card")}"]`);
  const budget = last.getByLabel("Budget (words)");
  const oldBudget = Number(await budget.inputValue());
  const newBudget = oldBudget > 100 ? oldBudget - 50 : oldBudget + 50;
  await budget.fill(String(newBudget));
  await budget.press("Enter");
  await expect(last.getByText("pending", { exact: true })).toBeVisible();

  // While paused, the writer edits the first step's text: its count follows and the step is marked edited.
  const before = wordsIn(await firstCard.locator(".step-words").textContent());
  const firstParagraph = page.locator('.draft section[data-step-id="step-1"] p').first();
  // The cursor is in the first step once the timeline marks its card. On a busy machine a click has been
  // seen to leave the cursor where it was, so the test clicks until the window shows it there.
  await expect(async () => {
    await firstParagraph.click({ position: { x: 2, y: 8 } });
    await expect(firstCard).toHaveAttribute("data-focused", "true", { timeout: 10_000 });
  }).toPass(slow);
  await page.keyboard.press("Home");
  await page.keyboard.type("Five words from the writer. ");
  await expect.poll(async () => wordsIn(await firstCard.locator(".step-words").textContent()), slow).toBe(before + 5);
  await expect(firstCard.locator(".chip").first()).toHaveText("edited");
  await shoot(page, testInfo, "tiny-03-edited-while-paused");

  // Resume: the model writes on, takes the budget edit in at its next step boundary, and keeps the writer's words.
  await page.getByRole("button", { name: "Resume" }).click();
  await expect.poll(() => totalWords(page), slow).toBeGreaterThan(pausedAt + 5);
  await expect(last.getByText("pending", { exact: true })).toBeHidden(slow);
  await expect(budget).toHaveValue(String(newBudget));
  await expect(page.locator('.draft section[data-step-id="step-1"]')).toContainText("Five words from the writer.");
  await expect.poll(async () => wordsIn(await firstCard.locator(".step-words").textContent()), slow).toBe(before + 5);
  await shoot(page, testInfo, "tiny-04-resumed");

  // Stop: the generation ends and the writer's words stay.
  await stopGeneration(page, "Stopped", slow);
  const stoppedAt = await totalWords(page);
  await page.waitForTimeout(1000);
  expect(await totalWords(page)).toBe(stoppedAt);
  await expect(page.locator('.draft section[data-step-id="step-1"]')).toContainText("Five words from the writer.");
  await shoot(page, testInfo, "tiny-05-stopped");

  expect(errors).toEqual([]);
});
