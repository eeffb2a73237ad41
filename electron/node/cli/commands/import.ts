import { promises as fs } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { isProjectError } from "../../../common/project/errors";
import { describeImportNotice } from "../../../common/project/importNotices";
import { appVersion } from "../../app/backend";
import { importDraftFile } from "../../export/import";
import { isStaleHolder, ProjectLock } from "../../projects/lock";
import { newProjectFile, PROJECT_EXTENSION, writeProjectFile } from "../../projects/projectFile";
import { CliError, UsageError, type Command } from "../command";
import { writeLine } from "../io";

export const importCommand: Command = {
  name: "import",
  summary: "Make a project of a Word, Markdown or text draft, for the model to continue",
  usage: [
    "Usage: draftline import IN.docx|IN.md|IN.txt [--out F.draftline] [--force]",
    "",
    "Reads a Word document (.docx), or a Markdown or plain-text draft: its headings become the",
    "sections of the plan and their text the content (in Word: the Title style is the title, Heading 1",
    "the sections; emphasis, lists, block quotes and scene breaks are kept). Each section's budget is",
    "its current word count and the target is the total, so raise them to have the model write on. A",
    "Markdown export of Draftline made --with-plan keeps its plans, reflections, budgets and target; a",
    "DOCX export keeps its target. What a Word document holds that a draft cannot (pictures, tables,",
    "comments) is listed after the import.",
    "",
    "  --out F     the project to write (default: IN with the .draftline extension)",
    "  --force     replace F if it exists (its previous version is kept as F.bak)",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, options: { out: { type: "string" }, force: { type: "boolean" } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "Name the draft to import: draftline import IN.docx --out F.draftline" : "import reads one draft at a time.");
    const input = path.resolve(io.cwd, positionals[0] as string);
    let output = path.resolve(io.cwd, values.out ?? path.join(path.dirname(input), path.basename(input, path.extname(input))));
    if (!output.endsWith(PROJECT_EXTENSION)) output += PROJECT_EXTENSION;
    if (output === input) throw new UsageError("The project would overwrite the draft itself: choose another file for --out.");

    try {
      const draft = await importDraftFile(input);
      const exists = await fs.stat(output).then(
        () => true,
        () => false,
      );
      if (exists && !values.force) throw new CliError(`${path.relative(io.cwd, output)} already exists: choose another --out, or add --force to replace it.`);
      const lock = new ProjectLock(output);
      const held = await lock.holderOrNull();
      if (held && !isStaleHolder(held)) throw new CliError(`${path.basename(output)} is open in Draftline (process ${held.pid} on ${held.hostname}): close it there first.`);
      await writeProjectFile(output, newProjectFile({ title: draft.title, manuscript: draft.manuscript, generation: draft.generation, appVersion: appVersion() }));
      const m = draft.manuscript;
      writeLine(
        io.stdout,
        `Imported "${draft.title}": ${m.sections.length} section${m.sections.length === 1 ? "" : "s"}, ${draft.words.toLocaleString("en-US")} words, target ${(m.targetWords ?? 0).toLocaleString("en-US")} → ${path.relative(io.cwd, output) || output}`,
      );
      for (const notice of draft.notices) writeLine(io.stdout, `  Note: ${describeImportNotice(notice)}`);
      return 0;
    } catch (error) {
      if (isProjectError(error)) throw new CliError(error.message);
      throw error;
    }
  },
};
