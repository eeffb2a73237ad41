import { describe, expect, it } from "vitest";
import type { EngineState } from "../../common/api/models";
import { ModelService } from "./service";
import { PROBE_SUGGESTION, probeProtocol, writesGlobalPlan } from "./probe";
import { fakeWriter, prose } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";

describe("the IS-CoT probe", () => {
  it("finds the global plan tag as the parser reads it, aliases included, and not a closing tag alone", () => {
    expect(writesGlobalPlan("Sure.\n<global_plan>\n## A")).toBe(true);
    expect(writesGlobalPlan("< Global-Plan >")).toBe(true);
    expect(writesGlobalPlan("</global_plan> and <content>")).toBe(false);
    expect(writesGlobalPlan("Tea is grown on hills < 2000 m.")).toBe(false);
  });

  it("passes a model that opens its answer to the native prompt with <global_plan>", async () => {
    const backend = new ScriptedBackend(fakeWriter());
    expect(await probeProtocol(backend)).toMatchObject({ writesTags: true, suggestion: null });
    // One short, greedy request from the native prompt: the instruction and the target only.
    expect(backend.calls).toHaveLength(1);
    expect(backend.calls[0]!.context).toMatch(/^<\|user\|>\nWrite an article about how tea is grown and made\.\n\nTarget length: about 1500 words\.\n<\|assistant\|>\n$/);
    expect(backend.calls[0]!.generated).toBeLessThanOrEqual(65);
  });

  it("suggests the prompted mode for a model that writes prose instead", async () => {
    const result = await probeProtocol(new ScriptedBackend(() => prose(40)));
    expect(result).toMatchObject({ writesTags: false, suggestion: PROBE_SUGGESTION });
    expect(result.suggestion).toMatch(/prompted mode/);
  });
});

/** The scripted model DRAFTLINE_ENGINE=scripted loads, as the wiring gives it (app/models.ts). */
const scripted = () => new ScriptedBackend(fakeWriter());

describe("the probe in the model service", () => {
  it("runs when asked, puts its result in the engine state and logs it", async () => {
    const states: EngineState[] = [];
    const logs: Array<[string, Record<string, unknown>]> = [];
    const service = new ModelService({ env: { DRAFTLINE_ENGINE: "scripted" }, scripted, emitState: (s) => states.push(s), emitDownload: () => {}, log: (e, f) => logs.push([e, f]) });
    try {
      const plain = await service.load({ kind: "catalog", id: "scripted" });
      expect(plain.probe).toBeUndefined();
      const probed = await service.load({ kind: "catalog", id: "scripted" }, {}, { probe: true });
      expect(probed).toMatchObject({ status: "ready", probe: { writesTags: true, suggestion: null } });
      expect(states[states.length - 1]?.probe).toEqual({ writesTags: true, suggestion: null });
      expect(logs.find(([event]) => event === "models.probe")?.[1]).toMatchObject({ writesTags: true, sample: expect.stringMatching(/^<global_plan>/) });
      expect((await service.unload()).probe).toBeUndefined();
    } finally {
      await service.shutdown();
    }
  });

  it("says so when DRAFTLINE_ENGINE=scripted asks for a scripted model nobody gave it", async () => {
    const service = new ModelService({ env: { DRAFTLINE_ENGINE: "scripted" }, emitState: () => {}, emitDownload: () => {} });
    await expect(service.load({ kind: "catalog", id: "scripted" })).rejects.toThrow(/asks for the scripted model, which this program does not have/);
    await service.shutdown();
  });

  it("says a probe needs a loaded model", async () => {
    const service = new ModelService({ env: { DRAFTLINE_ENGINE: "scripted" }, emitState: () => {}, emitDownload: () => {} });
    await expect(service.probe()).rejects.toThrow(/No model is loaded/);
    await service.shutdown();
  });
});
