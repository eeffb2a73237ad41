// The writer's edits of the story memory: bible entries, the model's proposals, what the model keeps
// of a step (its summary, a pin), the digest of the story so far, the bible's token budget and the
// section budgets rebalancing must keep. Pure, never throw: a refused edit says why.
import { findProtocolTag } from "../iscot/tags";
import { normalizeName } from "../memory/bible";
import { MAX_ALIASES, MAX_BIBLE_BUDGET, MAX_DESCRIPTION, MAX_ENTRIES, MAX_NAME, MAX_SUMMARY } from "../memory/limits";
import { emptyStepMemory, type BibleEntry, type BibleEntryInput, type BibleKind, type StepMemory, type StoryMemory } from "../memory/types";
import type { EditError, EditResult } from "./edits";
import type { Manuscript, Step } from "./types";

/** The edits of the story memory (part of ManuscriptEdit). */
export type MemoryEdit =
  /** Adds an entry to the bible; `restoreId` takes back the id of an entry the writer removed (Undo). */
  | { type: "addEntry"; entry: BibleEntryInput; restoreId?: string }
  /** Changes an entry's fields. */
  | { type: "editEntry"; entryId: string; kind?: BibleKind; name?: string; aliases?: string[]; description?: string; always?: boolean }
  /** Removes an entry. */
  | { type: "removeEntry"; entryId: string }
  /** Takes a proposal into the bible (a new entry, or the edit of one); `entry` is the writer's version of it. */
  | { type: "acceptProposal"; proposalId: string; entry?: Partial<BibleEntryInput> }
  /** Drops a proposal; a new name dismissed is not proposed again. */
  | { type: "dismissProposal"; proposalId: string }
  /** Sets what the model keeps of a step once its text leaves the window (null: the model writes it). */
  | { type: "setSummary"; stepId: string; summary: string | null }
  /** Keeps a step's whole text in the model's view, or lets it be compacted again. */
  | { type: "pinStep"; stepId: string; pinned: boolean }
  /** Sets the digest of the story so far (an empty text removes it: the steps' summaries stand again). */
  | { type: "setDigest"; text: string }
  /** Sets the token budget of the entries in use. */
  | { type: "setBibleBudget"; tokens: number }
  /** Locks a section's budget (rebalancing keeps it) or unlocks it. */
  | { type: "lockBudget"; sectionId: string; locked: boolean };

const fail = (error: EditError): EditResult => ({ ok: false, error });

function tagIn(field: string, text: string): EditError | null {
  const tag = findProtocolTag(text);
  return tag ? { kind: "protocol-tag", field: "content", tag: tag.tag, message: `The ${field} cannot contain the tag ${tag.tag}: the model would read it as part of the protocol.` } : null;
}

function oneLine(field: string, text: string, required: boolean): { value: string } | { error: EditError } {
  const value = text.replace(/\s+/g, " ").trim();
  if (/[\r\n]/.test(text.trim())) return { error: { kind: "invalid-entry", message: `The ${field} is one line.` } };
  if (required && value === "") return { error: { kind: "invalid-entry", message: `An entry needs a ${field}.` } };
  if (value.length > MAX_NAME) return { error: { kind: "invalid-entry", message: `The ${field} is at most ${MAX_NAME} characters.` } };
  if (/[[\]]/.test(value)) return { error: { kind: "invalid-entry", message: `The ${field} cannot contain square brackets: they mark the bible's notes to the model.` } };
  const tag = tagIn(field, value);
  return tag ? { error: tag } : { value };
}

/** An entry's fields as the bible keeps them, or why they cannot be kept. */
function readEntry(input: BibleEntryInput, others: readonly BibleEntry[]): { entry: BibleEntryInput } | { error: EditError } {
  const name = oneLine("name", input.name, true);
  if ("error" in name) return name;
  if (input.aliases.length > MAX_ALIASES) return { error: { kind: "invalid-entry", message: `An entry has at most ${MAX_ALIASES} aliases.` } };
  const aliases: string[] = [];
  for (const raw of input.aliases) {
    const alias = oneLine("alias", raw, false);
    if ("error" in alias) return alias;
    if (alias.value !== "" && !aliases.some((a) => normalizeName(a) === normalizeName(alias.value)) && normalizeName(alias.value) !== normalizeName(name.value)) aliases.push(alias.value);
  }
  const description = input.description.trim();
  if (description.length > MAX_DESCRIPTION) return { error: { kind: "invalid-entry", message: `A description is at most ${MAX_DESCRIPTION} characters.` } };
  if (/[[\]]/.test(description)) return { error: { kind: "invalid-entry", message: "The description cannot contain square brackets: they mark the bible's notes to the model." } };
  const tag = tagIn("description", description);
  if (tag) return { error: tag };
  const taken = new Map<string, string>();
  for (const e of others) for (const n of [e.name, ...e.aliases]) taken.set(normalizeName(n), e.name);
  for (const n of [name.value, ...aliases]) {
    const holder = taken.get(normalizeName(n));
    if (holder !== undefined) return { error: { kind: "duplicate-name", name: n, message: `"${n}" already names the entry "${holder}".` } };
  }
  return { entry: { kind: input.kind, name: name.value, aliases, description, always: input.always } };
}

function withMemory(m: Manuscript, memory: Partial<StoryMemory>): Manuscript {
  return { ...m, memory: { ...m.memory, ...memory } };
}

function findStep(m: Manuscript, stepId: string): { index: number; step: Step } | { error: EditError } {
  const index = m.steps.findIndex((s) => s.id === stepId);
  const step = m.steps[index];
  if (!step) return { error: { kind: "unknown-step", stepId, message: `There is no step ${stepId}.` } };
  return { index, step };
}

function withStepMemory(m: Manuscript, index: number, change: (memory: StepMemory) => StepMemory): Manuscript {
  const steps = m.steps.slice();
  const step = steps[index]!;
  steps[index] = { ...step, memory: change(step.memory ?? emptyStepMemory()) };
  return { ...m, steps };
}

function unknownEntry(entryId: string): EditResult {
  return fail({ kind: "unknown-entry", entryId, message: `There is no bible entry ${entryId}.` });
}

/** Applies an edit of the story memory. */
export function applyMemoryEdit(m: Manuscript, edit: MemoryEdit): EditResult {
  const memory = m.memory;
  switch (edit.type) {
    case "addEntry": {
      if (memory.entries.length >= MAX_ENTRIES) return fail({ kind: "invalid-entry", message: `The bible holds at most ${MAX_ENTRIES} entries.` });
      const read = readEntry(edit.entry, memory.entries);
      if ("error" in read) return fail(read.error);
      if (edit.restoreId !== undefined) {
        const n = /^entry-(\d+)$/.exec(edit.restoreId);
        if (!n || Number(n[1]) >= memory.nextEntry || memory.entries.some((e) => e.id === edit.restoreId)) {
          return fail({ kind: "invalid-entry", message: `The entry ${edit.restoreId} cannot be taken back: its id is in use or was never given.` });
        }
        return { ok: true, manuscript: withMemory(m, { entries: [...memory.entries, { id: edit.restoreId, ...read.entry }] }) };
      }
      const entry: BibleEntry = { id: `entry-${memory.nextEntry}`, ...read.entry };
      return { ok: true, manuscript: withMemory(m, { entries: [...memory.entries, entry], nextEntry: memory.nextEntry + 1 }) };
    }
    case "editEntry": {
      const index = memory.entries.findIndex((e) => e.id === edit.entryId);
      const old = memory.entries[index];
      if (!old) return unknownEntry(edit.entryId);
      const input: BibleEntryInput = {
        kind: edit.kind ?? old.kind,
        name: edit.name ?? old.name,
        aliases: edit.aliases ?? old.aliases,
        description: edit.description ?? old.description,
        always: edit.always ?? old.always,
      };
      const read = readEntry(input, memory.entries.filter((e) => e.id !== old.id));
      if ("error" in read) return fail(read.error);
      const entries = memory.entries.slice();
      entries[index] = { id: old.id, ...read.entry };
      return { ok: true, manuscript: withMemory(m, { entries }) };
    }
    case "removeEntry": {
      if (!memory.entries.some((e) => e.id === edit.entryId)) return unknownEntry(edit.entryId);
      return {
        ok: true,
        manuscript: withMemory(m, { entries: memory.entries.filter((e) => e.id !== edit.entryId), proposals: memory.proposals.filter((p) => p.entryId !== edit.entryId) }),
      };
    }
    case "acceptProposal": {
      const proposal = memory.proposals.find((p) => p.id === edit.proposalId);
      if (!proposal) return fail({ kind: "unknown-proposal", proposalId: edit.proposalId, message: `There is no proposal ${edit.proposalId}: it was accepted or dismissed already.` });
      const proposals = memory.proposals.filter((p) => p.id !== proposal.id);
      const base = { ...m, memory: { ...memory, proposals } };
      const accepted =
        proposal.entryId === null
          ? applyMemoryEdit(base, { type: "addEntry", entry: { kind: proposal.kind, name: proposal.name, aliases: [], description: proposal.description, always: false, ...edit.entry } })
          : applyMemoryEdit(base, { type: "editEntry", entryId: proposal.entryId, description: proposal.description, ...edit.entry });
      return accepted;
    }
    case "dismissProposal": {
      const proposal = memory.proposals.find((p) => p.id === edit.proposalId);
      if (!proposal) return fail({ kind: "unknown-proposal", proposalId: edit.proposalId, message: `There is no proposal ${edit.proposalId}: it was accepted or dismissed already.` });
      const key = normalizeName(proposal.name);
      const dismissed = proposal.entryId === null && !memory.dismissed.includes(key) ? [...memory.dismissed, key] : memory.dismissed;
      return { ok: true, manuscript: withMemory(m, { proposals: memory.proposals.filter((p) => p.id !== proposal.id), dismissed }) };
    }
    case "setSummary": {
      const found = findStep(m, edit.stepId);
      if ("error" in found) return fail(found.error);
      if (edit.summary === null) return { ok: true, manuscript: withStepMemory(m, found.index, (mem) => ({ ...mem, summary: null, summaryBy: null })) };
      const summary = edit.summary.replace(/\s+/g, " ").trim();
      if (summary.length > MAX_SUMMARY) return fail({ kind: "invalid-entry", message: `A summary is at most ${MAX_SUMMARY} characters.` });
      if (/[[\]]/.test(summary)) return fail({ kind: "invalid-entry", message: "A summary cannot contain square brackets: they mark the notes to the model." });
      const tag = tagIn("summary", summary);
      if (tag) return fail(tag);
      return { ok: true, manuscript: withStepMemory(m, found.index, (mem) => ({ ...mem, summary: summary === "" ? null : summary, summaryBy: summary === "" ? null : "writer" })) };
    }
    case "pinStep": {
      const found = findStep(m, edit.stepId);
      if ("error" in found) return fail(found.error);
      return { ok: true, manuscript: withStepMemory(m, found.index, (mem) => ({ ...mem, pinned: edit.pinned })) };
    }
    case "setDigest": {
      if (!memory.digest) return fail({ kind: "invalid-entry", message: "There is no story so far yet: the model writes one when the steps' summaries no longer fit its window." });
      const text = edit.text.replace(/\s+/g, " ").trim();
      if (text.length > MAX_SUMMARY * 4) return fail({ kind: "invalid-entry", message: `The story so far is at most ${MAX_SUMMARY * 4} characters.` });
      if (/[[\]]/.test(text)) return fail({ kind: "invalid-entry", message: "The story so far cannot contain square brackets: they mark the notes to the model." });
      const tag = tagIn("story so far", text);
      if (tag) return fail(tag);
      return { ok: true, manuscript: withMemory(m, { digest: text === "" ? null : { ...memory.digest, text, by: "writer" } }) };
    }
    case "setBibleBudget": {
      if (!Number.isSafeInteger(edit.tokens) || edit.tokens < 0 || edit.tokens > MAX_BIBLE_BUDGET) {
        return fail({ kind: "invalid-budget", value: edit.tokens, message: `The bible's budget is a whole number of tokens from 0 to ${MAX_BIBLE_BUDGET}, not ${edit.tokens}.` });
      }
      return { ok: true, manuscript: withMemory(m, { budget: edit.tokens }) };
    }
    case "lockBudget": {
      if (!m.sections.some((s) => s.id === edit.sectionId)) return fail({ kind: "unknown-section", sectionId: edit.sectionId, message: `There is no section ${edit.sectionId}.` });
      const others = memory.lockedSections.filter((id) => id !== edit.sectionId);
      return { ok: true, manuscript: withMemory(m, { lockedSections: edit.locked ? [...others, edit.sectionId] : others }) };
    }
    default:
      return edit satisfies never;
  }
}
