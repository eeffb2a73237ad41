// Which part of the protocol the model is writing, read from the parser's events: the phase the
// generation progress shows the writer.
import type { GenerationProgress } from "../api/generation";
import type { ParserEvent } from "./events";

type Phase = GenerationProgress["phase"];

/** What the model writes after a parser event. */
export function phaseAfter(phase: Phase, event: ParserEvent): Phase {
  switch (event.type) {
    case "globalPlanStarted":
      return "plan";
    case "stepStarted":
      return "step-plan";
    case "stepPlanComplete":
    case "contentDelta":
      return "content";
    case "reflectionDelta":
      return "reflection";
    case "stepComplete":
    case "globalPlanComplete":
    case "finished":
      return "none";
    default:
      return phase;
  }
}
