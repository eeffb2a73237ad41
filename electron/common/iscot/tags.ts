// The IS-CoT tag vocabulary: which tags exist, their aliases, and how a tag is recognised in text.

/** A block of the protocol: the global plan, a step's plan, its content, its reflection. */
export type BlockKind = "global_plan" | "step_plan" | "content" | "reflection";

/** A protocol tag by meaning: a block, or the end mark FINISHED. */
export type TagName = BlockKind | "finished";

/** The canonical opening and closing tags the transcript writer uses for each block. */
export const BLOCK_TAGS: Readonly<Record<BlockKind, { open: string; close: string }>> = {
  global_plan: { open: "<global_plan>", close: "</global_plan>" },
  step_plan: { open: "<step_plan>", close: "</step_plan>" },
  content: { open: "<content>", close: "</content>" },
  reflection: { open: "<reflection>", close: "</reflection>" },
};

/** The end mark the model writes when the document is complete. */
export const FINISHED_TAG = "<FINISHED>";

/**
 * Tag names as the model may write them, after lower-casing and dropping "_" and "-": `<Global-Plan>`,
 * `<STEP_PLAN>` and `<local_plan>` (the paper's alias for a step plan) are all recognised.
 */
export const TAG_ALIASES: Readonly<Record<string, TagName>> = {
  globalplan: "global_plan",
  stepplan: "step_plan",
  localplan: "step_plan",
  content: "content",
  reflection: "reflection",
  finished: "finished",
};

/**
 * How each tag is written, canonical spelling first: what a model trained on the protocol writes
 * (the paper's `<local_plan>` for a step plan). Every name of TAG_ALIASES is one of these, so stop
 * strings made from them catch every alias a model may open its next block with.
 */
export const TAG_SPELLINGS: Readonly<Record<TagName, readonly string[]>> = {
  global_plan: ["global_plan"],
  step_plan: ["step_plan", "local_plan"],
  content: ["content"],
  reflection: ["reflection"],
  finished: ["FINISHED"],
};

/** The opening tags of a block (every spelling), e.g. `<step_plan>`, `<local_plan>`. */
export function openingTags(name: TagName): string[] {
  return TAG_SPELLINGS[name].map((spelling) => `<${spelling}>`);
}

/** The closing tags of a block (every spelling), e.g. `</step_plan>`, `</local_plan>`. */
export function closingTags(name: BlockKind): string[] {
  return TAG_SPELLINGS[name].map((spelling) => `</${spelling}>`);
}

/** Every tag of the protocol as it is written, opening and closing, every spelling. */
export const PROTOCOL_TAG_TEXTS: readonly string[] = (Object.keys(TAG_SPELLINGS) as TagName[]).flatMap((name) => (name === "finished" ? openingTags(name) : [...openingTags(name), ...closingTags(name)]));

/**
 * Every tag the controller forces or stops at: IS-CoT's, and the think-answer mode's think and answer
 * tags. A model whose vocabulary holds one of them as a special token gets that token (forced text,
 * stops, the text it writes).
 */
export const CONTROLLER_TAG_TEXTS: readonly string[] = [...PROTOCOL_TAG_TEXTS, "<think>", "</think>", "<answer>", "</answer>"];

/**
 * The longest text taken as one tag, white space inside the brackets included. A `<` that is not closed
 * by `>` within this many characters is text, so a streaming parser holds back at most this much.
 */
export const MAX_TAG_LENGTH = 32;

/** What stands at a `<`: a tag (known or not), plain text, or, at the end of the input so far, maybe a tag. */
export type TagMatch =
  | { kind: "tag"; length: number; closing: boolean; name: TagName; raw: string }
  | { kind: "unknown"; length: number; raw: string }
  | { kind: "text" }
  | { kind: "partial" };

const TEXT: TagMatch = { kind: "text" };
const PARTIAL: TagMatch = { kind: "partial" };

function isTagSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isNameChar(c: number): boolean {
  return isAsciiLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 45;
}

/**
 * Reads the tag that starts with the `<` at `start`: `<` [space] [`/` [space]] name [space] [`/` [space]] `>`,
 * the name an ASCII letter then letters, digits, "_" or "-", the whole at most MAX_TAG_LENGTH long.
 * With `final` false, input that ends before the tag is decided gives "partial": more text may complete it.
 */
export function matchTag(text: string, start: number, final: boolean): TagMatch {
  const n = text.length;
  const limit = Math.min(n, start + MAX_TAG_LENGTH);
  const undecided = () => (final || limit < n || n - start >= MAX_TAG_LENGTH ? TEXT : PARTIAL);
  let i = start + 1;
  while (i < limit && isTagSpace(text.charCodeAt(i))) i++;
  if (i >= limit) return undecided();
  let closing = false;
  if (text.charCodeAt(i) === 47) {
    closing = true;
    i++;
    while (i < limit && isTagSpace(text.charCodeAt(i))) i++;
    if (i >= limit) return undecided();
  }
  if (!isAsciiLetter(text.charCodeAt(i))) return TEXT;
  const nameStart = i;
  while (i < limit && isNameChar(text.charCodeAt(i))) i++;
  const nameEnd = i;
  while (i < limit && isTagSpace(text.charCodeAt(i))) i++;
  if (i < limit && text.charCodeAt(i) === 47) {
    i++;
    while (i < limit && isTagSpace(text.charCodeAt(i))) i++;
  }
  if (i >= limit) return undecided();
  if (text.charCodeAt(i) !== 62) return TEXT;
  const length = i + 1 - start;
  const raw = text.slice(start, i + 1);
  const name = TAG_ALIASES[text.slice(nameStart, nameEnd).toLowerCase().replace(/[_-]/g, "")];
  return name ? { kind: "tag", length, closing, name, raw } : { kind: "unknown", length, raw };
}

/** The first protocol tag written in a text, or null: such text cannot sit inside a block as is. */
export function findProtocolTag(text: string): { index: number; tag: string } | null {
  let from = 0;
  for (;;) {
    const lt = text.indexOf("<", from);
    if (lt < 0) return null;
    const match = matchTag(text, lt, true);
    if (match.kind === "tag") return { index: lt, tag: match.raw };
    from = lt + 1;
  }
}
