// What a mode is: how a model is asked for the document and how its answers are read into the
// manuscript. Six modes implement it — IS-CoT native and prompted (iscot.ts), orchestrated and
// AgentWrite (orchestrated.ts, agentwrite.ts, both on chatSteps.ts), direct and think-answer
// (onePass.ts) — and the writer (writer.ts) runs any of them on a session (session.ts).
import type { GenerationMode } from "../../common/api/generation";
import type { ManuscriptEdit } from "../../common/manuscript/edits";
import type { MemoryFormat } from "./memory";
import type { WritingSession } from "./session";

/**
 * How a part ended: `done` (a step closed, the document goes on), `ended` (the model ended its text
 * itself: the continuation rule decides), `cut` (the draft reached its target and was cut there: the
 * document is finished), `stopped` (the writer stopped the run).
 */
export type PartEnd = "done" | "ended" | "cut" | "stopped";

/** A step written again: its plan and section stay; a stopped step also keeps its text, which the model goes on from. */
export interface StepPreset {
  plan: string;
  sectionId: string | null;
  content?: string;
}

export interface WritingMode {
  /** Which of the six modes this is. */
  readonly kind: GenerationMode;
  /** False where one step cannot be written again on its own (a one-pass draft). */
  readonly rewritesSteps: boolean;
  /** How the story memory reaches this mode's model: notes between steps and short requests (memory.ts). */
  readonly memory: MemoryFormat;
  /**
   * Builds the context a run starts from: the prompt (the instruction with the bible's entries in use,
   * `s.memory.opening`), then what the document already holds.
   */
  open(s: WritingSession): Promise<void>;
  /** Asks for the global plan and reads it; absent where the plan grows as the model writes. */
  plan?(s: WritingSession): Promise<void>;
  /** Asks for the next part (a step, or an answer) and reads it into the manuscript; with a preset, writes that step again. */
  write(s: WritingSession, again?: StepPreset): Promise<PartEnd>;
  /** Takes the writer's pending edits into the model's context (the session marks them applied). */
  takeIn(s: WritingSession, edits: readonly ManuscriptEdit[]): Promise<void>;
  /** The plan changed outside the model's text (budgets rebalanced): the model is shown it at the next request. */
  revisePlan(s: WritingSession): Promise<void>;
  /** Tokens the next part is expected to take (its request and answer), to make room for it at the boundary. */
  partTokens(s: WritingSession): number;
  /**
   * Makes room for `needed` more tokens: rebuilds the context with the memory in place of the oldest
   * steps' text (compaction.ts), in the model's view only, never in the document.
   */
  compact(s: WritingSession, needed: number): Promise<void>;
  /** Marks the document finished. */
  finish(s: WritingSession): Promise<void>;
  /** Why the run stops before the next part (a limit reached), or null; `shortEnds`: times the model ended short so far. */
  limit(s: WritingSession, shortEnds: number): string | null;
  /** What the writer is told when the model ended short of the target and is made to go on. */
  shortEnd(words: number, target: number | null): string;
}
