import type { TestCase, TestResult } from "@playwright/test/reporter";
import { afterEach, describe, expect, it, vi } from "vitest";
import FailureSummary, { plainLines } from "./failureSummary";

const testCase = (title: string) => ({ titlePath: () => ["", "", "writer.e2e.ts", title], location: { file: "/repo/e2e/writer.e2e.ts", line: 19, column: 1 } }) as unknown as TestCase;
const result = (status: TestResult["status"], message?: string) =>
  ({
    status,
    duration: 41_500,
    errors: message ? [{ message }] : [],
    steps: [
      { title: "click Generate", steps: [] },
      { title: "the words stay", error: { message }, location: { file: "/repo/e2e/writer.e2e.ts", line: 87, column: 3 }, steps: [{ title: "inner poll", error: { message }, location: { file: "/repo/e2e/writer.e2e.ts", line: 88, column: 5 }, steps: [] }] },
    ],
  }) as unknown as TestResult;

describe("the failure summary at the end of an end-to-end run", () => {
  afterEach(() => vi.restoreAllMocks());

  it("repeats each failed test's error and the innermost step it failed in, last", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const reporter = new FailureSummary();
    reporter.onTestEnd(testCase("passes"), result("passed"));
    reporter.onTestEnd(testCase("write a document"), result("failed", "\u001b[31mError: the words stay\u001b[39m\nExpected: 448\nReceived: 452"));
    reporter.onEnd({ status: "failed" } as never);
    expect(log).toHaveBeenCalledTimes(1);
    const out = String(log.mock.calls[0]![0]);
    expect(out).toContain("1 failed");
    expect(out).toContain("✘ writer.e2e.ts › write a document (e2e/writer.e2e.ts:19), failed after 42 s");
    expect(out).toContain("in: inner poll (writer.e2e.ts:88)");
    expect(out).toContain("  Error: the words stay\n  Expected: 448\n  Received: 452");
    expect(out).not.toContain("passes");
    expect(out).not.toContain("\u001b[");
  });

  it("prints nothing when every test passed", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const reporter = new FailureSummary();
    reporter.onTestEnd(testCase("passes"), result("passed"));
    reporter.onEnd({ status: "passed" } as never);
    expect(log).not.toHaveBeenCalled();
  });

  it("keeps a long error to its first lines and says how many were left out", () => {
    expect(plainLines(["a", "b", "c", "d"].join("\n"), 2)).toBe("a\nb\n… (2 more lines)");
    expect(plainLines("a\nb", 2)).toBe("a\nb");
  });
});
