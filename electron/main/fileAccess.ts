// What a page in the desktop app may name as a file: only a path the main process's own native dialog
// returned to that window (or a project the OS or the launch handed to it, or a recent project; a model
// in the models folder or a downloaded catalog model). A page
// that was tricked into calling the API cannot read or replace any other file: it never chooses a
// path the writer did not choose.
import path from "node:path";
import { ApiError } from "../common/api/define";
import type { ApiHandlers, CallContext } from "../common/api/server";

/** What a chosen path may be used for. */
export type FilePurpose = "open" | "import" | "saveAs" | "export" | "model";

/** How many chosen paths a window keeps; the oldest is forgotten first. */
const KEPT = 256;

/** The paths the writer chose for one window, each for what it was chosen for. */
export class PathGrants {
  private readonly granted = new Map<string, { purposes: Set<FilePurpose>; overwriteConfirmed: boolean }>();

  /** `overwriteConfirmed`: the dialog itself asked whether to replace an existing file there. */
  grant(purpose: FilePurpose, file: string, options: { overwriteConfirmed?: boolean } = {}): void {
    const key = path.resolve(file);
    const entry = this.granted.get(key) ?? { purposes: new Set<FilePurpose>(), overwriteConfirmed: false };
    entry.purposes.add(purpose);
    entry.overwriteConfirmed = options.overwriteConfirmed ?? false;
    this.granted.delete(key);
    this.granted.set(key, entry);
    if (this.granted.size > KEPT) this.granted.delete(this.granted.keys().next().value as string);
  }

  allows(purpose: FilePurpose, file: string): boolean {
    return this.granted.get(path.resolve(file))?.purposes.has(purpose) ?? false;
  }

  overwriteConfirmed(file: string): boolean {
    return this.granted.get(path.resolve(file))?.overwriteConfirmed ?? false;
  }
}

export interface DesktopFileAccessDeps {
  /** The grants of the window that sent the request (none for anything else). */
  grantsOf(context: CallContext): PathGrants | undefined;
  /** Whether the file is in the recent-projects list (those may be opened from the welcome page). */
  isRecent(file: string): Promise<boolean>;
}

const REFUSED: Record<FilePurpose, string> = {
  open: "Draftline opens only a project chosen in its Open dialog or listed in recent projects",
  import: "Draftline imports only a file chosen in its Import dialog",
  saveAs: "Draftline saves only where its Save dialog was pointed",
  export: "Draftline exports only to a file chosen in its Export dialog",
  model: "Draftline reads only a model in its models folder or chosen in its Choose a Model File dialog",
};

/** A draft model named by path (a catalog id has no separator and no .gguf ending). */
const isPath = (name: string) => /[\\/]/.test(name) || name.toLowerCase().endsWith(".gguf");

/**
 * The back end's handlers with the desktop's rule on file paths: open, import, save as and export
 * take only paths this window's native dialogs returned (open also recent projects); a model (and a
 * draft model) is read from the models folder, the downloaded catalog models or a file chosen in the
 * Choose a Model File dialog. An export to a
 * file the dialog already asked about replacing goes ahead without asking again.
 */
export function desktopFileAccess(handlers: Partial<ApiHandlers>, deps: DesktopFileAccessDeps): Partial<ApiHandlers> {
  const demand = (context: CallContext, purpose: FilePurpose, file: string) => {
    if (!deps.grantsOf(context)?.allows(purpose, file)) throw new ApiError("failed", `${REFUSED[purpose]}, not ${path.resolve(file)}.`);
  };
  const wrapped: Partial<ApiHandlers> = { ...handlers };
  // The models folder's GGUFs and the downloaded catalog models, as the back end lists them.
  const knownModel = async (context: CallContext, file: string): Promise<boolean> => {
    const wanted = path.resolve(file);
    const local = (await handlers["models.local"]?.({}, context).catch(() => [])) ?? [];
    if (local.some((m) => path.resolve(m.path) === wanted)) return true;
    const catalog = (await handlers["models.catalog"]?.({}, context).catch(() => [])) ?? [];
    return catalog.some((m) => m.path !== null && path.resolve(m.path) === wanted);
  };
  const demandModel = async (context: CallContext, file: string) => {
    if (!deps.grantsOf(context)?.allows("model", file) && !(await knownModel(context, file))) demand(context, "model", file);
  };
  const { "models.inspect": inspect, "models.load": load } = handlers;
  if (inspect) {
    wrapped["models.inspect"] = async (params, context) => {
      await demandModel(context, params.path);
      if (params.settings?.draftModel !== undefined && isPath(params.settings.draftModel)) await demandModel(context, params.settings.draftModel);
      return inspect(params, context);
    };
  }
  if (load) {
    wrapped["models.load"] = async (params, context) => {
      if (params.source.kind === "file") await demandModel(context, params.source.path);
      if (params.settings?.draftModel !== undefined && isPath(params.settings.draftModel)) await demandModel(context, params.settings.draftModel);
      return load(params, context);
    };
  }
  const { "projects.open": open, "projects.import": importDraft, "projects.saveAs": saveAs, "projects.create": create, "projects.export": exportTo } = handlers;
  if (open) {
    wrapped["projects.open"] = async (params, context) => {
      if (!deps.grantsOf(context)?.allows("open", params.path) && !(await deps.isRecent(path.resolve(params.path)))) demand(context, "open", params.path);
      return open(params, context);
    };
  }
  if (importDraft) {
    wrapped["projects.import"] = async (params, context) => {
      demand(context, "import", params.path);
      if (params.out !== undefined) demand(context, "saveAs", params.out);
      return importDraft(params, context);
    };
  }
  if (saveAs) {
    wrapped["projects.saveAs"] = async (params, context) => {
      demand(context, "saveAs", params.path);
      return saveAs(params, context);
    };
  }
  if (create) {
    wrapped["projects.create"] = async (params, context) => {
      if (params.path !== undefined) demand(context, "saveAs", params.path);
      return create(params, context);
    };
  }
  if (exportTo) {
    wrapped["projects.export"] = async (params, context) => {
      demand(context, "export", params.path);
      const confirmed = deps.grantsOf(context)?.overwriteConfirmed(params.path) ?? false;
      return exportTo({ ...params, overwrite: (params.overwrite ?? false) || confirmed }, context);
    };
  }
  return wrapped;
}
