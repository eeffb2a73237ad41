// Thinking kept out of the draft. Draftline turns a model's thinking off wherever the protocol does
// not ask for it (the chat template's enable_thinking, node-llama-cpp's Qwen wrapper); a model that
// thinks anyway writes `<think>…</think>`, which this filter takes out of the text as it streams, so it
// reaches neither the document nor any count. LongWriter-Zero's think block is its plan and is read as
// such (think-answer mode), never through this filter.
import { countWriterWords } from "../metrics/words";

const OPEN = "<think>";
const CLOSE = "</think>";

/** Streams text through, without its think blocks. Cost per chunk: the chunk and at most 8 held characters. */
export class ThinkFilter {
  private held = "";
  private inside = false;
  private thought = "";
  /** A block just closed: the line breaks that follow it belong to it. */
  private afterBlock = false;
  /** Think blocks taken out so far (one still open counts), and their words. */
  readonly removed = { blocks: 0, words: 0 };

  /** The visible part of `chunk`; text that may be the start of a tag is held back until the next chunk decides. */
  push(chunk: string): string {
    let text = this.held + chunk;
    this.held = "";
    let out = "";
    for (;;) {
      if (this.afterBlock) {
        text = text.replace(/^\n+/, "");
        if (text === "") return out;
        this.afterBlock = false;
      }
      if (this.inside) {
        const close = text.indexOf(CLOSE);
        if (close < 0) {
          const keep = partialTagLength(text, CLOSE);
          this.thought += text.slice(0, text.length - keep);
          this.held = text.slice(text.length - keep);
          return out;
        }
        this.thought += text.slice(0, close);
        this.closeBlock();
        this.afterBlock = true;
        text = text.slice(close + CLOSE.length);
        continue;
      }
      const open = text.indexOf(OPEN);
      const strayClose = text.indexOf(CLOSE);
      if (strayClose >= 0 && (open < 0 || strayClose < open)) {
        // A closing tag with nothing open (the opening was in the prompt): the tag goes, the text stays.
        out += text.slice(0, strayClose);
        text = text.slice(strayClose + CLOSE.length);
        continue;
      }
      if (open < 0) {
        const keep = Math.max(partialTagLength(text, OPEN), partialTagLength(text, CLOSE));
        out += text.slice(0, text.length - keep);
        this.held = text.slice(text.length - keep);
        return out;
      }
      out += text.slice(0, open);
      this.inside = true;
      this.removed.blocks++;
      text = text.slice(open + OPEN.length);
    }
  }

  /** The text is over: what was held back is text, unless it is inside a think block that never closed. */
  end(): string {
    const rest = this.held;
    this.held = "";
    if (this.inside) {
      this.thought += rest;
      this.closeBlock();
      return "";
    }
    return rest;
  }

  /** True while the text is inside a think block. */
  get thinking(): boolean {
    return this.inside;
  }

  private closeBlock(): void {
    this.removed.words += countWriterWords(this.thought);
    this.thought = "";
    this.inside = false;
  }
}

/** Length of the longest end of `text` that begins `tag` (a tag cut between two chunks). */
function partialTagLength(text: string, tag: string): number {
  for (let n = Math.min(tag.length - 1, text.length); n > 0; n--) if (text.endsWith(tag.slice(0, n))) return n;
  return 0;
}

/** Text without its think blocks (a whole text, not a stream). */
export function withoutThinking(text: string): { text: string; blocks: number; words: number } {
  const filter = new ThinkFilter();
  const visible = filter.push(text) + filter.end();
  return { text: visible, ...filter.removed };
}
