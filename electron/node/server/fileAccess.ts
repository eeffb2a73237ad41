// What a page in web mode may name as a file. The desktop app lets a page use only the paths its own
// native dialogs returned (electron/main/fileAccess.ts); a browser has no such dialogs, so the page
// types paths, and the server narrows what those paths may be: an import reads only a regular file
// with a draft's extension (.docx, .md, .markdown, .txt), and an export (projects/handlers.ts, ExportTargets) writes only its own
// format's extension and asks before replacing a file Draftline did not write.
import { realpath, stat } from "node:fs/promises";
import path from "node:path";
import type { ApiHandlers } from "../../common/api/server";

/** The files a draft is imported from. */
export const DRAFT_EXTENSIONS = [".md", ".markdown", ".txt", ".docx"] as const;

type ImportCheck = { ok: true; path: string } | { ok: false; error: { code: "not-found" | "foreign" | "permission-denied"; message: string } };

/** Whether web mode may import `file`: a regular file (links followed) whose real name ends in a draft's extension. */
export async function checkImportPath(file: string): Promise<ImportCheck> {
  const given = path.resolve(file);
  let real: string;
  try {
    real = await realpath(given);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") return { ok: false, error: { code: "permission-denied", message: `Draftline may not read ${given}.` } };
    return { ok: false, error: { code: "not-found", message: `There is no file at ${given}.` } };
  }
  const extension = path.extname(real).toLowerCase();
  if (!(DRAFT_EXTENSIONS as readonly string[]).includes(extension)) {
    return { ok: false, error: { code: "foreign", message: `Only Word, Markdown or text drafts (${DRAFT_EXTENSIONS.join(", ")}) can be imported; ${path.basename(real)} is not one.` } };
  }
  const info = await stat(real).catch(() => null);
  if (!info?.isFile()) return { ok: false, error: { code: "foreign", message: `${path.basename(real)} is not a regular file: only a Word, Markdown or text file can be imported.` } };
  return { ok: true, path: real };
}

/** The back end's handlers with web mode's limits on the files a page may name. */
export function webFileAccess(handlers: Partial<ApiHandlers>): Partial<ApiHandlers> {
  const importDraft = handlers["projects.import"];
  if (!importDraft) return handlers;
  return {
    ...handlers,
    "projects.import": async (params, context) => {
      const checked = await checkImportPath(params.path);
      if (!checked.ok) return checked;
      return importDraft({ ...params, path: checked.path }, context);
    },
  };
}
