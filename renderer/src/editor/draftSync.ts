// The draft follows the manuscript: section headings where a step starts a new section, one block
// per step, and the model's text streaming into the step it writes. Pure functions from an editor
// state and a manuscript to one transaction, so they run (and are tested) without a view.
//
// The stream is applied as a delta: when a step's new text starts with the text the block shows, only
// the suffix is inserted at the block's end (plain text needs no parsing); otherwise the block's
// Markdown is parsed again and only the child blocks that differ are replaced. Either way the other
// steps' nodes stay the same objects, so ProseMirror redraws one paragraph, and the transaction is
// kept out of the undo history: undo takes back the writer's edits, not the model's words.
import type { Node as PmNode, Schema } from "@tiptap/pm/model";
import type { EditorState, Transaction } from "@tiptap/pm/state";
import type { Manuscript, Step } from "../../../electron/common/manuscript";
import { STREAM_META } from "./extensions/streamGuard";
import { parseMarkdown } from "./markdown";

/** What one top-level node of the draft is: a section's heading or a step's block. */
type DraftItem = { kind: "heading"; sectionId: string; title: string } | { kind: "step"; step: Step };

const itemKey = (item: DraftItem) => (item.kind === "heading" ? `h\u0000${item.sectionId}\u0000${item.title}` : `s\u0000${item.step.id}`);

function nodeKey(node: PmNode): string {
  return node.type.name === "sectionHeading" ? `h\u0000${node.attrs.sectionId}\u0000${node.attrs.title}` : `s\u0000${node.attrs.stepId}`;
}

/** The draft's outline for a manuscript: a heading before the first step of each section, then the steps. */
export function draftOutline(m: Manuscript): DraftItem[] {
  const titles = new Map(m.sections.map((s) => [s.id, s.title]));
  const items: DraftItem[] = [];
  let lastHeading: string | null = null;
  for (const step of m.steps) {
    const sectionId = step.sectionId;
    if (sectionId !== null && sectionId !== lastHeading && titles.has(sectionId)) {
      items.push({ kind: "heading", sectionId, title: titles.get(sectionId)! });
      lastHeading = sectionId;
    }
    items.push({ kind: "step", step });
  }
  return items;
}

/** A step's content as the draft's block children (an empty paragraph for no text yet). */
export function stepChildren(schema: Schema, markdown: string): PmNode[] {
  const blocks = parseMarkdown(markdown, schema);
  return blocks.length > 0 ? blocks : [schema.nodes.paragraph!.create()];
}

function createItem(schema: Schema, item: DraftItem, shown: Map<string, string>): PmNode {
  if (item.kind === "heading") return schema.nodes.sectionHeading!.create({ sectionId: item.sectionId, title: item.title });
  shown.set(item.step.id, item.step.content);
  return schema.nodes.stepBlock!.create({ stepId: item.step.id, status: item.step.status }, stepChildren(schema, item.step.content));
}

/** The whole draft for a manuscript; `shown` learns what each step block shows. */
export function createDraftDoc(schema: Schema, m: Manuscript, shown: Map<string, string>): PmNode {
  shown.clear();
  return schema.nodes.doc!.create(null, draftOutline(m).map((item) => createItem(schema, item, shown)));
}

// Characters that make Markdown inline markup (or a character reference), and lines that start a block
// other than a paragraph.
const INLINE_MARKUP = /[*_`~\\&]/;
const BLOCK_START = /^\s{0,3}(?:#|>|[-+*]\s|\d+[.)]|`{3}|~{3})/;

/** The last paragraph of a text (after its last blank line). */
const lastParagraph = (text: string) => text.slice(text.lastIndexOf("\n\n") + 1).replace(/^\n/, "");

/**
 * Brings one step block from `before` (what it shows) to `after` in `tr`. `pos` is the block's
 * position in tr.doc. Returns nothing: the change is in `tr`.
 */
export function streamIntoBlock(tr: Transaction, pos: number, before: string, after: string): void {
  const schema = tr.doc.type.schema;
  const block = tr.doc.nodeAt(pos);
  if (!block || block.type.name !== "stepBlock" || before === after) return;
  if (after.startsWith(before)) {
    const suffix = after.slice(before.length);
    const tail = lastParagraph(after);
    const last = block.lastChild;
    // Plain words added to a plain last paragraph: insert them as text, nothing to parse.
    if (
      last?.type.name === "paragraph" &&
      !suffix.includes("\n") &&
      !INLINE_MARKUP.test(tail) &&
      !BLOCK_START.test(tail) &&
      last.textContent === lastParagraph(before) &&
      last.childCount <= 1
    ) {
      tr.insert(pos + block.nodeSize - 2, schema.text(suffix));
      return;
    }
  }
  replaceChanged(tr, pos, block, stepChildren(schema, after));
}

/** Replaces the children of the block at `pos` that differ from `next`, keeping equal ones at both ends. */
function replaceChanged(tr: Transaction, pos: number, block: PmNode, next: PmNode[]): void {
  const old: PmNode[] = [];
  block.forEach((child) => old.push(child));
  let start = 0;
  while (start < old.length && start < next.length && old[start]!.eq(next[start]!)) start++;
  let end = 0;
  while (end < old.length - start && end < next.length - start && old[old.length - 1 - end]!.eq(next[next.length - 1 - end]!)) end++;
  if (start === old.length && start === next.length) return;
  let from = pos + 1;
  for (let i = 0; i < start; i++) from += old[i]!.nodeSize;
  let to = from;
  for (let i = start; i < old.length - end; i++) to += old[i]!.nodeSize;
  tr.replaceWith(from, to, next.slice(start, next.length - end));
}

/**
 * One transaction that brings the draft in `state` to manuscript `m`, or null when it shows it
 * already. `shown` maps each step to the Markdown its block shows; it is updated. `previous` is the
 * manuscript the draft was last synced with: steps whose object did not change are not looked at.
 */
export function syncDraft(state: EditorState, m: Manuscript, shown: Map<string, string>, previous: Manuscript | null = null): Transaction | null {
  const tr = state.tr;
  const schema = state.schema;
  const outline = draftOutline(m);

  // 1. The outline: headings and step blocks added, removed or moved (usually: a step appended).
  const doc = state.doc;
  const keys = outline.map(itemKey);
  let start = 0;
  while (start < keys.length && start < doc.childCount && nodeKey(doc.child(start)) === keys[start]) start++;
  let end = 0;
  while (end < keys.length - start && end < doc.childCount - start && nodeKey(doc.child(doc.childCount - 1 - end)) === keys[keys.length - 1 - end]) end++;
  if (start < keys.length - end || start < doc.childCount - end) {
    const existing = new Map<string, PmNode>();
    for (let i = start; i < doc.childCount - end; i++) {
      const node = doc.child(i);
      if (node.type.name === "stepBlock") existing.set(node.attrs.stepId as string, node);
    }
    const replacement = outline.slice(start, outline.length - end).map((item) => {
      const reused = item.kind === "step" ? existing.get(item.step.id) : undefined;
      return reused ?? createItem(schema, item, shown);
    });
    let from = 0;
    for (let i = 0; i < start; i++) from += doc.child(i).nodeSize;
    let to = from;
    for (let i = start; i < doc.childCount - end; i++) to += doc.child(i).nodeSize;
    tr.replaceWith(from, to, replacement);
    for (const stepId of [...shown.keys()]) if (!m.steps.some((s) => s.id === stepId)) shown.delete(stepId);
  }

  // 2. Each changed step's text and status, from the last block to the first so positions hold.
  const positions = new Map<string, number>();
  tr.doc.forEach((node, pos) => {
    if (node.type.name === "stepBlock") positions.set(node.attrs.stepId as string, pos);
  });
  for (let i = m.steps.length - 1; i >= 0; i--) {
    const step = m.steps[i]!;
    if (previous && previous.steps[i] === step && shown.get(step.id) === step.content) continue;
    const pos = positions.get(step.id);
    if (pos === undefined) continue;
    const block = tr.doc.nodeAt(pos)!;
    if (block.attrs.status !== step.status) tr.setNodeMarkup(pos, undefined, { ...block.attrs, status: step.status });
    const before = shown.get(step.id) ?? "";
    if (before !== step.content) {
      streamIntoBlock(tr, pos, before, step.content);
      shown.set(step.id, step.content);
    }
  }

  if (!tr.docChanged) return null;
  return tr.setMeta(STREAM_META, true).setMeta("addToHistory", false);
}
