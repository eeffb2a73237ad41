// The projects part of the API in the renderer's words: create, open, edit and save a document. The
// store talks to this interface only, so the projects contract (electron/common/api/projects.ts)
// is read in this one file.
import type { ApiClient } from "../../../electron/common/api/client";
import { ApiError, type GenerationMode, type ProjectSummary } from "../../../electron/common/api";
import type { Manuscript, ManuscriptEdit } from "../../../electron/common/manuscript";
import type { Language } from "../../../electron/common/metrics/language";

export interface NewDocumentInput {
  instruction: string;
  targetWords: number;
  language: Language;
  /** null: the loaded model's profile decides. */
  mode: GenerationMode | null;
}

/** An open document as the window shows it. */
export interface OpenedDocument {
  projectId: string;
  title: string;
  path: string | null;
  manuscript: Manuscript;
  /** The manuscript's version (updates carry the version they bring it to). */
  version: number;
  modified: boolean;
  readOnly: boolean;
}

/** The back end's answer to an edit: accepted (with the manuscript as it now is, when it says), or refused. */
export type EditAnswer =
  | { ok: true; manuscript: Manuscript | null; version: number | null; editId: string | null }
  | { ok: false; message: string };

export interface DocumentApi {
  list(): Promise<ProjectSummary[]>;
  create(input: NewDocumentInput): Promise<OpenedDocument>;
  open(path: string): Promise<OpenedDocument>;
  edit(projectId: string, edit: ManuscriptEdit): Promise<EditAnswer>;
  save(projectId: string, path?: string): Promise<{ path: string | null; modified: boolean }>;
}

const notYet = (what: string) => Promise.reject(new ApiError("unknown-method", `'${what}' is not available in this version of the back end.`));

/** The document API over the app's client. */
export function createDocumentApi(api: ApiClient): DocumentApi {
  return {
    list: () => api.call("projects.list", {}),
    create: () => notYet("projects.create"),
    open: () => notYet("projects.open"),
    edit: () => notYet("projects.update"),
    save: () => notYet("projects.save"),
  };
}
