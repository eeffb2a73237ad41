// Read-only views of a manuscript for the UI, the exporters and the CLI.
import { comparePlanToTarget, extractPlan, type PlanGap } from "../iscot/plan";
import type { Manuscript } from "./types";

/** The document itself: the steps' content, in order, separated by blank lines. */
export function manuscriptText(m: Manuscript): string {
  return m.steps
    .map((s) => s.content)
    .filter((c) => c !== "")
    .join("\n\n");
}

/** The current plan's budgets against the manuscript's target (and the total the plan states, if any). */
export function planGap(m: Manuscript): PlanGap {
  const last = m.revisions[m.revisions.length - 1];
  return comparePlanToTarget(m.sections, m.targetWords, last ? extractPlan(last.text).statedTotal : null);
}
