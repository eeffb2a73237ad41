// The rewrites the window asks for: one at a time on the loaded model, streamed as generation.rewrite
// events (at most one every `throttleMs` while it writes, and always the last). A rewrite is refused,
// not queued, while a document is being written: the model is busy with it and the writer sees why.
import { ApiError } from "../../common/api/define";
import type { RewriteRequest, RewriteUpdate } from "../../common/api/generation";
import type { Manuscript } from "../../common/manuscript/types";
import { countWriterWords } from "../../common/metrics/words";
import type { LoadedModel } from "../models/service";
import { checkRewrite, rewritePassage, RewriteRefused } from "./rewrite";

export interface RewritesOptions {
  getManuscript(projectId: string): Manuscript;
  model: () => LoadedModel;
  emit: (update: RewriteUpdate) => void;
  /** Why the model cannot take a rewrite now (a document is being written), or null. */
  busyWith: (projectId: string) => string | null;
  throttleMs?: number;
  log?: (event: string, fields: Record<string, unknown>) => void;
}

interface Active {
  projectId: string;
  rewriteId: string;
  abort: AbortController;
  done: Promise<void>;
}

let counter = 0;

export class Rewrites {
  private active: Active | null = null;

  constructor(private readonly options: RewritesOptions) {}

  /** True while a rewrite runs (the model cannot be changed, nor a document started). */
  get busy(): boolean {
    return this.active !== null;
  }

  /** Starts a rewrite; its text comes in events. Refused with a reason the writer can act on. */
  start(request: RewriteRequest): { rewriteId: string; targetWords: number } {
    const busy = this.options.busyWith(request.projectId);
    if (busy) throw new ApiError("failed", busy);
    if (this.active) throw new ApiError("failed", this.active.projectId === request.projectId ? "A passage of this document is being rewritten: keep, discard or stop it first." : "The model is rewriting a passage of another document: wait for it, or stop it there.");
    const model = this.options.model();
    const m = this.options.getManuscript(request.projectId);
    const { projectId, ...ask } = request;
    let targetWords: number;
    try {
      targetWords = checkRewrite(m, ask).targetWords;
    } catch (error) {
      if (error instanceof RewriteRefused) throw new ApiError("failed", error.message);
      throw error;
    }
    const rewriteId = `rewrite-${++counter}`;
    const abort = new AbortController();
    const throttle = this.options.throttleMs ?? 50;
    let last = 0;
    const send = (status: RewriteUpdate["status"], text: string, words: number, error: string | null = null) =>
      this.options.emit({ projectId, rewriteId, status, text, words, targetWords, error });
    const run = async () => {
      try {
        const outcome = await rewritePassage(model, m, ask, {
          signal: abort.signal,
          onText: (text) => {
            const now = Date.now();
            if (now - last < throttle) return;
            last = now;
            send("writing", text, countWriterWords(text));
          },
        });
        this.options.log?.("rewrite.end", { projectId, rewriteId, status: outcome.status, words: outcome.words, targetWords });
        send(outcome.status, outcome.status === "done" ? outcome.text : "", outcome.words);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.options.log?.("rewrite.error", { projectId, rewriteId, message });
        send("error", "", 0, message);
      } finally {
        if (this.active?.rewriteId === rewriteId) this.active = null;
      }
    };
    // Set before the run begins, so a start that comes while this one streams is refused.
    const active: Active = { projectId, rewriteId, abort, done: Promise.resolve() };
    this.active = active;
    active.done = run();
    return { rewriteId, targetWords };
  }

  /** Stops the project's rewrite: it ends "stopped" and its text is dropped. */
  stop(projectId: string): { stopped: boolean } {
    if (!this.active || this.active.projectId !== projectId) return { stopped: false };
    this.active.abort.abort();
    return { stopped: true };
  }

  /** Resolves when the running rewrite (if any) has ended. */
  async whenDone(): Promise<void> {
    await this.active?.done;
  }

  async shutdown(): Promise<void> {
    const active = this.active;
    if (!active) return;
    active.abort.abort();
    await active.done;
  }
}
