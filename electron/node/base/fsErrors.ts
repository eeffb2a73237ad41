import path from "node:path";
import { ProjectError } from "../../common/project/errors";

export function errnoOf(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Turns a file-system failure into a ProjectError whose message tells the writer what happened and
 * what did not: `action` is what failed ("save", "export"), `intact` says whether the previous file is
 * untouched (true for every atomic write).
 */
export function fsFailure(error: unknown, action: string, file: string, intact = true): ProjectError {
  if (error instanceof ProjectError) return error;
  const name = path.basename(file);
  const folder = path.dirname(file);
  const kept = intact ? " The previous version is intact." : "";
  switch (errnoOf(error)) {
    case "ENOSPC":
    case "EDQUOT":
      return new ProjectError("disk-full", `Could not ${action} ${name}: the disk is full. Free some space and try again.${kept}`, { path: file });
    case "EACCES":
    case "EPERM":
      return new ProjectError("permission-denied", `Could not ${action} ${name}: permission denied in ${folder}. Choose another folder or check its permissions.${kept}`, { path: file });
    case "EROFS":
      return new ProjectError("permission-denied", `Could not ${action} ${name}: the disk ${folder} is on is read-only. Choose a folder on another disk.${kept}`, { path: file });
    case "ENOENT":
      return new ProjectError("not-found", `Could not ${action} ${name}: the folder ${folder} does not exist.${kept}`, { path: file });
    case "EISDIR":
      return new ProjectError("io-error", `Could not ${action} ${name}: it is a folder, not a file.${kept}`, { path: file });
    default: {
      const detail = error instanceof Error ? error.message : String(error);
      return new ProjectError("io-error", `Could not ${action} ${name}: ${detail}.${kept}`, { path: file });
    }
  }
}
