import type { ReportedProgress } from "./budget";
import type { SectionDraft } from "./plan";
import type { BlockKind } from "./tags";

/**
 * What the streaming parser reports, in stream order. Steps are numbered from 0 in the order they start.
 * Deltas carry text as soon as it is certain: white space at the start and end of a block is dropped,
 * so the text of a block is the concatenation of its deltas and never starts or ends with white space.
 */
export type ParserEvent =
  /** A global plan starts; revision 1 is the first plan, 2 and on are revisions the model writes later. */
  | { type: "globalPlanStarted"; revision: number }
  | { type: "globalPlanDelta"; text: string }
  /** A section of the plan being written is now certain (the next one started, or the plan ended). */
  | { type: "globalPlanSection"; index: number; section: SectionDraft }
  | { type: "globalPlanComplete"; revision: number; text: string; sections: SectionDraft[]; statedTotal: number | null }
  | { type: "stepStarted"; step: number }
  | { type: "stepPlanDelta"; step: number; text: string }
  /** The step plan is closed; targetWords is the length it sets for the segment, if it sets one. */
  | { type: "stepPlanComplete"; step: number; text: string; targetWords: number | null }
  | { type: "contentDelta"; step: number; text: string }
  | { type: "reflectionDelta"; step: number; text: string }
  /** The step is closed (its reflection ended, or the next block began). */
  | { type: "stepComplete"; step: number; reflection: string; progress: ReportedProgress | null }
  | { type: "finished" }
  | { type: "warning"; warning: ParserWarning };

/** A malformation the parser recovered from; `offset` is where it was found, in UTF-16 units from the start. */
export type ParserWarning =
  /** A block was not closed: the next opening tag (or FINISHED) closed it. */
  | { kind: "missing-closing-tag"; block: BlockKind; closedBy: string; offset: number }
  /** Text outside any block, dropped; preview holds its first 80 characters. */
  | { kind: "stray-text"; preview: string; length: number; offset: number }
  /** A closing tag for a block that is not open, ignored. */
  | { kind: "stray-closing-tag"; tag: string; offset: number }
  /** A tag that is not part of the protocol (`<br>`, `<div>`), kept as text. */
  | { kind: "unknown-tag"; tag: string; offset: number }
  /** The model wrote a new global plan after the first one: taken as a plan revision. */
  | { kind: "plan-revised"; revision: number; offset: number }
  /** Content or a reflection began with no step open: a step with an empty plan was started for it. */
  | { kind: "step-without-plan"; step: number; offset: number }
  /** Text after a closed step plan with no `<content>` tag: taken as the step's content. */
  | { kind: "text-taken-as-content"; step: number; offset: number }
  /** Text or tags after `<FINISHED>`, ignored (reported once). */
  | { kind: "after-finished"; offset: number }
  /** The output ended inside a block or a step; the step stays in progress. */
  | { kind: "truncated"; block: BlockKind | null; step: number | null; offset: number };

/** The kind of a parser warning. */
export type ParserWarningKind = ParserWarning["kind"];

/** A one-line explanation of a warning for people (CLI, logs). */
export function describeWarning(w: ParserWarning): string {
  switch (w.kind) {
    case "missing-closing-tag":
      return `the ${w.block} block was not closed; ${w.closedBy} closed it`;
    case "stray-text":
      return `text outside any block was ignored (${w.length} characters): "${w.preview}"`;
    case "stray-closing-tag":
      return `${w.tag} closes no open block; ignored`;
    case "unknown-tag":
      return `${w.tag} is not an IS-CoT tag; kept as text`;
    case "plan-revised":
      return `the global plan was written again; taken as revision ${w.revision}`;
    case "step-without-plan":
      return `step ${w.step + 1} has no step plan`;
    case "text-taken-as-content":
      return `step ${w.step + 1}: text after the step plan without <content> was taken as content`;
    case "after-finished":
      return "text after <FINISHED> was ignored";
    case "truncated":
      return w.block ? `the text ends inside the ${w.block} block${w.step === null ? "" : ` of step ${w.step + 1}`}` : `the text ends inside step ${(w.step ?? 0) + 1}`;
    default:
      return w satisfies never;
  }
}
