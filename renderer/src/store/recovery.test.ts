// Nothing unsaved is lost: another document in the open one's place asks first when that has unsaved
// work, the one replaced stays in its autosave, and the window offers it back (Recover, Save as,
// Discard).
import { beforeEach, describe, expect, it } from "vitest";
import { createManuscript } from "../../../electron/common/manuscript";
import { InMemoryBackend } from "../testing/inMemoryBackend";
import { runCommand } from "../shell/commands";
import { createAppStore, type AppStore } from "./store";

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

describe("replacing and recovering a document", () => {
  let fake: InMemoryBackend;
  let store: AppStore;
  beforeEach(async () => {
    fake = new InMemoryBackend({ shell: "web" });
    store = createAppStore();
    store.getState().setConnected(fake.client, fake.documents, await fake.client.call("app.info", {}));
    fake.addFile("/drafts/lanterns.md", { ...createManuscript({ instruction: "Lanterns", targetWords: 300, language: "en" }) });
    await store.getState().createDocument({ instruction: "A story about a bridge", targetWords: 1000, language: "en", mode: null });
  });

  it("asks before New replaces a document with unsaved changes; Cancel keeps it, Continue keeps its autosave to recover", async () => {
    const first = store.getState().document!;
    expect(first.modified).toBe(true);
    runCommand("file.new", store);
    expect(store.getState().panel).toBe("confirmReplace");
    // Cancel: nothing happens.
    store.setState({ pendingReplace: null, panel: null });
    expect(store.getState().document?.projectId).toBe(first.projectId);

    runCommand("file.new", store);
    await store.getState().pendingReplace!.proceed();
    expect(store.getState().panel).toBe("newDocument");
    await store.getState().createDocument({ instruction: "Another story", targetWords: 500, language: "en", mode: null });
    await settle();
    // The first one was closed keeping its autosave, and is offered back.
    expect(fake.projects.has(first.projectId)).toBe(false);
    expect(store.getState().recoverable.map((e) => e.projectId)).toEqual([first.projectId]);

    const outcome = await store.getState().recoverDocument(store.getState().recoverable[0]!);
    expect(outcome).toEqual({ ok: true });
    expect(store.getState().document?.projectId).toBe(first.projectId);
    expect(store.getState().manuscript?.instruction).toBe("A story about a bridge");
  });

  it("goes ahead at once over a document with nothing unsaved", async () => {
    await fake.documents.save(store.getState().document!.projectId, "/drafts/bridge.draftline");
    store.getState().setDocumentStatus(store.getState().document!.projectId, { modified: false });
    runCommand("file.open", store);
    expect(store.getState().panel).toBe("openProject");
  });

  it("discards unsaved work for good only when asked to", async () => {
    const first = store.getState().document!;
    await store.getState().createDocument({ instruction: "Another story", targetWords: 500, language: "en", mode: null });
    await settle();
    const [entry] = store.getState().recoverable;
    expect(entry?.projectId).toBe(first.projectId);
    expect(await store.getState().discardRecoverable(entry!)).toEqual({ ok: true });
    expect(store.getState().recoverable).toEqual([]);
    expect(fake.autosaves.size).toBe(0);
  });

  it("in web mode also offers the projects the back end has open (a reloaded page shows none)", async () => {
    const reloaded = createAppStore();
    reloaded.getState().setConnected(fake.client, fake.documents, await fake.client.call("app.info", {}));
    await reloaded.getState().refreshRecoverable();
    expect(reloaded.getState().recoverable).toMatchObject([{ projectId: store.getState().document!.projectId, open: true }]);
  });
});
