// How an evaluation gets a response for a prompt: Draftline's way (the controller in a mode, with
// Draftline's prompts and the target given to it), or the benchmark's way (`--raw-prompt`: the
// prompt sent unchanged as one user message, the model's answer taken as it is, as LongWriter's
// pred.py does).
import type { GenerationMode, GenerationState } from "../../common/api/generation";
import { unwrittenSections } from "../../common/generation/rules";
import { createManuscript } from "../../common/manuscript/reducer";
import { detectLanguage } from "../../common/metrics/language";
import { countAppendedWords } from "../../common/metrics/words";
import { documentText } from "../../common/report/document";
import { MemoryStore } from "../generation/memoryStore";
import { GenerationService } from "../generation/service";
import type { LoadedModel } from "../models/service";
import { PromptBuilder } from "../generation/turns";
import type { EvalTask } from "./dataset";

/** What the runner is told while an item is written. */
export interface ItemHooks {
  /** Words written so far. */
  onWords(words: number): void;
  /** A note from the controller (a forced reflection, a cut). */
  onNote(note: string): void;
}

export interface Generated {
  /** The document, as the evaluation scores and judges it. */
  response: string;
  /** finished | stopped | error (the controller's status, or how the raw answer ended). */
  status: string;
  error: string | null;
  steps: number | null;
  tokensGenerated: number;
  tokensDecoded: number;
  /**
   * The titles of the planned sections no step wrote (the controller's generators only): a document
   * must not end with one.
   */
  unwrittenSections?: string[];
}

export interface Generator {
  /** "draftline" or "raw", for the summary. */
  readonly prompting: "draftline" | "raw";
  generate(task: EvalTask, hooks: ItemHooks, signal: AbortSignal): Promise<Generated>;
  shutdown(): Promise<void>;
}

/** The controller, as `draftline write` runs it, on a document per prompt held in memory. */
export class DraftlineGenerator implements Generator {
  readonly prompting = "draftline";
  private readonly store = new MemoryStore();
  private readonly generation: GenerationService;
  private readonly listeners = new Map<string, { hooks: ItemHooks; notes: number }>();

  constructor(
    model: () => LoadedModel,
    private readonly mode: GenerationMode | undefined,
  ) {
    // No writer reads the proposals of an evaluation's documents: the rules make them, no request is spent.
    this.generation = new GenerationService({ store: this.store, model, emit: (u) => this.onState(u.state), flushMs: 500, proposals: "rules" });
  }

  private onState(state: GenerationState): void {
    const listener = this.listeners.get(state.projectId);
    if (!listener) return;
    listener.hooks.onWords(state.progress.words);
    for (const note of state.notes.slice(listener.notes)) listener.hooks.onNote(note);
    listener.notes = state.notes.length;
  }

  async generate(task: EvalTask, hooks: ItemHooks, signal: AbortSignal): Promise<Generated> {
    const id = `item-${task.index}`;
    const { prompt, length } = task.prompt;
    this.store.put(id, createManuscript({ instruction: prompt, targetWords: length, language: detectLanguage(prompt) }));
    this.listeners.set(id, { hooks, notes: 0 });
    const stop = () => void this.generation.stop(id);
    try {
      await this.generation.start(id, this.mode ? { mode: this.mode } : {});
      signal.addEventListener("abort", stop, { once: true });
      if (signal.aborted) stop();
      const final = await this.generation.whenDone(id);
      const m = this.store.getManuscript(id);
      return {
        response: documentText(m),
        status: final.status,
        error: final.error,
        steps: m.steps.length,
        tokensGenerated: final.progress.tokensGenerated,
        tokensDecoded: final.progress.tokensDecoded,
        unwrittenSections: unwrittenSections(m).map((section) => section.title),
      };
    } finally {
      signal.removeEventListener("abort", stop);
      this.listeners.delete(id);
      this.store.delete(id);
    }
  }

  shutdown(): Promise<void> {
    return this.generation.shutdown();
  }
}

/**
 * The benchmark prompt unchanged, as one user message in the model's chat format (or the catalog's
 * raw format, e.g. LongWriter-llama3.1's [INST]…[/INST], as pred.py sends it); the answer runs until
 * the model ends it, the context is full, or `maxTokens`.
 */
export class RawPromptGenerator implements Generator {
  readonly prompting = "raw";

  constructor(
    private readonly model: () => LoadedModel,
    private readonly maxTokens?: number,
  ) {}

  async generate(task: EvalTask, hooks: ItemHooks, signal: AbortSignal): Promise<Generated> {
    const model = this.model();
    const builder = new PromptBuilder(model.backend, model.promptFormat);
    let tokens: number[];
    try {
      tokens = await builder.first([{ role: "user", content: task.prompt.prompt }]);
    } catch (error) {
      return { response: "", status: "error", error: error instanceof Error ? error.message : String(error), steps: null, tokensGenerated: 0, tokensDecoded: 0 };
    }
    const room = model.backend.contextSize - tokens.length;
    if (room <= 0) return { response: "", status: "error", error: `The prompt (${tokens.length} tokens) fills the context (${model.backend.contextSize}).`, steps: null, tokensGenerated: 0, tokensDecoded: 0 };
    let text = "";
    let words = 0;
    try {
      const result = await model.backend.generate({
        tokens,
        maxTokens: Math.min(room, this.maxTokens ?? room),
        stop: builder.stops,
        ...(model.sampling ? { sampling: model.sampling } : {}),
        signal,
        onToken: (_tokens, piece) => {
          words += countAppendedWords(text, piece, "longbench");
          text += piece;
          hooks.onWords(words);
        },
      });
      if (result.stopReason === "maxTokens") hooks.onNote(room <= (this.maxTokens ?? room) ? "The answer filled the context." : `The answer reached --max-tokens ${this.maxTokens}.`);
      const status = result.stopReason === "abort" ? "stopped" : result.stopReason === "maxTokens" ? "stopped" : "finished";
      return { response: result.text, status, error: null, steps: null, tokensGenerated: result.generatedTokens, tokensDecoded: result.inputTokensDecoded };
    } catch (error) {
      return { response: text, status: "error", error: error instanceof Error ? error.message : String(error), steps: null, tokensGenerated: 0, tokensDecoded: 0 };
    }
  }

  async shutdown(): Promise<void> {}
}
