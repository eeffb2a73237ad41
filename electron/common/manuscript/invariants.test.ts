import { describe, expect, it } from "vitest";
import { checkInvariants } from "./invariants";
import { parseTranscript } from "./reducer";
import type { Manuscript } from "./types";

const base = parseTranscript(
  "<global_plan>\n1. A (10 words)\n2. B (10 words)\n</global_plan><step_plan>A</step_plan><content>one two</content><reflection>Word count: 2/20</reflection><step_plan>B</step_plan><content>three",
).manuscript;

describe("checkInvariants", () => {
  it("accepts a parsed manuscript", () => {
    expect(checkInvariants(base)).toEqual([]);
  });

  it.each<[string, (m: Manuscript) => Manuscript, RegExp]>([
    ["a duplicate section id", (m) => ({ ...m, sections: [m.sections[0]!, { ...m.sections[1]!, id: "sec-1" }] }), /used twice/],
    ["a negative budget", (m) => ({ ...m, sections: [{ ...m.sections[0]!, budget: -3 }, m.sections[1]!] }), /budget -3/],
    ["a step in a missing section", (m) => ({ ...m, steps: [{ ...m.steps[0]!, sectionId: "sec-9" }, m.steps[1]!] }), /missing section sec-9/],
    ["a step in progress before the last", (m) => ({ ...m, steps: [{ ...m.steps[0]!, status: "writing" }, m.steps[1]!] }), /not the last step/],
    ["a wrong word count", (m) => ({ ...m, steps: [{ ...m.steps[0]!, words: 7 }, m.steps[1]!] }), /counts 7 words/],
    ["a protocol tag in content", (m) => ({ ...m, steps: [{ ...m.steps[0]!, content: "a <content> b" }, m.steps[1]!] }), /holds the tag/],
    ["sections that are not the last revision's", (m) => ({ ...m, sections: m.sections.slice(1) }), /differ from the last revision/],
    ["a step in another section than the replay gives", (m) => ({ ...m, steps: [{ ...m.steps[0]!, sectionId: "sec-2" }, m.steps[1]!] }), /the replay says/],
    ["a non-integer target", (m) => ({ ...m, targetWords: 2.5 }), /target 2.5/],
    ["finished while a step is in progress", (m) => ({ ...m, finished: true }), /finished while a step/],
  ])("reports %s", (_name, corrupt, problem) => {
    expect(checkInvariants(corrupt(base)).join("\n")).toMatch(problem);
  });
});
