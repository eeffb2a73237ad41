import { describe, expect, it } from "vitest";
import { checkInvariants } from "./invariants";
import { parseTranscript } from "./reducer";
import { finishBlocker, firstStoppedStep, leaveOutUnwritten, stopStepInProgress, unwrittenSections } from "./stopped";

const PLAN = "<global_plan>\n1. Intro (10 words)\n2. History (20 words)\n3. End (10 words)\n</global_plan>\n";
const STEP_1 = "<step_plan>Intro</step_plan><content>One two three four five six seven eight nine ten.</content><reflection>Word count: 10/40</reflection>";
const read = (text: string) => parseTranscript(text, { instruction: "Write about tea.", language: "en", targetWords: 40 }).manuscript;

describe("stopStepInProgress", () => {
  it("keeps a step cut in its text as stopped, with its words, its plan closed and its section", () => {
    const m = stopStepInProgress(read(`${PLAN}${STEP_1}<step_plan>History, about 20 words</step_plan><content>Tea came by sea, paper garden lanter`));
    expect(m.steps[1]).toMatchObject({ status: "stopped", content: "Tea came by sea, paper garden lanter", words: 7, sectionId: "sec-2", targetWords: 20, reflection: "", progress: null });
    expect(checkInvariants(m)).toEqual([]);
    expect(firstStoppedStep(m)).toBe(1);
  });

  it("closes a step whose plan was still open when the writer's text is in it", () => {
    const open = read(`${PLAN}${STEP_1}<step_plan>History`);
    const withText = { ...open, steps: open.steps.map((s, i) => (i === 1 ? { ...s, content: "Typed by the writer." } : s)) };
    const m = stopStepInProgress(withText);
    expect(m.steps[1]).toMatchObject({ status: "stopped", plan: "History", planComplete: true, sectionId: "sec-2", words: 4 });
    expect(checkInvariants(m)).toEqual([]);
  });

  it("closes a step already in its reflection when asked (its text was complete), and drops one with no text", () => {
    const inReflection = read(`${PLAN}${STEP_1}<step_plan>History</step_plan><content>Tea came.</content><reflection>Word count: 12/40`);
    expect(stopStepInProgress(inReflection, { reflectionCloses: true }).steps[1]).toMatchObject({ status: "done", reflection: "Word count: 12/40", progress: { written: 12, target: 40 } });
    expect(stopStepInProgress(inReflection).steps[1]).toMatchObject({ status: "stopped", reflection: "" });
    expect(stopStepInProgress(read(`${PLAN}${STEP_1}<step_plan>History</step_plan><content>`)).steps).toHaveLength(1);
    const closed = read(`${PLAN}${STEP_1}`);
    expect(stopStepInProgress(closed)).toBe(closed);
  });
});

describe("finishing", () => {
  it("is held back by a stopped step, and leaves planned sections with no words out of the plan, saying which", () => {
    const stopped = stopStepInProgress(read(`${PLAN}${STEP_1}<step_plan>History</step_plan><content>Tea came`));
    expect(finishBlocker(stopped)).toBe("Step 2 was stopped before its end: Generate continues it.");
    const m = read(`${PLAN}${STEP_1}`);
    expect(finishBlocker(m)).toBeNull();
    expect(unwrittenSections(m).map((s) => s.title)).toEqual(["History", "End"]);
    const leftOut = leaveOutUnwritten(m)!;
    expect(leftOut.manuscript.sections.map((s) => s.budget)).toEqual([10, 0, 0]);
    expect(leftOut.note).toBe('The target was reached before the sections "History", "End": they are left out of the plan (budget 0). Give them a budget and Generate to write them.');
    expect(checkInvariants(leftOut.manuscript)).toEqual([]);
    expect(leaveOutUnwritten(leftOut.manuscript)).toBeNull();
  });
});
