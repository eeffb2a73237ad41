// One running app: a second launch (double-clicking a .draftline file, `draftline-app file.draftline`)
// hands its arguments to the first and exits. This module reads project files out of those arguments
// and holds the files the OS asked to open before the app was ready.
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PROJECT_EXTENSION = ".draftline";

export function isProjectFile(file: string): boolean {
  return file.toLowerCase().endsWith(PROJECT_EXTENSION) && path.basename(file).length > PROJECT_EXTENSION.length;
}

/**
 * The project files named on a command line, as absolute paths, in order, without repeats.
 * `argv` is the whole command line (executable first); switches are skipped, also those Chromium
 * adds to a second instance's arguments. Relative paths are resolved against `cwd`, the second
 * instance's working directory.
 */
export function projectFilesFromArgv(argv: readonly string[], cwd: string): string[] {
  const found: string[] = [];
  for (const arg of argv.slice(1)) {
    if (arg.startsWith("-")) continue;
    let file = arg;
    if (file.startsWith("file://")) {
      try {
        file = fileURLToPath(file);
      } catch {
        continue;
      }
    }
    if (!isProjectFile(file)) continue;
    const absolute = path.resolve(cwd, file);
    if (!found.includes(absolute)) found.push(absolute);
  }
  return found;
}

/**
 * Files to open that arrive before the app can open them (macOS sends `open-file` before `ready`).
 * Once `start` is called, queued files are handed over and later ones go straight through.
 */
export class PendingOpens {
  private queue: string[] = [];
  private open: ((files: string[]) => void) | undefined;

  add(files: readonly string[]): void {
    const projects = files.filter(isProjectFile);
    if (projects.length === 0) return;
    if (this.open) this.open(projects);
    else this.queue.push(...projects.filter((file) => !this.queue.includes(file)));
  }

  /** From now on files go to `open`; returns the files that were waiting. */
  start(open: (files: string[]) => void): string[] {
    this.open = open;
    const waiting = this.queue;
    this.queue = [];
    return waiting;
  }
}
