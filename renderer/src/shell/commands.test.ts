import { beforeEach, describe, expect, it } from "vitest";
import { InMemoryBackend } from "../testing/inMemoryBackend";
import { createAppStore, type AppStore } from "../store/store";
import { commandForKey, runCommand, shortcuts } from "./commands";

const key = (code: string, mods: { ctrl?: boolean; shift?: boolean; alt?: boolean; meta?: boolean } = {}, key = "") => ({
  code,
  key,
  ctrlKey: mods.ctrl ?? false,
  metaKey: mods.meta ?? false,
  shiftKey: mods.shift ?? false,
  altKey: mods.alt ?? false,
});

describe("keyboard shortcuts", () => {
  it("maps each shortcut to its command, by physical key", () => {
    expect(commandForKey(key("Enter", { ctrl: true }, "Enter"))).toBe("generate.start");
    expect(commandForKey(key("Enter", { meta: true }, "Enter"))).toBe("generate.start");
    expect(commandForKey(key("Period", { ctrl: true }, "."))).toBe("generate.stop");
    expect(commandForKey(key("KeyP", { ctrl: true, shift: true }, "P"))).toBe("generate.toggle");
    expect(commandForKey(key("KeyR", { ctrl: true, alt: true }, "®"))).toBe("generate.regenerateStep");
    expect(commandForKey(key("Enter", { ctrl: true, alt: true }, "Enter"))).toBe("generate.continueHere");
    expect(commandForKey(key("Backslash", { ctrl: true }, "\\"))).toBe("view.toggleTimeline");
  });

  it("leaves keys without Ctrl, or with other modifiers, to the editor", () => {
    expect(commandForKey(key("Enter", {}, "Enter"))).toBeNull();
    expect(commandForKey(key("KeyP", { ctrl: true }, "p"))).toBeNull();
    expect(commandForKey(key("Enter", { ctrl: true, shift: true }, "Enter"))).toBeNull();
  });

  it("spells each shortcut for tooltips and for aria-keyshortcuts", () => {
    expect(shortcuts["generate.stop"]).toMatchObject({ label: "Ctrl+.", aria: "Control+Period" });
    expect(shortcuts["generate.toggle"]).toMatchObject({ label: "Ctrl+Shift+P", aria: "Control+Shift+P" });
  });
});

describe("commands", () => {
  let fake: InMemoryBackend;
  let store: AppStore;
  beforeEach(async () => {
    fake = new InMemoryBackend();
    store = createAppStore();
    store.getState().setConnected(fake.client, fake.documents, { name: "Draftline", version: "0", shell: "electron", platform: "linux" });
    await store.getState().refreshModels();
  });

  it("do nothing that does not apply: no document, nothing to stop", () => {
    expect(runCommand("generate.start", store)).toBe(false);
    expect(runCommand("generate.stop", store)).toBe(false);
    expect(runCommand("generate.toggle", store)).toBe(false);
  });

  it("a menu's generate, pause/resume and stop drive the generation", async () => {
    await store.getState().createDocument({ instruction: "A story", targetWords: 1000, language: "en", mode: null });
    expect(runCommand("generate.start", store)).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().generation?.status).toBe("writing");
    expect(runCommand("generate.toggle", store)).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().generation?.status).toBe("paused");
    expect(runCommand("generate.start", store)).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().generation?.status).toBe("writing");
    expect(runCommand("generate.stop", store)).toBe(true);
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().generation?.status).toBe("stopped");
  });

  it("opens panels, switches the theme and hides the timeline", () => {
    runCommand("file.new", store);
    expect(store.getState().panel).toBe("newDocument");
    runCommand("view.theme.dark", store);
    expect(store.getState().theme).toBe("dark");
    runCommand("view.toggleTimeline", store);
    expect(store.getState().timelineVisible).toBe(false);
  });
});
