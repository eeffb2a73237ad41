import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkInvariants } from "../../common/manuscript/invariants";
import { sampleManuscript } from "../../common/testing/sampleManuscript";
import { exportManuscript, titleFromInstruction, toExportDocument } from "./exportManuscript";
import { importMarkdown, importDraftFile } from "./import";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-import-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("importMarkdown", () => {
  it("makes headings sections, with budgets equal to their words and the total as target", () => {
    const draft = "# My Book\n\n## One\n\nThe first part has six words.\n\n## Two\n\nThe second part has exactly seven words.\n\n### A detail\n\nTwo more.\n";
    const { title, manuscript, words } = importMarkdown(draft, { fallbackTitle: "file" });
    expect(title).toBe("My Book");
    expect(manuscript.sections.map((s) => [s.title, s.budget])).toEqual([
      ["One", 6],
      ["Two", 11],
    ]);
    expect(manuscript.targetWords).toBe(17);
    expect(words).toBe(17);
    expect(manuscript.steps.map((s) => [s.sectionId, s.content, s.status])).toEqual([
      ["sec-1", "The first part has six words.", "done"],
      ["sec-2", "The second part has exactly seven words.\n\n# A detail\n\nTwo more.", "done"],
    ]);
    expect(manuscript.instruction).toBe('Continue the draft "My Book".');
    expect(manuscript.finished).toBe(false);
    expect(checkInvariants(manuscript)).toEqual([]);
  });

  it("keeps a valid manuscript when the draft repeats a heading or quotes a protocol tag", () => {
    const { manuscript } = importMarkdown("# Notes\n\nSee <content> here.\n\n# Notes\n\nAgain <FINISHED>.", { fallbackTitle: "x" });
    expect(manuscript.sections.map((s) => s.title)).toEqual(["Notes", "Notes (2)"]);
    expect(manuscript.steps[0]?.content).toBe("See &lt;content> here.");
    expect(checkInvariants(manuscript)).toEqual([]);
  });

  it("reads an export marked unfinished back without its note: the same draft as an export that is not", async () => {
    const plain = path.join(dir, "plain.md");
    const marked = path.join(dir, "marked.md");
    await exportManuscript(sampleManuscript(), { path: plain, title: "Lighthouse" });
    await exportManuscript(sampleManuscript(), { path: marked, title: "Lighthouse", unfinished: true });
    const text = await readFile(marked, "utf8");
    expect(text).toMatch(/^status: "unfinished"$/m);
    expect(text).toMatch(/^\*Unfinished draft: the model stopped at [\d,]+ of [\d,]+ words\.\*$/m);
    const back = (file: string) => importDraftFile(file).then((d) => ({ title: d.title, sections: d.manuscript.sections, steps: d.manuscript.steps }));
    expect(await back(marked)).toEqual(await back(plain));
  });

  it("round-trips a quoted <content> through export and import again: the reference is kept, never escaped twice", async () => {
    const first = importMarkdown("# Notes\n\nSee <content> here.", { fallbackTitle: "x" });
    const file = path.join(dir, "notes.md");
    await exportManuscript(first.manuscript, { path: file, title: "Notes" });
    expect(await readFile(file, "utf8")).toContain("See &lt;content> here.");
    const again = await importDraftFile(file);
    expect(again.manuscript.steps[0]?.content).toBe("See &lt;content> here.");
  });

  it("detects Chinese and counts its words", () => {
    const { manuscript } = importMarkdown("# 第一章\n\n守塔人独自来到了海边。", { fallbackTitle: "x" });
    expect(manuscript.language).toBe("zh");
    expect(manuscript.targetWords).toBeGreaterThan(0);
    expect(checkInvariants(manuscript)).toEqual([]);
  });
});

describe("export then import", () => {
  it("brings back the draft, its plans, reflections, budgets and target from a Markdown export with the plan", async () => {
    const original = sampleManuscript();
    const file = path.join(dir, "story.md");
    await exportManuscript(original, { path: file, withPlan: true, title: "The Lighthouse", model: "IS-Writer-8B", mode: "native" });
    const back = await importDraftFile(file);
    expect(back.title).toBe("The Lighthouse");
    expect(back.generation).toEqual({ model: "IS-Writer-8B", mode: "native" });
    expect(back.manuscript.instruction).toBe(original.instruction);
    expect(back.manuscript.targetWords).toBe(original.targetWords);
    expect(back.manuscript.sections.map(({ title, brief, budget }) => ({ title, brief, budget }))).toEqual(original.sections.map(({ title, brief, budget }) => ({ title, brief, budget })));
    const fields = (s: (typeof original.steps)[number]) => ({ sectionId: s.sectionId, plan: s.plan, content: s.content, reflection: s.reflection, words: s.words });
    expect(back.manuscript.steps.map(fields)).toEqual(original.steps.map(fields));
    expect(checkInvariants(back.manuscript)).toEqual([]);
  });

  it("gives the same draft text through a plain export (sections and text, no plans)", async () => {
    const original = sampleManuscript();
    const file = path.join(dir, "story.md");
    await exportManuscript(original, { path: file, title: "The Lighthouse" });
    const text = await readFile(file, "utf8");
    expect(text).not.toContain("draftline:plan");
    const back = await importDraftFile(file);
    expect(toExportDocument(back.manuscript, { title: back.title }).sections.map((s) => [s.title, s.steps.map((t) => t.content).join("\n\n")])).toEqual(
      toExportDocument(original).sections.map((s) => [s.title, s.steps.map((t) => t.content).join("\n\n")]),
    );
  });
});

describe("importDraftFile", () => {
  it.each([
    ["a missing file", null, "not-found", /no such file/],
    ["a Word document", Buffer.from("PK\u0003\u0004rest-of-zip"), "foreign", /binary file/],
    ["a Draftline project", Buffer.from('{"format":"draftline-project","schemaVersion":1}'), "foreign", /open it instead/],
    ["an empty file", Buffer.from("  \n"), "foreign", /empty/],
  ] as const)("refuses %s with its own message", async (_label, content, code, message) => {
    const file = path.join(dir, "input.md");
    if (content) await writeFile(file, content);
    await expect(importDraftFile(file)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });
});

describe("titleFromInstruction", () => {
  it("takes the first sentence, shortened at a word", () => {
    expect(titleFromInstruction("Write a story about a lighthouse keeper. About 100 words.")).toBe("Write a story about a lighthouse keeper");
    expect(titleFromInstruction("")).toBe("Untitled");
    expect(titleFromInstruction("word ".repeat(40)).length).toBeLessThanOrEqual(60);
  });
});
