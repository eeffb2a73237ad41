// Character references in a step's Markdown. `&lt;` is how a step holds a literal `<` that would
// otherwise read as a protocol tag (an imported draft that quotes `<content>`, a writer who types it),
// and models write `&amp;` or `&#8212;` now and then. The draft and the DOCX export show the
// character; the model's context and the Markdown export keep the reference as written.
import { matchTag } from "../iscot/tags";

const NAMED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };
const REFERENCE = /&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{1,10});/y;

/** The character reference that starts at `index` and the character it stands for, or null. */
export function referenceAt(text: string, index: number): { length: number; char: string } | null {
  if (text.charCodeAt(index) !== 38) return null;
  REFERENCE.lastIndex = index;
  const match = REFERENCE.exec(text);
  if (!match) return null;
  const name = match[1]!;
  let char: string | undefined;
  if (name[0] === "#") {
    const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) char = String.fromCodePoint(code);
  } else {
    char = NAMED[name.toLowerCase()];
  }
  return char === undefined ? null : { length: match[0].length, char };
}

/** The text with its character references decoded (unknown ones stay as written). */
export function decodeEntities(text: string): string {
  if (!text.includes("&")) return text;
  let out = "";
  let from = 0;
  for (let i = text.indexOf("&"); i >= 0; i = text.indexOf("&", i + 1)) {
    const reference = referenceAt(text, i);
    if (!reference) continue;
    out += text.slice(from, i) + reference.char;
    from = i + reference.length;
    i = from - 1;
  }
  return out + text.slice(from);
}

/**
 * The text with every `<` that would start a protocol tag written `&lt;`, so a step can hold it: the
 * model reads it as text and the draft shows `<`.
 */
export function defuseProtocolTags(text: string): string {
  let out = "";
  let from = 0;
  for (let lt = text.indexOf("<"); lt >= 0; lt = text.indexOf("<", lt + 1)) {
    if (matchTag(text, lt, true).kind !== "tag") continue;
    out += `${text.slice(from, lt)}&lt;`;
    from = lt + 1;
  }
  return out + text.slice(from);
}
