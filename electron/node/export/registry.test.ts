import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { realFs, type AtomicFs } from "../base/atomicWrite";
import type { ExportDocument } from "./document";
import { exportDocument, findExporter, listExporters, registerExporter } from "./registry";
import { readZip } from "./testing/zip";

const doc: ExportDocument = {
  title: "Notes",
  instruction: "",
  language: "en",
  target: 10,
  words: 2,
  model: null,
  mode: null,
  sections: [{ title: "One", brief: "", budget: 10, words: 2, steps: [{ number: 1, plan: "", content: "Hello *world*.", reflection: "", words: 2 }] }],
  plan: [{ title: "One", brief: "", budget: 10, words: 2 }],
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-export-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("exportDocument", () => {
  it("picks the format from the extension", async () => {
    const md = await exportDocument(doc, { path: path.join(dir, "notes.md") });
    expect(md.format).toBe("markdown");
    expect(await readFile(md.path, "utf8")).toContain("# Notes\n\n## One\n\nHello *world*.");
    const docx = await exportDocument(doc, { path: path.join(dir, "notes.DOCX") });
    expect(docx.format).toBe("docx");
    expect(readZip(await readFile(docx.path)).get("word/document.xml")?.toString()).toContain("Hello ");
  });

  it("refuses an unknown extension or format with the formats it knows", async () => {
    await expect(exportDocument(doc, { path: path.join(dir, "notes.pdf") })).rejects.toMatchObject({ code: "unsupported-format", message: expect.stringContaining(".docx") });
    await expect(exportDocument(doc, { path: path.join(dir, "notes") })).rejects.toMatchObject({ code: "unsupported-format" });
    await expect(exportDocument(doc, { path: path.join(dir, "notes.md"), format: "odt" })).rejects.toMatchObject({ code: "unsupported-format" });
    expect(await readdir(dir)).toEqual([]);
  });

  it("writes a named format only to a file with that format's extension", async () => {
    await writeFile(path.join(dir, ".bashrc"), "export PATH=/usr/bin\n");
    await expect(exportDocument(doc, { path: path.join(dir, ".bashrc"), format: "markdown" })).rejects.toMatchObject({
      code: "unsupported-format",
      message: "A Markdown export is a .md, .markdown, .txt file: end the file name with .md.",
    });
    await expect(exportDocument(doc, { path: path.join(dir, "notes.docx"), format: "markdown" })).rejects.toMatchObject({ message: expect.stringContaining("not .docx") });
    await expect(exportDocument(doc, { path: path.join(dir, "notes.md"), format: "docx" })).rejects.toMatchObject({ message: expect.stringContaining("A Word document export is a .docx file, not .md") });
    expect(await readFile(path.join(dir, ".bashrc"), "utf8")).toBe("export PATH=/usr/bin\n");
    expect((await exportDocument(doc, { path: path.join(dir, "notes.markdown"), format: "markdown" })).format).toBe("markdown");
    expect((await exportDocument(doc, { path: path.join(dir, "notes.DOCX"), format: "docx" })).format).toBe("docx");
  });

  it("leaves no partial file and the earlier export intact when the disk is full", async () => {
    const file = path.join(dir, "notes.docx");
    await writeFile(file, "earlier export");
    const full: AtomicFs = {
      ...realFs,
      open: async (f, flags, mode) => {
        const handle = await realFs.open(f, flags, mode);
        return { ...handle, writeFile: async () => Promise.reject(Object.assign(new Error("ENOSPC"), { code: "ENOSPC" })), sync: () => handle.sync(), close: () => handle.close() };
      },
    };
    await expect(exportDocument(doc, { path: file }, full)).rejects.toMatchObject({ code: "disk-full", message: expect.stringMatching(/disk is full/) });
    expect(await readFile(file, "utf8")).toBe("earlier export");
    expect(await readdir(dir)).toEqual(["notes.docx"]);
  });

  it("names a missing folder and leaves nothing behind", async () => {
    await expect(exportDocument(doc, { path: path.join(dir, "no", "such", "notes.md") })).rejects.toMatchObject({ code: "not-found" });
  });

  it("takes new formats as plugins", async () => {
    registerExporter({ id: "plain", extension: "text", label: "Plain text", export: async ({ document }) => document.sections.map((s) => s.title).join("\n") });
    expect(listExporters().map((e) => e.id)).toContain("plain");
    expect(findExporter(undefined, "x.text").id).toBe("plain");
    const result = await exportDocument(doc, { path: path.join(dir, "out.text") });
    expect(await readFile(result.path, "utf8")).toBe("One");
  });
});
