import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { events } from "../../common/api";
import { dispatch } from "../../common/api/server";
import { createProjectHandlers } from "./handlers";
import { RecentProjects } from "./recent";
import { ProjectsService, type ProjectEvent } from "./service";
import { SAMPLE_TRANSCRIPT } from "../../common/testing/sampleManuscript";

let dir: string;
let service: ProjectsService;
let emitted: ProjectEvent[];
let nextId = 1;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-handlers-"));
  emitted = [];
  service = new ProjectsService({ dataDir: path.join(dir, "data"), recent: new RecentProjects(path.join(dir, "data")), appVersion: "test", emit: (e) => emitted.push(e) });
});
afterEach(async () => {
  await service.shutdown();
  await rm(dir, { recursive: true, force: true });
});

/** Calls through dispatch, which checks the parameters and the result against the contract. */
async function call(method: string, params: unknown): Promise<unknown> {
  const reply = await dispatch(createProjectHandlers(service), { kind: "request", id: nextId++, method, params }, { clientId: "test" });
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  return reply.result;
}

describe("projects API", () => {
  it("creates, edits, saves, exports and reopens a project, every answer matching the contract", async () => {
    const file = path.join(dir, "story.draftline");
    const created = (await call("projects.create", { instruction: "Write about the sea.", targetWords: 500, path: file })) as { projectId: string; title: string };
    expect(created.title).toBe("Write about the sea");
    const edited = (await call("projects.update", { projectId: created.projectId, edit: { type: "addSection", index: 0, title: "Waves", budget: 500 } })) as { ok: boolean; project: { modified: boolean; manuscript: { sections: { title: string }[] } } };
    expect(edited).toMatchObject({ ok: true, project: { modified: true, manuscript: { sections: [{ title: "Waves" }] } } });
    const refused = await call("projects.update", { projectId: created.projectId, edit: { type: "setTarget", targetWords: -3 } });
    expect(refused).toMatchObject({ ok: false, error: { kind: "invalid-target" } });
    expect(await call("projects.save", { projectId: created.projectId })).toMatchObject({ path: file, modified: false });
    const exported = (await call("projects.export", { projectId: created.projectId, path: path.join(dir, "story.md") })) as { format: string };
    expect(exported.format).toBe("markdown");
    expect(await call("projects.exportFormats", {})).toEqual(expect.arrayContaining([expect.objectContaining({ id: "docx", extension: "docx" })]));
    await call("projects.close", { projectId: created.projectId });
    const opened = (await call("projects.open", { path: file })) as { ok: true; project: { manuscript: { sections: unknown[] } } };
    expect(opened).toMatchObject({ ok: true, recovery: { recovered: false }, lock: { held: true } });
    expect(opened.project.manuscript.sections).toHaveLength(1);
  });

  it("creates a document with the writer's voice, saved with it, and refuses a sample past its budget", async () => {
    const file = path.join(dir, "voiced.draftline");
    const created = (await call("projects.create", { instruction: "Write about the sea.", targetWords: 500, path: file, voice: "  Rain again. I counted the gulls.  " })) as { manuscript: { voice?: unknown } };
    expect(created.manuscript.voice).toEqual({ document: "Rain again. I counted the gulls.", sections: {} });
    expect(JSON.parse(await readFile(file, "utf8")).manuscript.voice).toEqual({ document: "Rain again. I counted the gulls.", sections: {} });
    await expect(call("projects.create", { instruction: "x", targetWords: 500, voice: "word ".repeat(2000) })).rejects.toMatchObject({ code: "bad-params", message: expect.stringContaining("a sample may have at most 800") });
  });

  it("exports an EPUB with its author only to an .epub file", async () => {
    const created = (await call("projects.create", { instruction: "Write about the sea.", targetWords: 500 })) as { projectId: string };
    await call("projects.update", { projectId: created.projectId, edit: { type: "addSection", index: 0, title: "Waves", budget: 500 } });
    await expect(call("projects.export", { projectId: created.projectId, path: path.join(dir, "book.md"), format: "epub" })).rejects.toThrow("An EPUB e-book export is a .epub file, not .md");
    const exported = (await call("projects.export", { projectId: created.projectId, path: path.join(dir, "book.epub"), format: "epub", author: "Ada Writer", withPlan: true })) as { ok: true; format: string };
    expect(exported).toMatchObject({ ok: true, format: "epub" });
    expect((await readFile(path.join(dir, "book.epub"))).toString("latin1", 30, 58)).toBe("mimetypeapplication/epub+zip");
    expect(await call("projects.exportFormats", {})).toEqual(expect.arrayContaining([{ id: "epub", extension: "epub", label: "EPUB e-book" }]));
  });

  it("answers a file it cannot open with its code and message, as data", async () => {
    const foreign = path.join(dir, "notes.draftline");
    await writeFile(foreign, "# just markdown");
    expect(await call("projects.open", { path: foreign })).toMatchObject({ ok: false, error: { code: "foreign", message: expect.stringMatching(/not a Draftline project/) } });
    expect(await call("projects.open", { path: path.join(dir, "missing.draftline") })).toMatchObject({ ok: false, error: { code: "not-found" } });
  });

  it("refuses an edit with a field the contract does not know", async () => {
    const created = (await call("projects.create", { instruction: "x", targetWords: null })) as { projectId: string };
    await expect(call("projects.update", { projectId: created.projectId, edit: { type: "setTarget", targetWords: 5, extra: 1 } })).rejects.toMatchObject({ code: "bad-params" });
  });

  it("imports a draft, keeps history and restores it", async () => {
    const md = path.join(dir, "draft.md");
    await writeFile(md, "# Title\n\n## One\n\nFirst words here.\n\n## Two\n\nSecond words.");
    const imported = (await call("projects.import", { path: md })) as { ok: true; project: { projectId: string; path: null } };
    expect(imported).toMatchObject({ ok: true, project: { path: null, title: "Title" } });
    const id = imported.project.projectId;
    const snap = (await call("projects.history.snapshot", { projectId: id, label: "checkpoint" })) as { id: string };
    await call("projects.update", { projectId: id, edit: { type: "setTarget", targetWords: 9000 } });
    const restored = (await call("projects.history.restore", { projectId: id, snapshotId: snap.id })) as { manuscript: { targetWords: number } };
    expect(restored.manuscript.targetWords).toBe(5);
    const list = (await call("projects.history.list", { projectId: id })) as { label: string }[];
    expect(list.map((e) => e.label)).toEqual(['Before restoring "checkpoint"', "checkpoint", "Imported from draft.md"]);
    expect(await call("projects.import", { path: path.join(dir, "nope.md") })).toMatchObject({ ok: false, error: { code: "not-found" } });
  });

  it("pushes events that match the contract's event schemas", async () => {
    const created = (await call("projects.create", { instruction: "x", targetWords: 100, path: path.join(dir, "e.draftline") })) as { projectId: string };
    service.update(created.projectId, (m) => ({ ...m, instruction: SAMPLE_TRANSCRIPT.slice(0, 10) }), { source: "model" });
    await service.autosaveNow(created.projectId);
    await service.save(created.projectId);
    expect(new Set(emitted.map((e) => e.name))).toEqual(new Set(["project.changed", "project.saved"]));
    for (const event of emitted) expect(events[event.name].safeParse(event.payload).success).toBe(true);
    expect(JSON.parse(await readFile(path.join(dir, "e.draftline"), "utf8")).manuscript.instruction).toBe(SAMPLE_TRANSCRIPT.slice(0, 10));
  });
});
