// What the writer can ask for from the keyboard, the toolbar and the desktop menu, in one place: the
// shortcut of each command, and what it does to the store.
import type { UiCommand } from "../../../electron/common/api";
import { generationSelectors } from "../store/selectors";
import type { AppStore } from "../store/store";
import { exportDocument, importDraft, save, saveAs } from "./fileActions";

/** Commands of the window: the desktop menu's, and the ones only the window has. */
export type AppCommand = UiCommand | "file.open" | "file.recover" | "panel.history" | "generate.toggle" | "generate.regenerateStep" | "generate.continueHere" | "panel.models" | "panel.newDocument" | "panel.report";

export interface Shortcut {
  /** As shown in tooltips ("Ctrl+Enter"). */
  label: string;
  /** As aria-keyshortcuts spells it ("Control+Enter"). */
  aria: string;
  key: string;
  ctrl: boolean;
  shift: boolean;
  alt: boolean;
}

const shortcut = (label: string): Shortcut => {
  const parts = label.split("+");
  const key = parts[parts.length - 1]!;
  const mods = parts.slice(0, -1);
  return {
    label,
    aria: [...mods.map((m) => (m === "Ctrl" ? "Control" : m)), key === "." ? "Period" : key === "\\" ? "Backslash" : key].join("+"),
    key,
    ctrl: mods.includes("Ctrl"),
    shift: mods.includes("Shift"),
    alt: mods.includes("Alt"),
  };
};

/** The keyboard shortcut of each command that has one. Ctrl is Cmd on macOS. */
export const shortcuts: Partial<Record<AppCommand, Shortcut>> = {
  "generate.start": shortcut("Ctrl+Enter"),
  "generate.stop": shortcut("Ctrl+."),
  "generate.toggle": shortcut("Ctrl+Shift+P"),
  "generate.regenerateStep": shortcut("Ctrl+Alt+R"),
  "generate.continueHere": shortcut("Ctrl+Alt+Enter"),
  "panel.newDocument": shortcut("Ctrl+Alt+N"),
  "panel.models": shortcut("Ctrl+Alt+M"),
  "view.toggleTimeline": shortcut("Ctrl+\\"),
  "file.save": shortcut("Ctrl+S"),
};

/** The key a keydown event names, as the shortcut table spells it. */
function keyName(event: Pick<KeyboardEvent, "key" | "code">): string {
  if (event.code === "Period") return ".";
  if (event.code === "Backslash") return "\\";
  if (event.code === "Enter" || event.code === "NumpadEnter") return "Enter";
  if (/^Key[A-Z]$/.test(event.code)) return event.code.slice(3);
  return event.key.length === 1 ? event.key.toUpperCase() : event.key;
}

/** The command a key press asks for, or null. Physical keys, so Alt and Shift do not change the letter. */
export function commandForKey(event: Pick<KeyboardEvent, "key" | "code" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">): AppCommand | null {
  const ctrl = event.ctrlKey || event.metaKey;
  if (!ctrl) return null;
  const key = keyName(event);
  for (const [command, s] of Object.entries(shortcuts) as Array<[AppCommand, Shortcut]>) {
    if (s.key.toUpperCase() === key.toUpperCase() && s.ctrl === ctrl && s.shift === event.shiftKey && s.alt === event.altKey) return command;
  }
  return null;
}

/** The step the writer is in (the draft's cursor, or the card they chose), as an index. */
function focusedStepIndex(store: AppStore): number | null {
  const s = store.getState();
  const id = s.focus.stepId;
  if (!id || !s.manuscript) return null;
  const index = s.manuscript.steps.findIndex((x) => x.id === id);
  return index < 0 ? null : index;
}

/** Carries out a command. Returns false when it does not apply now (nothing happened). */
export function runCommand(command: AppCommand, store: AppStore): boolean {
  const s = store.getState();
  switch (command) {
    case "generate.start":
      if (generationSelectors.canResume(s)) void s.resume();
      else if (generationSelectors.canGenerate(s)) void s.generate();
      else return false;
      return true;
    case "generate.pause":
      if (!generationSelectors.canPause(s)) return false;
      void s.pause();
      return true;
    case "generate.resume":
      if (!generationSelectors.canResume(s)) return false;
      void s.resume();
      return true;
    case "generate.toggle":
      if (generationSelectors.canPause(s)) void s.pause();
      else if (generationSelectors.canResume(s)) void s.resume();
      else return false;
      return true;
    case "generate.stop":
      if (!generationSelectors.canStop(s)) return false;
      void s.stop();
      return true;
    case "generate.regenerateStep": {
      const index = focusedStepIndex(store);
      if (index === null || !generationSelectors.canRewrite(s)) return false;
      s.askRewrite({ kind: "step", index });
      return true;
    }
    case "generate.continueHere": {
      const index = focusedStepIndex(store);
      if (index === null || !generationSelectors.canRewrite(s)) return false;
      s.askRewrite({ kind: "continue", fromStep: index + 1 });
      return true;
    }
    case "file.new":
    case "panel.newDocument":
      s.guardReplace(() => store.getState().openPanel("newDocument"));
      return true;
    case "panel.models":
      s.openPanel("models");
      return true;
    case "panel.report":
      if (!s.document) return false;
      s.openPanel("report");
      return true;
    case "file.open":
      s.guardReplace(() => store.getState().openPanel("openProject"));
      return true;
    case "panel.history":
      if (!s.document) return false;
      s.openPanel("history");
      return true;
    case "file.recover":
      void s.refreshRecoverable();
      s.openPanel("recover");
      return true;
    case "file.save":
      if (!s.document) return false;
      void save(store);
      return true;
    case "file.saveAs":
      if (!s.document) return false;
      void saveAs(store);
      return true;
    case "file.saveAndClose":
      if (!s.document) return false;
      void save(store, { closeAfter: true });
      return true;
    case "file.importDraft":
      s.guardReplace(() => importDraft(store));
      return true;
    case "file.exportDocx":
    case "file.exportMarkdown":
    case "file.exportEpub":
      if (!s.document) return false;
      void exportDocument(store, command === "file.exportDocx" ? "docx" : command === "file.exportEpub" ? "epub" : "markdown");
      return true;
    case "view.toggleTimeline":
      s.toggleTimeline();
      return true;
    case "view.theme.system":
      s.setTheme("system");
      return true;
    case "view.theme.light":
      s.setTheme("light");
      return true;
    case "view.theme.dark":
      s.setTheme("dark");
      return true;
    default:
      return command satisfies never;
  }
}
