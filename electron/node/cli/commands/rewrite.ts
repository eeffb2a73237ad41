import path from "node:path";
import { parseArgs } from "node:util";
import type { RewriteKind } from "../../../common/generation/rewrite";
import { MAX_REWRITE_WORDS } from "../../../common/generation/rewrite";
import { countWriterWords } from "../../../common/metrics/words";
import { isProjectError } from "../../../common/project/errors";
import type { ProjectFile } from "../../../common/project/file";
import { createModelService } from "../../app/models";
import { locatePassage, replacePassage, rewritePassage, RewriteRefused, type Passage } from "../../generation/rewrite";
import { isStaleHolder, ProjectLock } from "../../projects/lock";
import { readProjectFile, writeProjectFile } from "../../projects/projectFile";
import { CliError, UsageError, type Command } from "../command";
import { writeLine } from "../io";
import { draftSetting, engineSettings, loadForCommand, MODEL_OPTIONS, modelSource, parseSampling, positiveInt } from "./write";

export const rewriteCommand: Command = {
  name: "rewrite",
  summary: "Rewrite a passage of a project's draft with a model (rewrite, expand, shorten, or as instructed)",
  usage: [
    'Usage: draftline rewrite F.draftline (--step ID | --find TEXT [--section N]) [--instruction "…" | --expand | --shorten] [--target N] (--model M | --server URL) [--dry-run]',
    "",
    "Asks the model for a new version of a passage: a whole step (--step step-3), or the first place",
    "TEXT occurs in the draft's Markdown (--find; it must occur once). The model sees the passage with the text around it,",
    "its section's plan, its step's plan and the writer's voice sample. The new passage replaces the",
    "old one in F and nothing else changes (the previous version is kept as F.bak); it is also",
    "printed. Ctrl-C stops the model and leaves F as it was.",
    "",
    "  --step ID         the step to rewrite whole (draftline parse F lists them)",
    "  --find TEXT       the passage to rewrite, as it is written in the step",
    "  --section N       look for TEXT only in the Nth section",
    '  --instruction "…" how to change it ("make it tenser", "in the present tense")',
    "  --expand          make it longer (by half again, or to --target words)",
    "  --shorten         make it shorter (to about 60%, or to --target words)",
    "  --target N        the words the new passage should have (it ends at the first sentence end past them)",
    "  --dry-run         print the new passage without changing F",
    "  --model M, --server URL, --context N, --threads N, --temperature T, --seed N: as for write",
  ].join("\n"),
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        ...MODEL_OPTIONS,
        step: { type: "string" },
        find: { type: "string" },
        section: { type: "string" },
        instruction: { type: "string" },
        expand: { type: "boolean" },
        shorten: { type: "boolean" },
        target: { type: "string" },
        "dry-run": { type: "boolean" },
      },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "Name the project: draftline rewrite F.draftline --step ID --model M" : "rewrite reads one project at a time.");
    if ((values.step === undefined) === (values.find === undefined)) throw new UsageError("Say which passage to rewrite: --step ID or --find TEXT (one of them).");
    const kinds = [values.instruction !== undefined, values.expand === true, values.shorten === true].filter(Boolean).length;
    if (kinds > 1) throw new UsageError("Choose one of --instruction, --expand and --shorten.");
    const kind: RewriteKind = values.instruction !== undefined ? "instruction" : values.expand ? "expand" : values.shorten ? "shorten" : "rewrite";
    if (kind === "instruction" && !values.instruction?.trim()) throw new UsageError('--instruction needs words: how to change the passage ("make it tenser").');
    const target = positiveInt("target", values.target, MAX_REWRITE_WORDS);
    const section = positiveInt("section", values.section, 100_000);
    if (section !== undefined && values.find === undefined) throw new UsageError("--section narrows --find: give the text to find in it.");
    const source = modelSource(values, io);
    const sampling = parseSampling(values);
    const settings = { ...engineSettings(values), ...draftSetting(values, io) };
    const file = path.resolve(io.cwd, positionals[0] as string);
    const dryRun = values["dry-run"] === true;

    let passage: Passage;
    let project: ProjectFile;
    try {
      project = await readProjectFile(file);
      passage = locatePassage(project.manuscript, values.step !== undefined ? { stepId: values.step } : { find: values.find!, ...(section !== undefined ? { section } : {}) });
      if (!dryRun) {
        const held = await new ProjectLock(file).holderOrNull();
        if (held && !isStaleHolder(held)) throw new CliError(`${path.basename(file)} is open in Draftline (process ${held.pid} on ${held.hostname}): close it there first, or use --dry-run.`);
      }
    } catch (error) {
      if (isProjectError(error) || error instanceof RewriteRefused) throw new CliError(error.message);
      throw error;
    }

    const models = createModelService({ env: io.env, emitState: () => {}, emitDownload: () => {} });
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    try {
      io.stderr.write(`Loading ${source.kind === "server" ? source.baseUrl : source.kind === "file" ? path.basename(source.path) : source.id}…\n`);
      await loadForCommand(models, source, settings, sampling);
      process.once("SIGINT", onSignal);
      const outcome = await rewritePassage(models.loaded(), project.manuscript, { ...passage, kind, ...(values.instruction ? { instruction: values.instruction } : {}), ...(target ? { targetWords: target } : {}) }, { signal: stop.signal }).catch(
        (error: unknown) => {
          throw new CliError(error instanceof Error ? error.message : String(error));
        },
      );
      if (outcome.status === "stopped") {
        writeLine(io.stderr, `Stopped: ${path.basename(file)} was not changed.`);
        return 130;
      }
      if (outcome.text.trim() === "") throw new CliError(`The model gave no text: ${path.basename(file)} was not changed.`);
      writeLine(io.stdout, outcome.text);
      const from = `${passage.stepId} (${countWriterWords(passage.selection)} → ${outcome.words} words, target ${outcome.targetWords})`;
      if (dryRun) {
        writeLine(io.stderr, `Rewrote a passage of ${from}; --dry-run: ${path.basename(file)} was not changed.`);
        return 0;
      }
      const manuscript = replacePassage(project.manuscript, passage, outcome.text);
      await writeProjectFile(file, { ...project, savedAt: Date.now(), manuscript });
      writeLine(io.stderr, `Rewrote a passage of ${from} in ${path.relative(io.cwd, file) || file}; the previous version is ${path.basename(file)}.bak.`);
      return 0;
    } catch (error) {
      if (isProjectError(error) || error instanceof RewriteRefused) throw new CliError(error.message);
      throw error;
    } finally {
      process.off("SIGINT", onSignal);
      await models.shutdown().catch(() => undefined);
    }
  },
};

