// The writer's edits between the moment they are made and the moment the model takes them in. While
// the model writes, the back end answers an edit with its id and the edit waits for the next step
// boundary; the timeline marks it until the generation state no longer lists that id as pending.
import type { GenerationState, GenerationStatus } from "../../../electron/common/api";

/** What an edit changes, so the timeline can mark the right card. */
export type EditTarget =
  | { kind: "section"; sectionId: string }
  | { kind: "sections" }
  | { kind: "step"; stepId: string }
  | { kind: "target" }
  | { kind: "voice" }
  | { kind: "bible" };

export interface LocalEdit {
  /** Local number, in the order the writer made them. */
  id: number;
  target: EditTarget;
  /** "sending": not yet answered; "pending": the back end has it, the model has not taken it in. */
  state: "sending" | "pending";
  /** The back end's id for it, from its answer (see GenerationState.edits); null until then. */
  serverId: string | null;
}

/** True while a generation is under way: plan edits then wait for a step boundary. */
export function isGenerationActive(status: GenerationStatus | undefined): boolean {
  return status === "loading" || status === "writing" || status === "pausing" || status === "paused" || status === "stopping";
}

/**
 * The local edits still to mark after the back end answered one (`id`): an edit answered without an id
 * (no generation was writing the document: it is in at once), or with no generation under way, is
 * done; one answered with an id stays pending until the state says otherwise.
 */
export function acknowledgeEdit(edits: ReadonlyArray<LocalEdit>, id: number, serverId: string | null, status: GenerationStatus | undefined): LocalEdit[] {
  if (serverId === null || !isGenerationActive(status)) return edits.filter((e) => e.id !== id);
  return edits.map((e) => (e.id === id ? { ...e, state: "pending", serverId } : e));
}

/**
 * The local edits still pending once a generation state arrives: an answered edit while the state
 * lists its id as pending, an edit not yet answered always. No generation under way: nothing answered
 * is pending.
 */
export function settleEdits(edits: ReadonlyArray<LocalEdit>, state: GenerationState): LocalEdit[] {
  if (edits.length === 0) return edits as LocalEdit[];
  const pending = new Set(isGenerationActive(state.status) ? state.edits.flatMap((e) => (e.state === "pending" ? [e.id] : [])) : []);
  const kept = edits.filter((e) => e.state === "sending" || (e.serverId !== null && pending.has(e.serverId)));
  return kept.length === edits.length ? (edits as LocalEdit[]) : kept;
}

/** True when an edit of this target is waiting. */
export function isTargetPending(edits: ReadonlyArray<LocalEdit>, target: EditTarget): boolean {
  return edits.some((e) => sameTarget(e.target, target));
}

function sameTarget(a: EditTarget, b: EditTarget): boolean {
  switch (a.kind) {
    case "section":
      return b.kind === "section" && b.sectionId === a.sectionId;
    case "step":
      return b.kind === "step" && b.stepId === a.stepId;
    case "sections":
    case "target":
    case "voice":
    case "bible":
      return b.kind === a.kind;
    default:
      return a satisfies never;
  }
}
