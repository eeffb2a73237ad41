// One writing run per project: starts a writer (writer.ts) on the loaded model, turns its changes into
// coalesced `generation.update` events (one event per change: the manuscript and the run state), keeps
// the project (and its autosave) up to date while the model writes, and owns the document's edits
// meanwhile: the store hands them to the running writer (claimEdits), which answers with the typed
// result and the pending edit's id.
import type { GenerationMode, GenerationState, GenerationStatus, GenerationUpdate, PendingEdit, RewriteUpdate } from "../../common/api/generation";
import { ApiError } from "../../common/api/define";
import type { ProtocolProfile } from "../../common/engine/catalog";
import { projectedScore, writtenWords } from "../../common/generation/rules";
import { effectiveLanguage, type ManuscriptEdit } from "../../common/manuscript/edits";
import type { Manuscript, PlanRevision, Section, Step } from "../../common/manuscript/types";
import type { StoryMemory } from "../../common/memory/types";
import type { Service } from "../base/container";
import type { SamplingSettings } from "../engine/backend";
import type { LoadedModel } from "../models/service";
import { createMode } from "./modes";
import { Rewrites } from "./rewrites";
import type { Outcome, SessionOptions, SubmittedEdit, WritingLimits } from "./session";
import { Writer } from "./writer";

/** Where the manuscript lives: the projects service. */
export interface ManuscriptStore {
  getManuscript(projectId: string): Manuscript;
  /** `announce: false`: the change goes out in this service's own event, not in one of the store's. */
  update(projectId: string, change: (m: Manuscript) => Manuscript, options: { source: "writer" | "model"; announce?: boolean }): { currentVersion: number; modified: boolean };
  /** While a run writes the document, its edits go to `owner`; the function returned gives them back. */
  claimEdits(projectId: string, owner: (edit: ManuscriptEdit) => SubmittedEdit): () => void;
  snapshot(projectId: string, label: string, reason?: "before-regeneration" | "before-plan-edit" | "manual"): Promise<unknown>;
  updateProject?(projectId: string, fields: { generation?: { mode?: ProtocolProfile | null; model?: string | null } }): unknown;
  /** The mode the project is written in (chosen in the new-document form, or its last run's); null: the model's profile decides. */
  generationMode?(projectId: string): ProtocolProfile | null;
}

export interface GenerationServiceOptions {
  store: ManuscriptStore;
  /** The loaded model, or an error the writer can act on ("Load a model first"). */
  model: () => LoadedModel;
  emit: (update: GenerationUpdate) => void;
  /** Where a rewrite's text goes as it streams (generation.rewrite events). */
  emitRewrite?: (update: RewriteUpdate) => void;
  /** How often updates go out while the model writes (ms). */
  flushMs?: number;
  limits?: Partial<WritingLimits>;
  log?: (event: string, fields: Record<string, unknown>) => void;
  /**
   * Where bible proposals come from (default "model": the model is asked after each step where it
   * writes summaries); "rules" where no writer will read them (an evaluation).
   */
  proposals?: "model" | "rules";
}

interface Run {
  projectId: string;
  writer: Writer;
  mode: GenerationMode;
  status: GenerationStatus;
  error: string | null;
  notes: string[];
  edits: PendingEdit[];
  /** What the UI was last sent. */
  sent: { steps: Step[]; sections: Section[] | null; revisions: PlanRevision[]; planDraft: string | null; memory: StoryMemory };
  timer: ReturnType<typeof setTimeout> | null;
  done: Promise<Outcome>;
  version: number;
  /** Gives the document's edits back to the store when the run ends. */
  releaseEdits: () => void;
}

const IDLE_PROGRESS = { tokensPerSecond: 0, elapsedMs: 0, currentStep: null, phase: "none", contextTokens: 0, contextSize: 0, tokensDecoded: 0, tokensGenerated: 0 } as const;

export class GenerationService implements Service {
  readonly name = "generation";
  private readonly runs = new Map<string, Run>();
  /** Finished runs keep their last state until the next start, so the UI can show how it ended. */
  private readonly last = new Map<string, GenerationState>();

  /** Passages the writer has rewritten (rewrites.ts): refused while a document is being written. */
  readonly rewrites: Rewrites;

  constructor(private readonly options: GenerationServiceOptions) {
    this.rewrites = new Rewrites({
      getManuscript: (projectId) => options.store.getManuscript(projectId),
      model: options.model,
      emit: (update) => options.emitRewrite?.(update),
      busyWith: (projectId) =>
        this.runs.has(projectId)
          ? "The model is writing this document: stop it (or let it finish) before rewriting a passage."
          : this.runs.size > 0
            ? "The model is writing another document: stop it there before rewriting a passage."
            : null,
      ...(options.log ? { log: options.log } : {}),
    });
  }

  async shutdown(): Promise<void> {
    await this.rewrites.shutdown();
    const runs = [...this.runs.values()];
    for (const run of runs) run.writer.stop();
    await Promise.allSettled(runs.map((r) => r.done));
  }

  /** Resolves when the project's run ends (at once when none runs). */
  async whenDone(projectId: string): Promise<GenerationState> {
    await this.runs.get(projectId)?.done;
    return this.state(projectId);
  }

  isWriting(projectId: string): boolean {
    return this.runs.has(projectId);
  }

  /** Whether any document is being written (or is paused, holding the model's context). */
  get busy(): boolean {
    return this.runs.size > 0 || this.rewrites.busy;
  }

  /** Starts writing (or continuing) a project; `fromStep` drops the steps from there on first. */
  async start(projectId: string, options: { mode?: GenerationMode; fromStep?: number } = {}): Promise<GenerationState> {
    this.assertIdle(projectId);
    const model = this.options.model();
    if (options.fromStep !== undefined) {
      const m = this.options.store.getManuscript(projectId);
      if (options.fromStep > m.steps.length) throw new ApiError("bad-params", `There is no step ${options.fromStep + 1}: the document has ${m.steps.length}.`);
      if (options.fromStep < m.steps.length) {
        await this.options.store.snapshot(projectId, `Before continuing from step ${options.fromStep + 1}`, "before-regeneration");
        this.options.store.update(projectId, (doc) => ({ ...doc, steps: doc.steps.slice(0, options.fromStep), finished: false }), { source: "writer" });
      }
    }
    return this.launch(projectId, model, options.mode ?? this.options.store.generationMode?.(projectId) ?? model.profile ?? "native", undefined);
  }

  /** Writes a step, or every step of a section, again; a snapshot is taken first. */
  async regenerate(projectId: string, target: { stepIndex: number } | { sectionId: string }): Promise<GenerationState> {
    this.assertIdle(projectId);
    const model = this.options.model();
    const m = this.options.store.getManuscript(projectId);
    let indices: number[];
    let label: string;
    if ("stepIndex" in target) {
      const step = m.steps[target.stepIndex];
      if (!step) throw new ApiError("bad-params", `There is no step ${target.stepIndex + 1}.`);
      indices = [target.stepIndex];
      label = `Before regenerating step ${target.stepIndex + 1}`;
    } else {
      const section = m.sections.find((s) => s.id === target.sectionId);
      if (!section) throw new ApiError("bad-params", `There is no section ${target.sectionId}.`);
      indices = m.steps.flatMap((s, i) => (s.sectionId === section.id ? [i] : []));
      if (indices.length === 0) throw new ApiError("bad-params", `No step has written the section "${section.title}" yet: generate it instead.`);
      label = `Before regenerating the section "${section.title}"`;
    }
    await this.options.store.snapshot(projectId, label, "before-regeneration");
    return this.launch(projectId, model, this.options.store.generationMode?.(projectId) ?? model.profile ?? "native", indices);
  }

  pause(projectId: string): GenerationState {
    const run = this.activeRun(projectId);
    if (run.status === "writing") {
      run.writer.pause();
      run.status = "paused";
    }
    return this.flush(run);
  }

  resume(projectId: string): GenerationState {
    const run = this.activeRun(projectId);
    if (run.status === "paused") {
      run.writer.resume();
      run.status = "writing";
    }
    return this.flush(run);
  }

  async stop(projectId: string): Promise<GenerationState> {
    const run = this.runs.get(projectId);
    if (!run) return this.state(projectId);
    run.status = "stopping";
    run.writer.stop();
    this.flush(run);
    await run.done;
    return this.state(projectId);
  }

  state(projectId: string): GenerationState {
    const run = this.runs.get(projectId);
    if (run) return this.stateOf(run);
    return this.last.get(projectId) ?? { projectId, status: "idle", mode: null, progress: this.idleProgress(projectId), edits: [], error: null, notes: [] };
  }

  // ---- internals -------------------------------------------------------------------------------

  /** The loaded model's sampling now; the run's own when the model was unloaded or replaced meanwhile. */
  private currentSampling(model: LoadedModel): SamplingSettings | undefined {
    try {
      const now = this.options.model();
      return now.backend === model.backend ? now.sampling : model.sampling;
    } catch {
      return model.sampling;
    }
  }

  private assertIdle(projectId: string): void {
    if (this.runs.has(projectId)) throw new ApiError("failed", "The model is already writing this document: pause or stop it first.");
    if (this.rewrites.busy) throw new ApiError("failed", "The model is rewriting a passage: wait for it, or stop it, first.");
  }

  private activeRun(projectId: string): Run {
    const run = this.runs.get(projectId);
    if (!run) throw new ApiError("failed", "The model is not writing this document.");
    return run;
  }

  private launch(projectId: string, model: LoadedModel, mode: GenerationMode, regenerate: number[] | undefined): GenerationState {
    const manuscript = this.options.store.getManuscript(projectId);
    if (manuscript.instruction.trim() === "") throw new ApiError("bad-params", "The document has no instruction: write what the model should write first.");
    const language = effectiveLanguage(manuscript);
    // The writer reports through the run it belongs to, which needs the writer: a late binding.
    const ref: { run?: Run } = {};
    const common: SessionOptions = {
      backend: model.backend,
      manuscript,
      // The sampling of the model as it is now, before each request: the writer may change it while the model writes.
      sampling: () => this.currentSampling(model),
      ...(this.options.limits ? { limits: this.options.limits } : {}),
      onChange: () => this.schedule(ref.run),
      onNote: (note) => {
        if (!ref.run) return;
        ref.run.notes = [...ref.run.notes.slice(-19), note];
        this.schedule(ref.run);
      },
      onEdits: (edits) => {
        if (!ref.run) return;
        ref.run.edits = edits;
        this.schedule(ref.run);
      },
    };
    const writer = new Writer({ ...common, mode: createMode(mode, model, language), memory: { summaries: model.summaries ?? "request", proposals: this.options.proposals ?? "model" }, ...(regenerate ? { regenerate } : {}) });
    const run: Run = {
      projectId,
      writer,
      mode,
      status: "writing",
      error: null,
      notes: [],
      edits: [],
      sent: { steps: manuscript.steps, sections: manuscript.sections, revisions: manuscript.revisions, planDraft: null, memory: manuscript.memory },
      timer: null,
      done: Promise.resolve({ status: "stopped", reason: "" }),
      version: 0,
      releaseEdits: () => {},
    };
    ref.run = run;
    this.runs.set(projectId, run);
    // The writer's edits go to the run from now on: the manuscript changes at once, the model takes them in at the next boundary.
    run.releaseEdits = this.options.store.claimEdits(projectId, (edit) => this.takeEdit(run, edit));
    this.last.delete(projectId);
    this.options.store.updateProject?.(projectId, { generation: { mode, model: model.backend.modelInfo?.name ?? null } });
    this.options.log?.("generation.start", { projectId, mode, regenerate: regenerate?.length ?? 0 });
    run.done = writer.run().then((outcome) => {
      run.status = outcome.status === "finished" ? "finished" : outcome.status === "error" ? "error" : "stopped";
      run.error = outcome.status === "error" ? outcome.reason : null;
      if (outcome.status !== "error") run.notes = [...run.notes.slice(-19), outcome.reason];
      const state = this.flush(run);
      this.runs.delete(projectId);
      run.releaseEdits();
      this.last.set(projectId, state);
      this.options.log?.("generation.end", { projectId, status: run.status, words: state.progress.words, tokensGenerated: state.progress.tokensGenerated });
      return outcome;
    });
    return this.flush(run);
  }

  /** A writer's edit while the model writes: the writer takes it, and one update carries it and the pending edit to the UI. */
  private takeEdit(run: Run, edit: ManuscriptEdit): SubmittedEdit {
    const result = run.writer.submitEdit(edit);
    if (result.ok) this.flush(run);
    return result;
  }

  private schedule(run: Run | undefined): void {
    if (!run || run.timer) return;
    run.timer = setTimeout(() => {
      run.timer = null;
      this.flush(run);
    }, this.options.flushMs ?? 50);
  }

  /** Sends what changed since the last update and brings the project up to date. */
  private flush(run: Run): GenerationState {
    if (run.timer) {
      clearTimeout(run.timer);
      run.timer = null;
    }
    const m = run.writer.manuscript;
    const changed: GenerationUpdate["steps"] = [];
    m.steps.forEach((step, index) => {
      if (run.sent.steps[index] !== step) changed.push({ index, step });
    });
    const sectionsChanged = run.sent.sections !== m.sections;
    const revisionsChanged = run.sent.revisions !== m.revisions;
    const memoryChanged = run.sent.memory !== m.memory;
    const planDraft = m.planDraft?.text ?? null;
    let stored: { currentVersion: number; modified: boolean } | null = null;
    if (changed.length > 0 || sectionsChanged || m.steps.length !== run.sent.steps.length || planDraft !== run.sent.planDraft || m !== this.storedManuscript(run)) {
      // The project takes the change quietly: this update is its one event.
      stored = this.options.store.update(run.projectId, () => m, { source: "model", announce: false });
      run.version = stored.currentVersion;
    }
    run.sent = { steps: m.steps, sections: m.sections, revisions: m.revisions, planDraft, memory: m.memory };
    const state = this.stateOf(run);
    this.options.emit({
      projectId: run.projectId,
      version: run.version,
      state,
      steps: changed,
      stepCount: m.steps.length,
      ...(sectionsChanged ? { sections: m.sections } : {}),
      ...(revisionsChanged ? { revisions: m.revisions } : {}),
      ...(memoryChanged ? { memory: m.memory } : {}),
      ...(stored ? { modified: stored.modified } : {}),
      planDraftText: planDraft,
      finished: m.finished,
    });
    return state;
  }

  private storedManuscript(run: Run): Manuscript | undefined {
    try {
      return this.options.store.getManuscript(run.projectId);
    } catch {
      return undefined;
    }
  }

  private stateOf(run: Run): GenerationState {
    const m = run.writer.manuscript;
    const replacing = run.writer.replacing();
    return {
      projectId: run.projectId,
      status: run.status,
      mode: run.mode,
      progress: { ...run.writer.progress(), projectedScore: projectedScore(m) },
      edits: run.edits,
      error: run.error,
      notes: run.notes,
      ...(replacing.length > 0 ? { replacing } : {}),
    };
  }

  private idleProgress(projectId: string): GenerationState["progress"] {
    try {
      const m = this.options.store.getManuscript(projectId);
      return { ...IDLE_PROGRESS, words: writtenWords(m), target: m.targetWords, projectedScore: projectedScore(m) };
    } catch {
      return { ...IDLE_PROGRESS, words: 0, target: null, projectedScore: null };
    }
  }
}
