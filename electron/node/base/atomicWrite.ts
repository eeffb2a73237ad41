import { createHash, randomBytes } from "node:crypto";
import { promises as nodeFs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { errnoOf } from "./fsErrors";

/** The file operations an atomic write needs; tests inject failures (a full disk) through it. */
export interface AtomicFs {
  open(file: string, flags: string, mode?: number): Promise<{ writeFile(data: string | Uint8Array): Promise<void>; sync(): Promise<void>; close(): Promise<void> }>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  link(existing: string, created: string): Promise<void>;
  copyFile(from: string, to: string): Promise<void>;
  stat(file: string): Promise<{ mode: number }>;
}

export const realFs: AtomicFs = nodeFs;

export interface AtomicWriteOptions {
  /** Keep the file being replaced at this path (the previous version), when there was one. */
  backupPath?: string;
  fs?: AtomicFs;
}

export interface AtomicWriteResult {
  /** "kept": the previous version is at backupPath; "none": there was no previous file; "failed": it could not be kept (the new file was still written). */
  backup: "kept" | "none" | "failed" | "not-asked";
}

/** Names this machine in temporary file names, so a cleanup never takes another machine's files for its own. */
const HOST_TAG = createHash("sha1").update(os.hostname()).digest("hex").slice(0, 6);

/**
 * A temporary name in the same folder as `file`, so the final rename never crosses file systems:
 * `.<name>.<host>-<pid>.<random>.tmp`, hidden, and telling which process wrote it.
 */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${HOST_TAG}-${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
}

const TEMP_NAME = /^\.(.+)\.([0-9a-f]{6})-(\d+)\.[0-9a-f]{8}\.tmp$/;

/**
 * Removes the temporary files that processes of this machine left in `folder` when they died in the
 * middle of a write (a crash, a kill), for the files whose names start with `prefix`. Files of live
 * processes and of other machines are left alone.
 */
export async function removeAbandonedTemps(folder: string, prefix: string, alive: (pid: number) => boolean): Promise<string[]> {
  let names: string[];
  try {
    names = await nodeFs.readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match || match[2] !== HOST_TAG || !(match[1] ?? "").replace(/^\./, "").startsWith(prefix)) continue;
    const pid = Number(match[3]);
    if (pid === process.pid || alive(pid)) continue;
    await nodeFs.unlink(path.join(folder, name)).then(
      () => removed.push(name),
      () => {},
    );
  }
  return removed;
}

/**
 * Replaces `file` with `data` so that, whenever the process dies or the disk fails, the file holds
 * either the old content or the new one, never a mix: write a temporary file in the same folder,
 * fsync it, rename it over the target, fsync the folder. On failure the temporary file is removed and
 * the target is untouched.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<AtomicWriteResult> {
  const fs = options.fs ?? realFs;
  const temp = tempPathFor(file);
  let mode = 0o644;
  try {
    mode = (await fs.stat(file)).mode & 0o777;
  } catch {
    // No previous file: the default mode.
  }
  try {
    const handle = await fs.open(temp, "wx", mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    const backup = options.backupPath ? await keepPrevious(fs, file, options.backupPath) : "not-asked";
    await fs.rename(temp, file);
    await syncFolder(fs, path.dirname(file));
    return { backup };
  } catch (error) {
    await fs.unlink(temp).catch(() => {});
    throw error;
  }
}

/**
 * Makes `backup` the current content of `file` before it is replaced. A hard link costs no copy and no
 * space; where links are not supported (FAT, some network shares) the file is copied. Never fails the
 * save: losing the backup is better than losing the new text.
 */
async function keepPrevious(fs: AtomicFs, file: string, backup: string): Promise<AtomicWriteResult["backup"]> {
  const temp = tempPathFor(backup);
  try {
    try {
      await fs.link(file, temp);
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return "none";
      await fs.copyFile(file, temp);
    }
    await fs.rename(temp, backup);
    return "kept";
  } catch (error) {
    await fs.unlink(temp).catch(() => {});
    return errnoOf(error) === "ENOENT" ? "none" : "failed";
  }
}

/** Makes a rename in `folder` durable. Not every platform can open a folder (Windows): best effort. */
export async function syncFolder(fs: AtomicFs, folder: string): Promise<void> {
  let handle: Awaited<ReturnType<AtomicFs["open"]>> | undefined;
  try {
    handle = await fs.open(folder, "r");
    await handle.sync();
  } catch {
    // The rename itself has happened; only its durability on a power cut is less certain.
  } finally {
    await handle?.close().catch(() => {});
  }
}
