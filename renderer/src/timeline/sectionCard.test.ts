import { describe, expect, it } from "vitest";
import { movableRange, sectionChip } from "./SectionCard";

describe("a section's card", () => {
  it("says whether the section is not yet written, being written, partly written or written", () => {
    expect(sectionChip(false, false, 0, 600)).toBe("timeline.future");
    expect(sectionChip(true, true, 25, 600)).toBe("timeline.sectionWriting");
    // Stopped at 25 of 600 words: not written, whatever the step's status says.
    expect(sectionChip(true, false, 25, 600)).toBe("timeline.partlyWritten");
    expect(sectionChip(true, false, 540, 600)).toBe("timeline.written");
    expect(sectionChip(true, false, 700, 600)).toBe("timeline.written");
  });

  it("moves only after the sections already written", () => {
    expect(movableRange(["a", "b", "c", "d"], new Set(["a"]), "c")).toEqual({ min: 1, max: 3 });
  });
});
