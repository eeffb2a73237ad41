// What compaction decodes, with the scripted model (one token per character, a KV cache like
// llama.cpp's): the model's context is rebuilt only where a step leaves the view, and a rebuild
// decodes again what follows the prompt, never the prompt (the bible unchanged); between rebuilds
// every call decodes only what was appended. And the memory's tokens decoded are counted once.
import { describe, expect, it } from "vitest";
import type { GenerationMode } from "../../common/api/generation";
import { targetTolerance, writtenWords } from "../../common/generation/rules";
import { createManuscript } from "../../common/manuscript";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { AgentWriteMode } from "./agentwrite";
import { memoryTokensDecoded, type Piece } from "./context";
import { IsCotMode } from "./iscot";
import type { WritingMode } from "./mode";
import { directMode } from "./onePass";
import { OrchestratedMode } from "./orchestrated";
import { thinkAnswerMode } from "./thinkAnswer";
import { Writer } from "./writer";

const MODES = ["native", "prompted", "orchestrated", "agentwrite", "direct"] as const satisfies readonly GenerationMode[];

function mode(kind: (typeof MODES)[number]): WritingMode {
  if (kind === "native" || kind === "prompted") return new IsCotMode(kind);
  if (kind === "orchestrated") return new OrchestratedMode();
  if (kind === "agentwrite") return new AgentWriteMode();
  return directMode();
}

/**
 * A 7,000-word document in a small window, steps of at most 2,000 tokens (as the memory bench writes);
 * the direct mode's draft at 8,192 and 2,500 (compacted to no draft at all, a 6,144 window leaves the
 * scripted model nothing to go on from).
 */
async function run(kind: (typeof MODES)[number]) {
  const sections = Array.from({ length: 14 }, (_, i) => [`Part ${i + 1}`, 500] as [string, number]);
  const [window, segment] = kind === "direct" ? [8192, 2500] : [6144, 2000];
  const backend = new ScriptedBackend(fakeWriter({ sections }), { contextSize: window });
  const calls: { purpose: "write" | "memory"; compactedBefore: boolean }[] = [];
  let compacted = false;
  const writer = new Writer({
    backend,
    manuscript: createManuscript({ instruction: "Write a long story about a lighthouse keeper.", targetWords: 7000, language: "en" }),
    mode: mode(kind),
    limits: { maxTokensPerSegment: segment },
    onNote: (note) => {
      if (note.startsWith("The context was compacted")) compacted = true;
    },
    onCall: (c) => {
      // Whether a compaction came since the last write request (a digest request may come between).
      calls.push({ purpose: c.purpose, compactedBefore: compacted });
      if (c.purpose === "write") compacted = false;
    },
  });
  const outcome = await writer.run();
  return { outcome, writer, calls: backend.calls.map((c, i) => ({ ...c, ...calls[i]! })) };
}

describe("compaction", () => {
  it.each(MODES)("rebuilds the context only where a step leaves the view, and keeps the prompt cached (%s)", async (kind) => {
    const { outcome, calls } = await run(kind);
    expect(outcome.status).toBe("finished");
    expect(calls.some((c) => c.compactedBefore)).toBe(true);
    const prompt = calls[0]!.context;
    let lastWrite = calls[0]!;
    for (const [i, call] of calls.entries()) {
      if (i === 0) continue;
      // What the last write request read is still the start of this one's context, unless a compaction
      // let steps go in between: nothing else rebuilds the context (a summary request is a detour at its end).
      if (!call.context.startsWith(lastWrite.context)) expect({ call: i, compactedBefore: call.compactedBefore }).toEqual({ call: i, compactedBefore: true });
      else expect(call.inputTokensDecoded).toBeLessThanOrEqual(Array.from(call.context).length - Array.from(lastWrite.context).length + 1);
      // A rebuild decodes what follows the prompt again, never the prompt (no bible change here).
      expect(call.context.startsWith(prompt.slice(0, prompt.indexOf("<|assistant|>")))).toBe(true);
      if (call.compactedBefore) expect(call.inputTokensDecoded).toBeLessThanOrEqual(Array.from(call.context).length - prompt.indexOf("<|assistant|>"));
      if (call.purpose === "write") lastWrite = call;
    }
  });

  it("counts each token of the memory the engine decoded once, in the call that decoded it", async () => {
    const { writer, calls } = await run("native");
    const memory = writer.accounting.memoryTokensDecoded;
    expect(memory).toBeLessThanOrEqual(writer.accounting.tokensDecoded);
    // A summary request right after a write decodes only itself (and the one token decoded again).
    const requests = calls.filter((c) => c.purpose === "memory" && !c.compactedBefore);
    expect(requests.length).toBeGreaterThan(0);
    expect(memory).toBeGreaterThanOrEqual(requests.reduce((n, c) => n + c.inputTokensDecoded - 1, 0));
  });

  it("attributes the decoded tail of a context to the memory's pieces and the bible in the prompt", () => {
    const t = (n: number) => Array.from({ length: n }, (_, i) => i);
    const pieces: Piece[] = [
      { kind: "prompt", tokens: t(10), bibleTokens: 4 },
      { kind: "plan", tokens: t(5) },
      { kind: "memory", tokens: t(6) },
      { kind: "step", tokens: t(8), stepIndex: 0 },
      { kind: "request", tokens: t(3) },
    ];
    expect(memoryTokensDecoded(pieces, 3)).toBe(3);
    expect(memoryTokensDecoded(pieces, 12)).toBe(3 + 1);
    expect(memoryTokensDecoded(pieces, 22)).toBe(3 + 6);
    // The prompt decoded again (a bible change, a first call): its bible counts, its request does not.
    expect(memoryTokensDecoded(pieces, 32)).toBe(3 + 6 + 4);
  });

  // LongWriter-Zero's plan of many sections takes much of a small window: compacting before the next
  // call of a long answer lets all of the draft go, and the model is asked to go on (it did not end
  // short; the memory bench's think-answer run stopped at 729 of 20,000 words on twelve such "short ends").
  it("a long one-pass answer whose draft left the window goes on to its target (think-answer)", async () => {
    const sections = Array.from({ length: 20 }, (_, i) => [`Part ${i + 1}`, 500] as [string, number]);
    const backend = new ScriptedBackend(fakeWriter({ sections }), { contextSize: 8192 });
    const notes: string[] = [];
    const writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write a long story about a lighthouse keeper.", targetWords: 10_000, language: "en" }),
      mode: thinkAnswerMode(),
      limits: { maxTokensPerSegment: 2500 },
      onNote: (n) => notes.push(n),
    });
    expect(await writer.run()).toMatchObject({ status: "finished" });
    expect(notes.some((n) => n.startsWith("The context was compacted"))).toBe(true);
    expect(Math.abs(writtenWords(writer.manuscript) - 10_000)).toBeLessThanOrEqual(targetTolerance(10_000));
  });
});
