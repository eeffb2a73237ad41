import { existsSync } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { getLlama, LlamaLogLevel, type Llama } from "node-llama-cpp";
import type { CatalogEntry } from "../../../common/engine/catalog";
import { identifyModel, type Identified } from "../../../common/engine/identify";
import { textInContext, type DownloadProgress, type FitEstimate, type HardwareInfo } from "../../../common/engine/types";
import { CatalogError, findCatalogEntry, hfEndpoint, loadCatalog, resolveHfUri } from "../../models/catalog";
import { DownloadError, downloadFile, modelPartialPath } from "../../models/download";
import { BackendError } from "../../engine/backend";
import { EmbeddedBackend } from "../../engine/embedded";
import { GgufError, inspectGguf, type GgufFacts } from "../../engine/gguf";
import { formatBytes, getHardwareInfo } from "../../engine/hardware";
import { findRepoRoot } from "../../base/paths";
import { catalogPath, modelsDir } from "../../models/paths";
import { MAX_DEFAULT_CONTEXT, planContext, type ContextPlan } from "../../models/context";
import { CliError, UsageError, type CliIO, type Command } from "../command";
import { engineSettings } from "./write";
import { writeLine } from "../io";

const USAGE = [
  "Usage: draftline models list",
  "       draftline models info FILE.gguf [--context N] [--kv-cache f16|q8_0|q4_0] [--flash-attention on|off] [--gpu-layers N|max]",
  "       draftline models pull ID [--force]",
  "       draftline models hardware",
  "",
  "  list       the models Draftline knows, and the GGUF files in the models folder",
  "  info       what a GGUF file is (architecture, parameters, context, quantization, template,",
  "             layers), how much it sees at once, and whether it fits this machine with the given",
  "             context (default: its recommended context, or the one it was trained for up to",
  "             32,768 tokens), its KV cache counted",
  "  pull       download a model of the catalog into the models folder; Ctrl-C stops and keeps",
  "             what was downloaded, and pulling again resumes",
  "  hardware   GPU, VRAM, RAM and CPU threads as llama.cpp sees them",
  "",
  "The models folder is DRAFTLINE_MODELS_DIR, else <repo>/models in a checkout, else the user data",
  "folder. DRAFTLINE_HF_ENDPOINT replaces https://huggingface.co for downloads.",
].join("\n");

function catalogFile(io: CliIO): string {
  try {
    return catalogPath(io.env);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
}

async function catalogOf(io: CliIO) {
  try {
    return await loadCatalog(catalogFile(io));
  } catch (error) {
    if (error instanceof CatalogError) throw new CliError(error.message);
    throw error;
  }
}

function folderOf(io: CliIO): string {
  return modelsDir(io.env, findRepoRoot() ?? null);
}

function threadsOf(io: CliIO): number | undefined {
  const threads = Number(io.env.DRAFTLINE_THREADS);
  return Number.isInteger(threads) && threads > 0 ? threads : undefined;
}

async function llamaFor(io: CliIO): Promise<Llama> {
  const threads = threadsOf(io);
  return getLlama({ gpu: "auto", build: "never", logLevel: LlamaLogLevel.error, ...(threads ? { maxThreads: threads } : {}) });
}

function describeHardware(info: HardwareInfo): string {
  const ram = `RAM ${formatBytes(info.ram.total)} (${formatBytes(info.ram.free)} free), ${info.cpuThreads} CPU threads`;
  if (!info.gpu) {
    const supported = info.supportedGpus.filter((g): g is Exclude<typeof g, false> => g !== false);
    return `CPU only${supported.length ? ` (this build also supports ${supported.join(", ")})` : ""}; ${ram}`;
  }
  const vram = info.vram ? `, VRAM ${formatBytes(info.vram.total)} (${formatBytes(info.vram.free)} free)` : "";
  return `GPU ${info.gpu}: ${info.gpuNames.join(", ") || "unnamed device"}${vram}; ${ram}`;
}

function describeFit(fit: FitEstimate): string {
  const where = fit.gpuLayers > 0 ? `${fit.gpuLayers} of ${fit.totalLayers} layers on the GPU` : "on the CPU";
  const memory = `RAM ${formatBytes(fit.ramBytes)}${fit.vramBytes > 0 ? `, VRAM ${formatBytes(fit.vramBytes)}` : ""}`;
  return fit.fits
    ? `fits (score ${Math.round(fit.compatibilityScore * 100)}%): ${where}, context ${fit.contextSize} tokens, ${memory}`
    : `does not fit with a context of ${fit.contextSize} tokens: it would need ${memory}. Try a smaller context or quantization.`;
}

/** Where the context of `models info` comes from. */
function contextOrigin(plan: ContextPlan, name: string | undefined): string {
  switch (plan.origin) {
    case "writer":
      return "as given with --context";
    case "auto":
      return "as many as fit";
    case "catalog":
      return `the context the catalog recommends for ${name ?? "this model"}`;
    case "trained":
      return `the context it was trained for (at most ${MAX_DEFAULT_CONTEXT.toLocaleString("en-US")} by default; --context sets another)`;
    default:
      return plan.origin satisfies never;
  }
}

function formatParameters(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  return String(n);
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** How Draftline will drive the file, and why: the catalog model it is, or the probe it gets when loaded. */
function describeIdentified(identified: Identified | null, name: string): string {
  const probe = "probed when loaded: native if it writes <global_plan> by itself from the native prompt, else prompted";
  if (!identified) return `${name} is not in the catalog; ${probe}`;
  if (identified.by === "base") return `${name} is not in the catalog; it is ${identified.reason} and takes its context and sampling; ${probe}`;
  return `${identified.entry.profile}: ${identified.reason}`;
}

function factsLines(facts: GgufFacts): string[] {
  return [
    `File          ${facts.path}`,
    `Size          ${formatBytes(facts.sizeBytes)} (GGUF v${facts.ggufVersion}, ${facts.tensorCount} tensors)`,
    `Name          ${facts.name ?? "(none)"}`,
    `Architecture  ${facts.architecture}`,
    `Parameters    ${formatParameters(facts.parameters)}`,
    `Trained for   ${facts.contextLength ?? "an unknown number of"} tokens of context`,
    `Layers        ${facts.layers ?? "unknown"}`,
    `Quantization  ${facts.quantization ?? "unknown"}`,
    `Vocabulary    ${facts.vocabularySize ?? "unknown"} tokens`,
    `Chat template ${facts.hasChatTemplate ? "yes" : "no (the app uses a generic format)"}`,
  ];
}

async function info(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { context: { type: "string" }, "kv-cache": { type: "string" }, "flash-attention": { type: "string" }, "gpu-layers": { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError("Give one GGUF file: draftline models info FILE.gguf");
  const settings = engineSettings({ context: values.context, "kv-cache": values["kv-cache"], "flash-attention": values["flash-attention"] });
  const layersArg = values["gpu-layers"];
  const gpuLayers = layersArg === undefined ? undefined : layersArg === "max" ? "max" : Number(layersArg);
  if (typeof gpuLayers === "number" && (!Number.isInteger(gpuLayers) || gpuLayers < 0)) throw new UsageError(`--gpu-layers must be a number of layers or 'max', not '${layersArg}'.`);

  const file = path.resolve(io.cwd, positionals[0]!);
  let checked;
  try {
    checked = await inspectGguf(file);
  } catch (error) {
    if (error instanceof GgufError) throw new CliError(error.message);
    throw error;
  }
  for (const line of factsLines(checked.facts)) writeLine(io.stdout, line);
  const catalog = await loadCatalog(catalogFile(io)).catch(() => undefined);
  const { facts } = checked;
  const identified = catalog
    ? identifyModel(catalog, { file: path.basename(file), name: facts.name, basename: facts.basename, sizeLabel: facts.sizeLabel, finetune: facts.finetune, baseModel: facts.baseModel, architecture: facts.architecture })
    : null;
  writeLine(io.stdout, `Profile       ${describeIdentified(identified, facts.name ?? path.basename(file))}`);
  const entry = identified?.entry;
  const plan = planContext(settings, entry, checked.facts.contextLength);
  // Only a file that passed the checks above reaches llama.cpp, and only in the engine process: the fit
  // estimate simulates the model there, under the engine's deadlines.
  const engine = new EmbeddedBackend();
  try {
    const fit = await engine.estimateFit(file, {
      ...(plan.wanted !== null ? { contextSize: plan.wanted } : {}),
      gpuLayers,
      kvCacheType: plan.kvCacheType,
      ...(plan.flashAttention !== undefined ? { flashAttention: plan.flashAttention } : {}),
    });
    const hardwareInfo = await engine.hardware();
    const seen = textInContext(fit.contextSize);
    writeLine(io.stdout, `Context       ${fit.contextSize.toLocaleString("en-US")} tokens at once: about ${seen.words.toLocaleString("en-US")} English words or ${seen.characters.toLocaleString("en-US")} Chinese characters (prompt, plan and text together); ${contextOrigin(plan, entry?.name)}`);
    writeLine(io.stdout, `KV cache      ${plan.kvCacheType}${fit.kvCacheBytes !== undefined ? `, ${formatBytes(fit.kvCacheBytes)} at ${fit.contextSize.toLocaleString("en-US")} tokens` : ""}${plan.kvCacheType === "f16" ? " (--kv-cache q8_0 halves it)" : ""}`);
    writeLine(io.stdout, `Hardware      ${describeHardware(hardwareInfo)}`);
    writeLine(io.stdout, `Fit           ${describeFit(fit)}`);
  } catch (error) {
    if (error instanceof BackendError) throw new CliError(error.message);
    throw error;
  } finally {
    await engine.dispose();
  }
  return 0;
}

async function hardware(argv: string[], io: CliIO): Promise<number> {
  if (argv.length > 0) throw new UsageError(`'models hardware' takes no arguments.`);
  const llama = await llamaFor(io);
  try {
    writeLine(io.stdout, describeHardware(await getHardwareInfo(llama)));
  } finally {
    await llama.dispose();
  }
  return 0;
}

async function sizeIfExists(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

async function list(argv: string[], io: CliIO): Promise<number> {
  if (argv.length > 0) throw new UsageError(`'models list' takes no arguments.`);
  const catalog = await catalogOf(io);
  const folder = folderOf(io);
  writeLine(io.stdout, `Models folder: ${folder}`);
  writeLine(io.stdout, "");
  const rows: string[][] = [["ID", "PROFILE", "SIZE", "SOURCE", "ON DISK"]];
  for (const m of catalog.models) {
    const here = await sizeIfExists(path.join(folder, m.file));
    const partial = await sizeIfExists(modelPartialPath(folder, m.file));
    const onDisk =
      here !== undefined ? "yes" : partial !== undefined ? `partial ${m.sizeBytes ? `${Math.floor((100 * partial) / m.sizeBytes)}%` : formatBytes(partial)}` : "no";
    const source = m.source.kind === "huggingface" ? `${m.source.uri}${m.source.verified ? "" : " (to be verified)"}` : "bring your own file";
    rows.push([m.id, m.profile, m.sizeBytes ? formatBytes(m.sizeBytes) : "?", source, onDisk]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) writeLine(io.stdout, row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "));

  const known = new Set(catalog.models.map((m) => m.file));
  const local = existsSync(folder) ? (await readdir(folder)).filter((f) => f.endsWith(".gguf") && !known.has(f)).sort() : [];
  writeLine(io.stdout, "");
  if (local.length === 0) writeLine(io.stdout, "No other GGUF files in the models folder.");
  else {
    writeLine(io.stdout, "Other GGUF files in the models folder:");
    for (const f of local) writeLine(io.stdout, `  ${f}  ${formatBytes((await sizeIfExists(path.join(folder, f))) ?? 0)}`);
  }
  return 0;
}

/** Draws progress: a bar redrawn in place on a terminal, a line every 10% otherwise. */
function progressPrinter(io: CliIO, name: string): { update(p: DownloadProgress): void; end(): void } {
  let lastTenth = -1;
  let drawn = false;
  return {
    update(p) {
      const share = p.totalBytes ? p.downloadedBytes / p.totalBytes : undefined;
      const speed = `${formatBytes(p.bytesPerSecond)}/s`;
      const left = p.secondsLeft !== undefined ? `, ${formatDuration(p.secondsLeft)} left` : "";
      const amount = `${formatBytes(p.downloadedBytes)}${p.totalBytes ? ` of ${formatBytes(p.totalBytes)}` : ""}`;
      if (io.isTTY) {
        const width = 30;
        const filled = share === undefined ? 0 : Math.round(share * width);
        const bar = share === undefined ? "" : `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}% `;
        io.stdout.write(`\r${bar}${amount}  ${speed}${left}\u001b[K`);
        drawn = true;
        return;
      }
      const tenth = share === undefined ? Math.floor(p.downloadedBytes / 100e6) : Math.floor(share * 10);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      writeLine(io.stdout, `${name}: ${share === undefined ? "" : `${(share * 100).toFixed(0)}% `}${amount}, ${speed}${left}`);
    },
    end() {
      if (drawn) io.stdout.write("\n");
      drawn = false;
    },
  };
}

async function pull(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { force: { type: "boolean" } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError("Give the id of one model: draftline models pull ID (see draftline models list)");
  const catalog = await catalogOf(io);
  const entry: CatalogEntry | undefined = findCatalogEntry(catalog, positionals[0]!);
  if (!entry) throw new CliError(`No model '${positionals[0]}' in the catalog. Known: ${catalog.models.map((m) => m.id).join(", ")}.`);
  const folder = folderOf(io);
  const destination = path.join(folder, entry.file);
  if (entry.source.kind === "bring-your-own") {
    throw new CliError(`${entry.name} cannot be downloaded. ${entry.source.instructions} Put it in ${folder} as ${entry.file}.`);
  }
  if (existsSync(destination) && !values.force) {
    writeLine(io.stdout, `${entry.name} is already downloaded: ${destination} (--force downloads it again).`);
    return 0;
  }
  await mkdir(folder, { recursive: true });
  const url = resolveHfUri(entry.source.uri, hfEndpoint(io.env));
  writeLine(io.stdout, `Downloading ${entry.name} from ${url}`);
  writeLine(io.stdout, `to ${destination}`);
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once("SIGINT", onSignal);
  const printer = progressPrinter(io, entry.id);
  try {
    const result = await downloadFile({
      url,
      destination,
      partialFile: modelPartialPath(folder, entry.file),
      expectedSize: entry.source.sha256 ? entry.sizeBytes : undefined,
      sha256: entry.source.sha256,
      signal: controller.signal,
      onProgress: (p) => printer.update(p),
      verify: async (file) => {
        await inspectGguf(file);
      },
    });
    printer.end();
    const { facts } = await inspectGguf(destination);
    writeLine(io.stdout, `Done: ${formatBytes(result.bytes)}${result.resumedFrom ? ` (resumed at ${formatBytes(result.resumedFrom)})` : ""}, sha256 ${result.sha256}.`);
    writeLine(io.stdout, `${facts.architecture}, ${formatParameters(facts.parameters)} parameters, ${facts.quantization ?? "unknown quantization"}.`);
    return 0;
  } catch (error) {
    printer.end();
    if (error instanceof DownloadError) {
      if (error.code === "cancelled") {
        writeLine(io.stderr, error.message);
        return 130;
      }
      throw new CliError(error.message);
    }
    throw error;
  } finally {
    process.removeListener("SIGINT", onSignal);
  }
}

export const modelsCommand: Command = {
  name: "models",
  summary: "List, inspect and download models",
  usage: USAGE,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case "list":
        return list(rest, io);
      case "info":
        return info(rest, io);
      case "pull":
        return pull(rest, io);
      case "hardware":
        return hardware(rest, io);
      case undefined:
        throw new UsageError("Say what to do: list, info, pull or hardware.");
      default:
        throw new UsageError(`Unknown models command '${sub}'.`);
    }
  },
};
