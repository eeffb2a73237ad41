// The controller end to end through the embedded backend: real node-llama-cpp in its own process, the
// tiny test model (random weights) held to the protocol by grammars, one thread.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolGrammars } from "../../common/generation/grammars";
import { writtenWords } from "../../common/generation/rules";
import { checkInvariants, createManuscript } from "../../common/manuscript";
import { lengthScore } from "../../common/metrics";
import { EmbeddedBackend } from "../engine/embedded";
import { ensureTestModel } from "../engine/testModel";
import { IsCotMode } from "./iscot";
import { OrchestratedMode } from "./orchestrated";
import { Writer } from "./writer";

describe("the controller with the tiny model", () => {
  let backend: EmbeddedBackend;

  beforeAll(async () => {
    backend = new EmbeddedBackend();
    await backend.load({ model: await ensureTestModel(), threads: 1, contextSize: 4096 });
  });
  afterAll(async () => {
    await backend?.dispose();
  });

  it("writes a document to its target: plan, steps with exact progress, FINISHED", async () => {
    const notes: string[] = [];
    const controller = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write about the writer's plan.", targetWords: 400, language: "en" }),
      mode: new IsCotMode("native", protocolGrammars("en")),
      sampling: { temperature: 0.9, seed: 7 },
      onNote: (n) => notes.push(n),
    });
    const outcome = await controller.run();
    const m = controller.manuscript;
    expect(outcome.status).toBe("finished");
    expect(m.finished).toBe(true);
    expect(m.sections.length).toBeGreaterThanOrEqual(2);
    // Random budgets were steered to the target; a section the target left no room for was left out (budget 0).
    expect(m.revisions.some((r) => r.sections.reduce((sum, s) => sum + s.budget, 0) === 400)).toBe(true);
    for (const section of m.sections) expect(section.budget === 0 || m.steps.some((step) => step.sectionId === section.id)).toBe(true);
    expect(m.steps.length).toBeGreaterThanOrEqual(2);
    for (const step of m.steps) {
      expect(step.status).toBe("done");
      expect(step.reflection).toMatch(/^Word count: \d+\/400\./);
      expect(step.sectionId).not.toBeNull();
    }
    expect(lengthScore(400, writtenWords(m))).toBeGreaterThanOrEqual(95);
    expect(checkInvariants(m)).toEqual([]);
    // Every call reused the KV cache: a small part of what was sent was decoded.
    const { tokensDecoded, tokensSent, calls } = controller.accounting;
    expect(calls).toBeGreaterThan(4);
    expect(tokensDecoded).toBeLessThan(tokensSent / 3);
  });

  it("writes Chinese to a target counted in characters", async () => {
    const controller = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "写一篇关于河流的短文。", targetWords: 200, language: "zh" }),
      mode: new IsCotMode("native", protocolGrammars("zh")),
      sampling: { temperature: 0.9, seed: 3 },
    });
    expect((await controller.run()).status).toBe("finished");
    const m = controller.manuscript;
    expect(lengthScore(200, writtenWords(m))).toBeGreaterThanOrEqual(95);
    expect(m.steps[0]?.reflection).toMatch(/^字数：\d+\/200。/);
  });

  it("compacts the context of a document longer than the window and finishes it", async () => {
    const notes: string[] = [];
    const small = new EmbeddedBackend();
    try {
      // 1,536 tokens: the story memory's note (the steps' lengths or summaries) takes room beside the
      // segment of 400; in 1,024 the rebuilt context sometimes left too little ("too small even after compacting").
      await small.load({ model: await ensureTestModel(), threads: 1, contextSize: 1536 });
      const controller = new Writer({
        backend: small,
        manuscript: createManuscript({ instruction: "Write a long report.", targetWords: 900, language: "en" }),
        mode: new IsCotMode("native", protocolGrammars("en")),
        sampling: { temperature: 0.9, seed: 11 },
        limits: { maxTokensPerSegment: 400 },
        onNote: (n) => notes.push(n),
      });
      const outcome = await controller.run();
      expect(outcome.status).toBe("finished");
      expect(notes.some((n) => n.includes("compacted"))).toBe(true);
      expect(lengthScore(900, writtenWords(controller.manuscript))).toBeGreaterThanOrEqual(95);
      expect(checkInvariants(controller.manuscript)).toEqual([]);
    } finally {
      await small.dispose();
    }
  });
});

describe("the orchestrated mode with the tiny model", () => {
  it("writes each part as its own request, bounded by the budgets, reusing the cache", async () => {
    const backend = new EmbeddedBackend();
    try {
      await backend.load({ model: await ensureTestModel(), threads: 1, contextSize: 4096 });
      const controller = new Writer({
        backend,
        manuscript: createManuscript({ instruction: "Write about the plan.", targetWords: 300, language: "en" }),
        mode: new OrchestratedMode({ useGrammars: true }),
        sampling: { temperature: 0.9, seed: 5 },
      });
      expect((await controller.run()).status).toBe("finished");
      const m = controller.manuscript;
      expect(m.sections.reduce((n, s) => n + s.budget, 0)).toBe(300);
      expect(lengthScore(300, writtenWords(m))).toBeGreaterThanOrEqual(95);
      expect(checkInvariants(m)).toEqual([]);
      expect(controller.accounting.tokensDecoded).toBeLessThan(controller.accounting.tokensSent / 3);
    } finally {
      await backend.dispose();
    }
  });
});
