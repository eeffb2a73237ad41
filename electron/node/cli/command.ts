import type { Readable, Writable } from "node:stream";

/** What a command talks to; tests pass their own streams. */
export interface CliIO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** True when stdout is a terminal: progress bars are drawn only then. */
  isTTY: boolean;
  /** The working directory that relative paths are resolved against. */
  cwd: string;
  /** Environment variables (DRAFTLINE_THREADS, ...). */
  env: Record<string, string | undefined>;
}

/** One `draftline <name>` sub-command. `run` resolves to the process exit code. */
export interface Command {
  name: string;
  summary: string;
  /** Shown by `draftline help <name>` and on a usage error. */
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/**
 * An error the user can act on: its message is printed as is (no stack trace) and the process exits
 * with `exitCode` (2 for bad usage, 1 otherwise).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
    this.name = "UsageError";
  }
}
