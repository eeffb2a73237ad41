import { parseArgs } from "node:util";
import { isProjectError } from "../../common/project/errors";
import { CliError, type CliIO, type Command } from "./command";
import { commands as registered } from "./commands";
import { writeLine } from "./io";

const VERSION = "0.1.0";

function helpText(commands: Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  return [
    "draftline — long documents with a local language model",
    "",
    "Usage: draftline <command> [options]",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "draftline help <command> shows a command's options.",
  ].join("\n");
}

/** Runs the CLI and resolves to the exit code; never throws for a user error. */
export async function runCli(argv: string[], io: CliIO, commands: Command[] = registered): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    const topic = name === "help" ? commands.find((c) => c.name === rest[0]) : undefined;
    writeLine(io.stdout, topic ? topic.usage : helpText(commands));
    return 0;
  }
  if (name === "--version" || name === "-v") {
    writeLine(io.stdout, VERSION);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    writeLine(io.stderr, `draftline: unknown command '${name}'.\n\n${helpText(commands)}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // A file the command could not read or write: its message says what and why, no stack trace.
    if (isProjectError(error)) {
      writeLine(io.stderr, `draftline ${name}: ${error.message}`);
      return 1;
    }
    if (error instanceof CliError) {
      writeLine(io.stderr, `draftline ${name}: ${error.message}`);
      if (error.exitCode === 2) writeLine(io.stderr, `\n${command.usage}`);
      return error.exitCode;
    }
    // parseArgs reports unknown options and missing values with a code: that is a usage error.
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      writeLine(io.stderr, `draftline ${name}: ${(error as Error).message}\n\n${command.usage}`);
      return 2;
    }
    writeLine(io.stderr, `draftline ${name}: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}

export { parseArgs };

export function processIO(): CliIO {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: Boolean(process.stdout.isTTY),
    cwd: process.cwd(),
    env: process.env,
  };
}
