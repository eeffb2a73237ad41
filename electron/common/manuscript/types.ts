// The document model. Plain objects and arrays only: a manuscript is saved in project files and sent
// over IPC as JSON. The project file adds its own schema version around it.
import type { ReportedProgress } from "../iscot/budget";
import type { SectionDraft } from "../iscot/plan";
import type { StepMemory, StoryMemory } from "../memory/types";
import type { Language } from "../metrics/language";

/** A section of the global plan: a stable id ("sec-1", ...), a title, a brief and a word budget. */
export interface Section {
  id: string;
  title: string;
  brief: string;
  /** A non-negative integer; 0 when the plan gave no budget. */
  budget: number;
}

/**
 * A step's status: its plan is being written ("planned"), its text is ("writing"), it is closed
 * ("done"), the writer changed it ("edited"), or it was cut before its end ("stopped": the writer
 * stopped the model, or the run failed; unfinished, the next run continues it).
 */
export type StepStatus = "planned" | "writing" | "done" | "edited" | "stopped";

/** One Plan-Write-Reflect step: its plan, its segment of the document and the model's reflection on it. */
export interface Step {
  /** "step-1", "step-2", ... in order. */
  id: string;
  /** The section the step writes (see assignSection), or null when the plan has no section for it. */
  sectionId: string | null;
  /** The step plan. */
  plan: string;
  /** True once the step plan is closed; the step is given its section then. */
  planComplete: boolean;
  /** The length the step plan sets for the segment, when it sets one. */
  targetWords: number | null;
  /** The segment, as Markdown. */
  content: string;
  reflection: string;
  /** The progress the model reports in the reflection ("word count: 1200/5000"), beside `words`. */
  progress: ReportedProgress | null;
  /** The writer's count of `content`. */
  words: number;
  status: StepStatus;
  /** What the model had in view when it wrote the step and keeps of it (absent: nothing recorded yet). */
  memory?: StepMemory;
}

/**
 * A global plan as it stood at one point of the transcript: the model's plan, a revision the model wrote
 * later, or a revision made by the writer's edits. It is written into the transcript before step
 * `afterStep` (counting from 0), so a revision made while a step is being written comes before that step.
 */
export interface PlanRevision {
  afterStep: number;
  /** The plan's text, as the model wrote it or as renderPlan wrote the writer's edit. */
  text: string;
  sections: Section[];
  /** The number the next new section's id will take ("sec-N"). */
  nextSectionNumber: number;
  /** Set when the controller made it: the budgets of the sections not yet written were rebalanced toward the target. */
  cause?: "rebalanced";
  /** Why the controller made it, in the writer's words (the note the timeline shows with it). */
  reason?: string;
}

/** A global plan the model is still writing: its text so far and the sections already certain. */
export interface PlanDraft {
  text: string;
  sections: SectionDraft[];
}

/** A document being written with the IS-CoT protocol. */
export interface Manuscript {
  instruction: string;
  language: Language;
  /** The length asked for, in words; null when unknown. */
  targetWords: number | null;
  /** The current global plan's sections (those of the last revision). */
  sections: Section[];
  /** Every global plan in transcript order; the last is the current one. */
  revisions: PlanRevision[];
  planDraft: PlanDraft | null;
  steps: Step[];
  /** True once the model wrote `<FINISHED>`. */
  finished: boolean;
  /** The story bible, its proposals, the digest of the story so far, and the budgets the writer locked. */
  memory: StoryMemory;
  /** The writer's voice the model writes in (see voice.ts); absent when none is set. */
  voice?: Voice;
}

/** Samples of the writer's own prose: one for the whole document, and one per section that has its own. */
export interface Voice {
  /** "" when the document has none. */
  document: string;
  /** By section id. */
  sections: Record<string, string>;
}

/** What a transcript does not hold: the instruction, the language and the target. */
export interface ManuscriptInit {
  instruction?: string;
  language?: Language;
  targetWords?: number | null;
}
