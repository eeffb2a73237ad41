import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger, formatLogLine, logsDir, rotatingFileSink, MAX_STRING } from "./log";

const at = new Date("2025-03-01T10:00:00.000Z");
const SECRET = "Chapter one. The lighthouse keeper had not spoken to anyone in eleven years";

function parse(line: string): Record<string, unknown> {
  return JSON.parse(line) as Record<string, unknown>;
}

describe("formatLogLine", () => {
  it("writes one JSON object with time, level, event and the fields", () => {
    const line = formatLogLine("info", "model.load", { file: "/models/a.gguf", seconds: 2.5, gpu: true }, at);
    expect(parse(line)).toEqual({ time: "2025-03-01T10:00:00.000Z", level: "info", event: "model.load", file: "/models/a.gguf", seconds: 2.5, gpu: true });
  });

  it.each(["text", "content", "instruction", "prompt", "reflection", "markdown", "Title", "selectedText", "sectionContent"])(
    "never writes the value of the text field '%s', only its length",
    (field) => {
      const line = formatLogLine("info", "generation.step", { [field]: SECRET }, at);
      expect(line).not.toContain("lighthouse");
      expect(parse(line)[field]).toBe(`[redacted: ${SECRET.length} chars]`);
    },
  );

  it("cuts any long string, whatever its field is called", () => {
    const long = `${SECRET} `.repeat(10);
    const line = formatLogLine("info", "project.save", { note: long }, at);
    expect(long.length).toBeGreaterThan(MAX_STRING);
    expect(line).not.toContain("lighthouse");
    expect(parse(line).note).toBe(`[redacted: ${long.length} chars]`);
  });

  it("refuses objects, which could hold a whole manuscript", () => {
    const manuscript = { sections: [{ brief: SECRET }] } as unknown as string;
    const line = formatLogLine("info", "project.save", { manuscript }, at);
    expect(line).not.toContain("lighthouse");
    expect(parse(line).manuscript).toBe("[redacted: object]");
  });

  it("does not accept a sentence as the event name", () => {
    const line = formatLogLine("warn", SECRET, {}, at);
    expect(line).not.toContain("lighthouse");
    expect(parse(line).event).toBe(`invalid-event-name(${SECRET.length} chars)`);
  });

  it("keeps an error's name and message and drops fields whose name is not an identifier", () => {
    const record = parse(formatLogLine("error", "engine.crashed", { error: new TypeError("exit code 134"), "a b": "x", level: "fake" }, at));
    expect(record.error).toMatchObject({ name: "TypeError", message: "exit code 134" });
    expect(record).not.toHaveProperty("a b");
    expect(record.level).toBe("error");
  });
});

describe("createLogger", () => {
  it("drops events below the level and prefixes a child's events with its scope", () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), level: "info", now: () => at });
    log.debug("noise");
    log.child("engine").warn("restarted", { attempt: 2 });
    expect(lines.map(parse)).toEqual([{ time: at.toISOString(), level: "warn", event: "engine.restarted", attempt: 2 }]);
  });
});

describe("rotatingFileSink", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-log-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("appends lines to draftline.log in the logs folder", async () => {
    const logs = logsDir(dir);
    const sink = rotatingFileSink({ dir: logs });
    sink("one");
    sink("two");
    expect(await readFile(path.join(logs, "draftline.log"), "utf8")).toBe("one\ntwo\n");
  });

  it("rotates past the size limit and keeps only maxFiles files", async () => {
    const sink = rotatingFileSink({ dir, maxBytes: 20, maxFiles: 3 });
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) sink(`line number ${n}`); // 14 bytes each: one line per file
    expect((await readdir(dir)).sort()).toEqual(["draftline.1.log", "draftline.2.log", "draftline.log"]);
    expect(await readFile(path.join(dir, "draftline.log"), "utf8")).toBe("line number 8\n");
    expect(await readFile(path.join(dir, "draftline.2.log"), "utf8")).toBe("line number 6\n");
  });

  it("counts what an earlier run already wrote", async () => {
    await writeFile(path.join(dir, "draftline.log"), "x".repeat(15) + "\n");
    rotatingFileSink({ dir, maxBytes: 20 })("next run");
    expect(await readFile(path.join(dir, "draftline.1.log"), "utf8")).toBe("x".repeat(15) + "\n");
    expect(await readFile(path.join(dir, "draftline.log"), "utf8")).toBe("next run\n");
  });

  it("never throws when the log cannot be written, and says so once", async () => {
    const blocker = path.join(dir, "not-a-folder");
    await writeFile(blocker, "");
    const errors: unknown[] = [];
    const sink = rotatingFileSink({ dir: path.join(blocker, "logs"), onError: (e) => errors.push(e) });
    expect(() => {
      sink("a");
      sink("b");
    }).not.toThrow();
    expect(errors).toHaveLength(1);
  });
});
