import { isTrimSpace } from "../metrics/chars";
import { reportedProgress, stepTargetWords } from "./budget";
import type { ParserEvent, ParserWarning } from "./events";
import { PlanExtractor } from "./plan";
import { matchTag, type BlockKind, type TagName } from "./tags";

/** Where the parser stands: inside a block, between the blocks of a step, outside any step. */
type State = "outside" | "global_plan" | "step_plan" | "after_step_plan" | "content" | "after_content" | "reflection" | "finished";

const PREVIEW = 80;

function isOpenBlock(state: State): state is BlockKind {
  return state === "global_plan" || state === "step_plan" || state === "content" || state === "reflection";
}

function inStep(state: State): boolean {
  return state === "step_plan" || state === "after_step_plan" || state === "content" || state === "after_content" || state === "reflection";
}

/**
 * The streaming IS-CoT parser. `feed(chunk)` takes text in chunks of any size and returns the events
 * that are certain so far; `end()` says the text is over and returns the last ones. It never throws.
 *
 * Per chunk it scans only the chunk and what it held back from the previous one: a possible partial tag
 * (at most MAX_TAG_LENGTH characters), a high surrogate, or the white space at the end of a block, which
 * is emitted once more text follows it and dropped if the block ends. So its cost per chunk does not grow
 * with the length of the document, and the events, once adjacent deltas are joined, do not depend on how
 * the text was cut into chunks.
 *
 * Recovery, always the same for the same text: a block left open is closed by the next opening tag
 * (or FINISHED); text outside blocks is dropped, except text right after a closed step plan, which is
 * taken as the step's content; a closing tag that closes nothing is ignored; an unknown tag (`<br>`) and
 * a `<` that starts no tag (`a < b`) are text; a second global plan is a revision; opening a block that
 * cannot follow the current one in a step (plan, content, reflection) starts a new step; anything after
 * FINISHED is ignored. Each is reported with a warning event.
 */
export class TranscriptParser {
  private held = "";
  /** Stream offset of the first character of `held` (and of the text being processed). */
  private base = 0;
  private state: State = "outside";
  private step = -1;
  private revision = 0;
  private atBlockStart = true;
  private pendingSpace = "";
  /** The last characters given to the open block: whether they end like the start of a tag. */
  private tail = "";
  private planText = "";
  private planLine = "";
  private extractor: PlanExtractor | null = null;
  private sectionCount = 0;
  private stepPlanText = "";
  private reflectionText = "";
  private stray: { offset: number; preview: string; end: number } | null = null;
  private afterFinishedReported = false;
  private implicitContent = false;
  private ended = false;
  private out: ParserEvent[] = [];

  /** Takes the next chunk of text; returns the events it made certain. */
  feed(chunk: string): ParserEvent[] {
    if (this.ended || chunk === "") return [];
    const text = this.held === "" ? chunk : this.held + chunk;
    this.held = "";
    this.process(text, false);
    return this.take();
  }

  /** Ends the text: flushes what was held back and reports a truncated block or step. */
  end(): ParserEvent[] {
    if (this.ended) return [];
    this.ended = true;
    if (this.held !== "") {
      const text = this.held;
      this.held = "";
      this.process(text, true);
    }
    this.flushStray();
    const offset = this.base;
    if (isOpenBlock(this.state)) {
      this.warn({ kind: "truncated", block: this.state, step: this.state === "global_plan" ? null : this.step, offset });
    } else if (inStep(this.state)) {
      this.warn({ kind: "truncated", block: null, step: this.step, offset });
    }
    return this.take();
  }

  private take(): ParserEvent[] {
    const events = this.out;
    this.out = [];
    return events;
  }

  private warn(warning: ParserWarning): void {
    this.out.push({ type: "warning", warning });
  }

  private process(text: string, final: boolean): void {
    let n = text.length;
    // Keep a high surrogate for the next chunk, so no delta ends in half a character.
    if (!final && n > 0) {
      const last = text.charCodeAt(n - 1);
      if (last >= 0xd800 && last <= 0xdbff) n--;
    }
    let textStart = 0;
    let search = 0;
    for (;;) {
      const lt = text.indexOf("<", search);
      if (lt < 0 || lt >= n) break;
      const match = matchTag(text.length === n ? text : text.slice(0, n), lt, final);
      if (match.kind === "partial") {
        this.onText(text, textStart, lt);
        this.held = text.slice(lt);
        this.base += lt;
        return;
      }
      if (match.kind === "text") {
        search = lt + 1;
        continue;
      }
      if (match.kind === "unknown") {
        this.onText(text, textStart, lt);
        textStart = lt;
        search = lt + match.length;
        if (this.state !== "finished") this.warn({ kind: "unknown-tag", tag: match.raw, offset: this.base + lt });
        continue;
      }
      this.onText(text, textStart, lt);
      this.onTag(match.name, match.closing, match.raw, this.base + lt);
      textStart = search = lt + match.length;
    }
    this.onText(text, textStart, n);
    this.held = n < text.length ? text.slice(n) : "";
    this.base += n;
  }

  // ---- text ----

  private onText(text: string, start: number, end: number): void {
    if (start >= end) return;
    switch (this.state) {
      case "global_plan":
      case "step_plan":
      case "content":
      case "reflection":
        this.blockText(text, start, end);
        return;
      case "after_step_plan": {
        let i = start;
        while (i < end && isTrimSpace(text.charCodeAt(i))) i++;
        if (i === end) return;
        this.warn({ kind: "text-taken-as-content", step: this.step, offset: this.base + i });
        this.openBlock("content");
        this.implicitContent = true;
        this.blockText(text, i, end);
        return;
      }
      case "outside":
      case "after_content":
        this.strayText(text, start, end);
        return;
      case "finished":
        if (!this.afterFinishedReported) {
          let i = start;
          while (i < end && isTrimSpace(text.charCodeAt(i))) i++;
          if (i < end) this.reportAfterFinished(this.base + i);
        }
        return;
      default:
        return this.state satisfies never;
    }
  }

  private strayText(text: string, start: number, end: number): void {
    let i = start;
    if (this.stray === null) {
      while (i < end && isTrimSpace(text.charCodeAt(i))) i++;
      if (i === end) return;
      this.stray = { offset: this.base + i, preview: "", end: this.base + i };
    }
    if (this.stray.preview.length < PREVIEW) this.stray.preview += text.slice(i, Math.min(end, i + PREVIEW - this.stray.preview.length));
    let e = end;
    while (e > i && isTrimSpace(text.charCodeAt(e - 1))) e--;
    if (e > i) this.stray.end = this.base + e;
  }

  private flushStray(): void {
    const s = this.stray;
    if (!s) return;
    this.stray = null;
    this.warn({ kind: "stray-text", preview: s.preview.trim(), length: s.end - s.offset, offset: s.offset });
  }

  /** Text inside a block, without its leading and trailing white space. */
  private blockText(text: string, start: number, end: number): void {
    let s = start;
    if (this.atBlockStart) {
      while (s < end && isTrimSpace(text.charCodeAt(s))) s++;
      if (s === end) return;
      this.atBlockStart = false;
    }
    let e = end;
    while (e > s && isTrimSpace(text.charCodeAt(e - 1))) e--;
    if (e === s) {
      this.pendingSpace += text.slice(s, end);
      return;
    }
    let delta = text.slice(s, e);
    if (this.pendingSpace !== "") {
      delta = this.pendingSpace + delta;
      this.pendingSpace = "";
    }
    if (e < end) this.pendingSpace = text.slice(e, end);
    this.deliver(delta);
  }

  private deliver(delta: string): void {
    this.tail = (this.tail + delta).slice(-32);
    switch (this.state) {
      case "content":
        this.out.push({ type: "contentDelta", step: this.step, text: delta });
        return;
      case "step_plan":
        this.stepPlanText += delta;
        this.out.push({ type: "stepPlanDelta", step: this.step, text: delta });
        return;
      case "reflection":
        this.reflectionText += delta;
        this.out.push({ type: "reflectionDelta", step: this.step, text: delta });
        return;
      case "global_plan": {
        this.planText += delta;
        this.out.push({ type: "globalPlanDelta", text: delta });
        // Only the delta is searched for line ends: a long line costs no rescans.
        let from = 0;
        let nl = delta.indexOf("\n");
        while (nl >= 0) {
          this.announceSections(this.extractor!.pushLine(this.planLine + delta.slice(from, nl)));
          this.planLine = "";
          from = nl + 1;
          nl = delta.indexOf("\n", from);
        }
        this.planLine += delta.slice(from);
        return;
      }
      default:
        return;
    }
  }

  private announceSections(sections: ReturnType<PlanExtractor["pushLine"]>): void {
    for (const section of sections) this.out.push({ type: "globalPlanSection", index: this.sectionCount++, section });
  }

  // ---- tags ----

  private onTag(name: TagName, closing: boolean, raw: string, offset: number): void {
    if (this.state === "finished") {
      this.reportAfterFinished(offset);
      return;
    }
    this.flushStray();
    if (name === "finished") {
      this.closeBlock(raw, offset, true);
      if (inStep(this.state)) this.completeStep();
      this.state = "finished";
      this.out.push({ type: "finished" });
      return;
    }
    if (closing) {
      if (this.state === name) this.closeBlock(raw, offset, false);
      else {
        this.warn({ kind: "stray-closing-tag", tag: raw, offset });
        // The text on both sides of an ignored tag must not join into a tag ("<glo" + "bal_plan>"): a
        // block text that ends like the start of one is kept apart from what follows by a space.
        if (this.state !== "outside" && this.state !== "after_step_plan" && this.state !== "after_content" && /<\/?\s*[A-Za-z_]*$/.test(this.tail)) this.pendingSpace += " ";
      }
      return;
    }
    this.closeBlock(raw, offset, true);
    switch (name) {
      case "global_plan":
        if (inStep(this.state)) this.completeStep();
        this.revision++;
        if (this.revision > 1) this.warn({ kind: "plan-revised", revision: this.revision, offset });
        this.out.push({ type: "globalPlanStarted", revision: this.revision });
        this.planText = "";
        this.planLine = "";
        this.sectionCount = 0;
        this.extractor = new PlanExtractor();
        this.openBlock("global_plan");
        return;
      case "step_plan":
        if (inStep(this.state)) this.completeStep();
        this.startStep();
        this.openBlock("step_plan");
        return;
      case "content":
        if (this.state !== "after_step_plan") {
          if (inStep(this.state)) this.completeStep();
          this.startStepWithoutPlan(offset);
        }
        this.openBlock("content");
        return;
      case "reflection":
        if (this.state !== "after_step_plan" && this.state !== "after_content") {
          if (inStep(this.state)) this.completeStep();
          this.startStepWithoutPlan(offset);
        }
        this.openBlock("reflection");
        return;
      default:
        return name satisfies never;
    }
  }

  private reportAfterFinished(offset: number): void {
    if (this.afterFinishedReported) return;
    this.afterFinishedReported = true;
    this.warn({ kind: "after-finished", offset });
  }

  private openBlock(block: BlockKind): void {
    this.state = block;
    this.atBlockStart = true;
    this.pendingSpace = "";
    this.tail = "";
  }

  /** Closes the open block, if any; `implicit` when another tag closes it (a missing closing tag). */
  private closeBlock(by: string, offset: number, implicit: boolean): void {
    const block = this.state;
    if (!isOpenBlock(block)) return;
    // Content taken from text after a step plan never had an opening tag: no closing tag is missing.
    if (implicit && !this.implicitContent) this.warn({ kind: "missing-closing-tag", block, closedBy: by, offset });
    this.implicitContent = false;
    this.pendingSpace = "";
    switch (block) {
      case "global_plan": {
        const extractor = this.extractor!;
        this.announceSections(extractor.pushLine(this.planLine));
        const { sections, statedTotal } = extractor.finish();
        this.announceSections(sections.slice(this.sectionCount));
        this.out.push({ type: "globalPlanComplete", revision: this.revision, text: this.planText, sections, statedTotal });
        this.extractor = null;
        this.planText = "";
        this.planLine = "";
        this.state = "outside";
        return;
      }
      case "step_plan":
        this.out.push({ type: "stepPlanComplete", step: this.step, text: this.stepPlanText, targetWords: stepTargetWords(this.stepPlanText) });
        this.state = "after_step_plan";
        return;
      case "content":
        this.state = "after_content";
        return;
      case "reflection":
        this.completeStep();
        return;
      default:
        return block satisfies never;
    }
  }

  private startStep(): void {
    this.step++;
    this.stepPlanText = "";
    this.reflectionText = "";
    this.out.push({ type: "stepStarted", step: this.step });
  }

  private startStepWithoutPlan(offset: number): void {
    this.startStep();
    this.warn({ kind: "step-without-plan", step: this.step, offset });
    this.out.push({ type: "stepPlanComplete", step: this.step, text: "", targetWords: null });
    this.state = "after_step_plan";
  }

  /** Closes the current step; its open block, if any, was closed just before. */
  private completeStep(): void {
    const reflection = this.reflectionText;
    this.out.push({ type: "stepComplete", step: this.step, reflection, progress: reportedProgress(reflection) });
    this.reflectionText = "";
    this.state = "outside";
  }
}

/** A new streaming parser (see TranscriptParser). */
export function createParser(): TranscriptParser {
  return new TranscriptParser();
}

/** Parses a whole text at once: the events of feeding it in one chunk and ending. */
export function parseEvents(text: string): ParserEvent[] {
  const parser = new TranscriptParser();
  return [...parser.feed(text), ...parser.end()];
}
