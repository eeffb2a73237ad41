import { lstat } from "node:fs/promises";
import path from "node:path";
import { ProjectError } from "../../common/project/errors";

/** How many written paths are remembered; the oldest is forgotten first (it is then asked about again). */
const REMEMBERED = 1000;

export type TargetCheck = { ok: true; path: string } | { ok: false; reason: "exists"; path: string; message: string };

/**
 * Where an export may write. A file that is there already is replaced only when this app wrote it (an
 * earlier export of this run) or the writer said to (`overwrite`); anything but a regular file (a
 * folder, a link, a device) never is. So a page that names a path cannot silently replace a file
 * Draftline did not make.
 */
export class ExportTargets {
  private readonly written = new Set<string>();

  async check(file: string, overwrite: boolean): Promise<TargetCheck> {
    const target = path.resolve(file);
    const info = await lstat(target).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw new ProjectError("io-error", `Cannot export to ${target}: ${error.message}`);
    });
    if (info === null) return { ok: true, path: target };
    if (info.isDirectory()) throw new ProjectError("io-error", `Cannot export to ${target}: it is a folder. Give a file name.`);
    if (!info.isFile()) throw new ProjectError("io-error", `Cannot export to ${target}: it is not a regular file (a link, a device or a pipe). Choose another name.`);
    if (overwrite || this.written.has(target)) return { ok: true, path: target };
    return { ok: false, reason: "exists", path: target, message: `${path.basename(target)} already exists. Replace it?` };
  }

  /** An export wrote this file: writing it again needs no question. */
  remember(file: string): void {
    const target = path.resolve(file);
    this.written.delete(target);
    this.written.add(target);
    if (this.written.size > REMEMBERED) this.written.delete(this.written.values().next().value as string);
  }
}
