// The story memory with the tiny model (random weights, one thread): proposals are asked after each
// step, in the run's token array, and what a random model answers never becomes a proposal the step's
// text does not support; in a small window a bible that overflows it never makes the run fail.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolGrammars } from "../../common/generation/grammars";
import { writtenWords } from "../../common/generation/rules";
import { applyEdit, checkInvariants, createManuscript, type Manuscript, type ManuscriptEdit } from "../../common/manuscript";
import { lengthScore } from "../../common/metrics";
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

describe("the story memory in a small window with the tiny model", () => {
  function ok(m: Manuscript, edit: ManuscriptEdit): Manuscript {
    const result = applyEdit(m, edit);
    if (!result.ok) throw new Error(result.error.message);
    return result.manuscript;
  }

  it("a bible that overflows a 1,536-token window never makes the run fail: the memory takes less, and the timeline says what was left out", async () => {
    const notes: string[] = [];
    const small = new EmbeddedBackend();
    try {
      await small.load({ model: await ensureTestModel(), threads: 1, contextSize: 1536 });
      let m = createManuscript({ instruction: "Write a long report on the keepers Ann Lee and Bo Ray.", targetWords: 900, language: "en" });
      m = ok(m, { type: "setBibleBudget", tokens: 20_000 });
      for (let i = 0; i < 16; i++) {
        m = ok(m, { type: "addEntry", entry: { kind: "character", name: `Keeper ${i + 1}`, aliases: [], description: "A long life by the sea, told at length and in detail. ".repeat(3), always: true } });
      }
      const controller = new Writer({
        backend: small,
        manuscript: m,
        mode: new IsCotMode("native", protocolGrammars("en")),
        sampling: { temperature: 0.9, seed: 11 },
        limits: { maxTokensPerSegment: 400 },
        memory: { proposals: "model" },
        onNote: (n) => notes.push(n),
      });
      const outcome = await controller.run();
      expect(outcome.status, `${outcome.reason} / ${notes.join("\n")}`).toBe("finished");
      expect(notes.some((n) => n.startsWith("The story memory was cut to fit the window (1536 tokens): left out of the model's view the bible entries Keeper"))).toBe(true);
      expect(lengthScore(900, writtenWords(controller.manuscript))).toBeGreaterThanOrEqual(95);
      expect(checkInvariants(controller.manuscript)).toEqual([]);
    } finally {
      await small.dispose();
    }
  });
});
