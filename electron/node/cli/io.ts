import path from "node:path";
import { isProjectError } from "../../common/project/errors";
import { readRegularFile } from "../base/regularFile";
import { CliError, type CliIO } from "./command";

/** The largest text input a command reads (a transcript, a draft): 64 MiB. */
export const MAX_TEXT_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Reads a text input: a path, or `-` / nothing for standard input. Refuses what is not a regular file
 * (a pipe named as a path, a device), input over MAX_TEXT_INPUT_BYTES, binary and empty input.
 */
export async function readTextInput(file: string | undefined, io: CliIO): Promise<string> {
  let bytes: Buffer;
  const label = file && file !== "-" ? file : "standard input";
  if (!file || file === "-") {
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of io.stdin) {
      const piece = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
      total += piece.length;
      if (total > MAX_TEXT_INPUT_BYTES) throw new CliError(`standard input holds more than ${MAX_TEXT_INPUT_BYTES / (1024 * 1024)} MiB, the most a command reads.`);
      chunks.push(piece);
    }
    bytes = Buffer.concat(chunks);
  } else {
    try {
      bytes = await readRegularFile(path.resolve(io.cwd, file), { maxBytes: MAX_TEXT_INPUT_BYTES, action: "read", kind: "an input" });
    } catch (error) {
      if (isProjectError(error)) throw new CliError(error.message);
      throw new CliError(`Cannot read ${file}: ${describeFsError(error)}`);
    }
  }
  if (bytes.length === 0) throw new CliError(`${label} is empty: nothing to read.`);
  if (bytes.includes(0)) throw new CliError(`${label} looks like a binary file, not text.`);
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.trim() === "") throw new CliError(`${label} has only white space: nothing to read.`);
  return text;
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "it is a folder, not a file";
    case "ENOSPC":
      return "the disk is full";
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

export function writeLine(stream: NodeJS.WritableStream | CliIO["stdout"], line = ""): void {
  stream.write(line + "\n");
}
