import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import type { JudgeReport } from "../../../common/api/report";
import { isProjectError } from "../../../common/project/errors";
import { decodeProjectFile } from "../../../common/project/file";
import { documentText } from "../../../common/report/document";
import { manuscriptReport, normalizeStockPhrases } from "../../../common/report/report";
import { appDataDir } from "../../base/paths";
import { createJudge, type JudgeSpec } from "../../eval/longbenchWrite";
import { createModelService } from "../../app/models";
import { journalPathFor, readProjectFile, readProjectText } from "../../projects/projectFile";
import { formatReport } from "../../report/format";
import { judgeReport } from "../../report/service";
import { readReportSettings } from "../../report/settings";
import { CliError, UsageError, type Command } from "../command";
import { describeFsError, writeLine } from "../io";
import { engineSettings, loadForCommand, MODEL_OPTIONS, modelSource, positiveInt } from "./write";

const USAGE = [
  "Usage: draftline report F.draftline [--judge URL|local] [options]",
  "",
  "The manuscript report of a project: per section the words against its budget and the length score",
  "of that; repetition (the share of word n-grams that repeat one seen earlier, per step); the stock",
  "phrases found; and, with a judge, LongBench-Write's six quality scores of the document.",
  "",
  "  --stock-phrases FILE   the phrases to look for, one a line (default: the list the report panel",
  "                         keeps in the settings, or Draftline's starting list)",
  "  --ngram N              words per n-gram for repetition (default 4; Chinese: 8 characters)",
  "  --judge URL|local      score quality with a judge: an OpenAI-compatible server, or 'local': the",
  "                         model given with --model/--server (comparable only with itself)",
  "  --judge-model NAME, --judge-api-key K   the judge server's model and key",
  "  --json                 the report as JSON",
].join("\n");

async function readPhrases(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`Cannot read ${file}: ${describeFsError(error)}`);
  }
  try {
    return normalizeStockPhrases(text.split("\n").filter((l) => !l.trim().startsWith("#")));
  } catch (error) {
    throw new CliError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export const reportCommand: Command = {
  name: "report",
  summary: "A project's report: words per section against budgets, repetition, stock phrases, quality",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...MODEL_OPTIONS,
        "stock-phrases": { type: "string" },
        ngram: { type: "string" },
        judge: { type: "string" },
        "judge-model": { type: "string" },
        "judge-api-key": { type: "string" },
        json: { type: "boolean" },
      },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "Name the project: draftline report F.draftline" : "report reads one project at a time.");
    const ngram = positiveInt("ngram", values.ngram, 50);
    let judgeSpec: JudgeSpec | undefined;
    if (values.judge === "local") {
      if (!values.model && !values.server) throw new UsageError("--judge local needs the model to judge with: --model M or --server URL.");
      judgeSpec = { kind: "local" };
    } else if (values.judge !== undefined) {
      if (!/^https?:\/\//i.test(values.judge)) throw new UsageError(`--judge must be a server's URL such as http://127.0.0.1:8081, or 'local', not '${values.judge}'.`);
      judgeSpec = { kind: "server", url: values.judge, ...(values["judge-model"] ? { model: values["judge-model"] } : {}), ...(values["judge-api-key"] ? { apiKey: values["judge-api-key"] } : {}) };
    } else if (values["judge-model"] || values["judge-api-key"]) {
      throw new UsageError("--judge-model and --judge-api-key go with --judge URL.");
    }

    const input = path.resolve(io.cwd, positionals[0]!);
    let project;
    try {
      project = await readProjectFile(input);
    } catch (error) {
      if (isProjectError(error)) throw new CliError(error.message);
      throw error;
    }
    const journal = await readProjectText(journalPathFor(input))
      .then((text) => decodeProjectFile(text, "autosave"))
      .catch(() => null);
    if (journal && journal.savedAt > project.savedAt) writeLine(io.stderr, `draftline report: ${path.basename(input)} has newer unsaved changes (autosaved ${new Date(journal.savedAt).toLocaleString()}); this is the report of the saved version.`);

    const stockPhrases = values["stock-phrases"] ? await readPhrases(path.resolve(io.cwd, values["stock-phrases"])) : (await readReportSettings(appDataDir(io.env))).settings.stockPhrases;
    const report = manuscriptReport(project.manuscript, { stockPhrases, ...(ngram ? { ngram } : {}) });

    let judged: JudgeReport | null = null;
    if (judgeSpec) {
      const text = documentText(project.manuscript);
      if (text.trim() === "") throw new CliError(`${path.basename(input)} has no text yet: there is nothing to judge.`);
      const models = createModelService({ env: io.env, emitState: () => {}, emitDownload: () => {} });
      try {
        const judge = await createJudge(judgeSpec, models).catch((error: Error) => Promise.reject(new CliError(error.message)));
        if (judgeSpec.kind === "local") {
          // The judge reads the whole document: 32,768 tokens unless --context says otherwise.
          await loadForCommand(models, modelSource(values, io), { contextSize: 32768, ...engineSettings(values) }, undefined);
        }
        io.stderr.write(`Asking the judge (${judge.description})…\n`);
        judged = judgeReport(judge, await judge.judge(project.manuscript.instruction, text));
      } finally {
        await models.shutdown();
      }
    }
    if (values.json) writeLine(io.stdout, JSON.stringify({ title: project.title, ...report, ...(judged ? { quality: judged } : {}) }, null, 2));
    else writeLine(io.stdout, formatReport(project.title, report, judged, stockPhrases.length));
    return 0;
  },
};
