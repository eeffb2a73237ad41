import { describe, expect, it } from "vitest";
import { compareDrafts } from "./historyDiff";

describe("compareDrafts", () => {
  it("says nothing differs for the same text", () => {
    expect(compareDrafts("One.\n\nTwo.", "One.\n\nTwo.")).toMatchObject({ same: true, versionWords: 0, draftWords: 0 });
  });

  it("finds paragraphs only in the version, only in the draft, and words changed inside a paragraph", () => {
    const draft = "The harbor was quiet.\n\nA new paragraph the writer added.\n\nThe end came at dawn.";
    const version = "The harbor was loud and quiet.\n\nThe end came at dawn.\n\nAn epilogue the model wrote.";
    const result = compareDrafts(draft, version);
    expect(result.same).toBe(false);
    expect(result.blocks.map((b) => b.kind)).toEqual(["changed", "draft", "same", "version"]);
    const changed = result.blocks[0]!;
    expect(changed.kind === "changed" && changed.parts.filter((p) => p.side !== "both").map((p) => [p.side, p.text.trim()])).toEqual([["version", "loud and"]]);
    expect(result.blocks[1]).toEqual({ kind: "draft", paragraphs: ["A new paragraph the writer added."] });
    expect(result.blocks[3]).toEqual({ kind: "version", paragraphs: ["An epilogue the model wrote."] });
    expect(result.versionWords).toBe(2 + 5);
    expect(result.draftWords).toBe(6);
  });

  it("compares a long draft cut short (a continued draft) paragraph by paragraph", () => {
    const paragraph = (i: number) => `Paragraph ${i} ${"word ".repeat(60).trim()}.`;
    const long = Array.from({ length: 400 }, (_, i) => paragraph(i)).join("\n\n");
    const short = Array.from({ length: 60 }, (_, i) => paragraph(i)).join("\n\n");
    const result = compareDrafts(short, long);
    expect(result.blocks).toEqual([
      { kind: "same", paragraphs: expect.any(Array) },
      { kind: "version", paragraphs: expect.any(Array) },
    ]);
    expect(result.versionWords).toBe(340 * 62);
  });
});
