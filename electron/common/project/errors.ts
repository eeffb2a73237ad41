// Why a project could not be opened, saved or exported, as data the UI can switch on. Pure: the
// renderer shows these codes and messages too.

export const projectErrorCodes = [
  /** No file at that path. */
  "not-found",
  /** The file is not a Draftline project (another kind of file). */
  "foreign",
  /** A Draftline project, but damaged: truncated, invalid JSON, or fields that do not validate. */
  "corrupt",
  /** Written by a newer Draftline with a schema this version does not know. */
  "future-version",
  /** Another window or process is writing this project. */
  "locked",
  /** The folder or file may not be written (or read). */
  "permission-denied",
  /** No space left on the disk. */
  "disk-full",
  /** The project id names no open project. */
  "not-open",
  /** The project has no file yet: it needs Save As. */
  "unsaved",
  /** The project was opened read-only (its lock is held elsewhere). */
  "read-only",
  /** A file is already where the project was to be saved (and replacing it was not asked for). */
  "exists",
  /** The model is writing the project: what was asked must wait until it stops. */
  "busy",
  /** An export format or file extension that no exporter handles. */
  "unsupported-format",
  /** A file larger than Draftline reads (a project or a draft past its size cap). */
  "too-large",
  /** Any other input/output failure. */
  "io-error",
] as const;
export type ProjectErrorCode = (typeof projectErrorCodes)[number];

/** An error the writer can act on: `message` is a whole sentence meant for them. */
export class ProjectError extends Error {
  constructor(
    readonly code: ProjectErrorCode,
    message: string,
    /** Extra facts for the UI, e.g. the backup that could be opened instead of a corrupt file. */
    readonly details: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = "ProjectError";
  }
}

export function isProjectError(error: unknown, code?: ProjectErrorCode): error is ProjectError {
  return error instanceof ProjectError && (code === undefined || error.code === code);
}
