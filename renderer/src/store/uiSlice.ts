// What the window shows: theme and interface language, the open panel, the timeline, which step or
// section has the writer's attention (linking the draft and the timeline), and notices.
import type { MessageKey, MessageValues, UiLanguage } from "../i18n";
import type { ExportDialogFormat } from "../../../electron/common/api/ui";
import { isGenerationActive } from "./pendingEdits";
import type { StoreSlice } from "./store";

export type ThemeChoice = "system" | "light" | "dark";
export type LanguageChoice = "auto" | UiLanguage;
/** A path asked for in a panel: web mode has no native file dialogs. */
export type PathPurpose = "saveAs" | "export" | "importDraft";
export type Panel = "newDocument" | "models" | "openProject" | "report" | "voice" | PathPurpose | "replaceExport" | "recover" | "confirmReplace" | "history" | "confirmRewrite" | null;

/** A part of the draft to write again: from a step on, one step, or a section's steps. */
export type RewriteRequest = { kind: "continue"; fromStep: number } | { kind: "step"; index: number } | { kind: "section"; sectionId: string };

/**
 * An export held back because a file Draftline did not write is there, or a Save As (web mode) because
 * a file is there: the writer is asked.
 */
export interface ReplaceQuestion extends ExportChoices {
  path: string;
  /** What asked: an export (left out) or a Save As. */
  purpose?: "saveAs";
  /** A Save As from the close guard: the window closes once saved. */
  closeAfter?: boolean;
}

/** What the writer chose for an export besides the file: the format, the plan appendix, the author (EPUB). */
export interface ExportChoices {
  format?: ExportDialogFormat;
  withPlan?: boolean;
  author?: string;
}

/** Where the writer is: the step or section the draft's cursor is in, or the card they clicked. */
export interface Focus {
  stepId: string | null;
  sectionId: string | null;
  /** Who moved it: the other side follows. */
  source: "draft" | "timeline";
}

/** A request to bring a step or section into view in the draft (seq tells repeated clicks apart). */
export interface ScrollRequest {
  kind: "step" | "section";
  id: string;
  seq: number;
}

/** A message shown in the draft where the writer's cursor is (viewport coordinates). */
export interface DraftHint {
  key: MessageKey;
  kind: "info" | "error";
  left: number;
  /** The caret's line: its top and bottom. */
  top: number;
  bottom: number;
  seq: number;
}

export interface Notice {
  id: number;
  kind: "error" | "info";
  key: MessageKey;
  values: MessageValues;
  /** Filled into `{action}`, translated. */
  action?: MessageKey;
}

export interface UiSlice {
  theme: ThemeChoice;
  languageChoice: LanguageChoice;
  /** The language the browser prefers (used when the choice is "auto"). */
  browserLanguage: UiLanguage;
  panel: Panel;
  /** The file the "replace it?" panel asks about. */
  replaceQuestion: ReplaceQuestion | null;
  /** What the writer asked for that would put another document in the open one's place, held while they are asked. */
  pendingReplace: { proceed: () => void | Promise<void> } | null;
  /** A rewrite the writer is asked about (what it replaces, and that History keeps it). */
  rewriteQuestion: RewriteRequest | null;
  /** What the draft says at the cursor about an edit (typing into the step the model writes, an edit refused). */
  draftHint: DraftHint | null;
  timelineVisible: boolean;
  focus: Focus;
  scrollRequest: ScrollRequest | null;
  notices: Notice[];
  setTheme(theme: ThemeChoice): void;
  setLanguage(choice: LanguageChoice): void;
  openPanel(panel: Panel): void;
  /** Asks whether to replace the file an export or a Save As found in its way. */
  askToReplace(question: ReplaceQuestion): void;
  /**
   * New, Open, Import or Recover over a document with unsaved changes (or one the model is writing):
   * the writer is asked first (what is kept, and where). Otherwise it goes ahead at once.
   */
  guardReplace(proceed: () => void | Promise<void>): void;
  /**
   * Continue from here, regenerate a step or a section: says first what it writes again (a snapshot
   * is kept, History brings it back); goes ahead at once when it replaces nothing.
   */
  askRewrite(request: RewriteRequest): void;
  /** The writer said yes: the rewrite starts. */
  confirmRewrite(): Promise<void>;
  toggleTimeline(): void;
  /** The draft's cursor moved into a step (or a heading). */
  focusFromDraft(stepId: string | null, sectionId: string | null): void;
  /** The writer clicked a card: focus it and bring it into view in the draft. */
  showInDraft(kind: "step" | "section", id: string, sectionId: string | null): void;
  pushNotice(notice: Omit<Notice, "id" | "values"> & { values?: MessageValues }): void;
  dismissNotice(id: number): void;
}

let nextNotice = 1;
let nextScroll = 1;

export const createUiSlice: StoreSlice<UiSlice> = (set, get) => ({
  theme: "system",
  languageChoice: "auto",
  browserLanguage: "en",
  panel: null,
  replaceQuestion: null,
  pendingReplace: null,
  rewriteQuestion: null,
  draftHint: null,
  timelineVisible: true,
  focus: { stepId: null, sectionId: null, source: "draft" },
  scrollRequest: null,
  notices: [],
  setTheme: (theme) => set({ theme }),
  setLanguage: (languageChoice) => set({ languageChoice }),
  openPanel: (panel) => set({ panel }),
  askToReplace: (question) => set({ replaceQuestion: question, panel: "replaceExport" }),
  guardReplace: (proceed) => {
    const s = get();
    const active = isGenerationActive(s.generation?.status);
    if (!s.document || (!s.document.modified && !active)) {
      void proceed();
      return;
    }
    set({ pendingReplace: { proceed }, panel: "confirmReplace" });
  },
  askRewrite: (request) => {
    const steps = get().manuscript?.steps ?? [];
    if (request.kind === "continue" && request.fromStep >= steps.length) {
      void get().generate({ fromStep: request.fromStep });
      return;
    }
    set({ rewriteQuestion: request, panel: "confirmRewrite" });
  },
  confirmRewrite: async () => {
    const request = get().rewriteQuestion;
    set({ rewriteQuestion: null, panel: null });
    if (!request) return;
    if (request.kind === "continue") await get().generate({ fromStep: request.fromStep });
    else if (request.kind === "step") await get().regenerateStep(request.index);
    else await get().regenerateSection(request.sectionId);
    if (isGenerationActive(get().generation?.status)) get().pushNotice({ kind: "info", key: "notice.snapshotKept" });
  },
  toggleTimeline: () => set({ timelineVisible: !get().timelineVisible }),
  focusFromDraft: (stepId, sectionId) => {
    const f = get().focus;
    if (f.stepId === stepId && f.sectionId === sectionId && f.source === "draft") return;
    set({ focus: { stepId, sectionId, source: "draft" } });
  },
  showInDraft: (kind, id, sectionId) =>
    set({
      focus: { stepId: kind === "step" ? id : null, sectionId, source: "timeline" },
      scrollRequest: { kind, id, seq: nextScroll++ },
    }),
  pushNotice: (notice) => {
    const values = notice.values ?? {};
    const same = get().notices.find((n) => n.key === notice.key && JSON.stringify(n.values) === JSON.stringify(values));
    if (same) return;
    set({ notices: [...get().notices.slice(-4), { ...notice, values, id: nextNotice++ }] });
  },
  dismissNotice: (id) => set({ notices: get().notices.filter((n) => n.id !== id) }),
});
