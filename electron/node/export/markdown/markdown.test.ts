import { describe, expect, it } from "vitest";
import type { ExportDocument } from "../document";
import { annotation, findAnnotations } from "./annotations";
import { buildMarkdown } from "./build";
import { readFrontMatter, writeFrontMatter } from "./frontMatter";
import { shiftHeadings } from "./headings";
import { OPENING_TITLE, parseMarkdownDraft } from "./parse";

const doc: ExportDocument = {
  title: "The Lighthouse",
  instruction: 'Write a story about a "keeper" --> and the sea',
  language: "en",
  target: 3000,
  words: 22,
  model: "IS-Writer-8B-Q4_K_M",
  mode: "native",
  sections: [
    {
      title: "Arrival",
      brief: "The keeper arrives.",
      budget: 1000,
      words: 12,
      steps: [
        { number: 1, plan: "Introduce the keeper.\n- the storm", content: "The keeper came **at dusk**.\n\n# The tower\n\nIt was *old*.", reflection: "word count: 8/3000", words: 8 },
        { number: 2, plan: "", content: "Night fell.", reflection: "", words: 2 },
      ],
    },
    { title: "The storm", brief: "", budget: 2000, words: 10, steps: [{ number: 3, plan: "Storm hits --> hard.", content: "```\n# not a heading\n```\n\nWaves rose.", reflection: "done", words: 4 }] },
  ],
  plan: [],
};

describe("shiftHeadings", () => {
  it("moves headings deeper and back, leaving code blocks alone", () => {
    const text = "# One\n\ntext\n\n```\n# code\n```\n\nSetext\n------\n\n###### Six";
    const deeper = shiftHeadings(text, 2);
    expect(deeper).toContain("### One\n");
    expect(deeper).toContain("#### Setext");
    expect(deeper).toContain("```\n# code\n```");
    expect(deeper).toContain("###### Six");
    expect(shiftHeadings("### One\n\ntext", -2)).toBe("# One\n\ntext");
  });
});

describe("front matter", () => {
  it("round-trips strings with quotes, numbers and booleans", () => {
    const fields = { title: 'A "quoted": title', target: 5000, draft: true };
    const { fields: read, body } = readFrontMatter(`${writeFrontMatter(fields)}\n# Body`);
    expect(read).toEqual(fields);
    expect(body).toBe("\n# Body");
  });

  it("leaves a text without front matter as it is", () => {
    expect(readFrontMatter("# Title\n---\n")).toEqual({ fields: {}, body: "# Title\n---\n" });
  });
});

describe("plan annotations", () => {
  it("survive text that contains the comment terminator", () => {
    const written = annotation("plan", "a --> b");
    expect(written.match(/-->/g)).toHaveLength(1);
    expect(findAnnotations(written)[0]?.text).toBe("a --> b");
  });
});

describe("buildMarkdown", () => {
  it("writes the title, sections as ## and content headings two levels deeper", () => {
    const md = buildMarkdown(doc);
    expect(md).toMatch(/^---\ntitle: "The Lighthouse"\n/);
    expect(md).toContain("target: 3000\nwords: 22\nmodel: \"IS-Writer-8B-Q4_K_M\"");
    expect(md).toContain("\n# The Lighthouse\n\n## Arrival\n\nThe keeper came **at dusk**.\n\n### The tower\n\nIt was *old*.\n\nNight fell.\n\n## The storm\n");
    expect(md).not.toContain("draftline:plan");
  });

  it("adds plans and reflections as HTML comments only when asked", () => {
    const md = buildMarkdown(doc, { withPlan: true, frontMatter: false });
    expect(md.startsWith("# The Lighthouse")).toBe(true);
    expect(md).toContain("<!-- draftline:plan\nIntroduce the keeper.\n- the storm\n-->\n\nThe keeper came");
    expect(md).toContain("<!-- draftline:section budget=1000\nThe keeper arrives.\n-->");
    expect(md).toContain("<!-- draftline:reflection\nword count: 8/3000\n-->");
  });
});

describe("parseMarkdownDraft", () => {
  it("reads a Draftline export back into the same sections, steps, plans and reflections", () => {
    const parsed = parseMarkdownDraft(buildMarkdown(doc, { withPlan: true }), "file");
    expect(parsed.title).toBe("The Lighthouse");
    expect(parsed.fields).toMatchObject({ target: 3000, model: "IS-Writer-8B-Q4_K_M", instruction: doc.instruction });
    expect(parsed.sections.map((s) => [s.title, s.brief, s.budget])).toEqual([
      ["Arrival", "The keeper arrives.", 1000],
      ["The storm", "", 2000],
    ]);
    const steps = parsed.sections.flatMap((s) => s.steps);
    expect(steps).toEqual(doc.sections.flatMap((s) => s.steps.map(({ plan, content, reflection }) => ({ plan, content, reflection }))));
  });

  it("takes a lone top heading as the title and the next level as sections", () => {
    const parsed = parseMarkdownDraft("# My Book\n\n## One\n\nFirst.\n\n### Detail\n\nMore.\n\n## Two\n\nSecond.\n", "file");
    expect(parsed.title).toBe("My Book");
    expect(parsed.sections.map((s) => s.title)).toEqual(["One", "Two"]);
    expect(parsed.sections[0]?.steps[0]?.content).toBe("First.\n\n# Detail\n\nMore.");
  });

  it("uses the shallowest headings as sections when there are several, and keeps the text before them", () => {
    const parsed = parseMarkdownDraft("A preface.\n\n# Part one\n\nText one.\n\n# Part two\n\nText two.", "notes");
    expect(parsed.title).toBe("notes");
    expect(parsed.sections.map((s) => [s.title, s.steps[0]?.content])).toEqual([
      [OPENING_TITLE, "A preface."],
      ["Part one", "Text one."],
      ["Part two", "Text two."],
    ]);
  });

  it("makes a plain text without headings one section named after the file", () => {
    const parsed = parseMarkdownDraft("\ufeffJust some words.\r\nOn two lines.\r\n", "draft");
    expect(parsed.title).toBe("draft");
    expect(parsed.sections).toEqual([{ title: "draft", brief: "", budget: null, steps: [{ plan: "", content: "Just some words.\nOn two lines.", reflection: "" }] }]);
  });

  it("treats a single opening heading as both title and section", () => {
    const parsed = parseMarkdownDraft("# Letter to Ada\n\nDear Ada,\n", "x");
    expect(parsed.title).toBe("Letter to Ada");
    expect(parsed.sections.map((s) => s.title)).toEqual(["Letter to Ada"]);
  });
});
