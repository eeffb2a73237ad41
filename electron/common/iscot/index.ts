// The IS-CoT protocol: tags, the streaming parser, plans and budgets, and the transcript writer.
export { BLOCK_TAGS, FINISHED_TAG, MAX_TAG_LENGTH, PROTOCOL_TAG_TEXTS, TAG_ALIASES, TAG_SPELLINGS, closingTags, findProtocolTag, matchTag, openingTags, type BlockKind, type TagMatch, type TagName } from "./tags";
export { describeWarning, type ParserEvent, type ParserWarning, type ParserWarningKind } from "./events";
export { TranscriptParser, createParser, parseEvents } from "./parser";
export { findBudget, parseWrittenNumber, reportedProgress, stepTargetWords, type BudgetMatch, type ReportedProgress } from "./budget";
export { PlanExtractor, comparePlanToTarget, extractPlan, renderPlan, type PlanExtraction, type PlanGap, type SectionDraft } from "./plan";
export { writeBlock, writeFinished, writeGlobalPlan, writeOpenBlock, writeStep, writeTranscript } from "./transcript";
