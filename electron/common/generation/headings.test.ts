import { describe, expect, it } from "vitest";
import { HeadingSplitter, readHeading, type DraftPiece } from "./headings";

/** Sections with their text, from pieces (adjacent text pieces joined). */
function sections(pieces: DraftPiece[]): Array<[string | null, string]> {
  const out: Array<[string | null, string]> = [];
  for (const p of pieces) {
    if (p.type === "section") out.push([p.title, ""]);
    else out[out.length - 1]![1] += p.text;
  }
  return out;
}

function split(text: string, chunk: number): DraftPiece[] {
  const splitter = new HeadingSplitter();
  const pieces: DraftPiece[] = [];
  for (let i = 0; i < text.length; i += chunk) pieces.push(...splitter.push(text.slice(i, i + chunk)));
  pieces.push(...splitter.end());
  return pieces;
}

describe("readHeading", () => {
  it.each<[string, { level: number; title: string } | null]>([
    ["## The harbor", { level: 2, title: "The harbor" }],
    ["### 3. Night falls ###", { level: 3, title: "Night falls" }],
    ["# **Bold title**", { level: 1, title: "Bold title" }],
    ["## 二、茶的历史", { level: 2, title: "茶的历史" }],
    ["#hashtag", null],
    ["####### seven", null],
    ["##", null],
    ["Plain text", null],
  ])("reads %j", (line, heading) => {
    expect(readHeading(line)).toEqual(heading);
  });
});

describe("the heading splitter", () => {
  const draft = "# A Guide to Tea\n\nTea is old.\n\n## Origins\n\nIt began in China.\n\n### A detail\n\nStill origins.\n\n## Today\n\nIt is everywhere.\n";

  it.each([1, 3, 7, 1000])("splits a draft at its section headings, whatever the chunks (%i characters)", (chunk) => {
    expect(sections(split(draft, chunk))).toEqual([
      ["A Guide to Tea", "# A Guide to Tea\n\nTea is old.\n\n"],
      ["Origins", "## Origins\n\nIt began in China.\n\n### A detail\n\nStill origins.\n\n"],
      ["Today", "## Today\n\nIt is everywhere.\n"],
    ]);
  });

  it("gives a title heading followed by a section heading to that section, and keeps every character", () => {
    const text = "# Title\n\n## One\nx\n## Two\ny";
    const pieces = split(text, 2);
    expect(sections(pieces)).toEqual([
      ["One", "# Title\n\n## One\nx\n"],
      ["Two", "## Two\ny"],
    ]);
    expect(pieces.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("")).toBe(text);
  });

  it("opens an untitled section for text before any heading, and takes the first heading's level as the section level", () => {
    expect(sections(split("Some opening words.\n### First\nA\n#### Deeper\nB\n### Second\nC", 4))).toEqual([
      [null, "Some opening words.\n"],
      ["First", "### First\nA\n#### Deeper\nB\n"],
      ["Second", "### Second\nC"],
    ]);
  });

  it("keeps hashtags and long lines that start with # as text", () => {
    expect(sections(split("## One\n#hashtag here\n# " + "x".repeat(400) + "\nend", 5))).toEqual([["One", "## One\n#hashtag here\n# " + "x".repeat(400) + "\nend"]]);
  });

  it("goes on across stretches: flush reads a held line and the next stretch starts a line", () => {
    const splitter = new HeadingSplitter();
    const first = [...splitter.push("## One\nText"), ...splitter.flush()];
    const second = [...splitter.push("## Two\nMore"), ...splitter.end()];
    expect(sections(first)).toEqual([["One", "## One\nText"]]);
    expect(sections(second)).toEqual([["Two", "## Two\nMore"]]);
  });
});
