// Folding parser events into a manuscript: pure functions, the same text gives the same manuscript.
import type { ParserEvent, ParserWarning } from "../iscot/events";
import { TranscriptParser } from "../iscot/parser";
import { continueWriterCount, countWriterWords, endsInCountedWord } from "../metrics/words";
import { assignSection, matchSections, reassignSections, stepId } from "./sections";
import type { Manuscript, ManuscriptInit, Section, Step } from "./types";

/** An empty manuscript. */
export function createManuscript(init: ManuscriptInit = {}): Manuscript {
  return {
    instruction: init.instruction ?? "",
    language: init.language ?? "auto",
    targetWords: init.targetWords ?? null,
    sections: [],
    revisions: [],
    planDraft: null,
    steps: [],
    finished: false,
  };
}

/** True while a step is being written (its plan or its text). */
export function isInProgress(step: Step): boolean {
  return step.status === "planned" || step.status === "writing";
}

/** The step being written, if any: only the last step can be. */
export function stepInProgress(m: Manuscript): Step | null {
  const last = m.steps[m.steps.length - 1];
  return last && isInProgress(last) ? last : null;
}

/** Where a plan revision made now goes in the transcript: before the step being written, else at the end. */
export function revisionPosition(m: Manuscript): number {
  return stepInProgress(m) ? m.steps.length - 1 : m.steps.length;
}

/** The number the next new section's id takes. */
export function nextSectionNumber(m: Manuscript): number {
  return m.revisions[m.revisions.length - 1]?.nextSectionNumber ?? 1;
}

/** Adds a global plan at the current position, with its sections' ids, and redoes the step sections. */
export function withRevision(m: Manuscript, text: string, sections: Section[], next: number): Manuscript {
  const revision = { afterStep: revisionPosition(m), text, sections, nextSectionNumber: next };
  return reassignSections({ ...m, sections, revisions: [...m.revisions, revision] });
}

/**
 * Whether the content of the step object last made by a content delta ends inside a counted word: the
 * one bit a live count needs. Reading the end of the content itself would make the engine flatten the
 * string built by appending deltas, a copy of the whole step at every delta. A memo of one entry, since
 * deltas come one after another to the same step; on a miss the content is read once.
 */
let lastCounted: { step: Step; inCountedWord: boolean } | null = null;

function endsInCounted(step: Step): boolean {
  return lastCounted?.step === step ? lastCounted.inCountedWord : endsInCountedWord(step.content);
}

function updateStep(m: Manuscript, index: number, change: (s: Step) => Step): Manuscript {
  const steps = m.steps.slice();
  steps[index] = change(steps[index]!);
  return { ...m, steps };
}

/** The step an event about step `index` may change: the last one, still in progress. */
function openStep(m: Manuscript, index: number): Step | null {
  if (index !== m.steps.length - 1) return null;
  const step = m.steps[index]!;
  return isInProgress(step) ? step : null;
}

/**
 * Applies one parser event. An event that does not fit the manuscript (a delta for a step that is not
 * being written, a step number out of order) leaves it unchanged: it never throws.
 */
export function applyEvent(m: Manuscript, event: ParserEvent): Manuscript {
  switch (event.type) {
    case "globalPlanStarted":
      return { ...m, planDraft: { text: "", sections: [] } };
    case "globalPlanDelta": {
      const draft = m.planDraft ?? { text: "", sections: [] };
      return { ...m, planDraft: { ...draft, text: draft.text + event.text } };
    }
    case "globalPlanSection": {
      const draft = m.planDraft ?? { text: "", sections: [] };
      return { ...m, planDraft: { ...draft, sections: [...draft.sections, event.section] } };
    }
    case "globalPlanComplete": {
      if (stepInProgress(m)) return m;
      const { sections, next } = matchSections(m.sections, event.sections, nextSectionNumber(m));
      return withRevision({ ...m, planDraft: null }, event.text, sections, next);
    }
    case "stepStarted": {
      if (event.step !== m.steps.length || stepInProgress(m) || m.planDraft !== null || m.finished) return m;
      const step: Step = {
        id: stepId(event.step),
        sectionId: null,
        plan: "",
        planComplete: false,
        targetWords: null,
        content: "",
        reflection: "",
        progress: null,
        words: 0,
        status: "planned",
      };
      return { ...m, steps: [...m.steps, step] };
    }
    case "stepPlanDelta": {
      const step = openStep(m, event.step);
      if (!step || step.planComplete) return m;
      return updateStep(m, event.step, (s) => ({ ...s, plan: s.plan + event.text }));
    }
    case "stepPlanComplete": {
      const step = openStep(m, event.step);
      if (!step || step.planComplete) return m;
      const sectionId = assignSection(m.sections, m.steps.slice(0, event.step), event.text);
      return updateStep(m, event.step, (s) => ({ ...s, plan: event.text, planComplete: true, targetWords: event.targetWords, sectionId }));
    }
    case "contentDelta": {
      const step = openStep(m, event.step);
      if (!step?.planComplete) return m;
      const content = step.content + event.text;
      const first = event.text.charCodeAt(0);
      // A delta that starts with the second half of a surrogate pair (never one from the parser) is recounted whole.
      if (first >= 0xdc00 && first <= 0xdfff) return updateStep(m, event.step, (s) => ({ ...s, content, words: countWriterWords(content), status: "writing" }));
      const counted = continueWriterCount(event.text, endsInCounted(step));
      const next: Step = { ...step, content, words: step.words + counted.words, status: "writing" };
      lastCounted = { step: next, inCountedWord: counted.inCountedWord };
      return updateStep(m, event.step, () => next);
    }
    case "reflectionDelta": {
      const step = openStep(m, event.step);
      if (!step?.planComplete) return m;
      return updateStep(m, event.step, (s) => ({ ...s, reflection: s.reflection + event.text, status: "writing" }));
    }
    case "stepComplete": {
      const step = openStep(m, event.step);
      if (!step?.planComplete) return m;
      return updateStep(m, event.step, (s) => ({ ...s, reflection: event.reflection, progress: event.progress, status: "done" }));
    }
    case "finished":
      if (stepInProgress(m) || m.planDraft !== null) return m;
      return { ...m, finished: true };
    case "warning":
      return m;
    default:
      return event satisfies never;
  }
}

type Delta = Extract<ParserEvent, { type: "globalPlanDelta" | "stepPlanDelta" | "contentDelta" | "reflectionDelta" }>;

function isDelta(e: ParserEvent): e is Delta {
  return e.type === "contentDelta" || e.type === "stepPlanDelta" || e.type === "reflectionDelta" || e.type === "globalPlanDelta";
}

/** Joins runs of deltas of the same kind and step into one, so a batch costs one update per block. */
class DeltaJoiner {
  private pending: Delta | null = null;
  private parts: string[] = [];

  constructor(private readonly apply: (e: ParserEvent) => void) {}

  push(e: ParserEvent): void {
    const p = this.pending;
    if (p && isDelta(e) && e.type === p.type && (e.type === "globalPlanDelta" || (p.type !== "globalPlanDelta" && e.step === p.step))) {
      this.parts.push(e.text);
      return;
    }
    this.flush();
    if (isDelta(e)) {
      this.pending = e;
      this.parts = [e.text];
    } else this.apply(e);
  }

  flush(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.apply(this.parts.length === 1 ? p : { ...p, text: this.parts.join("") });
  }
}

/** Applies events in order (runs of deltas are joined first: the result is the same, sooner). */
export function applyEvents(m: Manuscript, events: Iterable<ParserEvent>): Manuscript {
  let result = m;
  const joiner = new DeltaJoiner((e) => (result = applyEvent(result, e)));
  for (const event of events) joiner.push(event);
  joiner.flush();
  return result;
}

/** A manuscript read from a transcript, and the parser's warnings. */
export interface ParsedTranscript {
  manuscript: Manuscript;
  warnings: ParserWarning[];
}

/**
 * Reads a whole IS-CoT transcript (given whole or in chunks) into a manuscript. A transcript that ends
 * inside a step leaves that step in progress, as it was when the text was cut.
 */
export function parseTranscript(text: string | Iterable<string>, init: ManuscriptInit = {}): ParsedTranscript {
  const parser = new TranscriptParser();
  let m = createManuscript(init);
  const warnings: ParserWarning[] = [];
  const joiner = new DeltaJoiner((e) => (m = applyEvent(m, e)));
  const take = (events: ParserEvent[]) => {
    for (const e of events) {
      if (e.type === "warning") warnings.push(e.warning);
      else joiner.push(e);
    }
  };
  if (typeof text === "string") take(parser.feed(text));
  else for (const chunk of text) take(parser.feed(chunk));
  take(parser.end());
  joiner.flush();
  return { manuscript: m, warnings };
}
