// The IS-CoT probe with real node-llama-cpp: the unconstrained tiny test model (random weights) fails it.
import { beforeAll, describe, expect, it } from "vitest";
import { ensureTestModel } from "../engine/testModel";
import { PROBE_SUGGESTION } from "./probe";
import { ModelService } from "./service";

let model: string;

beforeAll(async () => {
  model = await ensureTestModel();
});

describe("the IS-CoT probe with the tiny model", () => {
  it("finds that the unconstrained tiny model does not write the tags, and suggests the prompted mode", async () => {
    const service = new ModelService({ env: { DRAFTLINE_THREADS: "1" }, emitState: () => {}, emitDownload: () => {} });
    try {
      const state = await service.load({ kind: "file", path: model }, { contextSize: 2048 }, { probe: true });
      expect(state).toMatchObject({ status: "ready", probe: { writesTags: false, suggestion: PROBE_SUGGESTION } });
      expect(state.probe?.suggestion).toMatch(/prompted mode/);
    } finally {
      await service.shutdown();
    }
  });
});
