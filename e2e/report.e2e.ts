// The report panel end to end in web mode, with the scripted engine and a scripted loopback judge:
// write a document, open its report (the chart of words per section against budgets, the sections'
// table, repetition per step), edit the stock-phrase list and see what it finds, set a judge server
// and read the six scores.
import { expect, test } from "@playwright/test";
import { judgeAnswer, startJudgeServer, type ScriptedJudgeServer } from "../electron/node/eval/testing/loopback";
import { collectPageErrors, generateToEnd, loadScriptedModel, newDocument, openDialog, openWindow, saveScreenshot } from "./helpers";
import { serveApp, type ServedApp } from "./serve";

let app: ServedApp;
let judge: ScriptedJudgeServer;
test.beforeAll(async () => {
  app = await serveApp({ DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "20000" });
  judge = await startJudgeServer((_prompt, n) => (n === 0 ? "I would rather not say." : judgeAnswer([5, 4, 3, 2, 1, 4], "Clear, but the vocabulary repeats.")));
});
test.afterAll(async () => {
  await judge?.close();
  await app?.stop();
});

test("the report: words per section against budgets, repetition, stock phrases, the judge's scores", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const errors = collectPageErrors(page);

  await openWindow(page, app);
  await loadScriptedModel(page, { from: "Load a model" });

  await newDocument(page, { instruction: "Write about a harbor town in winter.", target: 2000 });
  await generateToEnd(page);

  const report = await openDialog(page, "Report");
  await expect(report.getByText(/^[\d,]+ of 2,000 words · length score \d+\.\d$/)).toBeVisible();
  // The chart: a bar and a budget mark for each of the plan's four sections.
  const chart = report.getByTestId("report-chart");
  await expect(chart.locator("g.report-row")).toHaveCount(4);
  await expect(chart.locator("line.report-budget")).toHaveCount(4);
  await expect(report.getByRole("row", { name: /^Opening [\d,]+ [\d,]+ \d+\.\d$/ })).toBeVisible();
  await expect(report.getByTestId("report-repetition")).toHaveText(/^\d+\.\d% of the [\d,]+ 4-word sequences repeat one seen earlier\.$/);
  await expect(report.locator("rect.report-step")).not.toHaveCount(0);
  await saveScreenshot(chart, "20-report-chart");

  // The stock phrases: the writer's own list, kept in the settings.
  await report.getByRole("button", { name: "Edit the list…" }).click();
  await report.getByLabel("Phrases to look for, one a line").fill("harbor\nnot in this text");
  await report.getByRole("button", { name: "Save the list" }).click();
  await expect(report.getByTestId("report-phrases")).toContainText(/“harbor” ×\d+/);

  // The judge: a server, and the document's six scores (its first answer was malformed, asked again).
  await report.getByLabel("Judge", { exact: true }).selectOption("server");
  await report.getByLabel("Address").fill(judge.url);
  await report.getByRole("button", { name: "Use this judge" }).click();
  await report.getByRole("button", { name: "Judge this document" }).click();
  const quality = report.getByTestId("report-quality");
  await expect(quality.getByText("Quality score 54.2")).toBeVisible();
  await expect(quality.getByRole("row", { name: "Relevance 5 / 5 100.0" })).toBeVisible();
  await expect(quality.getByRole("row", { name: "Breadth and depth 1 / 5 0.0" })).toBeVisible();
  await expect(quality.getByText("1 answers of the judge could not be read and were asked again.")).toBeVisible();
  expect(judge.requests.at(-1)!.prompt).toContain("<User Request>\n\nWrite about a harbor town in winter.\n\n</User Request>");

  const body = await page.screenshot({ fullPage: true });
  await testInfo.attach("report", { body, contentType: "image/png" });
  await saveScreenshot(report, "21-report-quality");
  expect(errors).toEqual([]);
});
