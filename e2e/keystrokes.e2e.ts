// Every keystroke lands (web mode, the scripted engine, slow enough to type into a step it writes):
// typing into the step the model writes pauses the model at the first keystroke, the text goes in, and
// Resume continues the step after it; a deletion across steps while the model writes one of them is
// refused with a message at the cursor, and made step by step once the model stops; Ctrl+A and typing
// replaces the draft's text, and Ctrl+Z brings it back.
import { expect, test, type Page } from "@playwright/test";
import { expectGeneration, generate, loadScriptedModel, newDocument, openWindow, saveScreenshot, stopGeneration, totalWords, wordsIn } from "./helpers";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "100" });
});
test.afterAll(async () => {
  await app?.stop();
});

const block = (page: Page, stepId: string) => page.locator(`.draft .step-block[data-step-id="${stepId}"]`);

/** A new document the model writes: step 1 done, step 2 being written with a few words in it. */
async function writeIntoStep2(page: Page) {
  await openWindow(page, app);
  await loadScriptedModel(page);
  await newDocument(page, { instruction: "Write a short story about a harbor at dawn.", target: 2000 });
  await generate(page);
  await expect(block(page, "step-2")).toHaveAttribute("data-status", "writing", { timeout: 60_000 });
  await expect.poll(async () => ((await block(page, "step-2").textContent()) ?? "").split(/\s+/).length).toBeGreaterThan(8);
}

/** Selects from `offset` characters into step A's first paragraph to `offset` into step B's. */
async function selectAcross(page: Page, a: string, b: string, offset: number) {
  await page.evaluate(
    ({ a, b, offset }) => {
      const textOf = (id: string) => {
        const walker = document.createTreeWalker(document.querySelector(`.draft .step-block[data-step-id="${id}"] p`)!, NodeFilter.SHOW_TEXT);
        return walker.nextNode()!;
      };
      const range = document.createRange();
      range.setStart(textOf(a), offset);
      range.setEnd(textOf(b), offset);
      const selection = window.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
    },
    { a, b, offset },
  );
}

test("typing into the step the model writes pauses it and goes in; edits across steps are refused while it writes there, made once it stops; Ctrl+A and typing, then Ctrl+Z", async ({ page }) => {
  test.setTimeout(180_000);
  // Step 1 done, step 2 being written: a deletion across them is refused, said at the cursor.
  await writeIntoStep2(page);
  const firstBefore = await block(page, "step-1").textContent();
  await page.locator(".draft").focus();
  await selectAcross(page, "step-1", "step-2", 10);
  await page.keyboard.press("Backspace");
  await expect(page.getByRole("alert").filter({ hasText: "The model is writing one of these steps: pause it to edit across steps. Nothing was changed." })).toBeVisible();
  expect(await block(page, "step-1").textContent()).toBe(firstBefore);
  await expectGeneration(page, "Writing");

  // Typing into the step being written: the model pauses at the first keystroke and the text goes in.
  await block(page, "step-2").locator("p").last().click();
  await page.keyboard.press("End");
  await page.keyboard.type(" The ferryman hums.");
  await expectGeneration(page, "Paused");
  await expect(page.getByRole("status").filter({ hasText: "The model paused so your typing goes in. Resume continues this step after your text." })).toBeVisible();
  const card = page.locator('li.step-card[data-step-card="step-2"]');
  await expect(card.locator(".chip").first()).toHaveText("stopped");
  await expect(block(page, "step-2")).toContainText("The ferryman hums.");
  await saveScreenshot(page, "typing-into-the-live-step");

  // Resume: the step goes on after the writer's text, and is done.
  await page.getByRole("button", { name: "Resume" }).click();
  await expect(card.locator(".chip").first()).toHaveText("done", { timeout: 90_000 });
  const second = (await block(page, "step-2").textContent()) ?? "";
  expect(second).toContain("The ferryman hums.");
  expect(second.indexOf("The ferryman hums.")).toBeLessThan(second.length - "The ferryman hums.".length - 20);
  await stopGeneration(page);

  // Stopped: a deletion across steps 1 and 2 is made in each step; both stay.
  const before = await totalWords(page);
  await selectAcross(page, "step-1", "step-2", 10);
  await page.keyboard.press("Backspace");
  await expect.poll(() => totalWords(page)).toBeLessThan(before);
  await expect(block(page, "step-1")).toBeVisible();
  await expect(block(page, "step-2")).toBeVisible();
  expect(((await block(page, "step-1").textContent()) ?? "").length).toBeLessThan((firstBefore ?? "").length);
  const afterDeletion = await totalWords(page);
  // The deletion's edits are answered (both blocks marked edited) before the next edit: a fast Ctrl+A
  // and typing while that answer redraws the blocks can put the keys after the first in the next step
  // (a known defect, see docs/ARCHITECTURE.md); this test is about Ctrl+A and typing on its own.
  await expect(block(page, "step-1")).toHaveAttribute("data-status", "edited");
  await expect(block(page, "step-2")).toHaveAttribute("data-status", "edited");
  await page.waitForTimeout(500);

  // Ctrl+A and typing: the draft's text is the typed text (every step and heading stays); Ctrl+Z brings it back.
  await block(page, "step-1").locator("p").first().click();
  await page.keyboard.press("Control+A");
  // The first key replaces the text of every step (made step by step, every block redrawn): the keys
  // typed at once after it can land in the next step (a known defect, see docs/ARCHITECTURE.md), so the
  // test waits for that first key's edit before typing on.
  await page.keyboard.type("O");
  await expect(block(page, "step-1")).toHaveText("O");
  await page.keyboard.type("nly this remains.");
  await expect(block(page, "step-1")).toHaveText("Only this remains.");
  await expect.poll(() => totalWords(page)).toBe(3);
  await expect(page.locator(".draft h2.section-heading").first()).toBeVisible();
  await page.keyboard.press("Control+Z");
  await expect.poll(() => totalWords(page)).toBe(afterDeletion);
});

test("a space typed at the end of the step the model writes: the step is cut where the writer typed, not after words that reached the window later", async ({ page }) => {
  test.setTimeout(180_000);
  await writeIntoStep2(page);
  await block(page, "step-2").locator("p").last().click();
  await page.keyboard.press("Control+End");
  // One space: the same text as Markdown, but the writer's keystroke. The model's words in flight when
  // it paused (the window shows them a moment after the back end has them) must not come after it.
  await page.keyboard.type(" ");
  await expectGeneration(page, "Paused");
  const atPause = ((await block(page, "step-2").textContent()) ?? "").trimEnd();
  // The writer's edit is sent a moment after the keystroke (see DraftController.flush).
  await page.waitForTimeout(1000);
  await stopGeneration(page);
  await expect(block(page, "step-2")).toHaveAttribute("data-status", "stopped");
  expect(((await block(page, "step-2").textContent()) ?? "").trimEnd(), "the step stops where the writer typed").toBe(atPause);
  // And the writer goes on typing there: the space stays before the next word.
  await block(page, "step-2").locator("p").last().click();
  await page.keyboard.press("Control+End");
  await page.keyboard.type("Gulls.");
  await expect(block(page, "step-2")).toContainText(`${atPause.slice(-20)} Gulls.`);
});

test("an edit the back end does not take stays in the draft, said so, and goes in once it can: a step kept aside while an earlier one is written again", async ({ page }) => {
  test.setTimeout(180_000);
  await writeIntoStep2(page);
  await stopGeneration(page);

  // Step 1 written again: the steps after it wait aside (shown as they were), and the back end refuses their edits meanwhile.
  const first = page.locator('li.step-card[data-step-card="step-1"]');
  await first.getByRole("button", { name: "Regenerate step" }).click();
  await page.getByRole("dialog", { name: "Write it again?" }).getByRole("button", { name: "Write again" }).click();
  await expect(block(page, "step-1")).toHaveAttribute("data-status", "writing", { timeout: 60_000 });
  const secondWords = () => page.locator('li.step-card[data-step-card="step-2"] .step-words').textContent().then(wordsIn);
  const before = await secondWords();
  await block(page, "step-2").locator("p").first().click();
  await selectAcross(page, "step-2", "step-2", 0);
  await page.keyboard.type("Gulls wheel. ");
  await expect(page.getByRole("alert").filter({ hasText: "Your change to this step was not saved: This step waits while step 1 is written again" })).toBeVisible();
  await expect(block(page, "step-2")).toContainText("Gulls wheel.");
  await saveScreenshot(page, "edit-kept-while-refused");

  // The run ends: the edit is sent again and goes in (the step, stopped before its end, keeps its mark).
  await expect(page.getByRole("button", { name: "Generate", exact: true })).toBeEnabled({ timeout: 90_000 });
  await expect.poll(secondWords, { message: "the back end has the writer's two words" }).toBe(before + 2);
  await expect(block(page, "step-2")).toContainText("Gulls wheel.");
  expect(((await block(page, "step-2").textContent()) ?? "").startsWith("Gulls wheel.")).toBe(true);
});
