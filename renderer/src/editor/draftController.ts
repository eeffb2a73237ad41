// Binds the draft editor to the store, outside React: the manuscript's changes are applied to the
// editor as transactions (a streaming token costs one small transaction, no React render), the
// writer's edits go back to the manuscript (debounced, as step-content edits), the cursor tells the
// timeline where the writer is, and a click in the timeline brings its step into view.
import type { Editor } from "@tiptap/core";
import { Selection, TextSelection, type Transaction } from "@tiptap/pm/state";
import type { Manuscript } from "../../../electron/common/manuscript";
import type { AppStore } from "../store/store";
import type { SelectedPassage, SelectionResult } from "../store/rewriteSlice";
import { findStepBlock } from "./extensions/stepBlock";
import { STREAM_META, type GuardHooks, type RefusedEdit } from "./extensions/streamGuard";
import type { MessageKey } from "../i18n";
import { createDraftDoc, syncDraft } from "./draftSync";
import { serializeMarkdown } from "./markdown";
import { passageFromSelection, replacePassageTransaction } from "./passage";

export interface DraftControllerOptions {
  /** How long after the writer's last keystroke in a step its text is sent. */
  debounceMs?: number;
}

export class DraftController {
  /** What each step's block shows, as Markdown (see syncDraft). */
  private readonly shown = new Map<string, string>();
  private synced: Manuscript | null = null;
  /** Steps the writer changed that are not sent yet. */
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private readonly debounceMs: number;
  /** The pause the writer's first keystroke in the step the model writes asked for, until it lands. */
  private pausing: Promise<void> | null = null;
  /**
   * The step the model was writing when the writer typed into it: the draft holds it as the writer sees
   * it until the run goes on (Resume, Stop, an end). The model's last words before the pause landed may
   * reach the window after the keystroke; the step is cut where the writer typed, not after words they
   * never saw.
   */
  private claimed: string | null = null;
  /** Steps whose last edit the back end did not take: the draft keeps the writer's text and sends it again. */
  private readonly unsent = new Set<string>();
  private hintSeq = 0;

  constructor(
    private readonly editor: Editor,
    private readonly store: AppStore,
    options: DraftControllerOptions = {},
  ) {
    this.debounceMs = options.debounceMs ?? 300;
  }

  start(): void {
    this.load(this.store.getState().manuscript);
    const hooks: GuardHooks = { lockedEdit: (stepId, across, pos) => this.lockedEdit(stepId, across, pos), refused: (reason, pos) => this.refused(reason, pos) };
    const storage = (this.editor.storage as unknown as Record<string, { hooks: GuardHooks | null } | undefined>).streamGuard;
    if (storage) storage.hooks = hooks;
    this.unsubscribe.push(() => {
      if (storage?.hooks === hooks) storage.hooks = null;
    });
    this.unsubscribe.push(
      this.store.subscribe((s, prev) => {
        const status = s.generation?.status;
        if (status !== prev.generation?.status) {
          // The run went on (Resume, Stop, its end): the step the writer typed into follows it again.
          if (this.claimed && !this.pausing && status !== "paused") this.release();
          // What the back end refused may go in now (a pause landed, the run ended).
          if (this.unsent.size > 0) this.retryUnsent();
        }
        if (s.manuscript !== prev.manuscript) this.follow(s.manuscript);
        if (s.scrollRequest && s.scrollRequest !== prev.scrollRequest) this.bringIntoView(s.scrollRequest.kind, s.scrollRequest.id);
      }),
    );
    const onUpdate = ({ transaction }: { transaction: Transaction }) => this.writerChanged(transaction);
    const onSelection = () => this.cursorMoved();
    const onBlur = () => this.flush();
    this.editor.on("update", onUpdate);
    this.editor.on("selectionUpdate", onSelection);
    this.editor.on("blur", onBlur);
    this.unsubscribe.push(() => {
      this.editor.off("update", onUpdate);
      this.editor.off("selectionUpdate", onSelection);
      this.editor.off("blur", onBlur);
    });
    const bridge = { takeSelection: () => this.takeSelection(), replacePassage: (p: SelectedPassage, markdown: string) => this.replacePassage(p, markdown) };
    this.store.getState().setDraftBridge(bridge);
    this.unsubscribe.push(() => {
      if (this.store.getState().draftBridge === bridge) this.store.getState().setDraftBridge(null);
    });
  }

  /**
   * The writer's edit touches a step the model writes. The live step: while the model writes, its
   * first keystroke pauses the model and goes in (an edit across steps is refused: pause first); while
   * paused it goes in, and Resume continues the step after the writer's text. Any other step the model
   * has not written yet waits.
   */
  private lockedEdit(stepId: string, across: boolean, pos: number): boolean {
    const s = this.store.getState();
    const index = s.generation?.progress.currentStep ?? null;
    const live = index !== null ? s.manuscript?.steps[index]?.id : undefined;
    const status = s.generation?.status;
    if (stepId !== live || (status !== "writing" && status !== "paused" && status !== "pausing")) {
      this.hint("draft.hint.waiting", "error", pos);
      return false;
    }
    if (status === "writing" && across) {
      this.hint("draft.hint.acrossLive", "error", pos);
      return false;
    }
    if (status === "writing" && !this.pausing) {
      this.pausing = s.pause().finally(() => {
        this.pausing = null;
        // The pause did not land (the request failed, the run ended meanwhile): the step is the run's again.
        if (this.store.getState().generation?.status !== "paused") this.release();
      });
    }
    this.claimed = stepId;
    this.hint("draft.hint.paused", "info", pos);
    return true;
  }

  private refused(reason: RefusedEdit, pos: number): void {
    const key: Record<RefusedEdit, MessageKey> = { locked: "draft.hint.waiting", acrossLive: "draft.hint.acrossLive", shape: "draft.hint.shape" };
    this.hint(key[reason], "error", pos);
  }

  /** Says something at the cursor (where the edit was made). */
  private hint(key: MessageKey, kind: "info" | "error", pos: number): void {
    let at: { left: number; top: number; bottom: number };
    try {
      at = this.editor.view.coordsAtPos(Math.min(pos, this.editor.state.doc.content.size));
    } catch {
      at = this.editor.view.dom.getBoundingClientRect();
    }
    this.store.setState({ draftHint: { key, kind, left: at.left, top: at.top, bottom: at.bottom, seq: ++this.hintSeq } });
  }

  stop(): void {
    this.flush();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  /** The step the writer typed into is the run's again: the draft catches up with what the back end holds. */
  private release(): void {
    if (!this.claimed) return;
    this.claimed = null;
    this.follow(this.store.getState().manuscript);
  }

  /** Sends again the steps the back end did not take (see flush). */
  private retryUnsent(): void {
    for (const stepId of this.unsent) this.dirty.add(stepId);
    this.flushLater();
  }

  /** Sends the changed steps after a pause in typing (the pause starts again at each change). */
  private flushLater(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.debounceMs);
  }

  /** Shows a manuscript from scratch (a document was opened). */
  private load(m: Manuscript | null): void {
    if (!m) return;
    this.claimed = null;
    this.unsent.clear();
    const state = this.editor.state;
    const doc = createDraftDoc(state.schema, m, this.shown);
    const tr = state.tr.replaceWith(0, state.doc.content.size, doc.content).setMeta(STREAM_META, true).setMeta("addToHistory", false);
    // The cursor starts in the first text, not between blocks (where a first click could land it).
    tr.setSelection(Selection.atStart(tr.doc));
    this.editor.view.dispatch(tr);
    this.synced = m;
  }

  /** Brings the draft to the manuscript's new state (the model's text, plan edits, the writer's own edits echoed). */
  private follow(m: Manuscript | null): void {
    if (!m || this.editor.isDestroyed) return;
    // Steps the writer is typing in keep what the editor shows until their edit is sent and answered.
    const owned = new Set([...this.dirty, ...this.unsent]);
    if (this.claimed) owned.add(this.claimed);
    for (const e of this.store.getState().localEdits) if (e.target.kind === "step" && e.state === "sending") owned.add(e.target.stepId);
    const view = owned.size === 0 ? m : { ...m, steps: m.steps.map((s) => (owned.has(s.id) && this.shown.has(s.id) ? { ...s, content: this.shown.get(s.id)! } : s)) };
    this.takeDomSelection();
    const tr = syncDraft(this.editor.state, view, this.shown, this.synced);
    this.synced = view;
    if (tr) this.editor.view.dispatch(tr);
  }

  /**
   * Takes in a selection the writer just made that ProseMirror has not read yet (its selectionchange
   * event is still queued): otherwise the model's next transaction writes the old selection back to
   * the page, and a click in the draft while the model streams is lost.
   */
  private takeDomSelection(): void {
    const view = this.editor.view;
    if (view.composing || !view.hasFocus()) return;
    const dom = view.dom.ownerDocument.getSelection();
    const anchorNode = dom?.anchorNode;
    const focusNode = dom?.focusNode;
    if (!dom || !anchorNode || !focusNode || anchorNode === view.dom || focusNode === view.dom) return;
    if (!view.dom.contains(anchorNode) || !view.dom.contains(focusNode)) return;
    let anchor: number;
    let head: number;
    try {
      anchor = view.posAtDOM(anchorNode, dom.anchorOffset);
      head = view.posAtDOM(focusNode, dom.focusOffset);
    } catch {
      return;
    }
    const { selection, doc } = view.state;
    if (selection.anchor === anchor && selection.head === head) return;
    if (Math.min(anchor, head) < 0 || Math.max(anchor, head) > doc.content.size) return;
    const next = TextSelection.between(doc.resolve(anchor), doc.resolve(head));
    view.dispatch(view.state.tr.setSelection(next).setMeta("addToHistory", false));
  }

  /** Marks the steps the writer's transaction changed, and sends them after a pause in typing. */
  private writerChanged(tr: Transaction): void {
    if (!tr.docChanged || tr.getMeta(STREAM_META)) return;
    const before = tr.before;
    const after = tr.doc;
    if (before.childCount !== after.childCount) return;
    for (let i = 0; i < after.childCount; i++) {
      const node = after.child(i);
      if (node !== before.child(i) && node.type.name === "stepBlock") this.dirty.add(node.attrs.stepId as string);
    }
    this.flushLater();
  }

  /** Sends the writer's changed steps as step-content edits. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.dirty.size === 0 || this.editor.isDestroyed) return;
    // Typed into the step the model writes: sent once the model has paused (it takes the edit then).
    if (this.pausing) {
      void this.pausing.then(() => this.flush());
      return;
    }
    const doc = this.editor.state.doc;
    for (const stepId of [...this.dirty]) {
      this.dirty.delete(stepId);
      const block = findStepBlock(doc, stepId);
      if (!block) continue;
      const content = serializeMarkdown(block.node);
      // The same text (a space typed at its end) needs no edit, except in the step the writer typed
      // into while the model wrote it, whose back-end copy may hold words the writer never saw, and
      // one whose last edit did not go in.
      if (content === this.shown.get(stepId) && stepId !== this.claimed && !this.unsent.has(stepId)) continue;
      this.shown.set(stepId, content);
      this.unsent.delete(stepId);
      void this.store
        .getState()
        .editManuscript({ type: "editStep", stepId, content }, { kind: "step", stepId })
        .then((outcome) => {
          if (outcome.ok) return;
          // The writer's text stays in the draft (the step keeps what it shows) and is sent again with
          // their next change, or when the run's state changes.
          const current = !this.editor.isDestroyed && findStepBlock(this.editor.state.doc, stepId) !== null;
          if (current) this.unsent.add(stepId);
          this.store.getState().pushNotice({ kind: "error", key: current ? "edit.unsent" : "edit.refused", values: { message: outcome.message } });
        });
    }
  }

  /** The writer's selection as a passage to rewrite (see passage.ts). */
  takeSelection(): SelectionResult {
    if (this.editor.isDestroyed) return { ok: false, key: "selection.noSelection" };
    // A selection made just before (ProseMirror reads it from the page a moment later) counts.
    this.takeDomSelection();
    return passageFromSelection(this.editor.state);
  }

  /**
   * Puts the rewritten passage in place as the writer's own change: one step in the undo history,
   * sent to the back end at once (the counts follow). False when nothing was replaced.
   */
  replacePassage(passage: SelectedPassage, markdown: string): boolean {
    if (this.editor.isDestroyed) return false;
    const tr = replacePassageTransaction(this.editor.state, passage, markdown);
    if (!tr) return false;
    const before = this.editor.state.doc;
    this.editor.view.dispatch(tr);
    if (this.editor.state.doc === before) return false;
    this.flush();
    return true;
  }

  /** Tells the timeline which step (and section) the cursor is in. */
  private cursorMoved(): void {
    const { $from } = this.editor.state.selection;
    const doc = this.editor.state.doc;
    const index = $from.index(0);
    const node = index < doc.childCount ? doc.child(index) : null;
    const s = this.store.getState();
    if (!node) return s.focusFromDraft(null, null);
    if (node.type.name === "sectionHeading") return s.focusFromDraft(null, node.attrs.sectionId as string);
    const stepId = node.attrs.stepId as string;
    const step = s.manuscript?.steps.find((x) => x.id === stepId);
    s.focusFromDraft(stepId, step?.sectionId ?? null);
  }

  private bringIntoView(kind: "step" | "section", id: string): void {
    if (this.editor.isDestroyed) return;
    if (kind === "step") this.editor.commands.focusStep(id);
    else this.editor.commands.focusSection(id);
  }
}
