// Proposals from the model with the tiny model (random weights, one thread): the request is made after
// each step, in the run's token array, and what a random model answers never becomes a proposal the
// step's text does not support.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolGrammars } from "../../common/generation/grammars";
import { checkInvariants, createManuscript } from "../../common/manuscript";
import { countMentions } from "../../common/memory/bible";
import { EmbeddedBackend } from "../engine/embedded";
import { ensureTestModel } from "../engine/testModel";
import { IsCotMode } from "./iscot";
import { Writer } from "./writer";

describe("proposals asked of the tiny model", () => {
  let backend: EmbeddedBackend;

  beforeAll(async () => {
    backend = new EmbeddedBackend();
    await backend.load({ model: await ensureTestModel(), threads: 1, contextSize: 4096 });
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  it("asks after each step and takes no name the text does not hold", async () => {
    const calls: { purpose: string; decoded: number; sent: number }[] = [];
    const writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write about the keeper Tom Hale.", targetWords: 300, language: "en" }),
      mode: new IsCotMode("native", protocolGrammars("en")),
      sampling: { temperature: 0.9, seed: 7 },
      memory: { proposals: "model" },
      onCall: (c) => calls.push(c),
    });
    expect((await writer.run()).status).toBe("finished");
    const m = writer.manuscript;
    const accounting = writer.memoryAccounting;
    expect(accounting.proposalRequests).toBe(m.steps.length);
    expect(accounting.proposalTokensDecoded).toBeGreaterThan(0);
    // Each request reused the cache: it decoded far less than it sent.
    const memory = calls.filter((c) => c.purpose === "memory");
    expect(memory.length).toBe(m.steps.length);
    for (const c of memory) expect(c.decoded).toBeLessThan(c.sent / 2);
    // Whatever the random model answered, every proposal names what its step's text holds.
    for (const p of m.memory.proposals) {
      const step = m.steps.find((s) => s.id === p.stepId)!;
      expect(countMentions(step.content, p.name)).toBeGreaterThan(0);
    }
    expect(m.memory.entries).toEqual([]);
    expect(checkInvariants(m)).toEqual([]);
  });
});
