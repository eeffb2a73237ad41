import { describe, expect, it } from "vitest";
import { translator } from "../i18n";
import { movableRange, rebalancedReason, sectionChip } from "./SectionCard";

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

  it("says why its budget was rebalanced in the interface's language (the controller's reason is English)", () => {
    const reason = "The writing ran long (heading for 1,200 of 1,000 words): the budget of the 2 sections not yet written went from 600 to 400 words.";
    expect(rebalancedReason({ from: 300, to: 200, reason }, "en", translator("en"))).toBe(reason);
    expect(rebalancedReason({ from: 300, to: 200, reason }, "zh", translator("zh"))).toBe("已写内容超出计划：尚未写的各节预算已减少，以接近目标字数。");
    expect(rebalancedReason({ from: 200, to: 300, reason: "" }, "zh", translator("zh"))).toMatch(/^已写内容少于计划/);
    expect(rebalancedReason({ from: 200, to: 300, reason: "" }, "en", translator("en"))).toMatch(/^The writing ran short/);
  });
});
