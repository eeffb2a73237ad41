// A Word document as the Markdown a draft's steps hold. mammoth reads the .docx (styles, lists,
// emphasis) into plain HTML; turndown writes that as Markdown in the subset the draft shows (the
// editor's: `*`/`**`/`~~`, `-` bullets, `---` rules, fenced code). Nothing here parses Word's XML.
import JSZip from "jszip";
import mammoth from "mammoth";
import TurndownService from "turndown";
import { decodeEntities, defuseProtocolTags, referenceAt } from "../../../common/manuscript/entities";
import type { ImportNotice } from "../../../common/project/importNotices";

/** The most bytes the XML parts of a .docx may unpack to (a 2-million-word novel is far less). */
export const MAX_DOCX_UNPACKED_BYTES = 96 * 1024 * 1024;

/** A .docx could not be read: `reason` is a sentence for the writer, without the file's name. */
export class DocxReadError extends Error {
  constructor(
    readonly reason: "not-docx" | "too-large" | "damaged",
    message: string,
  ) {
    super(message);
    this.name = "DocxReadError";
  }
}

export interface DocxDraft {
  markdown: string;
  notices: ImportNotice[];
  properties: DocxProperties;
}

/** What the document's properties say (a Draftline export writes them all). */
export interface DocxProperties {
  /** The document's title property (Word: File > Info). */
  title?: string;
  /** The target in words a Draftline export recorded. */
  target?: number;
  model?: string;
  /** A Draftline export of a draft the model did not finish. */
  unfinished?: boolean;
}

/** Word's heading styles one level down: the Title is the draft's `#`, Heading 1 its sections. */
const STYLE_MAP = [
  "p[style-name='Title'] => h1:fresh",
  "p[style-name='title'] => h1:fresh",
  ...[1, 2, 3, 4, 5, 6].flatMap((level) => {
    const html = `h${Math.min(6, level + 1)}:fresh`;
    return [`p.Heading${level} => ${html}`, `p[style-name='Heading ${level}'] => ${html}`, `p[style-name='heading ${level}'] => ${html}`];
  }),
  "p[style-name='Quote'] => blockquote > p:fresh",
  "p[style-name='Intense Quote'] => blockquote > p:fresh",
  "p[style-name='Block Text'] => blockquote > p:fresh",
  "p[style-name='Code Block'] => pre:separator('\\n')",
  "r[style-name='Hyperlink'] =>",
];

/** Word's own paragraph and run styles that mammoth does not map: read as plain paragraphs and runs, nothing lost. */
const HARMLESS_WARNING = /^Unrecognised (paragraph|run|table) style|^Image of type .* is unlikely to display/;

/**
 * A scene break as writers type it: a short paragraph of only asterisks, hashes, dinkuses or similar
 * marks ("* * *", "#", "⁂"), or three or more dashes.
 */
const SCENE_BREAK = /^\s*(?:(?:[*#~•·⁂※◆◇❖§]\s*){1,7}|(?:[-–—]\s*){3,})$/u;

/** The nodes turndown hands its rules (a DOM element; this side has no DOM types). */
interface HtmlNode {
  nodeName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  parentNode: HtmlNode | null;
  nextSibling: HtmlNode | null;
  children: ArrayLike<HtmlNode>;
}

/** Reads a .docx into Markdown, with what it could not bring over. Throws DocxReadError for a file it cannot read. */
export async function docxToMarkdown(bytes: Uint8Array, options: { maxUnpackedBytes?: number } = {}): Promise<DocxDraft> {
  const archive = await openArchive(bytes, options.maxUnpackedBytes ?? MAX_DOCX_UNPACKED_BYTES);
  const properties = await readProperties(archive);
  const notices = new Counter();
  notices.add("comments", await countComments(archive));

  let images = 0;
  let result: { value: string; messages: { type: string; message: string }[] };
  try {
    result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        styleMap: STYLE_MAP,
        // A picture is counted, never read: its bytes stay in the archive.
        convertImage: mammoth.images.imgElement(async () => {
          images++;
          return { src: "" };
        }),
      },
    );
  } catch (error) {
    throw new DocxReadError("damaged", `it is damaged or not a Word document Draftline can read (${error instanceof Error ? error.message : String(error)}).`);
  }
  notices.add("images", images);
  for (const message of result.messages) {
    if (message.type === "warning" && HARMLESS_WARNING.test(message.message)) continue;
    notices.add("other", 1, message.message);
  }

  const service = markdownWriter(notices);
  let markdown = service.turndown(result.value).replace(/\n{3,}/g, "\n\n").trim();
  // A Draftline export's plan appendix is not part of the draft: the headings are the plan.
  const appendix = /^#{1,2} Appendix: plan and reflections[ \t]*$/m.exec(markdown);
  if (appendix) {
    markdown = markdown.slice(0, appendix.index).trimEnd();
    notices.add("planAppendix", 1);
  }
  return { markdown, notices: notices.list(), properties };
}

/** Opens the archive and checks what mammoth will unpack: a zip bomb is refused before it is inflated. */
async function openArchive(bytes: Uint8Array, maxUnpacked: number): Promise<JSZip> {
  let archive: JSZip;
  try {
    archive = await JSZip.loadAsync(bytes);
  } catch {
    throw new DocxReadError("not-docx", "it is not a Word document (.docx): the file is not a zip archive. A .doc from an old Word must be saved as .docx first.");
  }
  if (!archive.file("word/document.xml")) throw new DocxReadError("not-docx", "it is a zip archive but not a Word document (.docx): it has no word/document.xml.");
  let total = 0;
  for (const entry of Object.values(archive.files)) {
    // Pictures and embedded files are never unpacked (images are only counted).
    if (entry.dir || /^word\/(media|embeddings)\//.test(entry.name)) continue;
    try {
      total += await unpackedSize(entry, maxUnpacked - total);
    } catch {
      throw new DocxReadError("damaged", `it is damaged: ${entry.name} cannot be unpacked.`);
    }
    if (total > maxUnpacked) {
      throw new DocxReadError("too-large", `its text unpacks to more than ${Math.round(maxUnpacked / (1024 * 1024))} MiB, far more than a draft holds.`);
    }
  }
  return archive;
}

/**
 * How many bytes an entry unpacks to, counted as it is inflated (the size the archive declares can
 * lie); reading stops once it passes `limit`, so a zip bomb is never held in memory.
 */
function unpackedSize(entry: JSZip.JSZipObject, limit: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const stream = entry.nodeStream("nodebuffer");
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return;
      stream.removeListener("data", onData);
      stream.pause();
      resolve(size);
    };
    stream.on("data", onData);
    stream.on("end", () => resolve(size));
    stream.on("error", reject);
  });
}

async function readProperties(archive: JSZip): Promise<DocxProperties> {
  const read = async (name: string) => (await archive.file(name)?.async("string")) ?? "";
  const core = await read("docProps/core.xml");
  const custom = await read("docProps/custom.xml");
  const text = (xml: string) => decodeEntities(xml.replace(/<[^>]*>/g, "")).trim();
  const property = (name: string) => {
    const match = new RegExp(`<property\\b[^>]*\\bname="${name}"[^>]*>([\\s\\S]*?)</property>`).exec(custom);
    return match ? text(match[1] ?? "") : "";
  };
  const out: DocxProperties = {};
  const title = text(/<dc:title>([\s\S]*?)<\/dc:title>/.exec(core)?.[1] ?? "");
  if (title) out.title = title.slice(0, 500);
  const target = Number(property("Target"));
  if (Number.isSafeInteger(target) && target > 0) out.target = target;
  const model = property("Model");
  if (model) out.model = model.slice(0, 500);
  if (property("Status") === "unfinished") out.unfinished = true;
  return out;
}

async function countComments(archive: JSZip): Promise<number> {
  const comments = archive.file("word/comments.xml");
  if (!comments) return 0;
  return (await comments.async("string")).match(/<w:comment\b/g)?.length ?? 0;
}

/** HTML to the draft's Markdown: what the editor reads back as the same text. */
function markdownWriter(notices: Counter): TurndownService {
  const service = new TurndownService({ headingStyle: "atx", hr: "---", bulletListMarker: "-", codeBlockStyle: "fenced", emDelimiter: "*", strongDelimiter: "**" });
  service.escape = escapeText;
  service.addRule("sceneBreak", {
    filter: (node) => node.nodeName === "P" && SCENE_BREAK.test((node as HtmlNode).textContent ?? ""),
    replacement: () => "\n\n---\n\n",
  });
  // "- item" and "1. item", later lines under the item's text, as the editor writes lists.
  service.addRule("listItem", {
    filter: "li",
    replacement: (content, node) => {
      const item = node as HtmlNode;
      const parent = item.parentNode;
      let marker = "-";
      if (parent?.nodeName === "OL") {
        const start = Number(parent.getAttribute("start") ?? 1) || 1;
        marker = `${start + Array.prototype.indexOf.call(parent.children, item)}.`;
      }
      const pad = " ".repeat(marker.length + 1);
      const body = content.replace(/^\n+/, "").replace(/\n+$/, "\n").replace(/\n(?=.)/g, `\n${pad}`);
      return `${marker} ${body}${item.nextSibling && !body.endsWith("\n") ? "\n" : ""}`;
    },
  });
  service.addRule("strike", { filter: ["s", "del"], replacement: (content) => (content.trim() ? `~~${content}~~` : content) });
  service.addRule("preformatted", {
    filter: (node) => node.nodeName === "PRE",
    replacement: (_content, node) => {
      const text = (node as HtmlNode).textContent ?? "";
      let longest = 2;
      for (const m of text.matchAll(/^`{3,}/gm)) longest = Math.max(longest, m[0].length);
      const fence = "`".repeat(longest + 1);
      return `\n\n${fence}\n${text}\n${fence}\n\n`;
    },
  });
  service.addRule("links", {
    filter: "a",
    replacement: (content, node) => {
      const href = (node as HtmlNode).getAttribute("href") ?? "";
      // A footnote's way back to its reference ("↑"): nothing of the writer's.
      if (/^#(footnote|endnote)-ref-/.test(href)) return "";
      if (/^#(footnote|endnote)-/.test(href)) {
        notices.add("footnotes", 1);
        return content;
      }
      if (href && !href.startsWith("#")) notices.add("links", 1);
      return content;
    },
  });
  service.addRule("images", { filter: "img", replacement: () => "" });
  service.addRule("tables", {
    filter: "table",
    replacement: (content) => {
      notices.add("tables", 1);
      return `\n\n${content}\n\n`;
    },
  });
  service.addRule("supSub", { filter: ["sup", "sub"], replacement: (content) => content });
  return service;
}

/**
 * Escapes text so the draft's Markdown reads it back as the same text (as the editor does): inline
 * markup, an `&` that would read as a character reference, block markers at a line's start; and a
 * protocol tag is written with `&lt;`.
 */
export function escapeText(text: string): string {
  const inline = text.replace(/[\\`*_~]|&/g, (c, i: number) => (c !== "&" || referenceAt(text, i) ? `\\${c}` : c));
  return defuseProtocolTags(inline)
    .replace(/^(\s*)([#>+-])/gm, "$1\\$2")
    .replace(/^(\s*\d+)([.)])/gm, "$1\\$2");
}

/** Notices by kind (and, for `other`, by what the reader said), counted. */
class Counter {
  private readonly counts = new Map<string, ImportNotice>();

  add(kind: ImportNotice["kind"], count: number, detail?: string): void {
    if (count <= 0) return;
    const key = `${kind}\u0000${detail ?? ""}`;
    const known = this.counts.get(key);
    if (known) known.count += count;
    else this.counts.set(key, { kind, count, ...(detail ? { detail: detail.slice(0, 500) } : {}) });
  }

  list(): ImportNotice[] {
    return [...this.counts.values()];
  }
}
