import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { GenerationMode, GenerationState } from "../../../common/api/generation";
import type { EngineSettings, EngineState, ModelSourceRef } from "../../../common/api/models";
import type { SamplingSettings } from "../../../common/engine/types";
import { protocolProfiles } from "../../../common/engine/catalog";
import { writtenWords } from "../../../common/generation/rules";
import { lengthScore } from "../../../common/metrics/score";
import { appDataDir } from "../../app/paths";
import { appVersion } from "../../app/backend";
import { exportManuscript, toExportDocument } from "../../export/exportManuscript";
import { buildMarkdown } from "../../export/markdown/build";
import { GenerationService } from "../../generation/service";
import { ModelService } from "../../models/service";
import { ProjectsService } from "../../projects/service";
import { RecentProjects } from "../../projects/recent";
import { CliError, UsageError, type CliIO, type Command } from "../command";
import { writeLine } from "../io";
import { ProgressBar } from "../progress";

const USAGE = [
  'Usage: draftline write "<instruction>" --target N (--model M | --server URL) [options]',
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
  "  --out F.draftline   save the project there (autosaved while the model writes)",
  "  --export F.md|.docx export the draft when it is done (--with-plan adds plans and reflections)",
  "  --context N         the context window in tokens (default 8192)",
  "  --threads N         CPU threads (default: llama.cpp's choice, or DRAFTLINE_THREADS)",
  "  --temperature T     sampling temperature, 0 to 5 (default: the catalog's value; 0 is greedy)",
  "  --top-p P           nucleus sampling, 0 to 1",
  "  --seed N            the sampler's seed, for a generation that can be repeated",
  "",
  "Without --out and --export the draft is printed on standard output. Ctrl-C stops the model and",
  "keeps what it wrote.",
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

/** The options every command that runs a model takes: where the model is, how to drive it, its engine. */
export const MODEL_OPTIONS = {
  model: { type: "string" },
  server: { type: "string" },
  "api-key": { type: "string" },
  mode: { type: "string" },
  context: { type: "string" },
  threads: { type: "string" },
  temperature: { type: "string" },
  "top-p": { type: "string" },
  seed: { type: "string" },
} as const;

/** The sampling options (--temperature, --top-p, --seed), checked; undefined when none is given. */
export function parseSampling(values: { temperature?: string | undefined; "top-p"?: string | undefined; seed?: string | undefined }): SamplingSettings | undefined {
  const sampling: SamplingSettings = {};
  const decimal = (name: string, value: string, max: number) => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > max) throw new UsageError(`--${name} must be a number from 0 to ${max}, not '${value}'.`);
    return n;
  };
  if (values.temperature !== undefined) sampling.temperature = decimal("temperature", values.temperature, 5);
  if (values["top-p"] !== undefined) sampling.topP = decimal("top-p", values["top-p"], 1);
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
    sampling.seed !== undefined ? `seed ${sampling.seed}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length === 0 ? "greedy sampling" : `sampling: ${parts.join(", ")}`;
}

/** Loads the model for a command: the engine settings, then the writer's sampling over the catalog's. */
export async function loadForCommand(models: ModelService, source: ModelSourceRef, settings: EngineSettings, sampling: SamplingSettings | undefined): Promise<EngineState> {
  let state = await models.load(source, settings).catch((error: Error) => {
    throw new CliError(error.message);
  });
  if (sampling) state = models.setSampling({ ...state.sampling, ...sampling });
  return state;
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
      },
    });
    const instruction = positionals.join(" ").trim();
    if (!instruction) throw new UsageError("Say what to write: draftline write \"<instruction>\" --target N --model M");
    const target = positiveInt("target", values.target, 200_000);
    if (target === undefined) throw new UsageError("--target N is required: the length to write, in words.");
    const mode = parseMode(values.mode);
    const language = values.language ?? "auto";
    if (!["auto", "en", "zh"].includes(language)) throw new UsageError(`--language must be auto, en or zh, not '${language}'.`);
    const out = values.out ? path.resolve(io.cwd, values.out) : undefined;
    if (out && !out.endsWith(".draftline")) throw new UsageError("--out must name a .draftline file.");
    const exportTo = values.export ? path.resolve(io.cwd, values.export) : undefined;
    if (exportTo && !/\.(md|markdown|docx)$/i.test(exportTo)) throw new UsageError("--export must name a .md or .docx file.");
    const source = modelSource(values, io);
    const contextSize = positiveInt("context", values.context, 1_048_576) ?? 8192;
    const threads = positiveInt("threads", values.threads, 512);
    const sampling = parseSampling(values);

    const dataDir = appDataDir(io.env);
    const models = new ModelService({ env: io.env, emitState: () => {}, emitDownload: () => {} });
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
      io.stderr.write(`Loading ${source.kind === "server" ? source.baseUrl : source.kind === "file" ? path.basename(source.path) : source.id}…\n`);
      const state = await loadForCommand(models, source, { contextSize, ...(threads ? { threads } : {}) }, sampling);
      io.stderr.write(`${state.model?.name} on ${state.device}, ${state.model?.contextSize} tokens of context; ${describeSampling(state.sampling)}\n`);
      const project = await projects.create({ instruction, targetWords: target, language: language as "auto" | "en" | "zh", ...(mode ? { mode } : {}), ...(out ? { path: out } : {}) });
      projectId = project.projectId;
      process.once("SIGINT", onSignal);
      await generation.start(project.projectId, mode ? { mode } : {});
      const final: GenerationState = await generation.whenDone(project.projectId);
      bar.end();
      const m = projects.getManuscript(project.projectId);
      const words = writtenWords(m);
      if (final.status === "error") throw new CliError(`The generation failed: ${final.error}`);
      if (out) await projects.save(project.projectId);
      if (exportTo) await exportManuscript(m, { path: exportTo, withPlan: Boolean(values["with-plan"]), model: state.model?.name ?? null, mode: final.mode });
      if (!out && !exportTo) writeLine(io.stdout, buildMarkdown(toExportDocument(m, { model: state.model?.name ?? null, mode: final.mode }), { frontMatter: false }));
      writeLine(
        io.stderr,
        `${interrupted ? "Stopped" : final.status === "finished" ? "Finished" : "Stopped"}: ${words} of ${target} words in ${m.steps.length} steps, length score ${lengthScore(target, words).toFixed(1)}; ` +
          `${final.progress.tokensGenerated} tokens generated, ${final.progress.tokensDecoded} decoded as input.` +
          `${out ? `\nSaved ${out}` : ""}${exportTo ? `\nExported ${exportTo}` : ""}`,
      );
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
