// Rewriting a passage the writer selected in the draft: the panel's state, the request to the back end
// (generation.rewrite), its streamed text (generation.rewrite events), and keeping or discarding it.
// The draft editor takes the selection and puts the kept text in place (one undo step) through the
// `draftBridge` it registers; nothing here touches the document by itself.
import type { RewriteUpdate } from "../../../electron/common/api/generation";
import { rewriteTarget, type RewriteKind } from "../../../electron/common/generation/rewrite";
import { countWriterWords } from "../../../electron/common/metrics/words";
import type { MessageKey } from "../i18n";
import { isGenerationActive } from "./pendingEdits";
import type { StoreSlice } from "./store";

/** A passage of one step, as the draft editor took it: its Markdown and the step's around it. */
export interface SelectedPassage {
  stepId: string;
  before: string;
  selection: string;
  after: string;
  /** Where it is in the step's block (offsets inside the block), to put the new text there. */
  from: number;
  to: number;
  /** The step's whole Markdown when it was taken: a keep is refused if the step changed since. */
  stepMarkdown: string;
}

/** What the editor says about the selection: a passage, or why there is none to rewrite. */
export type SelectionResult = { ok: true; passage: SelectedPassage } | { ok: false; key: MessageKey };

/** What the draft editor does for a rewrite (registered by the editor while it is shown). */
export interface DraftBridge {
  takeSelection(): SelectionResult;
  /** Puts `markdown` in place of the passage as one undoable change; false if the step changed. */
  replacePassage(passage: SelectedPassage, markdown: string): boolean;
}

export type RewriteStatus = "ready" | "asking" | "writing" | "done" | "stopped" | "error";

export interface RewriteState {
  projectId: string;
  passage: SelectedPassage;
  kind: RewriteKind;
  instruction: string;
  /** The writer's own target, or null for the suggested one. */
  targetWords: number | null;
  status: RewriteStatus;
  rewriteId: string | null;
  /** The model's text (while it writes, then the result), which the writer may edit before keeping. */
  text: string;
  /** The target the back end aims at (once asked). */
  aimedAt: number | null;
  error: string | null;
}

export interface RewriteSlice {
  rewrite: RewriteState | null;
  draftBridge: DraftBridge | null;
  setDraftBridge(bridge: DraftBridge | null): void;
  /** Takes the draft's selection and opens the rewrite panel for it (or tells the writer why not). */
  openRewrite(): void;
  setRewriteOptions(options: Partial<Pick<RewriteState, "kind" | "instruction" | "targetWords">>): void;
  /** Asks the model for the new passage. */
  startRewrite(): Promise<void>;
  stopRewrite(): Promise<void>;
  receiveRewrite(update: RewriteUpdate): void;
  /** The writer's own changes to the result. */
  editRewriteText(text: string): void;
  /** Puts the result in place of the passage (one undo step; the counts follow). */
  keepRewrite(): void;
  /** Leaves the passage as it was and closes the panel (stopping the model first if it writes). */
  discardRewrite(): Promise<void>;
}

/** The length the rewrite will aim at for these options (what the panel suggests). */
export function suggestedTarget(r: Pick<RewriteState, "kind" | "targetWords" | "passage">): number {
  return rewriteTarget(r.kind, countWriterWords(r.passage.selection), r.targetWords);
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const createRewriteSlice: StoreSlice<RewriteSlice> = (set, get) => {
  const update = (patch: Partial<RewriteState>) => {
    const r = get().rewrite;
    if (r) set({ rewrite: { ...r, ...patch } });
  };
  return {
    rewrite: null,
    draftBridge: null,
    setDraftBridge: (draftBridge) => set({ draftBridge }),

    openRewrite: () => {
      const s = get();
      if (!s.document || !s.draftBridge) return;
      const current = s.rewrite;
      if (current && (current.status === "asking" || current.status === "writing")) {
        s.pushNotice({ kind: "error", key: "selection.busy" });
        return;
      }
      // Decided: the model writes one thing at a time. While it writes this document, no passage of it
      // can be rewritten (the back end refuses too); the writer stops it or lets it finish.
      if (isGenerationActive(s.generation?.status)) {
        s.pushNotice({ kind: "error", key: "selection.modelWriting" });
        return;
      }
      const taken = s.draftBridge.takeSelection();
      if (!taken.ok) {
        s.pushNotice({ kind: "error", key: taken.key });
        return;
      }
      set({
        rewrite: { projectId: s.document.projectId, passage: taken.passage, kind: "rewrite", instruction: "", targetWords: null, status: "ready", rewriteId: null, text: "", aimedAt: null, error: null },
      });
    },

    setRewriteOptions: (options) => {
      const r = get().rewrite;
      if (!r || r.status === "asking" || r.status === "writing") return;
      update(options);
    },

    startRewrite: async () => {
      const { rewrite: r, api } = get();
      if (!r || !api || r.status === "asking" || r.status === "writing") return;
      if (r.kind === "instruction" && !r.instruction.trim()) {
        update({ status: "error", error: null });
        get().pushNotice({ kind: "error", key: "selection.needsInstruction" });
        return;
      }
      update({ status: "asking", text: "", error: null, rewriteId: null });
      try {
        const { passage } = r;
        const answer = await api.call("generation.rewrite", {
          projectId: r.projectId,
          stepId: passage.stepId,
          before: passage.before,
          selection: passage.selection,
          after: passage.after,
          kind: r.kind,
          ...(r.kind === "instruction" ? { instruction: r.instruction.trim() } : {}),
          ...(r.targetWords ? { targetWords: r.targetWords } : {}),
        });
        const now = get().rewrite;
        // An event may have come first (a short rewrite): it carries the same id.
        if (now && now.passage === passage && (now.status === "asking" || now.rewriteId === answer.rewriteId)) {
          set({ rewrite: { ...now, rewriteId: answer.rewriteId, aimedAt: answer.targetWords, status: now.status === "asking" ? "writing" : now.status } });
        }
      } catch (error) {
        update({ status: "error", error: message(error) });
      }
    },

    stopRewrite: async () => {
      const { rewrite: r, api } = get();
      if (!r || !api || (r.status !== "writing" && r.status !== "asking")) return;
      try {
        await api.call("generation.stopRewrite", { projectId: r.projectId });
      } catch (error) {
        update({ status: "error", error: message(error) });
      }
    },

    receiveRewrite: (u) => {
      const r = get().rewrite;
      if (!r || r.projectId !== u.projectId) return;
      if (r.rewriteId !== null && r.rewriteId !== u.rewriteId) return;
      if (r.status !== "asking" && r.status !== "writing") return;
      if (u.status === "writing") set({ rewrite: { ...r, rewriteId: u.rewriteId, status: "writing", text: u.text, aimedAt: u.targetWords } });
      // Stopped: the original stays, and nothing of the cut text is offered to keep.
      else if (u.status === "stopped") set({ rewrite: { ...r, rewriteId: u.rewriteId, status: "stopped", text: "", aimedAt: u.targetWords } });
      else if (u.status === "error") set({ rewrite: { ...r, rewriteId: u.rewriteId, status: "error", text: "", error: u.error ?? "The rewrite failed." } });
      else set({ rewrite: { ...r, rewriteId: u.rewriteId, status: "done", text: u.text, aimedAt: u.targetWords } });
    },

    editRewriteText: (text) => {
      const r = get().rewrite;
      if (r?.status === "done") update({ text });
    },

    keepRewrite: () => {
      const { rewrite: r, draftBridge } = get();
      if (!r || r.status !== "done" || !draftBridge) return;
      if (r.text.trim() === "") {
        get().pushNotice({ kind: "error", key: "selection.emptyResult" });
        return;
      }
      if (!draftBridge.replacePassage(r.passage, r.text.trim())) {
        get().pushNotice({ kind: "error", key: "selection.stepChanged" });
        return;
      }
      set({ rewrite: null });
    },

    discardRewrite: async () => {
      const r = get().rewrite;
      if (!r) return;
      if (r.status === "writing" || r.status === "asking") await get().stopRewrite();
      set({ rewrite: null });
    },
  };
};
