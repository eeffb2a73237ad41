// Section ids across plan revisions, and which section each step writes.
import type { SectionDraft } from "../iscot/plan";
import { spaceOr, trimEndWhile } from "../metrics/chars";
import type { Manuscript, Section, Step } from "./types";

/** A title as compared when matching sections: case, emphasis, quotes and extra spaces ignored. */
export function normalizeTitle(title: string): string {
  const spaced = title
    .toLowerCase()
    .replace(/[*_`#"“”'‘’「」《》]/g, "")
    .replace(/\s+/g, " ");
  return trimEndWhile(spaced, isTitleEnd).trim();
}

const isTitleEnd = spaceOr(".。:：,，;；!！?？-");

/** The id of the n-th section ever created. */
export function sectionId(n: number): string {
  return `sec-${n}`;
}

/** The id of the step at an index. */
export function stepId(index: number): string {
  return `step-${index + 1}`;
}

/**
 * Gives the sections of a new plan their ids from the plan before it, deterministically:
 * 1. a new section takes the id of the first unpaired old section with the same title (in order);
 * 2. the new sections left take, in order, the ids of the old sections left, in order (a renamed section
 *    keeps its id, and a rewritten plan keeps the ids of the sections already written);
 * 3. the rest get fresh ids, numbered from `next`. Old sections left after that are dropped.
 */
export function matchSections(old: ReadonlyArray<Section>, drafts: ReadonlyArray<SectionDraft>, next: number): { sections: Section[]; next: number } {
  const ids: (string | null)[] = drafts.map(() => null);
  const used = old.map(() => false);
  // The old sections of each title, in order, and how many of them are paired: one pass, not a search per section.
  const byTitle = new Map<string, { at: number[]; paired: number }>();
  old.forEach((s, k) => {
    const title = normalizeTitle(s.title);
    const entry = byTitle.get(title);
    if (entry) entry.at.push(k);
    else byTitle.set(title, { at: [k], paired: 0 });
  });
  drafts.forEach((draft, i) => {
    const entry = byTitle.get(normalizeTitle(draft.title));
    if (!entry || entry.paired >= entry.at.length) return;
    const j = entry.at[entry.paired++]!;
    used[j] = true;
    ids[i] = old[j]!.id;
  });
  let k = 0;
  for (let i = 0; i < drafts.length; i++) {
    if (ids[i] !== null) continue;
    while (k < old.length && used[k]) k++;
    if (k >= old.length) break;
    used[k] = true;
    ids[i] = old[k]!.id;
  }
  let n = next;
  const sections = drafts.map((d, i) => ({ id: ids[i] ?? sectionId(n++), title: d.title, brief: d.brief, budget: d.budget }));
  return { sections, next: n };
}

function isAsciiAlnum(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
}

/**
 * The section titles of a plan, found in a step plan in one pass (an Aho-Corasick automaton over the
 * normalized titles, held in typed arrays: a plan of 100,000 sections makes millions of nodes). A title is
 * named when it occurs in the normalized step plan, not as part of a longer word or number: a title that
 * starts (ends) with a letter or digit must not follow (be followed by) one. Titles shorter than two
 * characters are never named; they would match almost any plan.
 */
class TitleMatcher {
  /**
   * The children of the nodes: an open-addressing table from (node, UTF-16 unit) to the child, each slot
   * three numbers side by side (node + 1, 0 when the slot is free; unit; child), one cache line per probe.
   */
  private readonly edges: Int32Array;
  private readonly mask: number;
  /** Per node (0 is the root): its first child and next sibling (to walk breadth first), and its links. */
  private readonly firstChild: Int32Array;
  private readonly nextSibling: Int32Array;
  private readonly unit: Uint16Array;
  private readonly fail: Int32Array;
  /** The title a node ends (an index into `titles`), or -1. */
  private readonly title: Int32Array;
  /** The nearest node on a node's failure chain (itself excluded) that ends a title, or -1. */
  private readonly output: Int32Array;
  private nodes = 1;
  /** The distinct titles, and per title the sections bearing it, in plan order. */
  readonly titles: string[] = [];
  readonly sectionsOf: number[][] = [];
  /** Per title: whether the title at the output of its node may stand where it does inside this one. */
  private readonly outputBounded: Uint8Array;
  /** Per title: the scan that last found it named, and the scan that last walked its outputs. */
  private readonly namedIn: Int32Array;
  private readonly walkedIn: Int32Array;
  private scan = 0;

  constructor(titles: ReadonlyArray<string>) {
    const byTitle = new Map<string, number>();
    let units = 0;
    titles.forEach((t, section) => {
      if (t.length < 2) return;
      let id = byTitle.get(t);
      if (id === undefined) {
        id = this.titles.length;
        byTitle.set(t, id);
        this.titles.push(t);
        this.sectionsOf.push([]);
        units += t.length;
      }
      this.sectionsOf[id]!.push(section);
    });
    const capacity = units + 1;
    let size = 16;
    while (size < capacity * 2) size *= 2;
    this.mask = size - 1;
    this.edges = new Int32Array(size * 3);
    this.firstChild = new Int32Array(capacity).fill(-1);
    this.nextSibling = new Int32Array(capacity).fill(-1);
    this.unit = new Uint16Array(capacity);
    this.fail = new Int32Array(capacity);
    this.title = new Int32Array(capacity).fill(-1);
    this.output = new Int32Array(capacity).fill(-1);
    const titleNode = this.titles.map((t, id) => this.insert(t, id));
    this.link();
    this.outputBounded = new Uint8Array(this.titles.length);
    // A shorter title inside a longer one: the character before it lies inside the longer title.
    this.titles.forEach((outer, id) => {
      const out = this.output[titleNode[id]!]!;
      if (out < 0) return;
      const inner = this.titles[this.title[out]!]!;
      this.outputBounded[id] = !isAsciiAlnum(inner.charCodeAt(0)) || !isAsciiAlnum(outer.charCodeAt(outer.length - inner.length - 1)) ? 1 : 0;
    });
    this.namedIn = new Int32Array(this.titles.length);
    this.walkedIn = new Int32Array(this.titles.length);
  }

  private slot(node: number, unit: number): number {
    let h = Math.imul(node ^ Math.imul(unit, 0x27d4eb2d), 0x9e3779b1);
    h = Math.imul(h ^ (h >>> 15), 0x85ebca77);
    let i = (h ^ (h >>> 13)) & this.mask;
    const edges = this.edges;
    while (edges[i * 3] !== 0 && (edges[i * 3] !== node + 1 || edges[i * 3 + 1] !== unit)) i = (i + 1) & this.mask;
    return i * 3;
  }

  private child(node: number, unit: number): number {
    const i = this.slot(node, unit);
    return this.edges[i] === 0 ? -1 : this.edges[i + 2]!;
  }

  private insert(t: string, id: number): number {
    let node = 0;
    for (let k = 0; k < t.length; k++) {
      const u = t.charCodeAt(k);
      const i = this.slot(node, u);
      if (this.edges[i] === 0) {
        const child = this.nodes++;
        this.edges[i] = node + 1;
        this.edges[i + 1] = u;
        this.edges[i + 2] = child;
        this.unit[child] = u;
        this.nextSibling[child] = this.firstChild[node]!;
        this.firstChild[node] = child;
      }
      node = this.edges[i + 2]!;
    }
    this.title[node] = id;
    return node;
  }

  /** Failure and output links, breadth first. */
  private link(): void {
    const queue = new Int32Array(this.nodes);
    let tail = 0;
    for (let c = this.firstChild[0]!; c !== -1; c = this.nextSibling[c]!) queue[tail++] = c;
    for (let head = 0; head < tail; head++) {
      const node = queue[head]!;
      for (let c = this.firstChild[node]!; c !== -1; c = this.nextSibling[c]!) {
        const u = this.unit[c]!;
        let f = this.fail[node]!;
        let target = this.child(f, u);
        while (target === -1 && f !== 0) {
          f = this.fail[f]!;
          target = this.child(f, u);
        }
        const fc = target === -1 ? 0 : target;
        this.fail[c] = fc;
        this.output[c] = this.title[fc]! >= 0 ? fc : this.output[fc]!;
        queue[tail++] = c;
      }
    }
  }

  /** The titles named in `text` (normalized), each once. */
  named(text: string): number[] {
    const scan = ++this.scan;
    const found: number[] = [];
    let node = 0;
    for (let p = 0; p < text.length; p++) {
      const u = text.charCodeAt(p);
      let next = this.child(node, u);
      while (next === -1 && node !== 0) {
        node = this.fail[node]!;
        next = this.child(node, u);
      }
      node = next === -1 ? 0 : next;
      // Every title ending here ends with this unit: if it and the next are letters or digits, none stands alone.
      if (isAsciiAlnum(u) && p + 1 < text.length && isAsciiAlnum(text.charCodeAt(p + 1))) continue;
      let t = this.title[node]! >= 0 ? node : this.output[node]!;
      if (t < 0) continue;
      // The longest title ending here: the character before it is in the text.
      let id = this.title[t]!;
      const start = p + 1 - this.titles[id]!.length;
      let bounded = !isAsciiAlnum(this.titles[id]!.charCodeAt(0)) || start === 0 || !isAsciiAlnum(text.charCodeAt(start - 1));
      for (;;) {
        if (bounded && this.namedIn[id] !== scan) {
          this.namedIn[id] = scan;
          found.push(id);
        }
        // Whether the shorter titles inside this one stand alone does not depend on where it is: walk them once.
        if (this.walkedIn[id] === scan) break;
        this.walkedIn[id] = scan;
        bounded = this.outputBounded[id] === 1;
        t = this.output[t]!;
        if (t < 0) break;
        id = this.title[t]!;
      }
    }
    return found;
  }
}

/**
 * Assigns each step its section as assignSection does, in transcript order, in time linear in the plans
 * and step plans it reads: it keeps per section the words and steps written so far, the sections of the
 * steps in order, and for the plan in force a matcher of its titles and the first section not yet
 * filled. `setSections` puts a new plan in force; `assign` gives the next step's section; `record` adds a
 * step once its section and words are known.
 */
export class SectionAssigner {
  private sections: ReadonlyArray<Section> = [];
  private position = new Map<string, number>();
  private matcher: TitleMatcher | null = null;
  /** Per matcher title: how many of its sections (in order) are known to be filled. */
  private filledOfTitle: number[] = [];
  /** Links to the first section not yet filled at or after a position (filled sections only grow within a plan). */
  private unfilledLink: Int32Array = new Int32Array(1);
  /** Per section id: the words and the steps written in it by the steps recorded (and not orphaned). */
  private readonly words = new Map<string, number>();
  private readonly steps = new Map<string, number>();
  /** The steps recorded in each section, to orphan them when a plan drops it. */
  private readonly stepsOf = new Map<string, number[]>();
  /** The steps recorded with a section, in order (latest last), and their sections; orphaned ones are skipped when read. */
  private readonly historyStep: number[] = [];
  private readonly historyId: string[] = [];
  private readonly orphaned = new Set<number>();

  /** Puts a plan in force; returns the steps whose section it drops (they now have none), in order. */
  setSections(sections: ReadonlyArray<Section>): number[] {
    const present = new Set<string>();
    for (const s of sections) present.add(s.id);
    const orphaned: number[] = [];
    for (const s of this.sections) {
      if (present.has(s.id)) continue;
      for (const step of this.stepsOf.get(s.id) ?? []) {
        orphaned.push(step);
        this.orphaned.add(step);
      }
      this.stepsOf.delete(s.id);
      this.words.delete(s.id);
      this.steps.delete(s.id);
    }
    this.sections = sections;
    this.position = new Map();
    sections.forEach((s, i) => {
      if (!this.position.has(s.id)) this.position.set(s.id, i);
    });
    this.matcher = null;
    return orphaned.sort((a, b) => a - b);
  }

  /** Adds step `index`, written in section `id` (or none) with `words` words. */
  record(index: number, id: string | null, words: number): void {
    if (id === null) return;
    this.words.set(id, (this.words.get(id) ?? 0) + words);
    this.steps.set(id, (this.steps.get(id) ?? 0) + 1);
    const list = this.stepsOf.get(id);
    if (list) list.push(index);
    else this.stepsOf.set(id, [index]);
    this.historyStep.push(index);
    this.historyId.push(id);
  }

  private filled(i: number): boolean {
    const s = this.sections[i]!;
    return s.budget > 0 ? (this.words.get(s.id) ?? 0) * 5 >= s.budget * 4 : (this.steps.get(s.id) ?? 0) >= 1;
  }

  private firstUnfilledFrom(start: number): number {
    const link = this.unfilledLink;
    const root = (i: number) => {
      while (link[i] !== i) {
        link[i] = link[link[i]!]!;
        i = link[i]!;
      }
      return i;
    };
    let i = root(start);
    while (i < this.sections.length && this.filled(i)) {
      link[i] = i + 1;
      i = root(i + 1);
    }
    return i;
  }

  /** The section of the next step, whose plan is `plan`: assignSection's rules. */
  assign(plan: string): string | null {
    const n = this.sections.length;
    if (n === 0) return null;
    if (!this.matcher) {
      this.matcher = new TitleMatcher(this.sections.map((s) => normalizeTitle(s.title)));
      this.filledOfTitle = this.matcher.titles.map(() => 0);
      this.unfilledLink = Int32Array.from({ length: n + 1 }, (_, i) => i);
    }
    const matcher = this.matcher;
    const named = matcher.named(normalizeTitle(plan));
    if (named.length > 0) {
      let firstUnfilled = n;
      let last = -1;
      for (const id of named) {
        const list = matcher.sectionsOf[id]!;
        let k = this.filledOfTitle[id]!;
        while (k < list.length && this.filled(list[k]!)) k++;
        this.filledOfTitle[id] = k;
        if (k < list.length) firstUnfilled = Math.min(firstUnfilled, list[k]!);
        last = Math.max(last, list[list.length - 1]!);
      }
      return this.sections[firstUnfilled < n ? firstUnfilled : last]!.id;
    }
    while (this.historyStep.length > 0 && this.orphaned.has(this.historyStep[this.historyStep.length - 1]!)) {
      this.historyStep.pop();
      this.historyId.pop();
    }
    const latest = this.historyId[this.historyId.length - 1];
    const start = latest === undefined ? 0 : (this.position.get(latest) ?? 0);
    const found = this.firstUnfilledFrom(start);
    return this.sections[found < n ? found : n - 1]!.id;
  }
}

/**
 * The section a step writes, given the sections in force, the steps before it (with their sections)
 * and its plan:
 * 1. if the step plan names sections by title, the first of them (in plan order) that is not filled,
 *    or the last of them when all are filled;
 * 2. otherwise the first section not yet filled, from the section of the latest earlier step on (the plan
 *    is written in order), or the last section when all are filled.
 * A section is filled when its steps reach 80% of its budget (models rarely hit a budget exactly), or,
 * with no budget, once it has a step. No sections: null.
 */
export function assignSection(sections: ReadonlyArray<Section>, earlier: ReadonlyArray<Pick<Step, "sectionId" | "words">>, plan: string): string | null {
  const assigner = new SectionAssigner();
  assigner.setSections(sections);
  earlier.forEach((s, i) => assigner.record(i, s.sectionId, s.words));
  return assigner.assign(plan);
}

/**
 * Every step's section, replayed in transcript order: plan revisions and steps interleaved, each step
 * assigned under the plan in force at its place, and a step whose section a later revision dropped set
 * to none. The reducer reaches the same result incrementally; edits call this to redo it.
 */
export function replayAssignments(m: Pick<Manuscript, "revisions" | "steps">): (string | null)[] {
  const ids: (string | null)[] = [];
  const assigner = new SectionAssigner();
  let r = 0;
  const applyRevisionsUpTo = (position: number) => {
    while (r < m.revisions.length && m.revisions[r]!.afterStep <= position) {
      for (const i of assigner.setSections(m.revisions[r]!.sections)) ids[i] = null;
      r++;
    }
  };
  m.steps.forEach((step, i) => {
    applyRevisionsUpTo(i);
    const id = step.planComplete ? assigner.assign(step.plan) : null;
    ids.push(id);
    assigner.record(i, id, step.words);
  });
  applyRevisionsUpTo(Number.POSITIVE_INFINITY);
  return ids;
}

/** The manuscript with every step's section set by replayAssignments. */
export function reassignSections(m: Manuscript): Manuscript {
  const ids = replayAssignments(m);
  if (ids.every((id, i) => m.steps[i]!.sectionId === id)) return m;
  return { ...m, steps: m.steps.map((s, i) => (s.sectionId === ids[i] ? s : { ...s, sectionId: ids[i]! })) };
}
