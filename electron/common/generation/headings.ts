// Sections of a Markdown draft read from its headings while it streams, for the modes whose model
// writes no protocol tags (the LongWriter models write one long Markdown text; LongWriter-Zero's
// answer is one too). Text arrives in arbitrary chunks; a line that may be a heading is held until its
// end, everything else passes at once. Pure: the controller turns the pieces into steps.

/** What the splitter reports, in stream order. */
export type DraftPiece =
  /**
   * A section starts. `title` is null for text before any section heading (an opening), or the
   * document's title when the text began with one ("# Title").
   */
  | { type: "section"; title: string | null; heading: boolean }
  /** Text of the current section (headings included, as written). */
  | { type: "text"; text: string };

/** A Markdown ATX heading line ("## Title", "### 3. Title ###"): its level and plain title, or null. */
export function readHeading(line: string): { level: number; title: string } | null {
  const m = /^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$/.exec(line.replace(/\r$/, ""));
  if (!m) return null;
  const title = m[2]!
    .replace(/^(\*\*|__)(.+)\1$/, "$2")
    .replace(/^(?:\d+(?:\.\d+)*[.)、．]?\s+|[一二三四五六七八九十]+[、.．]\s*)/u, "")
    .trim();
  return title === "" ? null : { level: m[1]!.length, title };
}

/** The longest line held back as a possible heading; a longer one is text. */
const MAX_HEADING = 300;

/**
 * Splits a streamed Markdown draft into sections at its headings. The section level is the level of
 * the first heading (a first-line "# Title" is the document's title, and the next heading sets it);
 * a heading at that level or above starts a section, deeper ones stay in the text.
 */
export class HeadingSplitter {
  private atLineStart = true;
  private held: string | null = null;
  private sectionLevel: number | null = null;
  /** Text before the first section (a title, blank lines), given to the first section. */
  private prefix = "";
  private title: string | null = null;
  private open = false;

  /** Takes the next chunk; returns the pieces it made certain. */
  push(chunk: string): DraftPiece[] {
    const out: DraftPiece[] = [];
    let text = "";
    const flushText = () => {
      if (text !== "") this.emitText(text, out);
      text = "";
    };
    for (const c of chunk) {
      if (this.held !== null) {
        this.held += c;
        if (c === "\n") {
          const line = this.held;
          this.held = null;
          this.atLineStart = true;
          this.line(line, out);
        } else if (this.held.length > MAX_HEADING || /^#{7}|^#+[^#\s]/.test(this.held)) {
          // Not a heading ("#hashtag", seven hashes, a very long line): text after all.
          text = this.held;
          this.held = null;
          this.atLineStart = false;
          flushText();
        }
        continue;
      }
      if (this.atLineStart && c === "#") {
        flushText();
        this.held = c;
        continue;
      }
      text += c;
      this.atLineStart = c === "\n";
    }
    flushText();
    return out;
  }

  /**
   * The end of a stretch of output (a call ended): a held line is read as it stands, and the next
   * chunk starts a new line. The splitter goes on with the next stretch.
   */
  flush(): DraftPiece[] {
    const out: DraftPiece[] = [];
    if (this.held !== null) {
      const line = this.held;
      this.held = null;
      this.line(line, out);
    }
    this.atLineStart = true;
    return out;
  }

  /** Ends the draft: text held before any section (a lone title) becomes a section of its own. */
  end(): DraftPiece[] {
    const out = this.flush();
    if (!this.open && this.prefix.trim() !== "") {
      out.push({ type: "section", title: this.title, heading: false }, { type: "text", text: this.prefix });
      this.open = true;
      this.prefix = "";
    }
    return out;
  }

  private line(line: string, out: DraftPiece[]): void {
    const heading = readHeading(line.replace(/\n$/, ""));
    if (!heading) {
      this.emitText(line, out);
      return;
    }
    if (this.sectionLevel === null && heading.level === 1 && !this.open && this.title === null && this.prefix.trim() === "") {
      // A first-line "# Title" names the document; the next heading sets the section level.
      this.title = heading.title;
      this.prefix += line;
      return;
    }
    this.sectionLevel ??= heading.level;
    if (heading.level > this.sectionLevel) {
      this.emitText(line, out);
      return;
    }
    out.push({ type: "section", title: heading.title, heading: true });
    this.open = true;
    out.push({ type: "text", text: this.prefix + line });
    this.prefix = "";
  }

  private emitText(text: string, out: DraftPiece[]): void {
    if (!this.open) {
      if (text.trim() === "") {
        this.prefix += text;
        return;
      }
      out.push({ type: "section", title: this.title, heading: false });
      this.open = true;
      text = this.prefix + text;
      this.prefix = "";
    }
    const last = out[out.length - 1];
    if (last?.type === "text") last.text += text;
    else out.push({ type: "text", text });
  }
}
