// A Playwright reporter that repeats, after everything else the run printed, each failed test's
// error and the step it failed in. The list reporter prints a failure's error first and then its
// attachments (a writer test attaches a screenshot per state), so a log cut to its last lines, as a
// CI summary is, would show the attachments and lose the cause.
import { stripVTControlCharacters } from "node:util";
import type { FullResult, Reporter, TestCase, TestResult, TestStep } from "@playwright/test/reporter";

/** The innermost step that failed (the expect or the action), as "title (file:line)". */
function failedStep(steps: readonly TestStep[]): TestStep | null {
  for (const step of steps) {
    if (!step.error) continue;
    return failedStep(step.steps) ?? step;
  }
  return null;
}

/** ANSI colour codes out, at most `lines` lines. */
export function plainLines(text: string, lines: number): string {
  const plain = stripVTControlCharacters(text).split("\n");
  return plain.length > lines ? [...plain.slice(0, lines), `… (${plain.length - lines} more lines)`].join("\n") : plain.join("\n");
}

export default class FailureSummary implements Reporter {
  private readonly failures: Array<{ test: TestCase; result: TestResult }> = [];

  printsToStdio(): boolean {
    return true;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    if (result.status === "failed" || result.status === "timedOut") this.failures.push({ test, result });
  }

  onEnd(result: FullResult): void {
    if (this.failures.length === 0) return;
    const out: string[] = [`\n=== ${this.failures.length} failed (run ${result.status}): the errors again ===`];
    for (const { test, result: r } of this.failures) {
      out.push(`\n✘ ${test.titlePath().filter(Boolean).join(" › ")} (${test.location.file.split(/[\\/]/).slice(-2).join("/")}:${test.location.line}), ${r.status} after ${Math.round(r.duration / 1000)} s`);
      const step = failedStep(r.steps);
      if (step) out.push(`  in: ${step.title}${step.location ? ` (${step.location.file.split(/[\\/]/).pop()}:${step.location.line})` : ""}`);
      for (const error of r.errors) out.push(plainLines(error.message ?? error.value ?? "(no message)", 14).replace(/^/gm, "  "));
    }
    console.log(out.join("\n"));
  }
}
