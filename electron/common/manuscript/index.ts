// The document model: types, the event reducer, the writer's edits and the invariants.
export type { Manuscript, ManuscriptInit, PlanDraft, PlanRevision, Section, Step, StepStatus } from "./types";
export {
  applyEvent,
  applyEvents,
  createManuscript,
  isInProgress,
  nextSectionNumber,
  parseTranscript,
  revisionPosition,
  stepInProgress,
  withRevision,
  type ParsedTranscript,
} from "./reducer";
export { applyEdit, effectiveLanguage, isPlanEdit, type EditError, type EditResult, type ManuscriptEdit } from "./edits";
export type { MemoryEdit } from "./memoryEdits";
export { assignSection, matchSections, normalizeTitle, reassignSections, replayAssignments } from "./sections";
export { checkInvariants } from "./invariants";
export { manuscriptText, planGap } from "./views";
export { finishBlocker, firstStoppedStep, leaveOutUnwritten, stopStepInProgress, unwrittenSections } from "./stopped";
export { projectedWords, sectionsForTarget } from "./target";
