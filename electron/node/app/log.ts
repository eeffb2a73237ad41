// The app's log: one JSON object per line in `<app data>/logs/draftline.log`, rotated by size.
//
// A log is something writers attach to bug reports, so it must never hold their document. The API
// makes that hard to get wrong: an event is a dotted name (not a sentence), details are named fields
// of plain values, fields that carry text are replaced by their length, and long strings are cut.
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogValue = string | number | boolean | null | undefined | Error | readonly (string | number | boolean)[];
export type LogFields = Readonly<Record<string, LogValue>>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger whose events are prefixed with `scope.` (e.g. "engine" → "engine.crashed"). */
  child(scope: string): Logger;
}

/** Where a finished line goes. */
export type LogSink = (line: string) => void;

/**
 * Field names whose values are the writer's words (compared case-insensitively; also any name ending
 * in "text", "content" or "markdown"). Their values are never written, only their length.
 */
export const TEXT_FIELDS: ReadonlySet<string> = new Set([
  "text",
  "content",
  "instruction",
  "prompt",
  "plan",
  "steplan",
  "step_plan",
  "globalplan",
  "reflection",
  "brief",
  "markdown",
  "body",
  "delta",
  "draft",
  "transcript",
  "title",
  "completion",
  "output",
  "input",
  "params",
  "result",
]);

/** Strings longer than this are not ids, paths or codes: they are cut to their length. */
export const MAX_STRING = 300;
const EVENT_NAME = /^[a-z][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+)*$/;
const FIELD_NAME = /^[a-zA-Z][a-zA-Z0-9_]*$/;

export function isTextField(name: string): boolean {
  const lower = name.toLowerCase();
  return TEXT_FIELDS.has(lower) || lower.endsWith("text") || lower.endsWith("content") || lower.endsWith("markdown");
}

function describeLength(value: { length: number }): string {
  return `[redacted: ${value.length} chars]`;
}

function cleanString(value: string): string {
  return value.length > MAX_STRING ? describeLength(value) : value;
}

function cleanValue(name: string, value: LogValue): unknown {
  if (value === undefined) return undefined;
  if (isTextField(name)) {
    if (typeof value === "string") return describeLength(value);
    if (value === null || typeof value === "number" || typeof value === "boolean") return value;
    return "[redacted]";
  }
  if (value instanceof Error) {
    return {
      name: cleanString(value.name),
      message: cleanString(value.message),
      stack: value.stack?.split("\n").slice(1, 6).map((line) => cleanString(line.trim())),
    };
  }
  if (typeof value === "string") return cleanString(value);
  if (Array.isArray(value)) return value.slice(0, 50).map((item: string | number | boolean) => (typeof item === "string" ? cleanString(item) : item));
  if (typeof value === "number" || typeof value === "boolean" || value === null) return value;
  // Objects are refused: their fields could be anything, including a whole manuscript.
  return "[redacted: object]";
}

/** Builds the line for one event: the redaction every sink relies on. */
export function formatLogLine(level: LogLevel, event: string, fields: LogFields = {}, now: Date = new Date()): string {
  const record: Record<string, unknown> = {
    time: now.toISOString(),
    level,
    event: EVENT_NAME.test(event) && event.length <= 100 ? event : `invalid-event-name(${event.length} chars)`,
  };
  for (const [name, value] of Object.entries(fields)) {
    if (!FIELD_NAME.test(name) || name in record) continue;
    const cleaned = cleanValue(name, value);
    if (cleaned !== undefined) record[name] = cleaned;
  }
  return JSON.stringify(record);
}

export interface LoggerOptions {
  sink: LogSink;
  /** Events below this level are dropped. Default: info. */
  level?: LogLevel;
  /** Also hand every line to this (e.g. stderr while developing). */
  mirror?: LogSink;
  now?: () => Date;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(options: LoggerOptions, scope = ""): Logger {
  const minimum = LEVELS[options.level ?? "info"];
  const write = (level: LogLevel) => (event: string, fields?: LogFields) => {
    if (LEVELS[level] < minimum) return;
    const line = formatLogLine(level, scope ? `${scope}.${event}` : event, fields, options.now?.() ?? new Date());
    options.sink(line);
    options.mirror?.(line);
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (child) => createLogger(options, scope ? `${scope}.${child}` : child),
  };
}

/** A logger that writes nothing (tests, and code paths that have none). */
export const silentLogger: Logger = createLogger({ sink: () => {} });

export interface RotatingFileOptions {
  dir: string;
  /** The file name without extension. Default: draftline. */
  name?: string;
  /** Rotate once the file would grow past this. Default: 1 MiB. */
  maxBytes?: number;
  /** How many files to keep, the current one included. Default: 5. */
  maxFiles?: number;
  /** Told once when the log cannot be written; logging never throws. */
  onError?: (error: unknown) => void;
}

/** The folder of the app's logs (Help › Open Logs Folder). */
export function logsDir(dataDir: string): string {
  return path.join(dataDir, "logs");
}

/**
 * A sink that appends lines to `<dir>/<name>.log` and, when that would pass `maxBytes`, shifts
 * `<name>.log` → `<name>.1.log` → … and drops the oldest. Writes are synchronous so the lines before
 * a crash are on disk.
 */
export function rotatingFileSink(options: RotatingFileOptions): LogSink {
  const name = options.name ?? "draftline";
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  const maxFiles = Math.max(1, options.maxFiles ?? 5);
  const fileAt = (index: number) => path.join(options.dir, index === 0 ? `${name}.log` : `${name}.${index}.log`);
  let size: number | undefined;
  let failed = false;

  function rotate(): void {
    rmSync(fileAt(maxFiles - 1), { force: true });
    for (let index = maxFiles - 2; index >= 0; index--) {
      try {
        renameSync(fileAt(index), fileAt(index + 1));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
    size = 0;
  }

  return (line) => {
    const bytes = Buffer.byteLength(line) + 1;
    try {
      if (size === undefined) {
        mkdirSync(options.dir, { recursive: true });
        try {
          size = statSync(fileAt(0)).size;
        } catch {
          size = 0;
        }
      }
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendFileSync(fileAt(0), `${line}\n`);
      size += bytes;
      failed = false;
    } catch (error) {
      // Logging must never take the app down; say so once per run of failures.
      if (!failed) options.onError?.(error);
      failed = true;
      size = undefined;
    }
  };
}
