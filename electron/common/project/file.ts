import { z } from "zod";
import { protocolProfiles } from "../engine/catalog";
import { samplingSettingsSchema } from "../engine/types";
import type { Manuscript } from "../manuscript/types";
import { emptyMemory } from "../memory/types";
import { ProjectError } from "./errors";
import { manuscriptSchema } from "./manuscriptSchema";

/** The marker every project file starts with; it tells a project from any other JSON file. */
export const PROJECT_FORMAT = "draftline-project";
/**
 * The schema this version writes. A file with a higher one was written by a newer Draftline.
 * 1: the first. 2: a step may be "stopped". 3: the manuscript may hold the writer's voice samples
 * (`manuscript.voice`); a version that knew only 2 would drop them on save, so it must refuse the file.
 * 4: the story memory (`manuscript.memory`: the bible, proposals, summaries, the digest, locked budgets).
 */
export const PROJECT_SCHEMA_VERSION = 4;

/** The model and protocol mode the project was written with. */
export const generationInfoSchema = z.object({
  model: z.string().nullable(),
  mode: z.enum(protocolProfiles).nullable(),
});
export type GenerationInfo = z.infer<typeof generationInfoSchema>;

/** The writer's settings for the project: how the model samples. */
export const projectSettingsSchema = z.object({
  sampling: samplingSettingsSchema,
});
export type ProjectSettings = z.infer<typeof projectSettingsSchema>;

/**
 * A project file: the manuscript with the project's title, settings, and the model and mode it was
 * written with. A recovery journal (an autosave) has the same shape plus `autosave`, so it opens with
 * the same code.
 */
export const projectFileSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  schemaVersion: z.literal(PROJECT_SCHEMA_VERSION),
  /** Stable across saves and Save As: names the project's autosaves and history. */
  id: z.string().min(1).max(100),
  createdAt: z.number(),
  savedAt: z.number(),
  app: z.object({ name: z.string(), version: z.string() }),
  title: z.string(),
  settings: projectSettingsSchema,
  generation: generationInfoSchema,
  manuscript: manuscriptSchema,
  autosave: z
    .object({
      /** The project file this autosave belongs to (null: never saved). */
      projectPath: z.string().nullable(),
      /** `savedAt` of the project file when the autosave was written (null: none). */
      baseSavedAt: z.number().nullable(),
    })
    .optional(),
});

export type ProjectFile = z.infer<typeof projectFileSchema> & { manuscript: Manuscript };

/**
 * Upgrades from an older schema, one version at a time: `migrations[n]` turns a version-n file into
 * version n+1. Keep the chain linear: a new version adds one entry.
 */
const migrations: Record<number, (file: Record<string, unknown>) => Record<string, unknown>> = {
  // 2: a step may be "stopped" (cut before its end). A version-1 file has none, so it reads as it is;
  // the version tells an older Draftline that it cannot read the new status.
  1: (file) => file,
  // 3: the writer's voice samples (`manuscript.voice`). A version-2 file has none: it reads as it is.
  2: (file) => file,
  // 4: the story memory (the bible, proposals, the digest, locked budgets). A version-3 manuscript has
  // none: it gets an empty one. Its steps have no memory record, which a version-4 step may lack too.
  3: (file) => {
    const manuscript = file.manuscript;
    if (typeof manuscript !== "object" || manuscript === null || Array.isArray(manuscript)) return file;
    return { ...file, manuscript: { ...manuscript, memory: emptyMemory() } };
  },
};

/**
 * Encodes a project file. Compact JSON: indentation makes a 100,000-word project 5% larger for the
 * same encoding time (bench/projects.bench.ts measures both) and a project is not read by hand.
 * `format` and `schemaVersion` come first so that even a truncated file says what it is.
 */
export function encodeProjectFile(file: ProjectFile): string {
  const { format, schemaVersion, ...rest } = file;
  return JSON.stringify({ format, schemaVersion, ...rest });
}

/**
 * Decodes and validates a project file, telling apart a file that is not a project at all (foreign),
 * a damaged project (corrupt) and a project from a newer Draftline (future-version). Throws a
 * ProjectError with a message for the writer; `name` is the file name shown in it.
 */
export function decodeProjectFile(text: string, name: string): ProjectFile {
  if (text.trim() === "") throw new ProjectError("corrupt", `${name} is empty: the project is damaged and cannot be opened.`);
  if (text.startsWith("PK") || text.includes("\u0000")) {
    throw new ProjectError("foreign", `${name} is not a Draftline project (it is a binary file${text.startsWith("PK") ? ", such as a Word document or a zip archive" : ""}). To bring in a draft, use Import.`);
  }
  const claimsToBeProject = /^\s*\{\s*"format"\s*:\s*"draftline-project"/.test(text);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    if (claimsToBeProject) {
      throw new ProjectError("corrupt", `${name} is a damaged Draftline project: ${error instanceof Error ? error.message : "invalid JSON"} (${text.length} bytes; the file may have been cut short).`);
    }
    throw new ProjectError("foreign", `${name} is not a Draftline project. To bring in a Markdown or text draft, use Import.`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || (raw as { format?: unknown }).format !== PROJECT_FORMAT) {
    throw new ProjectError("foreign", `${name} is not a Draftline project (it holds other data). To bring in a Markdown or text draft, use Import.`);
  }
  let data = raw as Record<string, unknown>;
  const version = data.schemaVersion;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    throw new ProjectError("corrupt", `${name} is a damaged Draftline project: its schema version is missing or invalid.`);
  }
  if (version > PROJECT_SCHEMA_VERSION) {
    throw new ProjectError(
      "future-version",
      `${name} was saved by a newer version of Draftline (project format ${version}; this version reads up to ${PROJECT_SCHEMA_VERSION}). Update Draftline to open it; the file was not changed.`,
      { schemaVersion: version, supported: PROJECT_SCHEMA_VERSION },
    );
  }
  for (let v = version; v < PROJECT_SCHEMA_VERSION; v++) {
    const migrate = migrations[v];
    if (!migrate) throw new ProjectError("corrupt", `${name} uses project format ${version}, which this version cannot upgrade.`);
    data = { ...migrate(data), schemaVersion: v + 1 };
  }
  const parsed = projectFileSchema.safeParse(data);
  if (!parsed.success) {
    const where = parsed.error.issues
      .slice(0, 3)
      .map((issue) => `${issue.path.join(".") || "(file)"}: ${issue.message}`)
      .join("; ");
    throw new ProjectError("corrupt", `${name} is a damaged Draftline project and cannot be opened (${where}).`);
  }
  return parsed.data;
}
