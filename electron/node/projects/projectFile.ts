import { randomUUID } from "node:crypto";
import path from "node:path";
import { ProjectError } from "../../common/project/errors";
import { decodeProjectFile, encodeProjectFile, PROJECT_FORMAT, PROJECT_SCHEMA_VERSION, type ProjectFile } from "../../common/project/file";
import { writeFileAtomic, type AtomicFs } from "../base/atomicWrite";
import { errnoOf, fsFailure } from "../base/fsErrors";
import { MAX_PROJECT_BYTES, readRegularFile } from "../base/regularFile";

/** The project file's extension. */
export const PROJECT_EXTENSION = ".draftline";

/**
 * The files that belong to a project `Novel.draftline`, all beside it:
 * - `Novel.draftline.bak` — the previous saved version (every save keeps it; open it if the project
 *   file is ever damaged);
 * - `.Novel.draftline.autosave` — the recovery journal: autosaves while the project has unsaved
 *   changes, removed by a save; newer than the project after a crash, it is what open recovers;
 * - `.Novel.draftline.lock` — the one-writer lock (see lock.ts);
 * - `Novel.draftline-history/` — the version history (see history.ts).
 */
export function backupPathFor(projectPath: string): string {
  return `${projectPath}.bak`;
}

export function journalPathFor(projectPath: string): string {
  return path.join(path.dirname(projectPath), `.${path.basename(projectPath)}.autosave`);
}

/** Reads a project file's text: only a regular file of at most MAX_PROJECT_BYTES (see readRegularFile). */
export async function readProjectText(file: string, action = "open"): Promise<string> {
  return (await readRegularFile(file, { maxBytes: MAX_PROJECT_BYTES, action, kind: "a project" })).toString("utf8");
}

/**
 * Reads and validates a project file. Every refusal is a ProjectError with its own code (not-found,
 * foreign, corrupt, future-version, permission-denied, too-large); the file is only read, never changed.
 */
export async function readProjectFile(file: string): Promise<ProjectFile> {
  const name = path.basename(file);
  let text: string;
  try {
    text = await readProjectText(file);
  } catch (error) {
    switch (errnoOf(error)) {
      case "ENOENT":
        throw new ProjectError("not-found", `${name} does not exist (it may have been moved or deleted).`, { path: file });
      case "EISDIR":
        throw new ProjectError("foreign", `${name} is a folder, not a Draftline project.`, { path: file });
      case "EACCES":
      case "EPERM":
        throw new ProjectError("permission-denied", `${name} cannot be read: permission denied.`, { path: file });
      default:
        throw fsFailure(error, "open", file, true);
    }
  }
  try {
    return decodeProjectFile(text, name);
  } catch (error) {
    if (error instanceof ProjectError) {
      error.details.path = file;
      if (error.code === "corrupt") {
        const backup = backupPathFor(file);
        const usable = await readProjectText(backup)
          .then((t) => decodeProjectFile(t, path.basename(backup)))
          .catch(() => null);
        if (usable) {
          throw new ProjectError("corrupt", `${error.message} The previous version is in ${path.basename(backup)} (saved ${new Date(usable.savedAt).toLocaleString()}); open that file to continue from it.`, {
            ...error.details,
            backupPath: backup,
          });
        }
      }
    }
    throw error;
  }
}

/** Writes a project file atomically, keeping the version it replaces as `.bak`. */
export async function writeProjectFile(file: string, project: ProjectFile, fsImpl?: AtomicFs): Promise<void> {
  try {
    await writeFileAtomic(file, encodeProjectFile(project), { backupPath: backupPathFor(file), ...(fsImpl ? { fs: fsImpl } : {}) });
  } catch (error) {
    throw fsFailure(error, "save", file, true);
  }
}

/** A new project file around a manuscript (for the CLI's import, and tests). */
export function newProjectFile(fields: { title: string; manuscript: ProjectFile["manuscript"]; generation: ProjectFile["generation"]; appVersion: string; id?: string }): ProjectFile {
  const now = Date.now();
  return {
    format: PROJECT_FORMAT,
    schemaVersion: PROJECT_SCHEMA_VERSION,
    id: fields.id ?? randomUUID(),
    createdAt: now,
    savedAt: now,
    app: { name: "Draftline", version: fields.appVersion },
    title: fields.title,
    settings: { sampling: {} },
    generation: fields.generation,
    manuscript: fields.manuscript,
  };
}
