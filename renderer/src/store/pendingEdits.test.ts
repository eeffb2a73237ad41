import { describe, expect, it } from "vitest";
import type { GenerationState, PendingEdit } from "../../../electron/common/api";
import { acknowledgeEdit, isTargetPending, settleEdits, type LocalEdit } from "./pendingEdits";

const state = (status: GenerationState["status"], edits: PendingEdit[] = []): GenerationState => ({
  projectId: "p",
  status,
  mode: null,
  progress: { words: 0, target: null, projectedScore: null, tokensPerSecond: 0, elapsedMs: 0, currentStep: null, phase: "none", contextTokens: 0, contextSize: 0, tokensDecoded: 0, tokensGenerated: 0 },
  edits,
  error: null,
  notes: [],
});

const budgetEdit: LocalEdit = { id: 1, target: { kind: "section", sectionId: "sec-2" }, state: "sending", serverId: null };

describe("pending edits", () => {
  it("an answered edit is done at once when no generation is under way", () => {
    expect(acknowledgeEdit([budgetEdit], 1, "e1", "idle")).toEqual([]);
    expect(acknowledgeEdit([budgetEdit], 1, "e1", "finished")).toEqual([]);
  });

  it("while the model writes, an answered plan edit stays pending until the state says it was applied", () => {
    const pending = acknowledgeEdit([budgetEdit], 1, "e1", "writing");
    expect(pending).toEqual([{ ...budgetEdit, state: "pending", serverId: "e1" }]);
    expect(isTargetPending(pending, { kind: "section", sectionId: "sec-2" })).toBe(true);
    expect(isTargetPending(pending, { kind: "section", sectionId: "sec-3" })).toBe(false);

    const stillPending = settleEdits(pending, state("writing", [{ id: "e1", kind: "plan", description: "budget", state: "pending" }]));
    expect(stillPending).toBe(pending);
    expect(settleEdits(pending, state("writing", [{ id: "e1", kind: "plan", description: "budget", state: "applied" }]))).toEqual([]);
  });

  it("settles by id: another pending edit does not keep it marked, and an edit answered without an id is in at once", () => {
    const pending = acknowledgeEdit([budgetEdit], 1, "e1", "writing");
    expect(settleEdits(pending, state("writing", [{ id: "x", kind: "plan", description: "", state: "pending" }]))).toEqual([]);
    expect(acknowledgeEdit([budgetEdit], 1, null, "writing")).toEqual([]);
  });

  it("stopping clears what is pending but not what is still being sent", () => {
    const sending: LocalEdit = { id: 2, target: { kind: "target" }, state: "sending", serverId: null };
    const pending = acknowledgeEdit([budgetEdit, sending], 1, "e1", "writing");
    expect(settleEdits(pending, state("stopped"))).toEqual([sending]);
  });
});
