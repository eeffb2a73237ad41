import { promises as fs } from "node:fs";
import path from "node:path";
import { ProjectError } from "../../common/project/errors";
import { writeFileAtomic, type AtomicFs } from "../base/atomicWrite";
import { fsFailure } from "../base/fsErrors";
import type { ExportDocument } from "./document";
import { buildDocx } from "./docx/build";
import { buildEpub } from "./epub/build";
import { buildMarkdown } from "./markdown/build";

/** What every exporter gets: the document and the writer's choices. */
export interface ExportContext {
  document: ExportDocument;
  options: ExportOptions;
}

export interface ExportOptions {
  /** An exporter id ("docx", "markdown"); left out, the path's extension picks it. */
  format?: string;
  path: string;
  /** Add the global plan, the step plans and the reflections. */
  withPlan?: boolean;
  /** DOCX: the plans as an appendix (default) or as Word comments. */
  planPlacement?: "appendix" | "comments";
  /** Markdown: YAML front matter (default: true). */
  frontMatter?: boolean;
  /** DOCX: the font for CJK text (default: Noto Serif CJK for the document's language). */
  eastAsiaFont?: string;
  /** EPUB: the book's author. */
  author?: string;
}

/** One output format. Exporters only build the bytes; writing them safely is exportDocument's job. */
export interface Exporter {
  id: string;
  /** The file extension, without the dot. */
  extension: string;
  /** Other extensions it accepts ("markdown" for "md"). */
  aliases?: string[];
  label: string;
  export(context: ExportContext): Promise<Uint8Array | string>;
}

const exporters = new Map<string, Exporter>();

/** Adds an output format (a plugin). A later registration with the same id replaces the earlier one. */
export function registerExporter(exporter: Exporter): void {
  exporters.set(exporter.id, exporter);
}

export function listExporters(): Exporter[] {
  return [...exporters.values()];
}

/**
 * The exporter for an id, or for a file's extension when no id is given. With an id, the file's
 * extension must be that format's: a Markdown export never writes over `.bashrc` or `notes.docx`.
 */
export function findExporter(format: string | undefined, file: string): Exporter {
  const extension = path.extname(file).slice(1).toLowerCase();
  if (format) {
    const byId = exporters.get(format);
    if (!byId) throw new ProjectError("unsupported-format", `Unknown export format '${format}'. Known formats: ${[...exporters.keys()].join(", ")}.`);
    const accepted = [byId.extension, ...(byId.aliases ?? [])];
    if (!accepted.includes(extension)) {
      const names = accepted.map((e) => `.${e}`).join(", ");
      throw new ProjectError("unsupported-format", `${/^[AEIOU]/i.test(byId.label) ? "An" : "A"} ${byId.label} export is a ${names} file${extension ? `, not .${extension}` : ""}: end the file name with .${byId.extension}.`);
    }
    return byId;
  }
  const match = [...exporters.values()].find((e) => e.extension === extension || e.aliases?.includes(extension));
  if (match) return match;
  const known = [...exporters.values()].map((e) => `.${e.extension}`).join(", ");
  throw new ProjectError("unsupported-format", extension ? `Cannot export to a .${extension} file. Choose one of: ${known}.` : `The export file needs an extension (${known}) to say its format.`);
}

registerExporter({
  id: "docx",
  extension: "docx",
  label: "Word document",
  export: ({ document, options }) =>
    buildDocx(document, {
      withPlan: options.withPlan ?? false,
      planPlacement: options.planPlacement ?? "appendix",
      ...(options.eastAsiaFont ? { eastAsiaFont: options.eastAsiaFont } : {}),
    }),
});

registerExporter({
  id: "markdown",
  extension: "md",
  aliases: ["markdown", "txt"],
  label: "Markdown",
  export: async ({ document, options }) => buildMarkdown(document, { withPlan: options.withPlan ?? false, frontMatter: options.frontMatter ?? true }),
});

registerExporter({
  id: "epub",
  extension: "epub",
  label: "EPUB e-book",
  export: ({ document, options }) => buildEpub(document, { withPlan: options.withPlan ?? false, ...(options.author ? { author: options.author } : {}) }),
});

export interface ExportResult {
  path: string;
  format: string;
  bytes: number;
}

/**
 * Exports a document to `options.path` in the format its id or extension names. The file is written
 * atomically: a failed export (disk full, no permission) leaves no partial file and an earlier file at
 * that path untouched.
 */
export async function exportDocument(document: ExportDocument, options: ExportOptions, fsImpl?: AtomicFs): Promise<ExportResult> {
  const exporter = findExporter(options.format, options.path);
  const target = path.resolve(options.path);
  const stat = await fs.stat(target).catch(() => null);
  if (stat?.isDirectory()) throw new ProjectError("io-error", `Cannot export to ${target}: it is a folder. Give a file name.`);
  const data = await exporter.export({ document, options });
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  try {
    await writeFileAtomic(target, bytes, fsImpl ? { fs: fsImpl } : {});
  } catch (error) {
    throw fsFailure(error, "export to", target, stat !== null);
  }
  return { path: target, format: exporter.id, bytes: bytes.length };
}
