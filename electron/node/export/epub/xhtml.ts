import { Lexer, type Token, type Tokens } from "marked";
import { decodeEntities } from "../../../common/manuscript/entities";

/**
 * Text made safe for XML: markup characters escaped, and the characters XML 1.0 forbids (controls,
 * lone surrogates, U+FFFE/U+FFFF) dropped, so a stray byte a model wrote cannot make the book invalid.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * A step's Markdown as XHTML for an EPUB: headings (`#` becomes h(1 + headingOffset)), paragraphs,
 * bold/italic/strike/code, links to web and mail addresses, lists (nested, numbered from their start),
 * block quotes, code blocks, tables, and rules as scene breaks. Markup in the text (`<b>`, `<script>`)
 * is shown as the characters it is, as the draft shows it, never passed through; an image is its
 * description (a book is built offline, from the writer's text only).
 */
export function markdownToXhtml(markdown: string, headingOffset: number): string {
  return blocks(new Lexer({ gfm: true }).lex(markdown), headingOffset);
}

function blocks(tokens: Token[], headingOffset: number): string {
  return tokens.map((t) => block(t, headingOffset)).join("");
}

function block(token: Token, headingOffset: number): string {
  switch (token.type) {
    case "heading": {
      const h = token as Tokens.Heading;
      const level = Math.min(6, h.depth + headingOffset);
      return `<h${level}>${inlines(h.tokens)}</h${level}>\n`;
    }
    case "paragraph":
      return `<p>${inlines((token as Tokens.Paragraph).tokens)}</p>\n`;
    case "text": {
      const text = token as Tokens.Text;
      return `<p>${text.tokens ? inlines(text.tokens) : escapeXml(decodeEntities(text.text))}</p>\n`;
    }
    case "list": {
      const list = token as Tokens.List;
      const start = typeof list.start === "number" && list.start !== 1 ? ` start="${list.start}"` : "";
      const items = list.items.map((item) => `<li>${listItem(item, headingOffset)}</li>\n`).join("");
      return list.ordered ? `<ol${start}>\n${items}</ol>\n` : `<ul>\n${items}</ul>\n`;
    }
    case "blockquote":
      return `<blockquote>\n${blocks((token as Tokens.Blockquote).tokens, headingOffset)}</blockquote>\n`;
    case "code":
      return `<pre><code>${escapeXml((token as Tokens.Code).text)}</code></pre>\n`;
    case "hr":
      return `<hr class="scene-break"/>\n`;
    case "table": {
      const table = token as Tokens.Table;
      const row = (cells: Tokens.TableCell[], tag: "th" | "td") => `<tr>${cells.map((c) => `<${tag}>${inlines(c.tokens)}</${tag}>`).join("")}</tr>\n`;
      return `<table>\n<thead>\n${row(table.header, "th")}</thead>\n<tbody>\n${table.rows.map((r) => row(r, "td")).join("")}</tbody>\n</table>\n`;
    }
    case "html": {
      const text = literalHtml((token as Tokens.HTML).text).trim();
      return text ? `<p>${escapeXml(text)}</p>\n` : "";
    }
    case "space":
    case "def":
      return "";
    default: {
      const text = (token as Tokens.Generic).text;
      return typeof text === "string" && text.trim() ? `<p>${escapeXml(decodeEntities(text))}</p>\n` : "";
    }
  }
}

/** A list item: a tight item's text inline, a loose item's paragraphs and nested lists as blocks. */
function listItem(item: Tokens.ListItem, headingOffset: number): string {
  const box = item.task ? (item.checked ? "☑ " : "☐ ") : "";
  const parts = item.tokens.filter((t) => t.type !== "checkbox");
  if (!item.loose && parts[0]?.type === "text") {
    const [first, ...rest] = parts;
    const text = first as Tokens.Text;
    return `${box}${text.tokens ? inlines(text.tokens) : escapeXml(decodeEntities(text.text))}${rest.length > 0 ? `\n${blocks(rest, headingOffset)}` : ""}`;
  }
  return `${box}${blocks(parts, headingOffset)}`;
}

/** HTML in a step as the draft shows it: its characters (references decoded), comments left out. */
function literalHtml(html: string): string {
  return decodeEntities(html.replace(/<!--[\s\S]*?(-->|$)/g, ""));
}

function inlines(tokens: Token[]): string {
  let out = "";
  for (const token of tokens) {
    switch (token.type) {
      case "strong":
        out += `<strong>${inlines((token as Tokens.Strong).tokens)}</strong>`;
        break;
      case "em":
        out += `<em>${inlines((token as Tokens.Em).tokens)}</em>`;
        break;
      case "del":
        out += `<del>${inlines((token as Tokens.Del).tokens)}</del>`;
        break;
      case "codespan":
        out += `<code>${escapeXml(decodeEntities((token as Tokens.Codespan).text))}</code>`;
        break;
      case "br":
        out += "<br/>";
        break;
      case "link": {
        const link = token as Tokens.Link;
        const text = inlines(link.tokens);
        out += /^(https?|mailto):/i.test(link.href) ? `<a href="${escapeXml(link.href)}">${text}</a>` : text;
        break;
      }
      case "image":
        out += `<em>[${escapeXml((token as Tokens.Image).text)}]</em>`;
        break;
      case "html":
        out += escapeXml(literalHtml((token as Tokens.HTML).text));
        break;
      case "checkbox":
        break;
      default: {
        const text = token as Tokens.Text;
        out += text.tokens && text.tokens.length > 0 ? inlines(text.tokens) : escapeXml(decodeEntities(text.text ?? ""));
      }
    }
  }
  return out;
}
