// The whole back end in memory, behind the real ApiClient: a stand-in for the store's fast tests and
// the renderer benchmark (the same scenarios also run against the real services through the real
// server: e2e/store.test.ts). Requests go through the contract's own dispatch (parameters and results
// are checked as the real server checks them, unless `validate` is off); events go out as JSON, as
// over the wire. Its model is the shared fake IS-Writer (electron/common/testing/fakeWriter.ts),
// writing at a set number of tokens per second on a clock the caller drives (`advance`) or on real
// timers (`autoRun`); it takes plan edits in at the next step boundary as the real writer does.
import { createApiClient, type ApiClient, type ClientTransport } from "../../../electron/common/api/client";
import { ApiError, type WireEvent, type WireMessage, type WireRequest } from "../../../electron/common/api/define";
import type { CatalogModel, DownloadState, EngineState, GenerationMode, GenerationState, GenerationUpdate, LocalModel, PendingEdit, ProjectSummary } from "../../../electron/common/api";
import { dispatch, type ApiHandlers } from "../../../electron/common/api/server";
import type { HardwareInfo } from "../../../electron/common/engine/types";
import { TranscriptParser } from "../../../electron/common/iscot/parser";
import { writeTranscript } from "../../../electron/common/iscot/transcript";
import { applyEdit, applyEvent, createManuscript, stepInProgress, type Manuscript } from "../../../electron/common/manuscript";
import { lengthScore } from "../../../electron/common/metrics/score";
import { estimateTokens } from "../../../electron/common/manuscript/voice";
import type { HistoryEntry } from "../../../electron/common/project/history";
import type { ImportNotice } from "../../../electron/common/project/importNotices";
import type { ProjectState } from "../../../electron/common/project/state";
import { writtenWords } from "../../../electron/common/generation/rules";
import { rewriteTarget } from "../../../electron/common/generation/rewrite";
import { countWriterWords } from "../../../electron/common/metrics/words";
import { nextPart, prose } from "../../../electron/common/testing/fakeWriter";
import { createDocumentApi, type DocumentApi } from "../api/documents";

/** Splits text into tokens as a model emits them: pieces of up to four characters, with their leading space. */
export function tokenize(text: string): string[] {
  return text.match(/\s*[^\s]{1,4}|\s+/g) ?? [];
}

export interface InMemoryBackendOptions {
  tokensPerSecond?: number;
  /** Start with a model loaded. */
  modelReady?: boolean;
  shell?: "web" | "electron";
  /** Check parameters and results against the contract (off in the benchmark: the browser does not). */
  validate?: boolean;
  /** The most words one step writes. */
  stepWords?: number;
}

interface Run {
  parser: TranscriptParser;
  queue: string[];
  /** Simulated milliseconds of writing so far, and tokens emitted. */
  elapsedMs: number;
  tokens: number;
  phase: GenerationState["progress"]["phase"];
  /** Set when a regeneration rewrites one step in place: its index and the text still to stream. */
  rewrite: { index: number; text: string; streamed: string } | null;
}

interface FakeProject {
  id: string;
  title: string;
  path: string | null;
  manuscript: Manuscript;
  version: number;
  modified: boolean;
  status: GenerationState["status"];
  mode: GenerationMode | null;
  edits: PendingEdit[];
  run: Run | null;
  error: string | null;
}

const hardware: HardwareInfo = {
  gpu: "cuda",
  supportedGpus: ["cuda", false],
  gpuNames: ["NVIDIA GeForce RTX 4090"],
  vram: { total: 24 * 2 ** 30, free: 22 * 2 ** 30 },
  ram: { total: 64 * 2 ** 30, free: 48 * 2 ** 30 },
  cpuThreads: 16,
};

const catalogEntries: CatalogModel[] = [
  {
    entry: {
      id: "is-writer-8b-q4",
      name: "IS-Writer 8B (Q4_K_M)",
      description: "Trained on IS-CoT: plans, writes and reflects natively.",
      file: "is-writer-8b.Q4_K_M.gguf",
      source: { kind: "huggingface", uri: "hf:example/is-writer-8b-gguf/is-writer-8b.Q4_K_M.gguf", verified: false },
      sizeBytes: 4_920_000_000,
      parameters: 8e9,
      quantization: "Q4_K_M",
      license: "apache-2.0",
      profile: "native",
      recommended: { contextSize: 32768, sampling: { temperature: 0.7, topP: 0.9 } },
    },
    status: "absent",
    path: null,
    downloadedBytes: 0,
  },
  {
    entry: {
      id: "draftline-tiny-test",
      name: "Draftline tiny test model",
      description: "A tiny model for tests; it writes nonsense quickly.",
      file: "draftline-tiny-test.gguf",
      source: { kind: "bring-your-own", instructions: "draftline test-model FILE.gguf writes it." },
      sizeBytes: 2_000_000,
      quantization: "F32",
      license: "mit",
      profile: "prompted",
      recommended: { contextSize: 2048, sampling: {} },
    },
    status: "ready",
    path: "/models/draftline-tiny-test.gguf",
    downloadedBytes: 2_000_000,
  },
];

const readyEngine = (): EngineState => ({
  status: "ready",
  source: { kind: "catalog", id: "is-writer-8b-q4" },
  model: { source: "/models/is-writer-8b.Q4_K_M.gguf", name: "IS-Writer 8B", architecture: "llama", contextSize: 32768, gpu: "cuda", gpuLayers: 33, layers: 33, hasChatTemplate: true, addsBosToken: true },
  loadProgress: null,
  device: "NVIDIA GeForce RTX 4090 (CUDA)",
  error: null,
  settings: { contextSize: 32768, gpuLayers: "max" },
  sampling: { temperature: 0.7, topP: 0.9 },
  profile: "native",
});

const noEngine = (): EngineState => ({ status: "none", source: null, model: null, loadProgress: null, device: null, error: null, settings: {}, sampling: {}, profile: null });

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export class InMemoryBackend {
  readonly client: ApiClient;
  readonly documents: DocumentApi;
  /** Files the fake "disk" holds, by path (open reads them). */
  readonly files = new Map<string, Manuscript>();
  readonly projects = new Map<string, FakeProject>();
  /** What an import says it could not bring over (a Word document's pictures, tables). */
  importNotices: ImportNotice[] = [];
  /** What the desktop's file dialogs answer (null: the writer cancelled). */
  dialogAnswer: string | null = null;
  windowClosed = false;
  /** Set: models.catalog fails with this message, as the real one does when catalog.json is broken. */
  catalogError: string | null = null;
  /** Where a project never saved or exported is suggested to go. */
  documentsDir = "/home/writer/Documents/Draftline";
  /** The folder each project was last saved or exported to. */
  readonly folders = new Map<string, string>();
  /** What exports wrote, by path. */
  readonly exported = new Map<string, string>();
  /** The plan appendix and author each export was asked for, by path. */
  readonly exportOptions = new Map<string, { withPlan?: boolean; author?: string }>();
  /** Each project's snapshots, oldest first, with the manuscript each holds. */
  readonly history = new Map<string, Array<{ entry: HistoryEntry; manuscript: Manuscript }>>();
  /** Projects closed with unsaved changes: their "autosaves", which recovery offers. */
  readonly autosaves = new Map<string, FakeProject>();
  /** Files on the fake disk that the app did not write: an export there asks first. */
  readonly foreignFiles = new Set<string>();
  /** Every request the client sent, in order. */
  readonly requests: WireRequest[] = [];
  engine: EngineState;
  tokensPerSecond: number;
  /** This back end's catalog (downloads change what it holds). */
  private readonly catalog: CatalogModel[] = clone(catalogEntries);
  private receive: (message: WireMessage) => void = () => {};
  private readonly options: Required<Omit<InMemoryBackendOptions, "tokensPerSecond" | "modelReady">>;
  private nextProject = 1;
  private nextEdit = 1;
  private downloads = new Map<string, DownloadState>();
  private loading: { source: EngineState["source"]; progress: number } | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** The passage being rewritten (one at a time, as the real back end): its text streams by the clock. */
  private rewriting: { projectId: string; rewriteId: string; text: string; targetWords: number; elapsedMs: number } | null = null;
  private nextRewrite = 1;

  constructor(options: InMemoryBackendOptions = {}) {
    this.tokensPerSecond = options.tokensPerSecond ?? 200;
    this.engine = options.modelReady === false ? noEngine() : readyEngine();
    this.options = { shell: options.shell ?? "web", validate: options.validate ?? true, stepWords: options.stepWords ?? 400 };
    const handlers = this.handlers();
    const transport: ClientTransport = {
      send: (request) => {
        this.requests.push(request);
        void this.answer(handlers, request).then((response) => this.receive(response));
      },
      onMessage: (listener) => {
        this.receive = listener;
      },
    };
    this.client = createApiClient(transport);
    this.documents = createDocumentApi(this.client);
  }

  /** Runs the fake model on real timers (the benchmark); `stopAutoRun` ends it. */
  autoRun(intervalMs = 16): void {
    if (this.timer) return;
    let last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.advance(now - last);
      last = now;
    }, intervalMs);
  }

  stopAutoRun(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Moves the fake clock on: the model writes what it would have in `ms`, then one update per project goes out. */
  advance(ms: number): void {
    this.advanceLoading(ms);
    this.advanceDownloads(ms);
    this.advanceRewrite(ms);
    for (const project of this.projects.values()) {
      if (project.status !== "writing" || !project.run) continue;
      const before = project.manuscript;
      const run = project.run;
      run.elapsedMs += ms;
      const due = Math.floor((run.elapsedMs * this.tokensPerSecond) / 1000) - run.tokens;
      for (let i = 0; i < due && project.status === "writing"; i++) this.writeToken(project, run);
      this.emitUpdate(project, before);
    }
  }

  /** A rewrite's text comes a token (here, a character) at a time; done once it is all there. */
  private advanceRewrite(ms: number): void {
    const r = this.rewriting;
    if (!r) return;
    r.elapsedMs += ms;
    const shown = Math.min(r.text.length, Math.floor((r.elapsedMs * this.tokensPerSecond) / 1000));
    const done = shown >= r.text.length;
    const text = r.text.slice(0, shown);
    this.emit("generation.rewrite", { projectId: r.projectId, rewriteId: r.rewriteId, status: done ? "done" : "writing", text, words: countWriterWords(text), targetWords: r.targetWords, error: null });
    if (done) this.rewriting = null;
  }

  /** Pushes an event to the client, as the server would. */
  emit(name: string, payload: unknown): void {
    const event: WireEvent = { kind: "event", name, payload: clone(payload) };
    this.receive(event);
  }

  /** Adds a project file to the fake disk. */
  addFile(path: string, manuscript: Manuscript): void {
    this.files.set(path, manuscript);
  }

  /** The state a request for this project answers with. */
  stateOf(project: FakeProject): GenerationState {
    const m = project.manuscript;
    const words = writtenWords(m);
    const planned = m.sections.reduce((sum, s) => sum + s.budget, 0);
    const current = stepInProgress(m);
    const run = project.run;
    return {
      projectId: project.id,
      status: project.status,
      mode: project.mode,
      progress: {
        words,
        target: m.targetWords,
        projectedScore: m.targetWords && (planned || words) ? lengthScore(m.targetWords, Math.max(planned, words)) : null,
        tokensPerSecond: project.status === "writing" ? this.tokensPerSecond : 0,
        elapsedMs: run?.elapsedMs ?? 0,
        currentStep: current ? m.steps.length - 1 : null,
        phase: project.status === "writing" ? (run?.phase ?? "none") : "none",
        contextTokens: run ? Math.round(run.tokens * 1.1) : 0,
        contextSize: 32768,
        tokensDecoded: 0,
        tokensGenerated: run?.tokens ?? 0,
      },
      edits: project.edits,
      error: project.error,
      notes: [],
      ...(run?.rewrite && m.steps[run.rewrite.index] ? { replacing: [m.steps[run.rewrite.index]!.id] } : {}),
    };
  }

  // ---- the fake model -----------------------------------------------------------------------------

  private startRun(project: FakeProject): void {
    const parser = new TranscriptParser();
    // The parser numbers steps from the start: read what is written so far, then go on.
    parser.feed(writeTranscript(project.manuscript));
    project.run = { parser, queue: [], elapsedMs: 0, tokens: 0, phase: "none", rewrite: null };
  }

  private writeToken(project: FakeProject, run: Run): void {
    if (run.rewrite) return this.rewriteToken(project, run);
    if (run.queue.length === 0) {
      // A step boundary: plan edits are taken in here.
      project.edits = project.edits.map((e) => (e.state === "pending" ? { ...e, state: "applied" } : e));
      const m = project.manuscript;
      const text = nextPart(m, { stepWords: this.options.stepWords });
      run.queue = tokenize(text).reverse();
    }
    const token = run.queue.pop()!;
    run.tokens++;
    for (const event of run.parser.feed(token)) {
      project.manuscript = applyEvent(project.manuscript, event);
      if (event.type === "globalPlanStarted") run.phase = "plan";
      else if (event.type === "stepStarted") run.phase = "step-plan";
      else if (event.type === "contentDelta") run.phase = "content";
      else if (event.type === "reflectionDelta") run.phase = "reflection";
      else if (event.type === "finished") {
        project.status = "finished";
        run.phase = "none";
      }
    }
    project.version++;
    project.modified = true;
  }

  /** A regenerated step: its content is streamed again in place, then it is done. */
  private rewriteToken(project: FakeProject, run: Run): void {
    const rewrite = run.rewrite!;
    if (run.queue.length === 0) run.queue = tokenize(rewrite.text).reverse();
    const token = run.queue.pop()!;
    run.tokens++;
    rewrite.streamed += token;
    const steps = project.manuscript.steps.slice();
    const step = steps[rewrite.index]!;
    const done = run.queue.length === 0;
    const content = rewrite.streamed.trim();
    steps[rewrite.index] = { ...step, content, words: content.split(/\s+/).filter(Boolean).length, status: done ? "done" : "writing" };
    project.manuscript = { ...project.manuscript, steps };
    project.version++;
    if (done) {
      run.rewrite = null;
      project.status = "stopped";
    }
  }

  private emitUpdate(project: FakeProject, before: Manuscript): void {
    const m = project.manuscript;
    const steps: GenerationUpdate["steps"] = [];
    m.steps.forEach((step, index) => {
      if (before.steps[index] !== step) steps.push({ index, step });
    });
    const update: GenerationUpdate = {
      projectId: project.id,
      version: project.version,
      state: this.stateOf(project),
      steps,
      stepCount: m.steps.length,
      ...(before.sections !== m.sections ? { sections: m.sections } : {}),
      ...(before.revisions !== m.revisions ? { revisions: m.revisions } : {}),
      modified: project.modified,
      ...(before.planDraft?.text !== m.planDraft?.text ? { planDraftText: m.planDraft?.text ?? null } : {}),
      finished: m.finished,
    };
    this.emit("generation.update", update);
  }

  // ---- models -------------------------------------------------------------------------------------

  private advanceLoading(ms: number): void {
    if (!this.loading) return;
    this.loading.progress = Math.min(1, this.loading.progress + ms / 1000);
    if (this.loading.progress >= 1) {
      this.engine = { ...readyEngine(), source: this.loading.source };
      this.loading = null;
    } else {
      this.engine = { ...noEngine(), status: "loading", source: this.loading.source, loadProgress: this.loading.progress };
    }
    this.emit("engine.state", this.engine);
  }

  private advanceDownloads(ms: number): void {
    for (const [id, d] of this.downloads) {
      if (d.status !== "downloading") continue;
      const total = d.totalBytes ?? 1;
      const bytesPerSecond = 50_000_000;
      const downloadedBytes = Math.min(total, d.downloadedBytes + Math.round((bytesPerSecond * ms) / 1000));
      const next: DownloadState = { ...d, downloadedBytes, bytesPerSecond, secondsLeft: (total - downloadedBytes) / bytesPerSecond, status: downloadedBytes >= total ? "done" : "downloading" };
      this.downloads.set(id, next);
      const model = this.catalog.find((c) => c.entry.id === id);
      if (model) Object.assign(model, { downloadedBytes, status: next.status === "done" ? "ready" : "downloading", path: next.status === "done" ? `/models/${model.entry.file}` : null });
      this.emit("models.download", next);
    }
  }

  // ---- requests -----------------------------------------------------------------------------------

  private async answer(handlers: Partial<ApiHandlers>, request: WireRequest) {
    if (this.options.validate) return dispatch(handlers, request, { clientId: "fake" });
    const handler = handlers[request.method as keyof ApiHandlers] as ((p: unknown) => Promise<unknown>) | undefined;
    if (!handler) return { kind: "response" as const, id: request.id, ok: false as const, error: { code: "unknown-method" as const, message: `Unknown method '${request.method}'.` } };
    try {
      return { kind: "response" as const, id: request.id, ok: true as const, result: await handler(request.params) };
    } catch (error) {
      return { kind: "response" as const, id: request.id, ok: false as const, error: { code: "failed" as const, message: error instanceof Error ? error.message : String(error) } };
    }
  }

  private project(projectId: string): FakeProject {
    const project = this.projects.get(projectId);
    if (!project) throw new ApiError("failed", `No open project ${projectId}.`);
    return project;
  }

  private handlers(): Partial<ApiHandlers> {
    const answer = (project: FakeProject) => clone(this.stateOf(project));
    return {
      "app.info": async () => ({ name: "Draftline", version: "0.1.0", shell: this.options.shell, platform: "linux" }),
      "app.echo": async ({ text }) => ({ text, receivedAt: Date.now() }),
      "projects.list": async () => this.summaries(),
      "projects.create": async ({ instruction, targetWords, language, mode, voice, title }) => {
        let manuscript = createManuscript({ instruction, targetWords, language: language ?? "auto" });
        if (voice?.trim()) {
          const voiced = applyEdit(manuscript, { type: "setVoice", sectionId: null, sample: voice });
          if (!voiced.ok) throw new ApiError("bad-params", voiced.error.message);
          manuscript = voiced.manuscript;
        }
        const project = this.register(title?.trim() || instruction.slice(0, 60), null, manuscript);
        project.mode = mode ?? null;
        return this.projectState(project);
      },
      "projects.open": async ({ path }) => {
        // A file whose changes only its autosave holds opens with them, as the real one recovers its journal.
        const autosaved = [...this.autosaves.values()].find((p) => p.path === path);
        if (autosaved) {
          this.autosaves.delete(autosaved.id);
          this.projects.set(autosaved.id, autosaved);
        }
        const existing = [...this.projects.values()].find((p) => p.path === path);
        const manuscript = this.files.get(path);
        if (!existing && !manuscript) return { ok: false, error: { code: "not-found", message: `There is no project at ${path}.` } };
        const project = existing ?? this.register(manuscript!.instruction.slice(0, 60) || path, path, manuscript!);
        return { ok: true, project: this.projectState(project), recovery: { recovered: false }, lock: { held: true, heldBy: null, tookOverStale: false } };
      },
      "projects.get": async ({ projectId }) => this.projectState(this.project(projectId)),
      "projects.history.list": async ({ projectId }) => [...(this.history.get(projectId) ?? [])].reverse().map((h) => h.entry),
      "projects.history.snapshot": async ({ projectId, label, reason }) => this.keepSnapshot(this.project(projectId), label, reason ?? "manual"),
      "projects.history.read": async ({ projectId, snapshotId }) => {
        const found = this.history.get(projectId)?.find((h) => h.entry.id === snapshotId);
        if (!found) throw new ApiError("failed", "That version is no longer in the project's history.");
        return { entry: found.entry, title: this.project(projectId).title, manuscript: clone(found.manuscript) };
      },
      "projects.history.restore": async ({ projectId, snapshotId }) => {
        const project = this.project(projectId);
        const found = this.history.get(projectId)?.find((h) => h.entry.id === snapshotId);
        if (!found) throw new ApiError("failed", "That version is no longer in the project's history.");
        this.keepSnapshot(project, `Before restoring "${found.entry.label}"`, "before-restore");
        project.manuscript = clone(found.manuscript);
        project.version++;
        project.modified = true;
        return this.projectState(project);
      },
      "projects.close": async ({ projectId, discard }) => {
        const project = this.project(projectId);
        this.projects.delete(projectId);
        if (project.modified && !discard) this.autosaves.set(projectId, project);
        return { closed: true };
      },
      "projects.recoverable": async ({ includeOpen }) => [
        ...[...this.autosaves.values()].map((p) => ({ projectId: p.id, title: p.title, savedAt: 1_700_000_000_000, words: writtenWords(p.manuscript), path: p.path, open: false })),
        ...(includeOpen ? [...this.projects.values()].map((p) => ({ projectId: p.id, title: p.title, savedAt: 1_700_000_000_000, words: writtenWords(p.manuscript), path: p.path, open: true })) : []),
      ],
      "projects.recover": async ({ projectId }) => {
        const project = this.projects.get(projectId) ?? this.autosaves.get(projectId);
        if (!project) return { ok: false, error: { code: "not-found", message: "That unsaved project can no longer be recovered." } };
        this.autosaves.delete(projectId);
        this.projects.set(projectId, project);
        return { ok: true, project: this.projectState(project), recovery: { recovered: true, from: "autosave", savedAt: 1_700_000_000_000, fileSavedAt: null, words: 0 }, lock: { held: true, heldBy: null, tookOverStale: false } };
      },
      "projects.update": async ({ projectId, edit, title }) => {
        const project = this.project(projectId);
        if (title?.trim() && title.trim() !== project.title) {
          project.title = title.trim();
          project.version++;
          project.modified = true;
        }
        if (!edit) return { ok: true, project: this.projectState(project) };
        const result = applyEdit(project.manuscript, edit);
        if (!result.ok) return { ok: false, error: { kind: result.error.kind, message: result.error.message } };
        const before = project.manuscript;
        project.manuscript = result.manuscript;
        project.version++;
        project.modified = true;
        if (project.status === "writing" || project.status === "paused") {
          // The model takes edits in at the next step boundary; the answer names the edit by its id.
          const pending: PendingEdit = { id: `edit-${this.nextEdit++}`, kind: edit.type === "editStep" ? "text" : "plan", description: edit.type, state: "pending" };
          project.edits = [...project.edits, pending];
          this.emitUpdate(project, before);
          return { ok: true, project: this.projectState(project), edit: pending };
        }
        return { ok: true, project: this.projectState(project) };
      },
      "projects.save": async ({ projectId }) => this.save(this.project(projectId), null),
      "projects.export": async ({ projectId, path, format, overwrite, withPlan, author }) => {
        // A file the app did not write is replaced only when the writer agreed (overwrite).
        if (this.foreignFiles.has(path) && !overwrite) return { ok: false, reason: "exists", path, message: `${path.split("/").pop()} already exists. Replace it?` };
        this.foreignFiles.delete(path);
        const m = this.project(projectId).manuscript;
        const text = m.steps.map((s) => s.content).join("\n\n");
        this.exported.set(path, text);
        this.folders.set(projectId, path.slice(0, path.lastIndexOf("/")));
        this.exportOptions.set(path, { ...(withPlan ? { withPlan } : {}), ...(author ? { author } : {}) });
        return { ok: true, path, format: format ?? (path.endsWith(".docx") ? "docx" : path.endsWith(".epub") ? "epub" : "markdown"), bytes: text.length };
      },
      "projects.import": async ({ path }) => {
        const manuscript = this.files.get(path);
        if (!manuscript) return { ok: false, error: { code: "not-found", message: `There is no file at ${path}.` } };
        const project = this.register(path.split("/").pop() ?? path, null, manuscript);
        return { ok: true, project: this.projectState(project), recovery: { recovered: false }, lock: { held: true, heldBy: null, tookOverStale: false }, notices: this.importNotices };
      },
      "projects.saveAs": async ({ projectId, path, replace }) => {
        const target = path.endsWith(".draftline") ? path : `${path}.draftline`;
        const there = this.files.has(target) && this.project(projectId).path !== target;
        if (there && replace === false) return { ok: false, reason: "exists", path: target, message: `${target} already exists (nothing was replaced).` };
        const backup = there ? target.replace(/\.draftline$/, ".replaced-2026-01-01T00-00-00-000Z.draftline") : null;
        if (backup) this.files.set(backup, this.files.get(target)!);
        const saved = this.save(this.project(projectId), target);
        this.folders.set(projectId, target.slice(0, target.lastIndexOf("/")));
        return { ok: true, ...saved, ...(backup ? { backup } : {}) };
      },
      "projects.suggestPath": async ({ projectId, extension }) => {
        const project = this.project(projectId);
        const folder = this.folders.get(projectId) ?? (project.path ? project.path.slice(0, project.path.lastIndexOf("/")) : this.documentsDir);
        return { folder, path: `${folder}/${project.title.replace(/[\\/:*?"<>|]+/g, " ").trim().slice(0, 80) || "Untitled"}.${extension}` };
      },
      // The desktop's native dialogs, answered with the path a test chose (null: cancelled).
      "dialog.saveProjectAs": async () => ({ path: this.dialogAnswer }),
      "dialog.exportPath": async () => ({ path: this.dialogAnswer }),
      "dialog.importDraft": async () => ({ path: this.dialogAnswer }),
      "dialog.openModelFile": async () => ({ path: this.dialogAnswer }),
      "window.close": async () => {
        this.windowClosed = true;
        return {};
      },
      "window.setDocumentState": async () => ({}),
      "generation.start": async ({ projectId, mode, fromStep }) => {
        const project = this.project(projectId);
        if (this.engine.status !== "ready") throw new ApiError("failed", "No model is loaded.");
        if (fromStep !== undefined) {
          const m = project.manuscript;
          if (fromStep < m.steps.length) this.keepSnapshot(project, `Before continuing from step ${fromStep + 1}`, "before-regeneration");
          project.manuscript = { ...m, steps: m.steps.slice(0, fromStep), finished: false };
          this.emitUpdate(project, m);
        }
        if (mode) project.mode = mode;
        project.status = "writing";
        project.error = null;
        this.startRun(project);
        return answer(project);
      },
      "generation.pause": async ({ projectId }) => {
        const project = this.project(projectId);
        if (project.status === "writing") project.status = "paused";
        return answer(project);
      },
      "generation.resume": async ({ projectId }) => {
        const project = this.project(projectId);
        if (project.status === "paused") project.status = "writing";
        return answer(project);
      },
      "generation.stop": async ({ projectId }) => {
        const project = this.project(projectId);
        if (project.status === "writing" || project.status === "paused") project.status = "stopped";
        project.edits = project.edits.map((e) => ({ ...e, state: "applied" }));
        this.emitUpdate(project, project.manuscript);
        return answer(project);
      },
      "generation.regenerate": async (params) => {
        const project = this.project(params.projectId);
        const index = "stepIndex" in params ? params.stepIndex : project.manuscript.steps.findIndex((s) => s.sectionId === params.sectionId);
        const step = project.manuscript.steps[index];
        if (!step) throw new ApiError("failed", "There is no such step.");
        this.startRun(project);
        const words = Math.max(20, step.targetWords ?? step.words);
        project.run!.rewrite = { index, text: prose(words, index + 99), streamed: "" };
        project.status = "writing";
        return answer(project);
      },
      "generation.state": async ({ projectId }) => answer(this.project(projectId)),
      "generation.rewrite": async (request) => {
        const project = this.project(request.projectId);
        if (this.engine.status !== "ready") throw new ApiError("failed", "No model is loaded.");
        if (project.status === "writing" || project.status === "paused") throw new ApiError("failed", "The model is writing this document: stop it (or let it finish) before rewriting a passage.");
        if (this.rewriting) throw new ApiError("failed", "A passage of this document is being rewritten: keep, discard or stop it first.");
        if (!project.manuscript.steps.some((s) => s.id === request.stepId)) throw new ApiError("failed", `There is no step ${request.stepId}: the draft may have changed. Select the passage again.`);
        const targetWords = rewriteTarget(request.kind, countWriterWords(request.selection), request.targetWords);
        const rewriteId = `rewrite-${this.nextRewrite++}`;
        this.rewriting = { projectId: request.projectId, rewriteId, text: prose(targetWords, this.nextRewrite + 7, 1000), targetWords, elapsedMs: 0 };
        return { rewriteId, targetWords };
      },
      "generation.stopRewrite": async ({ projectId }) => {
        const r = this.rewriting;
        if (!r || r.projectId !== projectId) return { stopped: false };
        this.rewriting = null;
        this.emit("generation.rewrite", { projectId, rewriteId: r.rewriteId, status: "stopped", text: "", words: 0, targetWords: r.targetWords, error: null });
        return { stopped: true };
      },
      "models.catalog": async () => {
        if (this.catalogError) throw new ApiError("failed", this.catalogError);
        return clone(this.catalog);
      },
      "models.local": async (): Promise<LocalModel[]> => this.catalog.filter((c) => c.status === "ready").map((c) => ({ path: c.path!, name: c.entry.name, sizeBytes: c.entry.sizeBytes ?? 0, catalogId: c.entry.id })),
      "models.inspect": async ({ path }) => ({
        path,
        ok: path.endsWith(".gguf"),
        problem: path.endsWith(".gguf") ? null : "This is not a GGUF file.",
        facts: { "general.name": path.split("/").pop() ?? path },
        fit: path.endsWith(".gguf") ? { compatibilityScore: 0.92, fits: true, gpuLayers: 33, totalLayers: 33, contextSize: 32768, ramBytes: 1.2e9, vramBytes: 6.1e9 } : null,
      }),
      "models.hardware": async () => hardware,
      "models.download": async ({ id }) => {
        const model = this.catalog.find((c) => c.entry.id === id);
        if (!model) throw new ApiError("failed", `No catalog model ${id}.`);
        const d: DownloadState = { id, status: "downloading", downloadedBytes: model.downloadedBytes, totalBytes: model.entry.sizeBytes ?? null, bytesPerSecond: 0, secondsLeft: null, error: null };
        this.downloads.set(id, d);
        return d;
      },
      "models.cancelDownload": async ({ id }) => {
        const d = this.downloads.get(id);
        if (!d) throw new ApiError("failed", `No download of ${id}.`);
        const cancelled: DownloadState = { ...d, status: "cancelled", bytesPerSecond: 0, secondsLeft: null };
        this.downloads.set(id, cancelled);
        const model = this.catalog.find((c) => c.entry.id === id);
        if (model) model.status = "partial";
        return cancelled;
      },
      "models.load": async ({ source }) => {
        this.loading = { source, progress: 0 };
        this.engine = { ...noEngine(), status: "loading", source, loadProgress: 0 };
        return this.engine;
      },
      "models.setSampling": async ({ sampling }) => {
        if (this.engine.status !== "ready") throw new ApiError("failed", "No model is loaded: load one before changing its sampling.");
        this.engine = { ...this.engine, sampling };
        return this.engine;
      },
      "models.setProfile": async ({ profile }) => {
        if (this.engine.status !== "ready") throw new ApiError("failed", "No model is loaded: load one before choosing how to drive it.");
        this.engine = { ...this.engine, profile, profileReason: `${profile}: chosen by the writer.` };
        return this.engine;
      },
      // The model check as the real back end reports it for a model that keeps to the protocol (electron/node/generation/doctor.ts).
      "models.doctor": async () => {
        if (this.engine.status !== "ready") throw new ApiError("failed", "No model is loaded: load one in the model manager first.");
        const steps = [200, 200, 200].map((words, i) => ({ step: i + 1, section: ["Fields", "Picking", "Drying"][i]!, asked: 200, words, ratio: 1 }));
        return {
          model: this.engine.model?.name ?? "model",
          mode: this.engine.profile ?? "prompted",
          instruction: "Write a 600-word article about how tea is grown and made, in three sections.",
          targetWords: 600,
          outcome: { status: "finished" as const, reason: "Finished at 600 words of 600.", words: 600 },
          tags: { followed: true, detail: "10 of 10 requests ended at a tag or stop string, 0 at the model's end of text, 0 where Draftline cut them, 0 ran out of tokens" },
          repetition: { cuts: 0, detail: "nothing cut for repetition" },
          thinking: { leaked: false, detail: "no <think> block where none was asked for" },
          plan: { read: true, sections: 3, budgetsGiven: true, detail: "3 sections (200 + 200 + 200 words); budgets as the model gave them" },
          steps,
          requests: [{ stopReason: "stop", stopString: "</global_plan>", promptTokens: 60, generatedTokens: 40, seconds: 0.5 }],
          tokensPerSecond: 80,
          notes: [],
        };
      },
      "models.unload": async () => {
        this.engine = noEngine();
        return this.engine;
      },
      "models.state": async () => this.engine,
      "models.countTokens": async ({ text }) => ({ tokens: estimateTokens(text), exact: false }),
    };
  }

  private summaries(): ProjectSummary[] {
    return [...this.files].map(([path, m]) => ({ path, title: m.instruction.slice(0, 60) || path, words: writtenWords(m), target: m.targetWords ?? 0, modifiedAt: 0 }));
  }

  private save(project: FakeProject, path: string | null) {
    const target = path ?? project.path;
    if (target === null) throw new ApiError("failed", "This project has no file yet: use Save As.");
    project.path = target;
    project.modified = false;
    this.files.set(target, project.manuscript);
    return { projectId: project.id, path: target, savedAt: Date.now(), currentVersion: project.version, lastSavedVersion: project.version, modified: false };
  }

  /** Keeps a snapshot of a project's manuscript, as the history does before a rewrite or a restore. */
  keepSnapshot(project: FakeProject, label: string, reason: HistoryEntry["reason"]): HistoryEntry {
    const list = this.history.get(project.id) ?? [];
    const entry: HistoryEntry = { id: `snap-${list.length + 1}`, createdAt: 1_700_000_000_000 + list.length, label, reason, words: writtenWords(project.manuscript), bytes: 100 };
    list.push({ entry, manuscript: clone(project.manuscript) });
    this.history.set(project.id, list);
    return entry;
  }

  private register(title: string, path: string | null, manuscript: Manuscript): FakeProject {
    const project: FakeProject = { id: `project-${this.nextProject++}`, title, path, manuscript, version: 1, modified: path === null, status: "idle", mode: null, edits: [], run: null, error: null };
    this.projects.set(project.id, project);
    return project;
  }

  /** A project as projects.get answers it. */
  private projectState(project: FakeProject): ProjectState {
    const m = project.manuscript;
    return {
      projectId: project.id,
      path: project.path,
      title: project.title,
      manuscript: clone(m),
      settings: { sampling: {} },
      generation: { model: this.engine.model?.name ?? null, mode: project.mode },
      currentVersion: project.version,
      lastSavedVersion: project.modified ? 0 : project.version,
      modified: project.modified,
      readOnly: false,
      words: writtenWords(m),
      savedAt: null,
      autosavedAt: null,
    };
  }
}
