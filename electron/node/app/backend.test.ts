// The whole back end through the API, as the renderer uses it: a project, a model (the scripted
// engine), a generation with its events, an edit while it writes, save.
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GenerationUpdate, WireEvent } from "../../common/api";
import { dispatch } from "../../common/api/server";
import { createBackend, type Backend } from "./backend";

describe("the back end", () => {
  let home: string;
  let backend: Backend;
  const events: WireEvent[] = [];
  let id = 0;

  async function call(method: string, params: unknown): Promise<unknown> {
    const reply = await dispatch(backend.handlers, { kind: "request", id: ++id, method, params }, { clientId: "test" });
    if (!reply.ok) throw new Error(`${method}: ${reply.error.code}: ${reply.error.message}`);
    return reply.result;
  }
  const updates = () => events.filter((e) => e.name === "generation.update").map((e) => e.payload as GenerationUpdate);

  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), "draftline-backend-"));
    events.length = 0;
    backend = await createBackend({ shell: "web", emit: (e) => events.push(e), env: { DRAFTLINE_HOME: home, DRAFTLINE_ENGINE: "scripted", DRAFTLINE_SCRIPTED_TPS: "4000" } });
  });
  afterEach(async () => {
    await backend.container.shutdown();
    await rm(home, { recursive: true, force: true });
  });

  it("writes a document: load a model, create a project, generate, edit while it writes, save", async () => {
    await expect(call("generation.start", { projectId: "nope" })).rejects.toThrow();
    const engine = (await call("models.load", { source: { kind: "file", path: "scripted" } })) as { status: string; device: string };
    expect(engine).toMatchObject({ status: "ready", device: expect.stringContaining("scripted") });
    expect(events.some((e) => e.name === "engine.state")).toBe(true);

    const project = (await call("projects.create", { instruction: "Write about a lighthouse.", targetWords: 2000, language: "en" })) as { projectId: string };
    const started = (await call("generation.start", { projectId: project.projectId })) as { status: string };
    expect(started.status).toBe("writing");

    // While it writes: shorten the last section; the edit is pending, then applied at a step boundary.
    for (let i = 0; i < 400 && !updates().some((u) => u.sections && u.sections.length === 4); i++) await new Promise((r) => setTimeout(r, 10));
    const last = updates().flatMap((u) => u.sections ?? []).at(-1)!;
    const edited = (await call("projects.update", { projectId: project.projectId, edit: { type: "editSection", sectionId: last.id, budget: 200 } })) as { ok: boolean; edit?: { id: string; state: string } };
    expect(edited.ok).toBe(true);
    expect(updates().some((u) => u.state.edits.some((e) => e.state === "pending"))).toBe(true);
    // The answer names the edit; the update that carried the change names it by the same id.
    expect(edited.edit).toMatchObject({ state: "pending", id: expect.any(String) });
    expect(updates().some((u) => u.state.edits.some((e) => e.id === edited.edit?.id && e.state === "pending") && u.sections?.at(-1)?.budget === 200)).toBe(true);

    for (let i = 0; i < 1000 && (await call("generation.state", { projectId: project.projectId }) as { status: string }).status === "writing"; i++) await new Promise((r) => setTimeout(r, 10));
    const state = (await call("generation.state", { projectId: project.projectId })) as { status: string; progress: { words: number } };
    expect(state.status).toBe("finished");
    expect(updates().some((u) => u.state.edits.some((e) => e.state === "applied"))).toBe(true);
    // One event per change while the model writes: the update carries the manuscript, the plan's
    // revisions and the unsaved mark; the project announces none of the model's changes itself.
    expect(events.filter((e) => e.name === "project.changed" && (e.payload as { source: string }).source === "model")).toEqual([]);
    expect(updates().some((u) => u.modified === true)).toBe(true);
    const revisions = updates().flatMap((u) => (u.revisions ? [u.revisions] : [])).at(-1);
    expect(revisions?.at(-1)).toMatchObject({ nextSectionNumber: 5, sections: [{}, {}, {}, { id: "sec-4", budget: 200 }] });

    const got = (await call("projects.get", { projectId: project.projectId })) as { manuscript: { sections: { budget: number }[]; steps: { words: number }[]; finished: boolean }; modified: boolean };
    expect(got.manuscript.finished).toBe(true);
    expect(got.manuscript.sections.at(-1)?.budget).toBe(200);
    expect(got.manuscript.steps.at(-1)?.words).toBe(200);
    expect(got.manuscript.steps.reduce((n, s) => n + s.words, 0)).toBe(state.progress.words);

    const file = path.join(home, "lighthouse.draftline");
    await call("projects.saveAs", { projectId: project.projectId, path: file });
    expect((await stat(file)).size).toBeGreaterThan(1000);
  });

  it("keeps the model while a document is being written or paused: loading or unloading another is refused with what to do", async () => {
    await call("models.load", { source: { kind: "file", path: "scripted" } });
    const project = (await call("projects.create", { instruction: "Write about a lighthouse.", targetWords: 2000, language: "en" })) as { projectId: string };
    await call("generation.start", { projectId: project.projectId });
    await call("generation.pause", { projectId: project.projectId });
    const refusal = "A document is being written with this model: stop it (or let it finish) before changing the model.";
    await expect(call("models.load", { source: { kind: "file", path: "other.gguf" } })).rejects.toThrow(refusal);
    await expect(call("models.unload", {})).rejects.toThrow(refusal);
    expect(((await call("models.state", {})) as { status: string }).status).toBe("ready");
    await call("generation.stop", { projectId: project.projectId });
    expect(((await call("models.unload", {})) as { status: string }).status).toBe("none");
  });

  it("checks the loaded model (Check this model) with a short session, and keeps the model meanwhile", async () => {
    await expect(call("models.doctor", {})).rejects.toThrow(/No model is loaded/);
    await call("models.load", { source: { kind: "file", path: "scripted" } });
    const project = (await call("projects.create", { instruction: "x", targetWords: 500, language: "en" })) as { projectId: string };
    const checking = call("models.doctor", {});
    // While it writes its document: the model stays, and no document is written with it.
    await expect(call("models.unload", {})).rejects.toThrow("The model is being checked (Check this model): wait for the check to end.");
    await expect(call("generation.start", { projectId: project.projectId })).rejects.toThrow("The model is being checked");
    const report = (await checking) as { mode: string; outcome: { status: string; words: number }; tags: { followed: boolean }; steps: unknown[] };
    expect(report).toMatchObject({ mode: "native", outcome: { status: "finished" }, tags: { followed: true } });
    expect(report.steps.length).toBeGreaterThan(0);
    expect(((await call("generation.start", { projectId: project.projectId })) as { status: string }).status).toBe("writing");
    await call("generation.stop", { projectId: project.projectId });
  });

  it("refuses to generate without a model, and says so", async () => {
    const project = (await call("projects.create", { instruction: "x", targetWords: 100, language: "en" })) as { projectId: string };
    await expect(call("generation.start", { projectId: project.projectId })).rejects.toThrow(/No model is loaded/);
  });
});
