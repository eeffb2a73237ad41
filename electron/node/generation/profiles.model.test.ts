// Every protocol profile end to end with real node-llama-cpp: the tiny test model (random weights),
// held to each profile's format by its grammars, one thread. For each: the plan and the steps the
// timeline shows are filled, and the length rules hold. (`draftline write --mode …` for every mode is in
// cli/commands/write.model.test.ts, the IS-CoT probe in models/probe.model.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onePassGrammars } from "../../common/generation/grammars";
import { targetTolerance, writtenWords } from "../../common/generation/rules";
import { checkInvariants, createManuscript, type Manuscript } from "../../common/manuscript";
import { lengthScore } from "../../common/metrics";
import { EmbeddedBackend } from "../engine/embedded";
import { ensureTestModel } from "../engine/testModel";
import { AgentWriteMode } from "./agentwrite";
import { directMode } from "./onePass";
import { thinkAnswerMode } from "./thinkAnswer";
import { Writer } from "./writer";

let backend: EmbeddedBackend;
let model: string;

beforeAll(async () => {
  model = await ensureTestModel();
  backend = new EmbeddedBackend();
  await backend.load({ model, threads: 1, contextSize: 4096 });
});
afterAll(async () => {
  await backend?.dispose();
});

/** The length rules: past the target the draft ends near it; ending short makes the model go on. */
function expectLengthRules(m: Manuscript, target: number): void {
  const words = writtenWords(m);
  expect(words).toBeGreaterThanOrEqual(target * 0.9);
  // The last part runs on to a paragraph end; 10% past the target it ends at the sentence end nearest it.
  expect(words).toBeLessThanOrEqual(target + Math.max(targetTolerance(target), Math.round(target * 0.1)) + 15);
  expect(lengthScore(target, words)).toBeGreaterThanOrEqual(94);
}

describe("each profile with the tiny model", () => {
  it("agentwrite: a plan of paragraphs on the timeline, each paragraph a step bounded by its word count, the cache reused", async () => {
    const seen: Manuscript[] = [];
    // Each request's context and how many of its tokens the engine decoded (those not in its KV cache).
    const requests: { input: number[]; decoded: number }[] = [];
    const recording = new Proxy(backend, {
      get(target, prop) {
        if (prop === "generate")
          return async (request: Parameters<EmbeddedBackend["generate"]>[0]) => {
            const result = await target.generate(request);
            requests.push({ input: [...request.tokens], decoded: result.inputTokensDecoded });
            return result;
          };
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const controller = new Writer({
      backend: recording,
      manuscript: createManuscript({ instruction: "Write about the plan.", targetWords: 400, language: "en" }),
      mode: new AgentWriteMode({ useGrammars: true }),
      sampling: { temperature: 0.9, seed: 5 },
      onChange: (m) => seen.push(m),
    });
    expect((await controller.run()).status).toBe("finished");
    const m = controller.manuscript;
    expect(seen.some((s) => s.revisions.length === 0 && s.planDraft?.text.startsWith("Paragraph 1 - Main point:"))).toBe(true);
    expect(m.revisions[0]!.text).toMatch(/^Paragraph 1 - Main point: [a-z ]+ - Word count: \d+ words\nParagraph 2 - Main point: /);
    expect(m.sections.length).toBeGreaterThanOrEqual(2);
    expect(m.sections.every((s, i) => s.title === `Paragraph ${i + 1}`)).toBe(true);
    expect(m.sections.reduce((n, s) => n + s.budget, 0)).toBe(400);
    for (const step of m.steps) {
      expect(step.plan).toMatch(/^Paragraph \d - Word count: \d+ words - Main point: /);
      expect(step.sectionId).not.toBeNull();
      expect(step.reflection).toMatch(/^Word count: \d+\/400\.$/);
    }
    expectLengthRules(m, 400);
    expect(checkInvariants(m)).toEqual([]);
    // The cache reused: each request decodes only from the first token that differs from the request
    // before (plus the last token, decoded again for its logits): what was added, or what compaction
    // changed when the next paragraph's room did not fit the 4,096-token window. The prompt is never
    // decoded again.
    expect(requests.length).toBeGreaterThan(2);
    for (let i = 1; i < requests.length; i++) {
      const [before, now] = [requests[i - 1]!.input, requests[i]!];
      let same = 0;
      while (same < before.length && before[same] === now.input[same]) same++;
      expect(same).toBeGreaterThanOrEqual(requests[0]!.input.length);
      expect(now.decoded).toBeLessThanOrEqual(now.input.length - same + 1);
    }
  });

  it("agentwrite past the window: compaction keeps every request's input within what node-llama-cpp keeps, so no request decodes it all again", async () => {
    const small = new EmbeddedBackend();
    try {
      await small.load({ model, threads: 1, contextSize: 2048 });
      const calls: { sent: number; decoded: number }[] = [];
      const notes: string[] = [];
      const controller = new Writer({
        backend: small,
        manuscript: createManuscript({ instruction: "Write about the plan.", targetWords: 1500, language: "en" }),
        mode: new AgentWriteMode({ useGrammars: true }),
        sampling: { temperature: 0.9, seed: 21 },
        onCall: (c) => calls.push(c),
        onNote: (n) => notes.push(n),
      });
      expect((await controller.run()).status).toBe("finished");
      expect(notes.some((n) => n.startsWith("The context was compacted"))).toBe(true);
      // node-llama-cpp drops the oldest input tokens past 2048 - 204: then a request decodes everything.
      for (const c of calls) expect(c.sent).toBeLessThanOrEqual(2048 - 204);
      for (const c of calls.slice(1)) expect(c.decoded).toBeLessThan(c.sent / 2);
      expectLengthRules(controller.manuscript, 1500);
      expect(checkInvariants(controller.manuscript)).toEqual([]);
    } finally {
      await small.dispose();
    }
  });

  it("direct: sections from the draft's headings as it streams, continued when it ends short", async () => {
    const notes: string[] = [];
    const seen: number[] = [];
    const controller = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write about the section.", targetWords: 600, language: "en" }),
      mode: directMode({ grammars: onePassGrammars("en", "direct") }),
      sampling: { temperature: 0.9, seed: 9 },
      onNote: (n) => notes.push(n),
      onChange: (m) => seen.push(m.sections.length),
    });
    expect((await controller.run()).status).toBe("finished");
    const m = controller.manuscript;
    // The grammar lets one answer hold at most 480 words: the model was asked to go on at least once.
    expect(notes.some((n) => /^The model ended at \d+ of 600 words: it is asked to continue\.$/.test(n))).toBe(true);
    expect(m.sections.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen).size).toBeGreaterThanOrEqual(2);
    // Each step is in the section its heading named (titles may repeat: each heading made its own).
    for (const step of m.steps) expect(step.content.startsWith(`## ${m.sections.find((x) => x.id === step.sectionId)?.title}\n`)).toBe(true);
    for (const step of m.steps) expect(step.reflection).toMatch(/^Word count: \d+\/600\.$/);
    expectLengthRules(m, 600);
    expect(checkInvariants(m)).toEqual([]);
  });

  it("think-answer: the think block is the plan, the answer the draft split by its headings, continued when short", async () => {
    const notes: string[] = [];
    const controller = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write about the writer.", targetWords: 600, language: "en" }),
      mode: thinkAnswerMode({ grammars: onePassGrammars("en", "think-answer") }),
      sampling: { temperature: 0.9, seed: 3 },
      onNote: (n) => notes.push(n),
    });
    expect((await controller.run()).status).toBe("finished");
    const m = controller.manuscript;
    expect(m.revisions[0]!.text).toMatch(/^## [a-z ]+\nWord count: \d{3}\n/);
    expect(m.sections.length).toBeGreaterThanOrEqual(2);
    expect(m.sections.reduce((n, s) => n + s.budget, 0)).toBe(600);
    expect(notes.some((n) => n.includes("it is asked to continue"))).toBe(true);
    expect(m.steps.length).toBeGreaterThanOrEqual(2);
    for (const step of m.steps) {
      expect(step.content).toMatch(/^## /);
      expect(step.sectionId).not.toBeNull();
    }
    expectLengthRules(m, 600);
    expect(checkInvariants(m)).toEqual([]);
  });
});
