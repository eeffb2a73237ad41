import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeProjectFile } from "../../../common/project/file";
import { readZip } from "../../export/testing/zip";
import { journalPathFor, newProjectFile } from "../../projects/projectFile";
import { sampleManuscript } from "../../../common/testing/sampleManuscript";
import type { CliIO } from "../command";
import { runCli } from "../main";

function memoryIO(cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const io: CliIO = { stdin: Readable.from([""]), stdout, stderr, isTTY: false, cwd, env: {} };
  return { io, out: () => out, err: () => err };
}

describe("draftline export", () => {
  let dir: string;
  const project = newProjectFile({ title: "The Lighthouse", manuscript: sampleManuscript(), generation: { model: "IS-Writer-8B", mode: "native" }, appVersion: "test" });
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-cli-export-"));
    await writeFile(path.join(dir, "story.draftline"), encodeProjectFile(project));
    await writeFile(path.join(dir, "broken.draftline"), encodeProjectFile(project).slice(0, 200));
    await writeFile(path.join(dir, "future.draftline"), JSON.stringify({ ...project, schemaVersion: 99 }));
    await writeFile(path.join(dir, "notes.draftline"), "# Some notes\n");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("writes a Word document with the sections as Heading 1", async () => {
    const { io, out } = memoryIO(dir);
    expect(await runCli(["export", "story.draftline", "--to", "story.docx"], io)).toBe(0);
    expect(out()).toMatch(/^Exported 45 words to story\.docx \(docx, [\d.]+ KB\)\.\n$/);
    const xml = readZip(await readFile(path.join(dir, "story.docx"))).get("word/document.xml")?.toString() ?? "";
    expect(xml).toMatch(/<w:pStyle w:val="Heading1"\/><w:keepNext\/><\/w:pPr><w:r><w:t xml:space="preserve">Arrival<\/w:t>/);
    expect(xml).not.toContain("word count: 20/100");
  });

  it("writes Markdown, with the plans when asked", async () => {
    const { io } = memoryIO(dir);
    expect(await runCli(["export", "story.draftline", "--to", "story.md", "--with-plan"], io)).toBe(0);
    const md = await readFile(path.join(dir, "story.md"), "utf8");
    expect(md).toMatch(/^---\ntitle: "The Lighthouse"\n/);
    expect(md).toContain("## Arrival");
    expect(md).toContain("<!-- draftline:reflection\nword count: 20/100. On track.\n-->");
  });

  it("writes an EPUB e-book with its author, a table of contents of the sections and, when asked, the plan appendix", async () => {
    const { io, out } = memoryIO(dir);
    expect(await runCli(["export", "story.draftline", "--to", "story.epub", "--author", "Ada Writer", "--with-plan"], io)).toBe(0);
    expect(out()).toMatch(/^Exported 45 words to story\.epub \(epub, [\d.]+ KB\)\.\n$/);
    const files = readZip(await readFile(path.join(dir, "story.epub")));
    expect(files.get("mimetype")?.toString()).toBe("application/epub+zip");
    const opf = files.get("EPUB/package.opf")?.toString() ?? "";
    expect(opf).toContain("<dc:title>The Lighthouse</dc:title>");
    expect(opf).toContain('<dc:creator id="author">Ada Writer</dc:creator>');
    const nav = files.get("EPUB/nav.xhtml")?.toString() ?? "";
    expect([...nav.matchAll(/<a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1])).toEqual([...project.manuscript.sections.map((s) => s.title), "Appendix: plan and reflections"]);
  });

  it("says when the project has newer autosaved changes than the file it exports", async () => {
    await writeFile(journalPathFor(path.join(dir, "story.draftline")), encodeProjectFile({ ...project, savedAt: project.savedAt + 1000 }));
    const { io, err } = memoryIO(dir);
    expect(await runCli(["export", "story.draftline", "--to", "again.md"], io)).toBe(0);
    expect(err()).toMatch(/newer unsaved changes/);
    await rm(journalPathFor(path.join(dir, "story.draftline")));
  });

  it.each<[string, string[], number, RegExp]>([
    ["a missing project", ["export", "gone.draftline", "--to", "x.md"], 1, /gone\.draftline does not exist/],
    ["a damaged project", ["export", "broken.draftline", "--to", "x.md"], 1, /damaged Draftline project/],
    ["a project from a newer Draftline", ["export", "future.draftline", "--to", "x.md"], 1, /newer version of Draftline/],
    ["a file that is not a project", ["export", "notes.draftline", "--to", "x.md"], 1, /not a Draftline project/],
    ["an unknown extension", ["export", "story.draftline", "--to", "story.pdf"], 2, /Cannot export to a \.pdf file/],
    ["no --to", ["export", "story.draftline"], 2, /--to OUT\.docx/],
    ["an author that is too long", ["export", "story.draftline", "--to", "x.epub", "--author", "A".repeat(201)], 2, /--author is at most 200 characters/],
    ["an output folder that does not exist", ["export", "story.draftline", "--to", "no/such/dir/out.docx"], 1, /folder .*does not exist/],
    ["an output that is a folder", ["export", "story.draftline", "--to", "."], 2, /extension/],
  ])("refuses %s with a clear message", async (_label, argv, code, message) => {
    const { io, err } = memoryIO(dir);
    const before = await readdir(dir);
    expect(await runCli(argv, io)).toBe(code);
    expect(err()).toMatch(message);
    expect(await readdir(dir)).toEqual(before);
  });
});
