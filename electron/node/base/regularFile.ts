import { constants, promises as fs, type Stats } from "node:fs";
import path from "node:path";
import { ProjectError } from "../../common/project/errors";

/** The largest project file (or recovery journal) Draftline opens: far above any real document. */
export const MAX_PROJECT_BYTES = 64 * 1024 * 1024;
/** The largest Markdown or text draft Draftline imports (some 2 million words). */
export const MAX_DRAFT_BYTES = 16 * 1024 * 1024;

export interface ReadRegularFileOptions {
  /** The most bytes the file may hold. */
  maxBytes: number;
  /** What the reading is for, in the message: "open", "import", "read". */
  action: string;
  /** What such a file is, in the message about its size: "a project", "a draft". */
  kind: string;
}

/**
 * Reads a file that must be a regular file of at most `maxBytes`. Anything else is refused before a
 * byte is read, with a message that says what it is: a named pipe (opening one for reading waits for a
 * writer, forever, and holds one of the few threads every file operation shares), a device
 * (`/dev/zero` never ends), a socket. The file is opened non-blocking and checked again through its
 * handle, so one swapped in between the two checks is refused too; a file that grows while it is read
 * is refused once it passes the cap, so memory stays bounded.
 *
 * Failures of the file system itself (missing, permission denied) are thrown as they are, with their
 * errno code; a folder is thrown as EISDIR, as reading it would be.
 */
export async function readRegularFile(file: string, options: ReadRegularFileOptions): Promise<Buffer> {
  refuseIrregular(file, await fs.stat(file), options);
  // O_NONBLOCK: should a pipe be swapped in after the check, opening it does not wait for a writer.
  const handle = await fs.open(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  try {
    const stats = await handle.stat();
    refuseIrregular(file, stats, options);
    let buffer = Buffer.allocUnsafe(Math.min(stats.size, options.maxBytes) + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > options.maxBytes) throw tooLarge(file, length, options);
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, options.maxBytes + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > options.maxBytes) throw tooLarge(file, length, options);
    return buffer.subarray(0, length);
  } finally {
    await handle.close().catch(() => {});
  }
}

function refuseIrregular(file: string, stats: Stats, options: ReadRegularFileOptions): void {
  if (stats.isFile()) {
    if (stats.size > options.maxBytes) throw tooLarge(file, stats.size, options);
    return;
  }
  if (stats.isDirectory()) throw Object.assign(new Error(`EISDIR: illegal operation on a directory, read '${file}'`), { code: "EISDIR", path: file });
  const what = stats.isFIFO() ? "a named pipe (FIFO)" : stats.isCharacterDevice() || stats.isBlockDevice() ? "a device" : stats.isSocket() ? "a socket" : "not a regular file";
  throw new ProjectError("foreign", `Cannot ${options.action} ${path.basename(file)}: it is ${what}, not a file. Choose a file saved on disk.`, { path: file });
}

function tooLarge(file: string, bytes: number, options: ReadRegularFileOptions): ProjectError {
  const size = mebibytes(bytes);
  const cap = mebibytes(options.maxBytes);
  const why = size === cap ? `it is larger than ${cap}, the most ${options.kind} can be.` : `it is ${size}, and ${options.kind} can be at most ${cap}.`;
  return new ProjectError("too-large", `Cannot ${options.action} ${path.basename(file)}: ${why}`, { path: file, maxBytes: options.maxBytes });
}

function mebibytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return `${mib >= 10 ? Math.round(mib) : Number(mib.toFixed(1))} MiB`;
}
