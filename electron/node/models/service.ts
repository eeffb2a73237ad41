// The one owner of the model (STYLE #5): loads and unloads serialized, keeps the engine's state as data
// for the UI, lists the catalog and the local files, inspects a GGUF before any load, and runs downloads.
import { existsSync, statSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { CatalogModel, DownloadState, EngineSettings, EngineState, LocalModel, ModelInspection, ModelSourceRef } from "../../common/api/models";
import { ApiError } from "../../common/api/define";
import type { Catalog, CatalogEntry, PromptFormat, ProtocolProfile } from "../../common/engine/catalog";
import { DEFAULT_SAMPLING, type HardwareInfo, type SamplingSettings } from "../../common/engine/types";
import { estimateTokens } from "../../common/manuscript/voice";
import type { Service } from "../base/container";
import { BackendError, type Backend, type ModelInfo } from "../engine/backend";
import { EmbeddedBackend, type EmbeddedBackendOptions } from "../engine/embedded";
import type { EngineProcessLauncher } from "../engine/launcher";
import { OpenAICompatibleBackend, type OpenAIBackendOptions } from "../engine/openai";
import { identifyModel, type Identified, type ModelIdentity } from "../../common/engine/identify";
import { findCatalogEntry, loadCatalog, resolveHfUri } from "./catalog";
import { downloadFile, modelPartialPath, partialPath, DownloadError } from "./download";
import { describeContext, planContext } from "./context";
import { catalogPath, modelsDir } from "./paths";
import { probeProtocol } from "./probe";

/** The model the writer loaded, as the generation service needs it. */
export interface LoadedModel {
  backend: Backend;
  /** The catalog profile of the model (how to drive it), when known. */
  profile: ProtocolProfile | null;
  /** Hold the model to the protocol with grammars (the tiny test model, weak models). */
  useProtocolGrammars: boolean;
  sampling?: SamplingSettings;
  /** The prompt format the catalog gives for the model; left out: its chat template. */
  promptFormat?: PromptFormat;
  /** Where the summaries of steps leaving the window come from (the catalog's word; default: requests). */
  summaries?: "request" | "reflection";
}

/** A model without inference that writes IS-CoT at a set speed (tokens per second; none: at once). */
export type ScriptedModel = (options: { tokensPerSecond: number | undefined }) => Backend;

/** A source checked and ready to load: the scripted fake, a connected server, or a GGUF file read. */
type Prepared =
  | { kind: "scripted" }
  | { kind: "server"; backend: OpenAICompatibleBackend; model: ModelInfo; device: string; known: Known }
  | { kind: "file"; file: string; known: Known; trained: number | undefined; draft?: string };

/** What is known of a model before it is loaded: which catalog model it is, and how to drive it. */
interface Known {
  /** The catalog model it is (its profile, prompt format, sampling, context). */
  entry: CatalogEntry | undefined;
  /** The catalog model whose context and sampling it takes: its own, or the one it was fine-tuned from. */
  settingsFrom: CatalogEntry | undefined;
  /** How the controller drives it; null: not known, the model is probed once loaded. */
  profile: ProtocolProfile | null;
  /** Why, for people (the model manager, the CLI): how it was recognised, or why it is probed. */
  reason: string;
}

/** The tiny test model's name: it writes nonsense unless grammars hold it to the protocol. */
const TEST_MODEL_NAME = "Draftline tiny test model";

export interface ModelServiceOptions {
  env?: Record<string, string | undefined>;
  emitState: (state: EngineState) => void;
  emitDownload: (state: DownloadState) => void;
  launcher?: EngineProcessLauncher;
  /** The engine's deadlines (default DEFAULT_ENGINE_DEADLINES). */
  engineDeadlines?: EmbeddedBackendOptions["deadlines"];
  /** An inference server's deadlines (default DEFAULT_SERVER_DEADLINES). */
  serverDeadlines?: OpenAIBackendOptions["deadlines"];
  /**
   * The model DRAFTLINE_ENGINE=scripted loads whatever the source (for trying the UI, its benchmarks
   * and the end-to-end tests), given by whoever wires the service (app/models.ts).
   */
  scripted?: ScriptedModel;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

export class ModelService implements Service {
  readonly name = "models";
  private readonly env: Record<string, string | undefined>;
  private backend: Backend | undefined;
  private embedded: EmbeddedBackend | undefined;
  private state: EngineState = { status: "none", source: null, model: null, loadProgress: null, device: null, error: null, settings: {}, sampling: {}, profile: null, profileReason: null };
  private profile: ProtocolProfile | null = null;
  /** The catalog entry of the loaded model, when it is one: its prompt format and sampling. */
  private entry: CatalogEntry | undefined;
  private useGrammars = false;
  /** Serializes load and unload: one owner, one operation at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly downloads = new Map<string, { abort: AbortController; state: DownloadState }>();
  /** Servers being connected to by a load (shut down with the service). */
  private readonly connecting = new Set<OpenAICompatibleBackend>();

  constructor(private readonly options: ModelServiceOptions) {
    this.env = options.env ?? process.env;
  }

  get folder(): string {
    return modelsDir(this.env);
  }

  async shutdown(): Promise<void> {
    for (const d of this.downloads.values()) d.abort.abort();
    // At once, not after the load or inspection in progress: disposing ends the engine process and a
    // server's open requests, so what waits on them fails ("disposed") and the queue drains.
    const backends = new Set([this.backend, this.embedded, ...this.connecting]);
    await Promise.allSettled([...backends].map((b) => b?.dispose()));
    await this.serialized(async () => {
      this.backend = undefined;
      this.embedded = undefined;
    });
  }

  getState(): EngineState {
    return this.state;
  }

  /** The loaded model for the generation service, or an error that says what to do. */
  loaded(): LoadedModel {
    if (!this.backend || this.state.status !== "ready") throw new ApiError("failed", "No model is loaded: load one in the model manager first.");
    return {
      backend: this.backend,
      profile: this.profile,
      useProtocolGrammars: this.useGrammars,
      ...(this.entry?.promptFormat ? { promptFormat: this.entry.promptFormat } : {}),
      ...(this.entry?.summaries ? { summaries: this.entry.summaries } : {}),
      ...(Object.keys(this.state.sampling).length > 0 ? { sampling: this.state.sampling } : {}),
    };
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private setState(patch: Partial<EngineState>): EngineState {
    this.state = { ...this.state, ...patch };
    this.options.emitState(this.state);
    return this.state;
  }

  private embeddedBackend(): EmbeddedBackend {
    this.embedded ??= new EmbeddedBackend({
      ...(this.options.launcher ? { launcher: this.options.launcher } : {}),
      ...(this.options.engineDeadlines ? { deadlines: this.options.engineDeadlines } : {}),
      onCrash: (error) => {
        this.options.log?.("engine.crash", { message: error.message });
        this.setState({ error: error.message });
      },
    });
    return this.embedded;
  }

  async catalog(): Promise<CatalogModel[]> {
    const catalog = await this.readCatalog();
    return catalog.models.map((entry) => {
      const file = path.join(this.folder, entry.file);
      const download = this.downloads.get(entry.id);
      const partial = modelPartialPath(this.folder, entry.file);
      const partialBytes = existsSync(partial) ? safeSize(partial) : 0;
      const status = download ? "downloading" : existsSync(file) ? "ready" : partialBytes > 0 ? "partial" : "absent";
      return { entry, status, path: existsSync(file) ? file : null, downloadedBytes: download?.state.downloadedBytes ?? (status === "ready" ? safeSize(file) : partialBytes) };
    });
  }

  async local(): Promise<LocalModel[]> {
    let names: string[];
    try {
      names = await readdir(this.folder);
    } catch {
      return [];
    }
    const catalog = await this.readCatalog().catch(() => undefined);
    const models: LocalModel[] = [];
    for (const name of names.filter((n) => n.toLowerCase().endsWith(".gguf")).sort()) {
      const file = path.join(this.folder, name);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) continue;
      models.push({ path: file, name: name.replace(/\.gguf$/i, ""), sizeBytes: info.size, catalogId: catalog?.models.find((m) => m.file === name)?.id ?? null });
    }
    return models;
  }

  /** Reads a GGUF's metadata and estimates its fit, without loading it. A bad file is reported, not thrown. */
  async inspect(file: string, settings: EngineSettings = {}): Promise<ModelInspection> {
    const resolved = path.resolve(expandHome(file));
    try {
      // Read in the engine process: node-llama-cpp never runs in the app's process.
      const facts = await this.embeddedBackend().inspect(resolved);
      const known = await this.knownFile(resolved, facts);
      // The fit at the context the model would be loaded with, its KV cache counted.
      const plan = planContext(settings, known.settingsFrom, typeof facts.contextLength === "number" ? facts.contextLength : undefined);
      let fit: ModelInspection["fit"] = null;
      try {
        // With a draft model: its weights and its context of the same size are counted too.
        const draftFile = settings.draftModel ? await this.resolveDraft(settings.draftModel) : undefined;
        fit = await this.embeddedBackend().estimateFit(resolved, {
          ...(plan.wanted !== null ? { contextSize: plan.wanted } : {}),
          kvCacheType: plan.kvCacheType,
          ...(plan.flashAttention !== undefined ? { flashAttention: plan.flashAttention } : {}),
          ...(draftFile !== undefined ? { draftFile } : {}),
        });
      } catch (error) {
        this.options.log?.("models.fit-failed", { message: (error as Error).message });
      }
      return { path: resolved, ok: true, problem: null, facts, fit };
    } catch (error) {
      const problem = error instanceof BackendError && error.code === "bad-model" ? error.message : `Cannot read ${path.basename(resolved)}: ${(error as Error).message}`;
      return { path: resolved, ok: false, problem, facts: {}, fit: null };
    }
  }

  async hardware(): Promise<HardwareInfo> {
    return this.embeddedBackend().hardware();
  }

  /**
   * Loads a model. Its profile is the catalog's when the catalog knows it (by its file name or how the
   * GGUF names it); a model the catalog does not know is probed once loaded: native if it writes
   * `<global_plan>` by itself from the native prompt, else prompted, and the state says why. A catalog
   * model of the native profile (IS-Writer) is probed too, and told to use the prompted mode if it
   * does not write the tags. `probe` (or DRAFTLINE_PROBE=1) probes any model; `modeChosen` (the writer
   * named the mode, as `--mode` or `--raw-prompt` do) skips the probe that would choose one.
   */
  load(source: ModelSourceRef, settings: EngineSettings = {}, options: { probe?: boolean; modeChosen?: boolean } = {}): Promise<EngineState> {
    return this.serialized(async () => {
      this.options.log?.("models.load", { kind: source.kind, ...(source.kind === "catalog" ? { id: source.id } : {}) });
      const failed = (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        this.options.log?.("models.load-failed", { message });
        return message;
      };
      // What can be checked without touching the loaded model is checked first (a wrong path, a file
      // that is not a GGUF, a model not downloaded, a server that does not answer or lacks the model):
      // such a load is refused with its reason, and the model in use stays loaded.
      let prepared: Prepared;
      try {
        prepared = await this.prepare(source, settings);
      } catch (error) {
        throw new ApiError("failed", failed(error));
      }
      this.setState({ status: "loading", source, settings, loadProgress: 0, error: null, probe: undefined });
      try {
        if (this.backend) await this.backend.unload();
        const { backend, model, device, known, contextNote } = await this.open(prepared, settings);
        this.backend = backend;
        this.profile = known.profile;
        this.entry = known.entry;
        this.useGrammars = model.name === TEST_MODEL_NAME || this.env.DRAFTLINE_PROTOCOL_GRAMMAR === "1";
        this.options.log?.("models.loaded", { name: model.name, contextSize: model.contextSize, gpu: model.gpu, profile: known.profile, reason: known.reason });
        const state = this.setState({
          status: "ready",
          model,
          profile: known.profile ?? "prompted",
          profileReason: known.reason,
          device,
          loadProgress: 1,
          contextNote,
          sampling: initialSampling(known.settingsFrom, model.name === TEST_MODEL_NAME),
        });
        if (known.profile === null && !options.modeChosen && !options.probe) return await this.chooseByProbe(known.reason);
        if (options.probe || this.env.DRAFTLINE_PROBE === "1" || known.entry?.profile === "native") return await this.runProbe();
        return state;
      } catch (error) {
        this.backend = undefined;
        this.entry = undefined;
        const message = failed(error);
        this.setState({ status: "error", model: null, loadProgress: null, error: message });
        throw new ApiError("failed", message);
      }
    });
  }

  unload(): Promise<EngineState> {
    return this.serialized(async () => {
      await this.backend?.unload();
      this.backend = undefined;
      this.entry = undefined;
      this.profile = null;
      return this.setState({ status: "none", source: null, model: null, loadProgress: null, device: null, error: null, sampling: {}, profile: null, profileReason: null, probe: undefined, contextNote: null });
    });
  }

  /** How many tokens `text` takes for the loaded model, or an estimate (`exact: false`) when none is loaded. */
  async countTokens(text: string): Promise<{ tokens: number; exact: boolean }> {
    const backend = this.backend;
    if (backend && this.state.status === "ready") {
      try {
        return { tokens: (await backend.tokenize(text, { specialTokens: false })).length, exact: true };
      } catch {
        // The engine is restarting or busy loading: an estimate is better than no answer.
      }
    }
    return { tokens: estimateTokens(text), exact: false };
  }

  /** Sets the loaded model's sampling: the generation service reads it before each request. */
  setSampling(sampling: SamplingSettings): EngineState {
    if (!this.backend || this.state.status !== "ready") throw new ApiError("failed", "No model is loaded: load one before changing its sampling.");
    this.options.log?.("models.sampling", { ...sampling });
    return this.setState({ sampling: { ...sampling } });
  }

  /** Drives the loaded model in another profile than the one chosen for it: the writer's word is final. */
  setProfile(profile: ProtocolProfile): EngineState {
    if (!this.backend || this.state.status !== "ready") throw new ApiError("failed", "No model is loaded: load one before choosing how to drive it.");
    this.options.log?.("models.profile", { profile });
    this.profile = profile;
    return this.setState({ profile, profileReason: `${profile}: chosen by the writer.` });
  }

  /**
   * Chooses the profile of a model the catalog does not know by probing it: native when it writes
   * `<global_plan>` by itself from the native prompt, else prompted. A probe that fails leaves it prompted.
   */
  private async chooseByProbe(known: string): Promise<EngineState> {
    let writesTags = false;
    let why: string;
    try {
      const result = await probeProtocol(this.backend!);
      this.options.log?.("models.probe", { writesTags: result.writesTags, sample: result.sample });
      writesTags = result.writesTags;
      why = writesTags
        ? "it wrote <global_plan> by itself from the native prompt, so it writes IS-CoT natively"
        : "it did not write the IS-CoT tags from the native prompt, so a system prompt teaches it them (prompted)";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.log?.("models.probe-failed", { message });
      why = `the check of the IS-CoT tags could not run (${message}), so prompted`;
    }
    const profile: ProtocolProfile = writesTags ? "native" : "prompted";
    this.profile = profile;
    // The outcome is the profile and its reason, not a warning: the profile already follows it.
    return this.setState({ profile, profileReason: `${known}: ${why}.` });
  }

  /** Probes the loaded model: does it write the IS-CoT tags from the native prompt? */
  probe(): Promise<EngineState> {
    return this.serialized(async () => {
      if (!this.backend || this.state.status !== "ready") throw new ApiError("failed", "No model is loaded: load one in the model manager first.");
      return this.runProbe();
    });
  }

  /** The probe, its result in the engine state and the log; a probe that fails leaves the model loaded. */
  private async runProbe(): Promise<EngineState> {
    try {
      const result = await probeProtocol(this.backend!);
      this.options.log?.("models.probe", { writesTags: result.writesTags, sample: result.sample });
      return this.setState({ probe: { writesTags: result.writesTags, suggestion: result.suggestion } });
    } catch (error) {
      this.options.log?.("models.probe-failed", { message: error instanceof Error ? error.message : String(error) });
      return this.state;
    }
  }

  private isScripted(): boolean {
    return this.env.DRAFTLINE_ENGINE === "scripted";
  }

  /** Checks a source before anything is unloaded; a server is connected to here (it holds no memory of ours). */
  private async prepare(source: ModelSourceRef, settings: EngineSettings = {}): Promise<Prepared> {
    if (this.isScripted()) return { kind: "scripted" };
    if (source.kind === "server") {
      if (settings.draftModel) throw new Error("A draft model works with the embedded engine: a server sets up its own (llama-server --model-draft).");
      const backend = new OpenAICompatibleBackend({
        baseUrl: source.baseUrl,
        ...(source.apiKey ? { apiKey: source.apiKey } : {}),
        ...(this.options.serverDeadlines ? { deadlines: this.options.serverDeadlines } : {}),
      });
      this.connecting.add(backend);
      try {
        const model = await backend.load({ model: source.model ?? "" });
        const identified = identifyModel(await this.readCatalog().catch(() => emptyCatalog()), { file: model.name });
        return { kind: "server", backend, model, device: `server at ${new URL(source.baseUrl).host}`, known: knownFrom(identified, model.name) };
      } finally {
        this.connecting.delete(backend);
      }
    }
    let file: string;
    let entry: CatalogEntry | undefined;
    if (source.kind === "catalog") {
      entry = findCatalogEntry(await this.readCatalog(), source.id);
      if (!entry) throw new Error(`There is no model '${source.id}' in the catalog.`);
      file = path.join(this.folder, entry.file);
      if (!existsSync(file)) {
        throw new Error(entry.source.kind === "bring-your-own" ? `${entry.name} is not in the models folder (${this.folder}). ${entry.source.instructions}` : `${entry.name} is not downloaded yet: download it first.`);
      }
    } else {
      file = path.resolve(expandHome(source.path));
    }
    // The engine reads the file before loading it (a bad GGUF can abort llama.cpp): refused with a reason.
    const facts = await this.embeddedBackend().inspect(file);
    const known: Known = entry ? { entry, settingsFrom: entry, profile: entry.profile, reason: `${entry.name} from the catalog` } : await this.knownFile(file, facts);
    const draft = settings.draftModel ? await this.resolveDraft(settings.draftModel) : undefined;
    if (draft) {
      // Checked before the model in use is unloaded: a draft that cannot serve this model loses nothing.
      const problem = await this.embeddedBackend().checkDraft(file, draft);
      if (problem) throw new Error(`The draft model is refused: ${problem}`);
    }
    return { kind: "file", file, known, trained: typeof facts.contextLength === "number" ? facts.contextLength : undefined, ...(draft ? { draft } : {}) };
  }

  /** Which catalog model a GGUF file is (its file name, how it names itself, its base), or what to do when none. */
  private async knownFile(file: string, facts: Record<string, string | number | boolean | null>): Promise<Known> {
    const text = (key: string) => (typeof facts[key] === "string" ? (facts[key] as string) : undefined);
    if (text("name") === TEST_MODEL_NAME) return { entry: undefined, settingsFrom: undefined, profile: "native", reason: "The tiny test model: native, held to the protocol by grammars" };
    const identity: ModelIdentity = { file: path.basename(file) };
    for (const key of ["name", "basename", "sizeLabel", "finetune", "baseModel", "architecture"] as const) {
      const value = text(key);
      if (value !== undefined) identity[key] = value;
    }
    const catalog = await this.readCatalog().catch(() => emptyCatalog());
    return knownFrom(identifyModel(catalog, identity), text("name") ?? path.basename(file));
  }

  /** A draft model setting as a file: a GGUF path, or a downloaded catalog model's file. */
  private async resolveDraft(draft: string): Promise<string> {
    const entry = draft.toLowerCase().endsWith(".gguf") ? undefined : findCatalogEntry(await this.readCatalog(), draft);
    if (!entry) {
      const file = path.resolve(expandHome(draft));
      if (!existsSync(file)) throw new Error(`The draft model ${draft} is neither a file nor a catalog model.`);
      return file;
    }
    const file = path.join(this.folder, entry.file);
    if (!existsSync(file)) throw new Error(`The draft model ${entry.name} is not downloaded yet: download it first (draftline models download ${entry.id}).`);
    return file;
  }

  private async open(prepared: Prepared, settings: EngineSettings) {
    if (prepared.kind === "scripted") {
      const scripted = this.options.scripted;
      if (!scripted) throw new Error("DRAFTLINE_ENGINE=scripted asks for the scripted model, which this program does not have.");
      const tps = Number(this.env.DRAFTLINE_SCRIPTED_TPS ?? "0");
      const backend = scripted({ tokensPerSecond: tps > 0 ? tps : undefined });
      const model = await backend.load({ model: "scripted" });
      const known: Known = { entry: undefined, settingsFrom: undefined, profile: "native", reason: "The scripted model writes IS-CoT (no inference)" };
      return { backend, model, device: "scripted model (no inference)", known, contextNote: null };
    }
    if (prepared.kind === "server") {
      return { backend: prepared.backend, model: prepared.model, device: prepared.device, known: prepared.known, contextNote: `${prepared.model.contextSize.toLocaleString("en-US")} tokens, the server's context.` };
    }
    const { file, known } = prepared;
    const entry = known.settingsFrom;
    const threads = settings.threads ?? (this.env.DRAFTLINE_THREADS ? Number(this.env.DRAFTLINE_THREADS) : undefined);
    const plan = planContext(settings, entry, prepared.trained);
    const backend = this.embeddedBackend();
    const model = await backend.load({
      model: file,
      contextSize: plan.contextSize,
      kvCacheType: plan.kvCacheType,
      ...(plan.flashAttention !== undefined ? { flashAttention: plan.flashAttention } : {}),
      gpuLayers: settings.gpuLayers ?? "auto",
      ...(threads ? { threads } : {}),
      ...(prepared.draft ? { draftModel: prepared.draft } : {}),
    });
    const contextNote = describeContext(plan, model.contextSize, entry?.name ?? model.name);
    const hardware = await backend.hardware().catch(() => undefined);
    const cpuThreads = threads ?? os.availableParallelism();
    const device = model.gpu ? `${hardware?.gpuNames[0] ?? "GPU"} (${String(model.gpu).toUpperCase()})` : `CPU, ${cpuThreads} ${cpuThreads === 1 ? "thread" : "threads"}`;
    return { backend: backend as Backend, model, device, known, contextNote };
  }

  private readCatalog(): Promise<Catalog> {
    return loadCatalog(catalogPath(this.env));
  }

  /** Starts (or resumes from the bytes on disk) a catalog model's download. */
  async download(id: string): Promise<DownloadState> {
    const existing = this.downloads.get(id);
    if (existing) return existing.state;
    const entry = findCatalogEntry(await this.readCatalog(), id);
    if (!entry) throw new ApiError("bad-params", `There is no model '${id}' in the catalog.`);
    if (entry.source.kind !== "huggingface") throw new ApiError("failed", `${entry.name} cannot be downloaded: ${entry.source.instructions}`);
    const abort = new AbortController();
    const state: DownloadState = { id, status: "downloading", downloadedBytes: 0, totalBytes: entry.sizeBytes ?? null, bytesPerSecond: 0, secondsLeft: null, error: null };
    const record = { abort, state };
    this.downloads.set(id, record);
    const update = (patch: Partial<DownloadState>) => {
      record.state = { ...record.state, ...patch };
      this.options.emitDownload(record.state);
    };
    const destination = path.join(this.folder, entry.file);
    void downloadFile({
      url: resolveHfUri(entry.source.uri),
      destination,
      partialFile: partialPath(destination),
      ...(entry.sizeBytes && entry.source.sha256 ? { expectedSize: entry.sizeBytes } : {}),
      ...(entry.source.sha256 ? { sha256: entry.source.sha256 } : {}),
      signal: abort.signal,
      onProgress: (p) => update({ downloadedBytes: p.downloadedBytes, totalBytes: p.totalBytes ?? null, bytesPerSecond: p.bytesPerSecond, secondsLeft: p.secondsLeft ?? null }),
    })
      .then((result) => update({ status: "done", downloadedBytes: result.bytes, totalBytes: result.bytes, secondsLeft: 0 }))
      .catch((error: unknown) => {
        const cancelled = error instanceof DownloadError && error.code === "cancelled";
        update({ status: cancelled ? "cancelled" : "failed", error: cancelled ? null : (error as Error).message });
      })
      .finally(() => this.downloads.delete(id));
    return state;
  }

  async cancelDownload(id: string): Promise<DownloadState> {
    const record = this.downloads.get(id);
    if (!record) throw new ApiError("failed", `No download of '${id}' is running.`);
    record.abort.abort();
    return { ...record.state, status: "cancelled" };
  }
}

/**
 * The sampling a model starts with: its catalog entry's, else one that suits long prose (never greedy:
 * greedy decoding makes instruct models repeat themselves). The tiny test model stays greedy: it
 * writes nonsense whatever the sampling, and greedy keeps its runs repeatable.
 */
export function initialSampling(entry: CatalogEntry | undefined, testModel = false): SamplingSettings {
  if (entry) return { ...entry.recommended.sampling };
  return testModel ? { temperature: 0 } : { ...DEFAULT_SAMPLING };
}

/** What an identification says of how to drive a model; `name` is how it is called when the catalog does not know it. */
function knownFrom(identified: Identified | null, name: string): Known {
  if (!identified) return { entry: undefined, settingsFrom: undefined, profile: null, reason: `${name} is not in the catalog` };
  if (identified.by === "base") return { entry: undefined, settingsFrom: identified.entry, profile: null, reason: `${name} is not in the catalog; it is ${identified.reason}` };
  return { entry: identified.entry, settingsFrom: identified.entry, profile: identified.entry.profile, reason: identified.reason };
}

function emptyCatalog(): Catalog {
  return { version: 1, models: [] };
}

function safeSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function expandHome(file: string): string {
  return file.startsWith("~/") ? path.join(os.homedir(), file.slice(2)) : file;
}
