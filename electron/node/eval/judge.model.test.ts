// The local judge with real node-llama-cpp on the tiny model (random weights): the judge grammar is
// valid GBNF for llama.cpp and holds even a model that writes nonsense to the six scores' JSON.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUALITY_DIMENSIONS } from "../../common/metrics/quality";
import { ModelService } from "../models/service";
import { writeTestModel } from "../engine/testModel";
import { LocalJudge } from "./judge";

describe("LocalJudge on the tiny model", () => {
  let folder: string;
  let models: ModelService;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), "draftline-judge-"));
    await writeTestModel(path.join(folder, "tiny.gguf"));
    models = new ModelService({ env: { DRAFTLINE_MODELS_DIR: folder, DRAFTLINE_THREADS: "1" }, emitState: () => {}, emitDownload: () => {} });
    await models.load({ kind: "file", path: path.join(folder, "tiny.gguf") }, { contextSize: 4096, threads: 1 });
    models.setSampling({ seed: 11 });
  });
  afterAll(async () => {
    await models.shutdown();
    await rm(folder, { recursive: true, force: true });
  });

  it("answers six scores from 1 to 5 on the first request, whatever the weights", async () => {
    const outcome = await new LocalJudge(() => models.loaded()).judge("Write a short note about rain.", "Rain fell on the town all night. By morning the streets were clean.");
    expect(outcome).toMatchObject({ attempts: 1, malformed: 0, error: null });
    for (const d of QUALITY_DIMENSIONS) expect([1, 2, 3, 4, 5]).toContain(outcome.scores![d]);
  });
});
