import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Document, ImageRun, Packer, Paragraph, Table, TableCell, TableRow, TextRun, CommentRangeStart, CommentRangeEnd, CommentReference, FootnoteReferenceRun, ExternalHyperlink } from "docx";
import JSZip from "jszip";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkInvariants } from "../../../common/manuscript/invariants";
import { describeImportNotice } from "../../../common/project/importNotices";
import { exportManuscript, toExportDocument } from "../exportManuscript";
import { importDraftFile, importMarkdown } from "../import";
import { docxToMarkdown, MAX_DOCX_UNPACKED_BYTES } from "./read";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-docx-import-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A draft with everything a writer's Word document holds: headings, emphasis, lists, quotes, a scene break. */
const DRAFT = [
  "# The Lighthouse",
  "## Arrival",
  "The keeper came **at dusk** and *alone*, with ~~two~~ one bag.",
  "She counted what she had:",
  "- salt\n- rope\n  - knots\n- oil",
  "> The sea keeps what it takes.",
  "---",
  "Morning came grey. It was 5 o'clock & raining; the lamp read <content> on its brass plate.",
  "## The storm",
  "### The tower",
  "1. climb\n2. light\n3. wait",
  "Then ***everything*** went dark.",
  "## 第三章",
  "守塔人独自来到了海边。",
].join("\n\n");

describe("DOCX import", () => {
  it("round-trips a draft: exporting it to Word with our exporter and importing the .docx gives the same sections and text", async () => {
    const original = importMarkdown(DRAFT, { fallbackTitle: "x" });
    const file = path.join(dir, "draft.docx");
    await exportManuscript(original.manuscript, { path: file, title: original.title });
    const back = await importDraftFile(file);
    expect(back.title).toBe("The Lighthouse");
    const view = (draft: typeof original) => toExportDocument(draft.manuscript, { title: draft.title }).sections.map((s) => ({ title: s.title, text: s.steps.map((t) => t.content).join("\n\n") }));
    expect(view(back)).toEqual(view(original));
    expect(back.manuscript.sections.map((s) => [s.title, s.budget])).toEqual(original.manuscript.sections.map((s) => [s.title, s.budget]));
    expect(back.manuscript.targetWords).toBe(original.manuscript.targetWords);
    expect(back.words).toBe(original.words);
    expect(back.notices).toEqual([]);
    expect(checkInvariants(back.manuscript)).toEqual([]);
  });

  it("brings back the target, the model and the unfinished mark a Draftline export recorded, and leaves its plan appendix out, saying so", async () => {
    const original = importMarkdown(DRAFT, { fallbackTitle: "x" });
    const manuscript = { ...original.manuscript, targetWords: 5000 };
    const file = path.join(dir, "draft.docx");
    await exportManuscript(manuscript, { path: file, title: "The Lighthouse", model: "IS-Writer-8B", withPlan: true, unfinished: true });
    const back = await importDraftFile(file);
    expect(back.manuscript.targetWords).toBe(5000);
    expect(back.generation.model).toBe("IS-Writer-8B");
    expect(back.manuscript.sections.map((s) => s.title)).toEqual(["Arrival", "The storm", "第三章"]);
    expect(back.manuscript.steps.map((s) => s.content).join("\n")).not.toMatch(/Unfinished draft|Appendix|Global plan/);
    expect(back.notices).toEqual([{ kind: "planAppendix", count: 1 }]);
  });

  it("reads a writer's own document: Word's heading styles without a Title, the file name as the title, typed scene breaks", async () => {
    const doc = new Document({
      sections: [
        {
          children: [
            new Paragraph({ heading: "Heading1", children: [new TextRun("One")] }),
            new Paragraph({ children: [new TextRun("First part.")] }),
            new Paragraph({ children: [new TextRun("#")] }),
            new Paragraph({ children: [new TextRun("After the break.")] }),
            new Paragraph({ heading: "Heading1", children: [new TextRun("Two")] }),
            new Paragraph({ children: [new TextRun("Second part.")] }),
            new Paragraph({ children: [new TextRun("⁂")] }),
            new Paragraph({ children: [new TextRun("- a dash that is text, * and a star.")] }),
          ],
        },
      ],
    });
    const file = path.join(dir, "My Novel.docx");
    await writeFile(file, await Packer.toBuffer(doc));
    const back = await importDraftFile(file);
    expect(back.title).toBe("My Novel");
    expect(back.manuscript.steps.map((s) => [s.sectionId, s.content])).toEqual([
      ["sec-1", "First part.\n\n---\n\nAfter the break."],
      ["sec-2", "Second part.\n\n---\n\n\\- a dash that is text, \\* and a star."],
    ]);
  });

  it("reports pictures, tables, comments, footnotes and links instead of losing them in silence, and keeps every word", async () => {
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64");
    const doc = new Document({
      comments: { children: [{ id: 0, author: "Editor", children: [new Paragraph("Cut this?")] }] },
      footnotes: { 1: { children: [new Paragraph("A note at the foot.")] } },
      sections: [
        {
          children: [
            new Paragraph({ heading: "Heading1", children: [new TextRun("Chapter")] }),
            new Paragraph({ children: [new CommentRangeStart(0), new TextRun("Commented words."), new CommentRangeEnd(0), new TextRun({ children: [new CommentReference(0)] })] }),
            new Paragraph({ children: [new ImageRun({ type: "png", data: png, transformation: { width: 10, height: 10 } })] }),
            new Table({ rows: [new TableRow({ children: [new TableCell({ children: [new Paragraph("cell one")] }), new TableCell({ children: [new Paragraph("cell two")] })] })] }),
            new Paragraph({ children: [new TextRun("With a note"), new FootnoteReferenceRun(1), new TextRun(" and a "), new ExternalHyperlink({ link: "https://example.org", children: [new TextRun("link")] }), new TextRun(".")] }),
          ],
        },
      ],
    });
    const { markdown, notices } = await docxToMarkdown(await Packer.toBuffer(doc));
    for (const words of ["Commented words.", "cell one", "cell two", "With a note", "A note at the foot.", "and a link."]) expect(markdown).toContain(words);
    expect(markdown).not.toContain("Cut this?");
    expect(markdown).not.toContain("example.org");
    expect(Object.fromEntries(notices.map((n) => [n.kind, n.count]))).toEqual({ comments: 1, images: 1, tables: 1, footnotes: 1, links: 1 });
    expect(notices.map(describeImportNotice)).toContain("1 picture was left out: Draftline keeps only text.");
  });

  it("refuses a .docx that is not one, or that unpacks to more than a draft holds, with its own message", async () => {
    const notZip = path.join(dir, "fake.docx");
    await writeFile(notZip, "just text, named .docx");
    await expect(importDraftFile(notZip)).rejects.toMatchObject({ code: "foreign", message: expect.stringMatching(/^Cannot import fake\.docx: it is not a Word document \(\.docx\)/) });

    const otherZip = new JSZip();
    otherZip.file("hello.txt", "hi");
    const wrong = path.join(dir, "wrong.docx");
    await writeFile(wrong, await otherZip.generateAsync({ type: "nodebuffer" }));
    await expect(importDraftFile(wrong)).rejects.toMatchObject({ code: "foreign", message: expect.stringContaining("no word/document.xml") });

    // A zip bomb: a few kilobytes whose text would unpack past the cap (here 4 MiB), whatever the archive declares.
    const bomb = new JSZip();
    bomb.file("word/document.xml", Buffer.alloc(4 * 1024 * 1024 + 1024, 0x20), { compression: "DEFLATE", compressionOptions: { level: 9 } });
    const packed = await bomb.generateAsync({ type: "nodebuffer", compression: "DEFLATE" });
    expect(packed.length).toBeLessThan(64 * 1024);
    await expect(docxToMarkdown(packed, { maxUnpackedBytes: 4 * 1024 * 1024 })).rejects.toMatchObject({ reason: "too-large", message: "its text unpacks to more than 4 MiB, far more than a draft holds." });
    expect(MAX_DOCX_UNPACKED_BYTES).toBeGreaterThanOrEqual(64 * 1024 * 1024);

    const empty = path.join(dir, "empty.docx");
    await writeFile(empty, await Packer.toBuffer(new Document({ sections: [{ children: [] }] })));
    await expect(importDraftFile(empty)).rejects.toMatchObject({ code: "foreign", message: "Cannot import empty.docx: it has no text." });
  });
});
