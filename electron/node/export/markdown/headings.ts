import { Lexer, type Tokens } from "marked";

/**
 * Moves every top-level heading of a Markdown text `delta` levels deeper (negative: shallower), kept
 * within 1..6; setext headings become ATX headings. Headings inside code blocks, lists and quotes are
 * left alone. `#` is the first heading level inside a section's text; a file shifts it under its
 * section headings.
 */
export function shiftHeadings(markdown: string, delta: number): string {
  if (delta === 0 || !/^\s{0,3}#|\n\s{0,3}#|\n(=+|-+)\s*(\n|$)/.test(markdown)) return markdown;
  const tokens = new Lexer({ gfm: true }).lex(markdown);
  let out = "";
  for (const token of tokens) {
    if (token.type !== "heading") {
      out += token.raw;
      continue;
    }
    const heading = token as Tokens.Heading;
    const depth = Math.min(6, Math.max(1, heading.depth + delta));
    const trailing = /\n+$/.exec(heading.raw)?.[0] ?? "";
    out += `${"#".repeat(depth)} ${heading.text.replace(/\n/g, " ")}${trailing}`;
  }
  return out;
}
