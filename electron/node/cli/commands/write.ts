import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import type { GenerationMode, GenerationState } from "../../../common/api/generation";
import type { EngineSettings, EngineState, ModelSourceRef } from "../../../common/api/models";
import { kvCacheTypes, textInContext, type KvCacheType, type SamplingSettings } from "../../../common/engine/types";
import { protocolProfiles } from "../../../common/engine/catalog";
import { isProjectError } from "../../../common/project/errors";
import { writtenWords } from "../../../common/generation/rules";
import { lengthScore } from "../../../common/metrics/score";
import { appDataDir } from "../../base/paths";
import { appVersion } from "../../app/backend";
import { exportManuscript, toExportDocument } from "../../export/exportManuscript";
import { buildMarkdown } from "../../export/markdown/build";
import { GenerationService } from "../../generation/service";
import { createModelService } from "../../app/models";
import type { ModelService } from "../../models/service";
import { PROJECT_EXTENSION } from "../../projects/projectFile";
import { ProjectsService } from "../../projects/service";
import { RecentProjects } from "../../projects/recent";
import { CliError, UsageError, type CliIO, type Command } from "../command";
import { writeLine } from "../io";
import { ProgressBar } from "../progress";

const USAGE = [
  'Usage: draftline write "<instruction>" --target N (--model M | --server URL) [options]',
  "       draftline write --continue F.draftline (--model M | --server URL) [options]",
  "",
  "Writes a document with the Plan-Write-Reflect controller and shows its progress.",
  "",
  "  --target N          the length to write, in words (Chinese: characters)",
  "  --model M           a GGUF file, or the id of a downloaded catalog model (draftline models list)",
  "  --server URL        an OpenAI-compatible server instead (llama-server, vLLM): its base URL",
  "  --api-key K         the server's API key, if it needs one",
  "  --mode MODE         native | prompted | orchestrated | agentwrite | direct | think-answer",
  "                      (default: the model's catalog profile)",
  "  --language L        auto | en | zh (default auto)",
  "  --out F.draftline   save the project there (autosaved while the model writes); its folder must exist",
  "  --continue F        write on in the project F.draftline (a run that failed or was stopped) and save it",
  "  --export F.md|.docx export the draft when it is done (--with-plan adds plans and reflections)",
  "  --context N|auto    the context window in tokens (default: the model's recommended context, or",
  "                      the one it was trained for up to 32,768, as much as fits in memory; auto: as",
  "                      much as fits)",
  "  --kv-cache T        how the KV cache is stored: f16, q8_0 or q4_0 (default: the model's",
  "                      recommended, else f16); q8_0 holds twice the context in the same memory",
  "  --flash-attention on|off  (default: llama.cpp's choice; on with a quantized KV cache)",
  "  --threads N         CPU threads (default: llama.cpp's choice, or DRAFTLINE_THREADS)",
  "  --draft-model D     speculative decoding: a small GGUF (or catalog id) of the model's vocabulary",
  "                      drafts tokens the model checks; the text is the model's own, written faster",
  "  --temperature T     sampling temperature, 0 to 5 (default: the catalog's value, else 0.7;",
  "                      0 is greedy)",
  "  --top-p P           nucleus sampling, 0 to 1 (default: the catalog's, else 0.9)",
  "  --min-p P           drop tokens below this share of the likeliest, 0 to 1 (else 0.05)",
  "  --presence-penalty P, --frequency-penalty P",
  "                      lower tokens already used (once, or per use), 0 to 2 (default 0)",
  "  --seed N            the sampler's seed, for a generation that can be repeated",
  "",
  "Without --out and --export the draft is printed on standard output. Ctrl-C stops the model and",
  "keeps what it wrote. When the model, its server or its engine fails, what was written is still",
  "saved to --out and exported to --export, both marked unfinished, and the command exits with 1;",
  "--continue goes on from there.",
].join("\n");

/** Parses a whole positive number option, or says what is wrong. */
export function positiveInt(name: string, value: string | undefined, max = 1_000_000): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, not '${value}'.`);
  return n;
}

/** The model source a command names: a server URL, a GGUF path, or a catalog id. */
export function modelSource(values: { model?: string | undefined; server?: string | undefined; "api-key"?: string | undefined }, io: CliIO): ModelSourceRef {
  if (values.server) {
    try {
      new URL(values.server);
    } catch {
      throw new UsageError(`--server must be a URL such as http://127.0.0.1:8080, not '${values.server}'.`);
    }
    return { kind: "server", baseUrl: values.server, ...(values["api-key"] ? { apiKey: values["api-key"] } : {}) };
  }
  if (!values.model) throw new UsageError("Name the model: --model FILE.gguf (or a catalog id), or --server URL.");
  const file = path.resolve(io.cwd, values.model);
  if (values.model.toLowerCase().endsWith(".gguf") || existsSync(file)) {
    if (!existsSync(file)) throw new CliError(`${values.model} does not exist.`);
    return { kind: "file", path: file };
  }
  return { kind: "catalog", id: values.model };
}

/** --draft-model as an engine setting: a GGUF file (resolved here) or a catalog id; nothing without it. */
export function draftSetting(values: { "draft-model"?: string | undefined; server?: string | undefined }, io: CliIO): { draftModel?: string } {
  const draft = values["draft-model"];
  if (draft === undefined) return {};
  if (values.server) throw new UsageError("--draft-model works with a GGUF model (--model): a server sets up its own draft model.");
  if (draft.trim() === "") throw new UsageError("--draft-model needs a GGUF file or a catalog id.");
  const file = path.resolve(io.cwd, draft);
  if (draft.toLowerCase().endsWith(".gguf") || existsSync(file)) {
    if (!existsSync(file)) throw new CliError(`${draft} does not exist.`);
    return { draftModel: file };
  }
  return { draftModel: draft };
}

/** The options every command that runs a model takes: where the model is, how to drive it, its engine. */
export const MODEL_OPTIONS = {
  model: { type: "string" },
  server: { type: "string" },
  "api-key": { type: "string" },
  mode: { type: "string" },
  context: { type: "string" },
  "kv-cache": { type: "string" },
  "flash-attention": { type: "string" },
  threads: { type: "string" },
  "draft-model": { type: "string" },
  temperature: { type: "string" },
  "top-p": { type: "string" },
  "min-p": { type: "string" },
  "presence-penalty": { type: "string" },
  "frequency-penalty": { type: "string" },
  seed: { type: "string" },
} as const;

/** The sampling options (--temperature, --top-p, --min-p, the penalties, --seed), checked; undefined when none is given. */
export function parseSampling(values: {
  temperature?: string | undefined;
  "top-p"?: string | undefined;
  "min-p"?: string | undefined;
  "presence-penalty"?: string | undefined;
  "frequency-penalty"?: string | undefined;
  seed?: string | undefined;
}): SamplingSettings | undefined {
  const sampling: SamplingSettings = {};
  const decimal = (name: string, value: string, max: number) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > max) throw new UsageError(`--${name} must be a number from 0 to ${max}, not '${value}'.`);
    return n;
  };
  if (values.temperature !== undefined) sampling.temperature = decimal("temperature", values.temperature, 5);
  if (values["top-p"] !== undefined) sampling.topP = decimal("top-p", values["top-p"], 1);
  if (values["min-p"] !== undefined) sampling.minP = decimal("min-p", values["min-p"], 1);
  if (values["presence-penalty"] !== undefined) sampling.presencePenalty = decimal("presence-penalty", values["presence-penalty"], 2);
  if (values["frequency-penalty"] !== undefined) sampling.frequencyPenalty = decimal("frequency-penalty", values["frequency-penalty"], 2);
  if (values.seed !== undefined) {
    const n = Number(values.seed);
    if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 32 - 1) throw new UsageError(`--seed must be a whole number from 0 to ${2 ** 32 - 1}, not '${values.seed}'.`);
    sampling.seed = n;
  }
  return Object.keys(sampling).length > 0 ? sampling : undefined;
}

/** The sampling in words, for the line a command prints after loading the model. */
export function describeSampling(sampling: SamplingSettings): string {
  const parts = [
    sampling.temperature !== undefined ? `temperature ${sampling.temperature}` : null,
    sampling.topP !== undefined ? `top-p ${sampling.topP}` : null,
    sampling.minP !== undefined ? `min-p ${sampling.minP}` : null,
    sampling.topK !== undefined ? `top-k ${sampling.topK}` : null,
    sampling.repeatPenalty !== undefined ? `repeat penalty ${sampling.repeatPenalty}` : null,
    sampling.presencePenalty !== undefined ? `presence penalty ${sampling.presencePenalty}` : null,
    sampling.frequencyPenalty !== undefined ? `frequency penalty ${sampling.frequencyPenalty}` : null,
    sampling.seed !== undefined ? `seed ${sampling.seed}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length === 0 ? "greedy sampling" : `sampling: ${parts.join(", ")}`;
}

/**
 * Loads the model for a command: the engine settings, then the writer's sampling over the catalog's.
 * `modeChosen`: the command names the mode (--mode, --raw-prompt), so a model the catalog does not know
 * is not probed to choose one.
 */
export async function loadForCommand(models: ModelService, source: ModelSourceRef, settings: EngineSettings, sampling: SamplingSettings | undefined, modeChosen = false): Promise<EngineState> {
  let state = await models.load(source, settings, { modeChosen }).catch((error: Error) => {
    throw new CliError(error.message);
  });
  if (sampling) state = models.setSampling({ ...state.sampling, ...sampling });
  return state;
}

/** The engine options (--context, --kv-cache, --flash-attention, --threads), checked. */
export function engineSettings(values: { context?: string | undefined; "kv-cache"?: string | undefined; "flash-attention"?: string | undefined; threads?: string | undefined }): EngineSettings {
  const settings: EngineSettings = {};
  if (values.context === "auto") settings.contextSize = "auto";
  else {
    const context = positiveInt("context", values.context, 1_048_576);
    if (context !== undefined) {
      if (context < 512) throw new UsageError(`--context must be at least 512 tokens, not '${values.context}'.`);
      settings.contextSize = context;
    }
  }
  const kv = values["kv-cache"];
  if (kv !== undefined) {
    if (!(kvCacheTypes as readonly string[]).includes(kv)) throw new UsageError(`--kv-cache must be one of ${kvCacheTypes.join(", ")}, not '${kv}'.`);
    settings.kvCacheType = kv as KvCacheType;
  }
  const flash = values["flash-attention"];
  if (flash !== undefined) {
    if (flash !== "on" && flash !== "off") throw new UsageError(`--flash-attention must be on or off, not '${flash}'.`);
    settings.flashAttention = flash === "on";
  }
  const threads = positiveInt("threads", values.threads, 512);
  if (threads) settings.threads = threads;
  return settings;
}

/** The loaded model's context in words: how much it sees at once, and why. */
export function describeLoadedContext(state: EngineState): string {
  const tokens = state.model?.contextSize ?? 0;
  const text = textInContext(tokens);
  return `${tokens} tokens of context (about ${text.words.toLocaleString("en-US")} English words or ${text.characters.toLocaleString("en-US")} Chinese characters at once)`;
}

/** The --mode option, checked against the profiles. */
export function parseMode(value: string | undefined): GenerationMode | undefined {
  if (value !== undefined && !(protocolProfiles as readonly string[]).includes(value)) throw new UsageError(`--mode must be one of ${protocolProfiles.join(", ")}, not '${value}'.`);
  return value as GenerationMode | undefined;
}

export const writeCommand: Command = {
  name: "write",
  summary: "Write a document with a model, with a progress bar",
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...MODEL_OPTIONS,
        target: { type: "string" },
        language: { type: "string" },
        out: { type: "string" },
        export: { type: "string" },
        "with-plan": { type: "boolean" },
        continue: { type: "string" },
      },
    });
    const instruction = positionals.join(" ").trim();
    const resume = values.continue !== undefined ? path.resolve(io.cwd, values.continue) : undefined;
    if (resume) {
      if (!resume.endsWith(PROJECT_EXTENSION)) throw new UsageError("--continue must name a .draftline project.");
      if (instruction) throw new UsageError("--continue goes on with the project's own instruction: leave the instruction out.");
      if (values.out) throw new UsageError("--continue saves to the project it continues: leave --out out.");
    } else if (!instruction) {
      throw new UsageError('Say what to write: draftline write "<instruction>" --target N --model M (or --continue F.draftline)');
    }
    const target = positiveInt("target", values.target, 200_000);
    if (target === undefined && !resume) throw new UsageError("--target N is required: the length to write, in words.");
    const mode = parseMode(values.mode);
    const language = values.language ?? "auto";
    if (!["auto", "en", "zh"].includes(language)) throw new UsageError(`--language must be auto, en or zh, not '${language}'.`);
    const out = values.out ? path.resolve(io.cwd, values.out) : undefined;
    if (out && !out.endsWith(PROJECT_EXTENSION)) throw new UsageError("--out must name a .draftline file.");
    const exportTo = values.export ? path.resolve(io.cwd, values.export) : undefined;
    if (exportTo && !/\.(md|markdown|docx)$/i.test(exportTo)) throw new UsageError("--export must name a .md or .docx file.");
    const source = modelSource(values, io);
    const settings = engineSettings(values);
    const sampling = parseSampling(values);
    // Before the model loads (which takes a while): files go only into folders that exist.
    if (out) await requireFolder("--out", out);
    if (exportTo) await requireFolder("--export", exportTo);

    const dataDir = appDataDir(io.env);
    const models = createModelService({ env: io.env, emitState: () => {}, emitDownload: () => {} });
    const projects = new ProjectsService({ dataDir, recent: new RecentProjects(dataDir), appVersion: appVersion() });
    const bar = new ProgressBar(io);
    const generation = new GenerationService({ store: projects, model: () => models.loaded(), emit: (u) => bar.update(u.state), flushMs: 200 });
    let interrupted = false;
    let projectId: string | undefined;
    const onSignal = () => {
      interrupted = true;
      if (projectId) void generation.stop(projectId);
    };
    try {
      if (resume) {
        projectId = await openToContinue(projects, resume, target, io);
      }
      io.stderr.write(`Loading ${source.kind === "server" ? source.baseUrl : source.kind === "file" ? path.basename(source.path) : source.id}…\n`);
      const state = await loadForCommand(models, source, { ...settings, ...draftSetting(values, io) }, sampling, mode !== undefined);
      io.stderr.write(`${state.model?.name} on ${state.device}, ${describeLoadedContext(state)}; ${describeSampling(state.sampling)}${state.model?.draft ? `; draft model ${state.model.draft.name}` : ""}\n`);
      if (state.contextNote) io.stderr.write(`Context: ${state.contextNote}\n`);
      if (state.profileReason) io.stderr.write(`Profile: ${state.profile}${mode && mode !== state.profile ? ` (written in ${mode}, as --mode asks)` : ""}; ${state.profileReason}\n`);
      if (!projectId) {
        const project = await projects
          .create({ instruction, targetWords: target ?? null, language: language as "auto" | "en" | "zh", ...(mode ? { mode } : {}), ...(out ? { path: out } : {}) })
          .catch(asCliError);
        projectId = project.projectId;
        if (project.backup) io.stderr.write(`${out} already existed: the old file is kept as ${project.backup}.\n`);
      }
      const id = projectId;
      const runMode = mode ?? projects.getState(id).generation.mode ?? undefined;
      process.once("SIGINT", onSignal);

      // A failure of the model, its server or its engine ends the run, never the words written so far.
      let final: GenerationState | null = null;
      let failure: string | null = null;
      try {
        await generation.start(id, runMode ? { mode: runMode } : {});
        final = await generation.whenDone(id);
        if (final.status === "error") failure = final.error ?? "the model stopped with an error";
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
        await generation.stop(id).catch(() => undefined);
      }
      bar.end();
      const m = projects.getManuscript(id);
      const words = writtenWords(m);
      const goal = m.targetWords ?? 0;
      const finished = failure === null && !interrupted && final?.status === "finished";
      const modelName = state.model?.name ?? null;
      const usedMode = final?.mode ?? runMode ?? null;

      const notes: string[] = [];
      let problem = false;
      const projectFile = resume ?? out;
      let saved = false;
      if (projectFile) {
        try {
          await projects.save(id);
          saved = true;
          notes.push(`Saved ${projectFile}${finished ? "" : " (unfinished)"}`);
        } catch (error) {
          problem = true;
          notes.push(`Could not save ${projectFile}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (exportTo) {
        try {
          await exportManuscript(m, { path: exportTo, withPlan: Boolean(values["with-plan"]), title: projects.getState(id).title, model: modelName, mode: usedMode, unfinished: !finished });
          notes.push(`Exported ${exportTo}${finished ? "" : " (marked unfinished)"}`);
        } catch (error) {
          problem = true;
          notes.push(`Could not export ${exportTo}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      if (!projectFile && !exportTo) writeLine(io.stdout, buildMarkdown(toExportDocument(m, { model: modelName, mode: usedMode, unfinished: !finished }), { frontMatter: false }));
      if (!finished || !saved) {
        // Where the words are: the project to continue, or the autosave that holds them.
        await projects.autosaveNow(id).catch(() => undefined);
        if (saved && projectFile) notes.push(`Continue it with: draftline write --continue ${shellWord(path.relative(io.cwd, projectFile) || projectFile)} ${modelArgs(values)}`);
        else if (words > 0) notes.push(`The words are kept in the autosave ${projects.recoveryJournalPath(id)}${projectFile ? "" : " (Draftline offers it to recover; next time give --out F.draftline to continue with --continue)"}`);
      }
      const outcome = failure !== null ? "Failed" : interrupted || final?.status !== "finished" ? "Stopped" : "Finished";
      writeLine(
        io.stderr,
        `${outcome}: ${words} of ${goal} words in ${m.steps.length} steps, length score ${lengthScore(goal, words).toFixed(1)}; ` +
          `${final?.progress.tokensGenerated ?? 0} tokens generated, ${final?.progress.tokensDecoded ?? 0} decoded as input.` +
          notes.map((n) => `\n${n}`).join(""),
      );
      if (failure !== null) throw new CliError(`The generation failed: ${failure}`);
      if (problem) return 1;
      return interrupted ? 130 : 0;
    } finally {
      process.off("SIGINT", onSignal);
      bar.end();
      await generation.shutdown();
      await projects.shutdown();
      await models.shutdown();
    }
  },
};

function asCliError(error: unknown): never {
  if (isProjectError(error)) throw new CliError(error.message);
  throw error;
}

/** Refuses a path whose folder does not exist (or is no folder), with what to do. */
async function requireFolder(option: string, file: string): Promise<void> {
  const folder = path.dirname(file);
  const info = await stat(folder).catch(() => null);
  if (!info) throw new CliError(`${option} ${file}: the folder ${folder} does not exist. Create it first, or choose another place.`);
  if (!info.isDirectory()) throw new CliError(`${option} ${file}: ${folder} is not a folder.`);
}

/** Opens a project to write on: refused when it is open elsewhere or already finished. */
async function openToContinue(projects: ProjectsService, file: string, target: number | undefined, io: CliIO): Promise<string> {
  const opened = await projects.open(file).catch(asCliError);
  const id = opened.project.projectId;
  if (opened.project.readOnly) {
    const by = opened.lock.heldBy ? ` (process ${opened.lock.heldBy.pid} on ${opened.lock.heldBy.hostname})` : "";
    throw new CliError(`${path.basename(file)} cannot be written here${by}: close it in Draftline first, or check that its folder may be written.`);
  }
  if (opened.recovery.recovered) writeLine(io.stderr, `Recovered ${opened.recovery.words} words from the autosave beside ${path.basename(file)}.`);
  if (target !== undefined) projects.update(id, (m) => ({ ...m, targetWords: target }), { source: "writer" });
  const m = projects.getManuscript(id);
  if (m.finished) throw new CliError(`${path.basename(file)} is finished (${writtenWords(m)} of ${m.targetWords ?? 0} words): there is nothing to continue.`);
  writeLine(io.stderr, `Continuing ${path.basename(file)}: ${writtenWords(m)} of ${m.targetWords ?? 0} words in ${m.steps.length} steps.`);
  return id;
}

/** The model options to give again to continue a run. */
function modelArgs(values: { model?: string | undefined; server?: string | undefined; mode?: string | undefined }): string {
  const source = values.server ? `--server ${shellWord(values.server)}` : `--model ${shellWord(values.model ?? "MODEL")}`;
  return values.mode ? `${source} --mode ${values.mode}` : source;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
