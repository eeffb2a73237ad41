import { readFile } from "node:fs/promises";
import path from "node:path";
import { CliError, type CliIO } from "./command";

/** Reads a text input: a path, or `-` / nothing for standard input. Refuses binary and empty input. */
export async function readTextInput(file: string | undefined, io: CliIO): Promise<string> {
  let bytes: Buffer;
  const label = file && file !== "-" ? file : "standard input";
  if (!file || file === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
    bytes = Buffer.concat(chunks);
  } else {
    try {
      bytes = await readFile(path.resolve(io.cwd, file));
    } catch (error) {
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
