import { writtenWords } from "../../../common/generation/rules";
import path from "node:path";
import { parseArgs } from "node:util";
import { isProjectError } from "../../../common/project/errors";
import { decodeProjectFile } from "../../../common/project/file";
import { exportManuscript } from "../../export/exportManuscript";
import { findExporter, listExporters } from "../../export/registry";
import { journalPathFor, readProjectFile, readProjectText } from "../../projects/projectFile";
import { CliError, UsageError, type Command } from "../command";
import { writeLine } from "../io";

export const exportCommand: Command = {
  name: "export",
  summary: "Export a project's draft to Word (.docx), Markdown (.md) or an EPUB e-book (.epub)",
  usage: [
    "Usage: draftline export F.draftline --to OUT.docx|OUT.md|OUT.epub [--with-plan] [--plan-as appendix|comments] [--author NAME]",
    "",
    "Writes the draft of the project F to OUT; the extension of OUT says the format. The file is",
    "written whole or not at all: a failed export leaves no partial file.",
    "",
    "  --to OUT          the file to write (.docx: Word; .md: Markdown with YAML front matter; .epub:",
    "                    an EPUB 3 e-book with a table of contents of the sections)",
    "  --with-plan       add the global plan, the step plans and the reflections (Word and EPUB: an",
    "                    appendix, Markdown: HTML comments that `draftline import` reads back)",
    "  --plan-as comments  Word only: put each step's plan and reflection in a comment on its text",
    "  --author NAME     EPUB: the book's author",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { to: { type: "string" }, "with-plan": { type: "boolean" }, "plan-as": { type: "string" }, author: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "Name the project to export: draftline export F.draftline --to OUT.docx" : "export reads one project at a time.");
    if (!values.to) throw new UsageError("Say where to write the export with --to OUT.docx, --to OUT.md or --to OUT.epub.");
    const author = values.author?.trim();
    if (author !== undefined && author.length > 200) throw new UsageError("--author is at most 200 characters.");
    const placement = values["plan-as"];
    if (placement !== undefined && placement !== "appendix" && placement !== "comments") throw new UsageError(`--plan-as must be appendix or comments, not '${placement}'.`);
    const input = path.resolve(io.cwd, positionals[0] as string);
    const output = path.resolve(io.cwd, values.to);
    try {
      findExporter(undefined, output);
    } catch (error) {
      if (isProjectError(error)) throw new UsageError(`${error.message} (known: ${listExporters().map((e) => `.${e.extension}`).join(", ")})`);
      throw error;
    }
    if (output === input) throw new UsageError("The export would overwrite the project itself: choose another file for --to.");

    try {
      const project = await readProjectFile(input);
      const journal = await readProjectText(journalPathFor(input))
        .then((text) => decodeProjectFile(text, "autosave"))
        .catch(() => null);
      if (journal && journal.savedAt > project.savedAt) {
        writeLine(io.stderr, `draftline export: ${path.basename(input)} has newer unsaved changes (autosaved ${new Date(journal.savedAt).toLocaleString()}); exporting the saved version. Open it in Draftline and save to include them.`);
      }
      const result = await exportManuscript(project.manuscript, {
        path: output,
        withPlan: values["with-plan"] ?? false,
        planPlacement: placement ?? "appendix",
        ...(author ? { author } : {}),
        title: project.title,
        model: project.generation.model,
        mode: project.generation.mode,
      });
      const words = writtenWords(project.manuscript);
      writeLine(io.stdout, `Exported ${words.toLocaleString("en-US")} words to ${path.relative(io.cwd, result.path) || result.path} (${result.format}, ${formatBytes(result.bytes)}).`);
      return 0;
    } catch (error) {
      if (isProjectError(error)) throw new CliError(error.message);
      throw error;
    }
  },
};

function formatBytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} bytes` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
