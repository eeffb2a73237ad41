import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ExportDocument } from "../document";
import { exportDocument } from "../registry";
import { readZip } from "../testing/zip";
import { buildEpub } from "./build";

// epubcheck (Debian's package, a Java program) validates the book as reading systems' makers do. It
// is not a dependency of the project: where it is not installed, its check is skipped and says so.
const EPUBCHECK_JAR = "/usr/share/java/epubcheck.jar";
const hasEpubcheck = existsSync(EPUBCHECK_JAR) && existsSync("/usr/bin/java");
if (!hasEpubcheck) console.log(`epubcheck not installed (${EPUBCHECK_JAR} with Java: apt-get install epubcheck): the EPUB is checked by reading it back only.`);

const doc: ExportDocument = {
  title: "The Lighthouse & the Sea",
  instruction: "Write a story about a lighthouse keeper.",
  language: "en",
  target: 3000,
  words: 40,
  model: "IS-Writer-8B",
  mode: "native",
  sections: [
    {
      title: "Arrival",
      brief: "The keeper arrives.",
      budget: 1000,
      words: 25,
      steps: [
        {
          number: 1,
          plan: "Introduce the keeper.",
          content:
            "The keeper came **at dusk** and *alone* with ~~two~~ one `bag` &amp; a lamp <b>unclosed.\n\n# The tower\n\n1. climb\n2. light\n\n- salt\n- rope\n  - knots\n\n> The sea keeps what it takes.\n\n---\n\nMorning. <script>alert(1)</script> A [link](https://example.org) and ![a gull](gull.png).\n\n| tide | hour |\n| --- | --- |\n| high | 6 |",
          reflection: "word count: 25/3000",
          words: 25,
        },
      ],
    },
    { title: "", brief: "", budget: 1000, words: 5, steps: [{ number: 2, plan: "", content: "3. third\n4. fourth\n\nA bell \u0007rang.", reflection: "", words: 5 }] },
    { title: "风暴", brief: "", budget: 1000, words: 10, steps: [{ number: 3, plan: "", content: "守塔人独自来到了海边。", reflection: "", words: 10 }] },
  ],
  plan: [
    { title: "Arrival", brief: "The keeper arrives.", budget: 1000, words: 25 },
    { title: "风暴", brief: "", budget: 1000, words: 10 },
  ],
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-epub-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function unpack(options: Parameters<typeof buildEpub>[1] = {}) {
  const bytes = await buildEpub(doc, { author: "Ada Writer", modified: new Date("2025-01-02T03:04:05.678Z"), ...options });
  const files = readZip(bytes);
  const text = (name: string) => files.get(name)?.toString("utf8") ?? "";
  return { bytes, files, text };
}

describe("EPUB export", () => {
  it("starts with the mimetype, stored, with no extra field, as readers identify the file", async () => {
    const { bytes, files } = await unpack();
    expect(bytes.readUInt32LE(0)).toBe(0x04034b50);
    expect(bytes.readUInt16LE(8)).toBe(0); // stored, not deflated
    expect(bytes.readUInt16LE(26)).toBe("mimetype".length);
    expect(bytes.readUInt16LE(28)).toBe(0); // no extra field
    expect(bytes.toString("latin1", 30, 38)).toBe("mimetype");
    expect(bytes.toString("latin1", 38, 58)).toBe("application/epub+zip");
    expect([...files.keys()][0]).toBe("mimetype");
  });

  it("points container.xml at a package document with the title, author, language, identifier and modification time", async () => {
    const { text } = await unpack();
    expect(text("META-INF/container.xml")).toContain('<rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>');
    const opf = text("EPUB/package.opf");
    expect(opf).toContain('<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id"');
    expect(opf).toContain("<dc:title>The Lighthouse &amp; the Sea</dc:title>");
    expect(opf).toContain("<dc:language>en</dc:language>");
    expect(opf).toContain('<dc:creator id="author">Ada Writer</dc:creator>');
    expect(opf).toMatch(/<dc:identifier id="book-id">urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}<\/dc:identifier>/);
    expect(opf).toContain('<meta property="dcterms:modified">2025-01-02T03:04:05Z</meta>');
    // The same book keeps its identifier from one export to the next; another book has its own.
    const identifier = (xml: string) => /urn:uuid:[^<]+/.exec(xml)?.[0];
    expect(identifier((await unpack()).text("EPUB/package.opf"))).toBe(identifier(opf));
    const other = readZip(await buildEpub({ ...doc, title: "Another book" })).get("EPUB/package.opf")?.toString("utf8") ?? "";
    expect(identifier(other)).not.toBe(identifier(opf));
  });

  it("lists one entry per section in the navigation document and the NCX, each pointing at its own page in the spine", async () => {
    const { text, files } = await unpack();
    const nav = text("EPUB/nav.xhtml");
    expect(nav).toContain('<nav epub:type="toc" id="toc">');
    const entries = [...nav.matchAll(/<li><a href="([^"]+)">([^<]+)<\/a><\/li>/g)].map((m) => [m[1], m[2]]);
    expect(entries).toEqual([
      ["section-1.xhtml", "Arrival"],
      ["section-2.xhtml", "Section 2"],
      ["section-3.xhtml", "风暴"],
    ]);
    for (const [file] of entries) expect(files.has(`EPUB/${file}`)).toBe(true);
    expect([...text("EPUB/toc.ncx").matchAll(/<content src="([^"]+)"\/>/g)].map((m) => m[1])).toEqual(entries.map((e) => e[0]));
    const opf = text("EPUB/package.opf");
    expect([...opf.matchAll(/<itemref idref="([^"]+)"/g)].map((m) => m[1])).toEqual(["titlepage", "nav", "section-1", "section-2", "section-3"]);
    expect(opf).toContain('<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>');
  });

  it("sets the text as XHTML: emphasis, headings under the section's, lists, quotes, scene breaks; raw HTML and controls as nothing that runs or breaks the XML", async () => {
    const { text } = await unpack();
    const page = text("EPUB/section-1.xhtml");
    expect(page).toContain("<h1>Arrival</h1>");
    expect(page).toContain("<h2>The tower</h2>");
    expect(page).toContain("The keeper came <strong>at dusk</strong> and <em>alone</em> with <del>two</del> one <code>bag</code> &amp; a lamp &lt;b&gt;unclosed.");
    expect(page).toContain("Morning. &lt;script&gt;alert(1)&lt;/script&gt; A");
    expect(page).toContain("<ol>\n<li>climb</li>\n<li>light</li>\n</ol>");
    expect(page).toContain("<li>rope\n<ul>\n<li>knots</li>\n</ul>\n</li>");
    expect(page).toContain("<blockquote>\n<p>The sea keeps what it takes.</p>\n</blockquote>");
    expect(page).toContain('<hr class="scene-break"/>');
    expect(page).toContain('A <a href="https://example.org">link</a> and <em>[a gull]</em>.');
    expect(page).not.toMatch(/<script|<b>/);
    expect(page).not.toContain("gull.png");
    expect(page).toContain("<th>tide</th>");
    expect(text("EPUB/section-2.xhtml")).toContain('<ol start="3">');
    expect(text("EPUB/section-2.xhtml")).toContain("A bell rang.");
    expect(text("EPUB/title.xhtml")).toContain('<p class="author">Ada Writer</p>');
  });

  it("adds the plan appendix to the book and its table of contents only when asked", async () => {
    expect((await unpack()).files.has("EPUB/appendix.xhtml")).toBe(false);
    const { text } = await unpack({ withPlan: true });
    const appendix = text("EPUB/appendix.xhtml");
    expect(appendix).toContain("<h1>Appendix: plan and reflections</h1>");
    expect(appendix).toContain("Introduce the keeper.");
    expect(appendix).toContain("word count: 25/3000");
    expect(appendix).toContain("<strong>Arrival</strong>: 1000 words budgeted, 25 written. The keeper arrives.");
    expect(text("EPUB/nav.xhtml")).toContain('<li><a href="appendix.xhtml">Appendix: plan and reflections</a></li>');
  });

  it("is one of the registry's formats, chosen by the .epub extension", async () => {
    const result = await exportDocument(doc, { path: path.join(dir, "book.epub"), author: "Ada Writer" });
    expect(result.format).toBe("epub");
    const files = readZip(await readFile(result.path));
    expect(files.get("EPUB/package.opf")?.toString("utf8")).toContain("Ada Writer");
    await expect(exportDocument(doc, { path: path.join(dir, "book.md"), format: "epub" })).rejects.toMatchObject({ message: expect.stringContaining("An EPUB e-book export is a .epub file, not .md") });
  });

  it("lists the title page in the table of contents of a draft with no text yet", async () => {
    const files = readZip(await buildEpub({ ...doc, sections: [], plan: [] }));
    expect(files.get("EPUB/nav.xhtml")?.toString()).toContain('<li><a href="title.xhtml">The Lighthouse &amp; the Sea</a></li>');
  });

  it.skipIf(!hasEpubcheck)("passes epubcheck (every part: title page, sections, appendix, unfinished note, author)", { timeout: 240_000 }, async () => {
    const file = path.join(dir, "book.epub");
    await writeFile(file, await buildEpub({ ...doc, unfinished: true }, { withPlan: true, author: "Ada Writer" }));
    const result = await promisify(execFile)("java", ["-jar", EPUBCHECK_JAR, file], { timeout: 200_000 }).catch((error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? "", stderr: error.stderr ?? "" }));
    expect(`${result.stdout}\n${result.stderr}`).toContain("No errors or warnings detected.");
  });
});
