// The draft as an EPUB 3 book, packed with JSZip: the package is a few XML files Draftline writes
// itself (container, package document, navigation), so no EPUB generator is used. The ones on npm
// (epub-gen-memory and its forks) fetch images and fonts over the network while they build and bring
// template engines along; a book made here must be built offline, from the writer's text only.
import { createHash } from "node:crypto";
import JSZip from "jszip";
import type { ExportDocument } from "../document";
import { unfinishedNote } from "../markdown/build";
import { escapeXml, markdownToXhtml } from "./xhtml";

export interface EpubOptions {
  /** Add the global plan, the step plans and the reflections as an appendix (in the table of contents). */
  withPlan?: boolean;
  /** The book's author (dc:creator); left out, the book names none. */
  author?: string;
  /** The modification time the package records (default: now). */
  modified?: Date;
}

/** The words a book's own pages use, in the document's language. */
const WORDS = {
  en: { contents: "Contents", appendix: "Appendix: plan and reflections", globalPlan: "Global plan", step: "Step", plan: "Plan", reflection: "Reflection", section: "Section", budget: (b: number, w: number) => `${b} words budgeted, ${w} written.` },
  zh: { contents: "目录", appendix: "附录：计划与反思", globalPlan: "总体计划", step: "步骤", plan: "计划", reflection: "反思", section: "第", budget: (b: number, w: number) => `预算 ${b} 字，已写 ${w} 字。` },
};

interface Chapter {
  id: string;
  file: string;
  title: string;
  body: string;
}

/**
 * An EPUB 3 of the draft: a title page, one XHTML file per section (its title a heading, the text's
 * own headings below it), a navigation document and an NCX (for EPUB 2 readers) listing the sections,
 * and with `withPlan` an appendix with the plans and reflections. The package document carries the
 * title, the language, the author when given, and an identifier made from the title and the
 * instruction, so a new export of the same book replaces the old one in a reader's library.
 */
export async function buildEpub(doc: ExportDocument, options: EpubOptions = {}): Promise<Buffer> {
  const lang = languageTag(doc.language);
  const words = lang.startsWith("zh") ? WORDS.zh : WORDS.en;
  const title = doc.title.trim() || "Untitled";
  const author = options.author?.trim() ?? "";
  const identifier = `urn:uuid:${stableUuid(`${title}\n${doc.instruction}`)}`;
  const modified = (options.modified ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");

  const chapters: Chapter[] = doc.sections.map((section, i) => {
    const heading = section.title.trim() || (lang.startsWith("zh") ? `${words.section} ${i + 1} 节` : `${words.section} ${i + 1}`);
    const text = section.steps.map((step) => markdownToXhtml(step.content, 1)).join("");
    const id = `section-${i + 1}`;
    return { id, file: `${id}.xhtml`, title: heading, body: `<section epub:type="chapter" id="${id}">\n<h1>${escapeXml(heading)}</h1>\n${text}</section>` };
  });
  if (options.withPlan) chapters.push(appendix(doc, words));

  const note = doc.unfinished ? `<p class="note">${escapeXml(unfinishedNote(doc).replace(/^\*|\*$/g, ""))}</p>\n` : "";
  const titlePage = `<section epub:type="titlepage" class="titlepage">\n<h1 class="title">${escapeXml(title)}</h1>\n${author ? `<p class="author">${escapeXml(author)}</p>\n` : ""}${note}</section>`;

  const zip = new JSZip();
  const date = options.modified ?? new Date();
  // The mimetype first and stored: a reader identifies the file by these bytes at offset 30.
  zip.file("mimetype", "application/epub+zip", { compression: "STORE", date });
  const add = (name: string, text: string) => zip.file(name, text, { date });
  add("META-INF/container.xml", CONTAINER);
  add("EPUB/style.css", STYLE);
  add("EPUB/title.xhtml", xhtmlPage(title, lang, titlePage));
  // A draft with no text yet still has a table of contents: the title page.
  const listed = chapters.length > 0 ? chapters : [{ id: "titlepage", file: "title.xhtml", title, body: "" }];
  add("EPUB/nav.xhtml", xhtmlPage(words.contents, lang, navDocument(listed, words.contents)));
  add("EPUB/toc.ncx", ncx(listed, title, identifier, lang));
  for (const chapter of chapters) add(`EPUB/${chapter.file}`, xhtmlPage(chapter.title, lang, chapter.body));
  add("EPUB/package.opf", packageDocument({ title, author, lang, identifier, modified, chapters, description: doc.instruction }));
  return zip.generateAsync({ type: "nodebuffer", compression: "DEFLATE", compressionOptions: { level: 9 }, mimeType: "application/epub+zip" });
}

const CONTAINER = `<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles>
    <rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
  </rootfiles>
</container>
`;

const STYLE = `body { font-family: serif; line-height: 1.5; margin: 0 5%; }
h1, h2, h3, h4, h5, h6 { font-family: sans-serif; line-height: 1.2; page-break-after: avoid; }
h1 { font-size: 1.6em; margin: 2em 0 1em; }
p { margin: 0 0 0.8em; }
blockquote { margin: 1em 2em; font-style: italic; }
pre { white-space: pre-wrap; font-size: 0.85em; }
hr.scene-break { border: none; border-top: 1px solid #888; width: 30%; margin: 1.5em auto; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #888; padding: 0.2em 0.5em; }
.titlepage { text-align: center; margin-top: 30%; }
.titlepage .title { font-size: 2em; }
.titlepage .author { font-size: 1.2em; margin-top: 1em; }
.note { font-style: italic; }
nav ol { list-style: none; padding-left: 0; }
`;

function xhtmlPage(title: string, lang: string, body: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="${lang}" lang="${lang}">
<head>
<meta charset="UTF-8"/>
<title>${escapeXml(title)}</title>
<link rel="stylesheet" type="text/css" href="style.css"/>
</head>
<body>
${body}
</body>
</html>
`;
}

function navDocument(chapters: Chapter[], heading: string): string {
  const items = chapters.map((c) => `<li><a href="${c.file}">${escapeXml(c.title)}</a></li>`).join("\n");
  return `<nav epub:type="toc" id="toc">\n<h1>${escapeXml(heading)}</h1>\n<ol>\n${items}\n</ol>\n</nav>`;
}

function ncx(chapters: Chapter[], title: string, identifier: string, lang: string): string {
  const points = chapters
    .map((c, i) => `    <navPoint id="nav-${i + 1}" playOrder="${i + 1}">\n      <navLabel><text>${escapeXml(c.title)}</text></navLabel>\n      <content src="${c.file}"/>\n    </navPoint>`)
    .join("\n");
  return `<?xml version="1.0" encoding="UTF-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1" xml:lang="${lang}">
  <head>
    <meta name="dtb:uid" content="${escapeXml(identifier)}"/>
    <meta name="dtb:depth" content="1"/>
    <meta name="dtb:totalPageCount" content="0"/>
    <meta name="dtb:maxPageNumber" content="0"/>
  </head>
  <docTitle><text>${escapeXml(title)}</text></docTitle>
  <navMap>
${points}
  </navMap>
</ncx>
`;
}

function packageDocument(p: { title: string; author: string; lang: string; identifier: string; modified: string; chapters: Chapter[]; description: string }): string {
  const items = [
    `<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>`,
    `<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>`,
    `<item id="style" href="style.css" media-type="text/css"/>`,
    `<item id="titlepage" href="title.xhtml" media-type="application/xhtml+xml"/>`,
    ...p.chapters.map((c) => `<item id="${c.id}" href="${c.file}" media-type="application/xhtml+xml"/>`),
  ];
  const spine = [`<itemref idref="titlepage"/>`, `<itemref idref="nav" linear="no"/>`, ...p.chapters.map((c) => `<itemref idref="${c.id}"/>`)];
  const description = p.description.trim().slice(0, 2000);
  return `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="${p.lang}">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="book-id">${escapeXml(p.identifier)}</dc:identifier>
    <dc:title>${escapeXml(p.title)}</dc:title>
    <dc:language>${p.lang}</dc:language>
${p.author ? `    <dc:creator id="author">${escapeXml(p.author)}</dc:creator>\n` : ""}${description ? `    <dc:description>${escapeXml(description)}</dc:description>\n` : ""}    <meta property="dcterms:modified">${p.modified}</meta>
  </metadata>
  <manifest>
${items.map((i) => `    ${i}`).join("\n")}
  </manifest>
  <spine toc="ncx">
${spine.map((i) => `    ${i}`).join("\n")}
  </spine>
</package>
`;
}

function appendix(doc: ExportDocument, words: (typeof WORDS)["en"]): Chapter {
  const parts: string[] = [`<section epub:type="appendix" id="appendix">`, `<h1>${escapeXml(words.appendix)}</h1>`, `<h2>${escapeXml(words.globalPlan)}</h2>`, "<ol>"];
  for (const s of doc.plan) {
    const brief = s.brief.trim() ? ` ${escapeXml(s.brief.trim().replace(/\s*\n\s*/g, " "))}` : "";
    parts.push(`<li><strong>${escapeXml(s.title)}</strong>: ${escapeXml(words.budget(s.budget, s.words))}${brief}</li>`);
  }
  parts.push("</ol>");
  for (const section of doc.sections) {
    for (const step of section.steps) {
      if (!step.plan.trim() && !step.reflection.trim()) continue;
      parts.push(`<h2>${escapeXml(`${words.step} ${step.number}: ${section.title}`)}</h2>`);
      if (step.plan.trim()) parts.push(`<h3>${escapeXml(words.plan)}</h3>`, markdownToXhtml(step.plan, 3));
      if (step.reflection.trim()) parts.push(`<h3>${escapeXml(words.reflection)}</h3>`, markdownToXhtml(step.reflection, 3));
    }
  }
  parts.push("</section>");
  return { id: "appendix", file: "appendix.xhtml", title: words.appendix, body: parts.join("\n") };
}

/** A BCP 47 tag for dc:language and xml:lang (the document's language, or "en" when it has none usable). */
function languageTag(language: string): string {
  const tag = language.trim();
  return /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : "en";
}

/** A name-based UUID (version 5 layout, SHA-1 of the text): the same book gets the same identifier. */
function stableUuid(text: string): string {
  const hash = createHash("sha1").update(`draftline-epub:${text}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
