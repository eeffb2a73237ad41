// Every profile through the generation service (what the app and `draftline write` use), with the
// scripted model: the mode the writer picks, or the model's own profile, drives the document to its
// end, and the updates the timeline receives carry the plan and the steps. (That the catalog offers a
// model for each research system Draftline comes from is in models/catalog.test.ts.)
import { describe, expect, it } from "vitest";
import type { GenerationMode, GenerationUpdate } from "../../common/api/generation";
import { protocolProfiles } from "../../common/engine/catalog";
import { createManuscript } from "../../common/manuscript";
import { AgentWriteMode } from "./agentwrite";
import { IsCotMode } from "./iscot";
import { MemoryStore } from "./memoryStore";
import { createMode } from "./modes";
import { OnePassMode } from "./onePass";
import { OrchestratedMode } from "./orchestrated";
import type { LoadedModel } from "../models/service";
import { GenerationService } from "./service";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";

async function write(mode: GenerationMode | undefined, profile: LoadedModel["profile"]) {
  const store = new MemoryStore();
  store.put("p1", createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }));
  const updates: GenerationUpdate[] = [];
  const backend = new ScriptedBackend(fakeWriter());
  const service = new GenerationService({ store, model: () => ({ backend, profile, useProtocolGrammars: false }), emit: (u) => updates.push(u), flushMs: 1 });
  await service.start("p1", mode ? { mode } : {});
  const state = await service.whenDone("p1");
  return { state, updates, manuscript: store.getManuscript("p1") };
}

describe("the profiles through the generation service", () => {
  it.each(protocolProfiles.map((mode) => [mode]))("writes a document in the %s mode, the timeline fed with its plan and steps", async (mode) => {
    const { state, updates, manuscript } = await write(mode, "native");
    expect(state).toMatchObject({ status: "finished", mode });
    expect(manuscript.finished).toBe(true);
    expect(manuscript.sections.length).toBeGreaterThanOrEqual(3);
    expect(manuscript.steps.length).toBeGreaterThanOrEqual(3);
    expect(Math.abs(state.progress.words - 1000)).toBeLessThanOrEqual(20);
    expect(updates.some((u) => u.sections !== undefined && u.sections.length > 0)).toBe(true);
    const last = updates[updates.length - 1]!;
    expect(last).toMatchObject({ stepCount: manuscript.steps.length, finished: true });
    expect(new Set(updates.flatMap((u) => u.steps.map((s) => s.index)))).toEqual(new Set(manuscript.steps.map((_, i) => i)));
  });

  it("drives a model by its own profile when the writer picks none", async () => {
    const { state, manuscript } = await write(undefined, "think-answer");
    expect(state.mode).toBe("think-answer");
    expect(manuscript.revisions[0]!.text).toMatch(/^## Opening\nWord count: 300/);
  });

  it("makes the mode of each profile", () => {
    const model: LoadedModel = { backend: new ScriptedBackend(fakeWriter()), profile: null, useProtocolGrammars: true };
    const modes = protocolProfiles.map((mode) => createMode(mode, model, "en"));
    expect(modes.map((m) => m.constructor)).toEqual([IsCotMode, IsCotMode, OrchestratedMode, AgentWriteMode, OnePassMode, OnePassMode]);
    expect(modes.map((m) => m.kind)).toEqual(["native", "prompted", "orchestrated", "agentwrite", "direct", "think-answer"]);
  });
});
