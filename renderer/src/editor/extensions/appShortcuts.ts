import { Extension } from "@tiptap/core";

/**
 * Leaves Ctrl+Enter to the window (it starts the generation there) instead of the editor's own
 * binding, a hard break; Shift+Enter still breaks a line. The window's key handler sees the event
 * either way: ProseMirror prevents the default but does not stop it.
 */
export const AppShortcuts = Extension.create({
  name: "appShortcuts",
  priority: 1000,
  addKeyboardShortcuts() {
    return {
      "Mod-Enter": () => true,
      "Mod-Alt-Enter": () => true,
    };
  },
});
