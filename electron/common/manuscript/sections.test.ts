import { describe, expect, it } from "vitest";
import { assignSection, matchSections, normalizeTitle } from "./sections";

const sec = (id: string, title: string, budget = 10) => ({ id, title, brief: "", budget });
const draft = (title: string, budget = 10) => ({ title, brief: "", budget });

describe("matchSections", () => {
  it("keeps ids by title, then by order, and numbers new sections", () => {
    const old = [sec("sec-1", "Intro"), sec("sec-2", "History"), sec("sec-3", "End")];
    const { sections, next } = matchSections(old, [draft("history"), draft("Opening"), draft("End"), draft("Coda")], 4);
    expect(sections.map((s) => [s.id, s.title])).toEqual([["sec-2", "history"], ["sec-1", "Opening"], ["sec-3", "End"], ["sec-4", "Coda"]]);
    expect(next).toBe(5);
  });

  it("pairs repeated titles in order and drops old sections left over", () => {
    const old = [sec("sec-1", "Example"), sec("sec-2", "Example"), sec("sec-3", "Extra")];
    const { sections, next } = matchSections(old, [draft("Example"), draft("Example")], 4);
    expect(sections.map((s) => s.id)).toEqual(["sec-1", "sec-2"]);
    expect(next).toBe(4);
  });
});

describe("normalizeTitle", () => {
  it("ignores case, emphasis, quotes, spaces and end punctuation", () => {
    expect(normalizeTitle("  **The  History**: ")).toBe("the history");
    expect(normalizeTitle("《茶的历史》。")).toBe("茶的历史");
  });
});

describe("assignSection", () => {
  it("gives no section when the plan has none", () => {
    expect(assignSection([], [], "anything")).toBeNull();
  });

  it("ignores one-letter titles, which would match almost any plan", () => {
    expect(assignSection([sec("sec-1", "A", 100), sec("sec-2", "B", 100)], [], "a plan about b")).toBe("sec-1");
  });
});
