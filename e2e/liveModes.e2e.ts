// Every keystroke lands in the chat modes too (web mode, the scripted engine, slow enough to type into
// a step it writes): in orchestrated and AgentWrite, as in IS-CoT, typing into the step the model
// writes pauses the model at the first keystroke, the text goes in (the step is marked stopped), and
// Resume continues that step after the writer's text.
import { expect, test, type Page } from "@playwright/test";
import { expectGeneration, generate, loadScriptedModel, openWindow, saveScreenshot } from "./helpers";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "100" });
});
test.afterAll(async () => {
  await app?.stop();
});

const block = (page: Page, stepId: string) => page.locator(`.draft .step-block[data-step-id="${stepId}"]`);

for (const [mode, label] of [
  ["orchestrated", "Orchestrated: the app drives one step at a time"],
  ["agentwrite", "agentwrite"],
] as const) {
  test(`${mode}: typing into the step the model writes pauses it, the text goes in, and Resume continues the step after it`, async ({ page }) => {
    test.setTimeout(180_000);
    await openWindow(page, app);
    await loadScriptedModel(page);
    await page.getByRole("button", { name: "New document" }).last().click();
    const form = page.getByRole("dialog", { name: "New document" });
    await form.getByLabel("Instruction").fill("Write a short story about a harbor at dawn.");
    await form.getByLabel("Target length (words)").fill("2000");
    const modes = form.getByLabel("Mode");
    const option = (await modes.locator("option").allTextContents()).find((text) => text.startsWith(label));
    expect(option).toBeDefined();
    await modes.selectOption({ label: option! });
    await form.getByRole("button", { name: "Create" }).click();
    await expect(form).toBeHidden();
    await generate(page);
    // Written in the mode chosen: its own step plans (orchestrated: a chat turn; AgentWrite: the paragraph's line of the plan).
    await expect(page.locator(`li.step-card[data-step-card="step-1"]`)).toContainText(mode === "orchestrated" ? "Cover the next part of the plan." : "Paragraph 1 - Word count:", { timeout: 60_000 });
    // Its card counts its words against the budget it is held to, though its plan names no number of words.
    await expect(page.locator(`li.step-card[data-step-card="step-1"] .step-words`)).toHaveText(/^[\d,]+ \/ [\d,]+ words$/);

    // Step 2 being written: the writer types at the end of its text.
    await expect(block(page, "step-2")).toHaveAttribute("data-status", "writing", { timeout: 60_000 });
    await expect.poll(async () => ((await block(page, "step-2").textContent()) ?? "").split(/\s+/).length, { timeout: 60_000 }).toBeGreaterThan(8);
    // At the end of what the model has written so far (the live step is the draft's last block).
    await block(page, "step-2").locator("p").last().click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(" The ferryman hums.");
    await expectGeneration(page, "Paused");
    await expect(page.getByRole("status").filter({ hasText: "The model paused so your typing goes in. Resume continues this step after your text." })).toBeVisible();
    const card = page.locator(`li.step-card[data-step-card="step-2"]`);
    await expect(card.locator(".chip").first()).toHaveText("stopped");
    // The card says what goes on with it while paused: Resume (Generate is not offered then).
    await expect(card.locator(".step-stopped")).toHaveText(/^Paused at \d+ words, before its end: Resume continues this step\.$/);
    await expect(block(page, "step-2")).toContainText("The ferryman hums.");
    const atPause = ((await block(page, "step-2").textContent()) ?? "").trimEnd();
    expect(atPause.endsWith("The ferryman hums.")).toBe(true);
    await saveScreenshot(page, `typing-into-the-live-step-${mode}`);

    // Resume: the step goes on after the writer's text, and is done.
    await page.getByRole("button", { name: "Resume" }).click();
    await expect(card.locator(".chip").first()).toHaveText("done", { timeout: 90_000 });
    const text = (await block(page, "step-2").textContent()) ?? "";
    expect(text).toContain("The ferryman hums.");
    // The writer's text stands as typed, and the model's words follow it.
    expect(text.startsWith(atPause)).toBe(true);
    expect(text.length).toBeGreaterThan(atPause.length + 20);
    await page.getByRole("button", { name: "Stop" }).click();
    await expectGeneration(page, "Stopped");
  });
}
