import { describe, expect, it } from "vitest";
import type { GenerationUpdate } from "../../common/api/generation";
import { createManuscript, type Manuscript } from "../../common/manuscript";
import { MemoryStore } from "./memoryStore";
import type { LoadedModel } from "../models/service";
import { GenerationService } from "./service";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";

function memoryStore(initial: Manuscript) {
  const store = new MemoryStore();
  store.put("p1", initial);
  return { store, get snapshots() { return store.snapshots.map((s) => s.label); }, get: () => store.getManuscript("p1") };
}

function setup(writerDelayMs = 0) {
  const memory = memoryStore(createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }));
  const updates: GenerationUpdate[] = [];
  const backend = new ScriptedBackend(fakeWriter());
  if (writerDelayMs > 0) {
    const generate = backend.generate.bind(backend);
    backend.generate = async (request) => {
      await new Promise((r) => setTimeout(r, writerDelayMs));
      return generate(request);
    };
  }
  const service = new GenerationService({
    store: memory.store,
    model: () => ({ backend, profile: "native", useProtocolGrammars: false }),
    emit: (u) => updates.push(u),
    flushMs: 5,
  });
  return { service, memory, updates, backend };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

describe("the generation service", () => {
  it("writes a project and sends coalesced updates that rebuild the manuscript", async () => {
    const { service, memory, updates } = setup();
    const started = await service.start("p1");
    expect(started.status).toBe("writing");
    await until(() => service.state("p1").status === "finished");
    const final = memory.get();
    expect(final.finished).toBe(true);
    expect(final.steps.map((s) => s.words)).toEqual([300, 400, 300]);
    // Replaying the updates gives the renderer the same steps the project has.
    const steps: Manuscript["steps"] = [];
    for (const u of updates) {
      for (const { index, step } of u.steps) steps[index] = step;
      steps.length = u.stepCount;
    }
    expect(steps).toEqual(final.steps);
    expect(updates.at(-1)?.state).toMatchObject({ status: "finished", progress: { words: 1000, target: 1000 } });
    // Far fewer updates than characters streamed: they are coalesced.
    expect(updates.length).toBeLessThan(final.steps.reduce((n, s) => n + s.content.length, 0) / 20);
  });

  it("refuses a second start while writing, and takes the document's edits while it writes", async () => {
    const { service, memory } = setup(5);
    await service.start("p1");
    await expect(service.start("p1")).rejects.toThrow(/already writing/);
    await until(() => memory.get().sections.length === 3);
    const c = memory.get().sections[2]!;
    const result = memory.store.applyEdit("p1", { type: "editSection", sectionId: c.id, budget: 250 });
    expect(result.ok).toBe(true);
    expect(service.state("p1").edits).toMatchObject([{ kind: "plan", state: "pending" }]);
    // The typed answer names the pending edit as the state does, and the store already holds the change.
    expect(result).toMatchObject({ ok: true, edit: { id: service.state("p1").edits[0]!.id, state: "pending" } });
    expect(memory.get().sections[2]?.budget).toBe(250);
    await until(() => service.state("p1").status === "finished");
    expect(memory.get().sections[2]?.budget).toBe(250);
    // The writer's budget is kept (locked); the section not yet written took up the difference, so the
    // document still reaches its target, and the last section ends at its paragraph end near it.
    expect(memory.get().memory.lockedSections).toEqual([c.id]);
    expect(memory.get().sections[1]?.budget).toBe(450);
    expect(memory.get().steps[2]?.sectionId).toBe(c.id);
    expect(memory.get().steps[2]?.words).toBeGreaterThanOrEqual(230);
    expect(memory.get().steps[2]?.words).toBeLessThanOrEqual(250);
  });

  it("samples with the model's settings as they are before each request: a change while it writes applies from the next one", async () => {
    const memory = memoryStore(createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }));
    const backend = new ScriptedBackend(fakeWriter());
    const model: LoadedModel = { backend, profile: "native", useProtocolGrammars: false, sampling: { temperature: 0.7 } };
    const service = new GenerationService({ store: memory.store, model: () => model, emit: () => {}, flushMs: 5 });
    const generate = backend.generate.bind(backend);
    backend.generate = async (request) => {
      // The writer sets a new temperature while the third request is being written.
      if (backend.calls.length === 2) model.sampling = { temperature: 0.2, seed: 4 };
      return generate(request);
    };
    await service.start("p1");
    await until(() => service.state("p1").status === "finished");
    const used = backend.calls.map((c) => c.sampling);
    // The third request was sent before the change; every later one samples with the new values.
    expect(used.slice(0, 3)).toEqual([{ temperature: 0.7 }, { temperature: 0.7 }, { temperature: 0.7 }]);
    expect(used.length).toBeGreaterThan(4);
    expect(used.slice(3)).toEqual(used.slice(3).map(() => ({ temperature: 0.2, seed: 4 })));
  });

  it("writes in the mode the project was made with (the new-document form's choice), not the model's profile", async () => {
    const memory = memoryStore(createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }));
    const store = Object.assign(memory.store, { generationMode: (id: string) => (id === "p1" ? ("orchestrated" as const) : null) });
    const service = new GenerationService({ store, model: () => ({ backend: new ScriptedBackend(fakeWriter()), profile: "native", useProtocolGrammars: false }), emit: () => {}, flushMs: 5 });
    expect((await service.start("p1")).mode).toBe("orchestrated");
    await until(() => service.state("p1").status === "finished");
    // The orchestrated mode's own step plans (a chat turn each), not IS-CoT's.
    expect(memory.get().steps[0]!.plan).toBe("Section: Opening. Cover the next part of the plan.");
    // Asked for by name, the mode named wins.
    const other = memoryStore(createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }));
    const named = new GenerationService({ store: Object.assign(other.store, { generationMode: () => "orchestrated" as const }), model: () => ({ backend: new ScriptedBackend(fakeWriter()), profile: "native", useProtocolGrammars: false }), emit: () => {}, flushMs: 5 });
    expect((await named.start("p1", { mode: "native" })).mode).toBe("native");
    await until(() => named.state("p1").status === "finished");
  });

  it("pauses, resumes and stops on request", async () => {
    const { service } = setup(5);
    await service.start("p1");
    expect(service.pause("p1").status).toBe("paused");
    expect(service.resume("p1").status).toBe("writing");
    const stopped = await service.stop("p1");
    expect(stopped.status).toBe("stopped");
    expect(service.isWriting("p1")).toBe(false);
  });

  it("takes a snapshot before regenerating a section and before continuing from a step", async () => {
    const { service, memory } = setup();
    await service.start("p1");
    await until(() => service.state("p1").status === "finished");
    const section = memory.get().sections[1]!;
    await service.regenerate("p1", { sectionId: section.id });
    await until(() => service.state("p1").status === "finished");
    await service.start("p1", { fromStep: 2 });
    await until(() => service.state("p1").status === "finished");
    expect(memory.snapshots).toEqual([`Before regenerating the section "${section.title}"`, "Before continuing from step 3"]);
    expect(memory.get().steps).toHaveLength(3);
  });

  it("while a section is written again, every update keeps the later steps and names the step being replaced", async () => {
    const { service, memory, updates } = setup();
    await service.start("p1");
    await until(() => service.state("p1").status === "finished");
    const before = memory.get();
    updates.length = 0;
    await service.regenerate("p1", { sectionId: before.sections[0]!.id });
    await until(() => service.state("p1").status === "finished");
    const during = updates.filter((u) => u.state.status === "writing");
    expect(during.length).toBeGreaterThan(0);
    for (const u of during) {
      expect(u.stepCount).toBe(before.steps.length);
      expect(u.state.replacing).toEqual(["step-1"]);
    }
    expect(updates.at(-1)!.state.replacing).toBeUndefined();
  });

  it("says what to do when there is no instruction or no such step", async () => {
    const { service } = setup();
    await expect(service.start("p1", { fromStep: 9 })).rejects.toThrow(/no step 10/);
    await expect(service.regenerate("p1", { stepIndex: 0 })).rejects.toThrow(/no step 1/);
  });
});
