// Folding parser events into a manuscript: pure functions, the same text gives the same manuscript.
import type { ParserEvent, ParserWarning } from "../iscot/events";
import { TranscriptParser } from "../iscot/parser";
import { continueWriterCount, countWriterWords, endsInCountedWord } from "../metrics/words";
import { matchSections, reassignSections, SectionAssigner, stepId } from "./sections";
import type { Manuscript, ManuscriptInit, PlanDraft, Section, Step } from "./types";
import { emptyMemory } from "../memory/types";

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
    memory: emptyMemory(),
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
 * Whether the content of a step ends inside a counted word: the one bit a live count needs. Reading the
 * end of the content itself would make the engine flatten the string built by appending deltas, a copy
 * of the whole step at every delta; so the bit is kept for each step object the reducer made. For any
 * other step object (one loaded from JSON) the content is read once.
 */
const endsInCountedWordOf = new WeakMap<Step, boolean>();

function endsInCounted(step: Step): boolean {
  return endsInCountedWordOf.get(step) ?? endsInCountedWord(step.content);
}

/**
 * Applies events to a manuscript in time linear in the events, however long the manuscript: it copies
 * the arrays it changes (steps, revisions, the plan draft's sections) once, on the first change, and then
 * changes its copies in place, as it does the last step once it made its own copy; it assigns sections
 * with one SectionAssigner, built on the first step plan or plan revision that needs it. A manuscript
 * given to it is never changed; the one it returns is new where anything changed.
 */
class ManuscriptBuilder {
  private m: Manuscript;
  private ownManuscript = false;
  private ownSteps = false;
  private ownRevisions = false;
  private ownDraft = false;
  /** The step object this builder made (and so may change): the last step, once changed. */
  private ownStep: Step | null = null;
  private assigner: SectionAssigner | null = null;
  /** How many steps the assigner has recorded. */
  private recorded = 0;

  constructor(m: Manuscript) {
    this.m = m;
  }

  get manuscript(): Manuscript {
    return this.m;
  }

  private edit(): Manuscript {
    if (!this.ownManuscript) {
      this.m = { ...this.m };
      this.ownManuscript = true;
    }
    return this.m;
  }

  private steps(): Step[] {
    const m = this.edit();
    if (!this.ownSteps) {
      m.steps = m.steps.slice();
      this.ownSteps = true;
    }
    return m.steps;
  }

  /** The last step, as an object this builder may change. */
  private lastStep(): Step {
    const steps = this.steps();
    const index = steps.length - 1;
    const step = steps[index]!;
    if (step === this.ownStep) return step;
    const copy = { ...step };
    steps[index] = copy;
    this.ownStep = copy;
    return copy;
  }

  private draft(): PlanDraft {
    const m = this.edit();
    if (!this.ownDraft || m.planDraft === null) {
      const draft = m.planDraft ?? { text: "", sections: [] };
      m.planDraft = { text: draft.text, sections: draft.sections.slice() };
      this.ownDraft = true;
    }
    return m.planDraft;
  }

  /** The assigner, with every step before `upTo` recorded (those steps no event changes any more). */
  private assignerUpTo(upTo: number): SectionAssigner {
    let assigner = this.assigner;
    if (!assigner) {
      assigner = new SectionAssigner();
      assigner.setSections(this.m.sections);
      this.assigner = assigner;
    }
    const steps = this.m.steps;
    for (; this.recorded < upTo; this.recorded++) assigner.record(this.recorded, steps[this.recorded]!.sectionId, steps[this.recorded]!.words);
    return assigner;
  }

  apply(event: ParserEvent): void {
    const m = this.m;
    switch (event.type) {
      case "globalPlanStarted":
        this.edit().planDraft = { text: "", sections: [] };
        this.ownDraft = true;
        return;
      case "globalPlanDelta": {
        const draft = this.draft();
        draft.text += event.text;
        return;
      }
      case "globalPlanSection":
        this.draft().sections.push(event.section);
        return;
      case "globalPlanComplete": {
        if (stepInProgress(m)) return;
        const { sections, next } = matchSections(m.sections, event.sections, nextSectionNumber(m));
        // The revision goes after every step: each keeps its section unless the revision drops it.
        const orphaned = this.assignerUpTo(m.steps.length).setSections(sections);
        const edited = this.edit();
        edited.planDraft = null;
        this.ownDraft = false;
        edited.sections = sections;
        if (!this.ownRevisions) {
          edited.revisions = edited.revisions.slice();
          this.ownRevisions = true;
        }
        edited.revisions.push({ afterStep: m.steps.length, text: event.text, sections, nextSectionNumber: next });
        if (orphaned.length > 0) {
          const steps = this.steps();
          for (const i of orphaned) steps[i] = steps[i] === this.ownStep ? Object.assign(steps[i]!, { sectionId: null }) : { ...steps[i]!, sectionId: null };
        }
        return;
      }
      case "stepStarted": {
        if (event.step !== m.steps.length || stepInProgress(m) || m.planDraft !== null || m.finished) return;
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
        this.steps().push(step);
        this.ownStep = step;
        return;
      }
      case "stepPlanDelta": {
        const step = openStep(m, event.step);
        if (!step || step.planComplete) return;
        this.lastStep().plan += event.text;
        return;
      }
      case "stepPlanComplete": {
        const step = openStep(m, event.step);
        if (!step || step.planComplete) return;
        const sectionId = this.assignerUpTo(event.step).assign(event.text);
        Object.assign(this.lastStep(), { plan: event.text, planComplete: true, targetWords: event.targetWords, sectionId });
        return;
      }
      case "contentDelta": {
        const step = openStep(m, event.step);
        if (!step?.planComplete) return;
        const first = event.text.charCodeAt(0);
        // A delta that starts with the second half of a surrogate pair (never one from the parser) is recounted whole.
        const whole = first >= 0xdc00 && first <= 0xdfff;
        const counted = whole ? null : continueWriterCount(event.text, endsInCounted(step));
        const next = this.lastStep();
        next.content += event.text;
        next.status = "writing";
        if (counted) {
          next.words += counted.words;
          endsInCountedWordOf.set(next, counted.inCountedWord);
        } else {
          next.words = countWriterWords(next.content);
          endsInCountedWordOf.delete(next);
        }
        return;
      }
      case "reflectionDelta": {
        const step = openStep(m, event.step);
        if (!step?.planComplete) return;
        const next = this.lastStep();
        next.reflection += event.text;
        next.status = "writing";
        return;
      }
      case "stepComplete": {
        const step = openStep(m, event.step);
        if (!step?.planComplete) return;
        Object.assign(this.lastStep(), { reflection: event.reflection, progress: event.progress, status: "done" });
        return;
      }
      case "finished":
        if (stepInProgress(m) || m.planDraft !== null) return;
        this.edit().finished = true;
        return;
      case "warning":
        return;
      default:
        return event satisfies never;
    }
  }
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
  const builder = new ManuscriptBuilder(m);
  builder.apply(event);
  return builder.manuscript;
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
  const builder = new ManuscriptBuilder(m);
  const joiner = new DeltaJoiner((e) => builder.apply(e));
  for (const event of events) joiner.push(event);
  joiner.flush();
  return builder.manuscript;
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
  const builder = new ManuscriptBuilder(createManuscript(init));
  const warnings: ParserWarning[] = [];
  const joiner = new DeltaJoiner((e) => builder.apply(e));
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
  return { manuscript: builder.manuscript, warnings };
}
