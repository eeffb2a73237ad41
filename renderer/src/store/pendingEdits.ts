// The writer's edits between the moment they are made and the moment the controller takes them in.
// While the model writes, a plan edit waits for the next step boundary; the timeline marks it until
// the generation state says it was applied.
import type { GenerationState, GenerationStatus } from "../../../electron/common/api";

/** What an edit changes, so the timeline can mark the right card. */
export type EditTarget =
  | { kind: "section"; sectionId: string }
  | { kind: "sections" }
  | { kind: "step"; stepId: string }
  | { kind: "target" };

export interface LocalEdit {
  /** Local number, in the order the writer made them. */
  id: number;
  target: EditTarget;
  /** "sending": not yet answered; "pending": the back end has it, the controller has not taken it in. */
  state: "sending" | "pending";
  /** The back end's id for it, when its answer named one (see GenerationState.edits). */
  serverId: string | null;
}

/** True while a generation is under way: plan edits then wait for a step boundary. */
export function isGenerationActive(status: GenerationStatus | undefined): boolean {
  return status === "loading" || status === "writing" || status === "pausing" || status === "paused" || status === "stopping";
}

/**
 * The local edits still to mark after the back end answered one (`id`): with no generation under way
 * an answered edit is done; during one it stays pending until the state says otherwise.
 */
export function acknowledgeEdit(edits: ReadonlyArray<LocalEdit>, id: number, serverId: string | null, status: GenerationStatus | undefined): LocalEdit[] {
  if (!isGenerationActive(status)) return edits.filter((e) => e.id !== id);
  return edits.map((e) => (e.id === id ? { ...e, state: "pending", serverId } : e));
}

/**
 * The local edits still pending once a generation state arrives. An edit the state names is pending
 * while the state says so; one it does not name (the back end gave no id) is pending while the state
 * lists any pending edit of that kind. No generation under way: nothing is pending.
 */
export function settleEdits(edits: ReadonlyArray<LocalEdit>, state: GenerationState): LocalEdit[] {
  if (edits.length === 0) return edits as LocalEdit[];
  if (!isGenerationActive(state.status)) {
    const sending = edits.filter((e) => e.state === "sending");
    return sending.length === edits.length ? (edits as LocalEdit[]) : sending;
  }
  const serverState = new Map(state.edits.map((e) => [e.id, e]));
  const anyPending = { plan: false, text: false };
  for (const e of state.edits) if (e.state === "pending") anyPending[e.kind] = true;
  const kept = edits.filter((e) => {
    if (e.state === "sending") return true;
    if (e.serverId !== null) {
      const known = serverState.get(e.serverId);
      return known ? known.state === "pending" : false;
    }
    return anyPending[e.target.kind === "step" ? "text" : "plan"];
  });
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
      return b.kind === a.kind;
    default:
      return a satisfies never;
  }
}
