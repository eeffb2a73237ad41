// Story memory: what the model must keep in view of a document longer than its context window. The
// story bible (entries the writer keeps: characters, places, objects, facts, style), the proposals the
// model's text suggests for it, a digest of the story so far, and per step what the model remembers of
// it. Plain objects only: the manuscript carries them, project files save them.

export const bibleKinds = ["character", "place", "object", "fact", "style"] as const;
export type BibleKind = (typeof bibleKinds)[number];

/** One entry of the story bible. */
export interface BibleEntry {
  /** "entry-1", "entry-2", ... never reused. */
  id: string;
  kind: BibleKind;
  /** The name the text uses (one line). */
  name: string;
  /** Other names that call it up (one line each). */
  aliases: string[];
  /** A short description: what the model must keep true. */
  description: string;
  /** In the model's context for every step, named or not. */
  always: boolean;
}

/** What the writer types for an entry (the id is given by the manuscript). */
export type BibleEntryInput = Omit<BibleEntry, "id">;

/**
 * An entry or an edit that a step's text suggests: a new name (entryId null) or a changed fact of an
 * existing entry (entryId set, the description as it would read). Nothing enters the bible unasked:
 * the writer accepts or dismisses it.
 */
export interface Proposal {
  /** "proposal-1", ... never reused. */
  id: string;
  /** The step whose text it comes from. */
  stepId: string;
  entryId: string | null;
  kind: BibleKind;
  name: string;
  description: string;
  /** The sentence of the step it was read from. */
  evidence: string;
}

/** Who wrote what the model remembers of a step. */
export type SummarySource = "model" | "reflection" | "writer";

/** What the model had and keeps of one step. */
export interface StepMemory {
  /** Ids of the bible entries in the model's context when it wrote the step. */
  entries: string[];
  /** What stands for the step once its text leaves the model's window; null until one is written. */
  summary: string | null;
  summaryBy: SummarySource | null;
  /** The writer keeps the step's whole text in the model's view (it is never compacted). */
  pinned: boolean;
}

/** The document's story memory. */
export interface StoryMemory {
  entries: BibleEntry[];
  /** The most tokens the entries in use take in the model's context (an estimate the writer sees). */
  budget: number;
  /** Proposals waiting for the writer, oldest first. */
  proposals: Proposal[];
  /** Names the writer dismissed (normalized): they are not proposed again. */
  dismissed: string[];
  /**
   * The story so far, for the steps up to `throughStep` (0-based, inclusive) whose summaries no longer
   * fit the window one by one: merged by the model, editable by the writer.
   */
  digest: { throughStep: number; text: string; by: SummarySource } | null;
  /** Sections whose budget the writer locked: rebalancing never changes them. */
  lockedSections: string[];
  /** The number the next entry's and proposal's ids take. */
  nextEntry: number;
  nextProposal: number;
}

/** Tokens of bible entries in context by default: about 150 words. */
export const DEFAULT_BIBLE_BUDGET = 600;

export function emptyMemory(): StoryMemory {
  return { entries: [], budget: DEFAULT_BIBLE_BUDGET, proposals: [], dismissed: [], digest: null, lockedSections: [], nextEntry: 1, nextProposal: 1 };
}

/** The memory record of a step that has none yet. */
export function emptyStepMemory(): StepMemory {
  return { entries: [], summary: null, summaryBy: null, pinned: false };
}
