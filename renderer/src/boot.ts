// Starts the window on a connected API: the store learns the back end, the event pump feeds it, the
// keyboard's shortcuts and the desktop menu's commands reach it, preferences are kept.
import type { ApiClient } from "../../electron/common/api/client";
import type { DocumentApi } from "./api/documents";
import { browserLanguage } from "./i18n";
import { commandForKey, runCommand } from "./shell/commands";
import { startEventPump } from "./store/eventPump";
import { generationSelectors } from "./store/selectors";
import type { AppStore } from "./store/store";
import type { LanguageChoice, ThemeChoice } from "./store/uiSlice";

const PREFERENCES = "draftline.preferences";

/** The theme and language the writer chose last time, and the browser's language. */
export function applyPreferences(store: AppStore): void {
  let saved: { theme?: ThemeChoice; language?: LanguageChoice } = {};
  try {
    saved = JSON.parse(localStorage.getItem(PREFERENCES) ?? "{}") as typeof saved;
  } catch {
    // Unreadable preferences are the defaults.
  }
  store.setState({
    browserLanguage: browserLanguage(navigator.languages ?? [navigator.language]),
    ...(saved.theme === "light" || saved.theme === "dark" || saved.theme === "system" ? { theme: saved.theme } : {}),
    ...(saved.language === "en" || saved.language === "zh" || saved.language === "auto" ? { languageChoice: saved.language } : {}),
  });
  store.subscribe((s, prev) => {
    if (s.theme !== prev.theme || s.languageChoice !== prev.languageChoice) {
      localStorage.setItem(PREFERENCES, JSON.stringify({ theme: s.theme, language: s.languageChoice }));
    }
  });
}

/** The window's keyboard shortcuts (a modal panel keeps its keys to itself). */
export function installShortcuts(store: AppStore): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    const command = commandForKey(event);
    if (!command || document.querySelector("dialog[open]")) return;
    if (runCommand(command, store) || command === "generate.start" || command === "file.save") event.preventDefault();
  };
  window.addEventListener("keydown", onKeyDown);
  return () => window.removeEventListener("keydown", onKeyDown);
}

/** Connects the store to a back end and keeps it fed. */
export async function startApp(api: ApiClient, documents: DocumentApi, store: AppStore): Promise<void> {
  const info = await api.call("app.info", {});
  store.getState().setConnected(api, documents, info);
  startEventPump(api, store, { onCommand: (command) => runCommand(command, store) });

  // An update that skipped steps this window never saw: read the document again.
  store.subscribe((s, prev) => {
    if (s.outOfSync && !prev.outOfSync) void s.reloadDocument();
  });

  if (info.shell === "electron") {
    // The title bar, the edited dot, and whether closing must ask first.
    let last = "";
    store.subscribe((s) => {
      const state = { modified: s.document?.modified ?? false, generating: generationSelectors.isActive(s), title: s.document?.title ?? "Draftline", path: s.document?.path ?? null };
      const key = JSON.stringify(state);
      if (key === last) return;
      last = key;
      void api.call("window.setDocumentState", state).catch(() => undefined);
    });
  }

  if (info.shell === "web") {
    // Closing or reloading the page would drop what the window shows: the browser asks first, as the
    // desktop close guard does. (What was typed is autosaved; the question keeps the writer in place.)
    window.addEventListener("beforeunload", (event) => {
      const s = store.getState();
      if (!s.document?.modified && !generationSelectors.isActive(s)) return;
      event.preventDefault();
      event.returnValue = "";
    });
  }

  // Unsaved work from before (a crash, a reload, a document the window moved on from) is offered on start.
  const [recent] = await Promise.allSettled([documents.list(), store.getState().refreshModels(), store.getState().refreshRecoverable()]);
  if (recent.status === "fulfilled") store.getState().setRecent(recent.value);
}
