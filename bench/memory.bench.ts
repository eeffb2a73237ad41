// Story memory over a long document: a fact planted in step 1 (a character's name and eye colour) is
// looked for in the model's context when the last step of a 20,000-word document is written in an
// 8,192-token window, in every mode, with the step summaries (the default) and without them (the
// lengths alone stand for the steps that left the window: what compaction did before). It reports the
// tokens the memory cost (bible notes, memory notes and the bible where a call decoded them, the
// summary and proposal requests and their answers; `memory.proposalTokens*` gives the proposals' part),
// each token once, as a share of all tokens decoded and generated. Then a bible entry added while the
// model writes: what the boundary that takes it in decodes against the note's own length.
//
// The scripted engine (one token per character, a KV cache like llama.cpp's), so the figures are about
// the controller, not a model: `npm run bench memory`.
import type { GenerationMode } from "../electron/common/api/generation";
import { writtenWords } from "../electron/common/generation/rules";
import { createManuscript } from "../electron/common/manuscript";
import { fakeWriter } from "../electron/common/testing/fakeWriter";
import { ScriptedBackend } from "../electron/node/engine/testing/scriptedBackend";
import { AgentWriteMode } from "../electron/node/generation/agentwrite";
import { IsCotMode } from "../electron/node/generation/iscot";
import type { SummarySourceOption } from "../electron/node/generation/memory";
import type { WritingMode } from "../electron/node/generation/mode";
import { directMode } from "../electron/node/generation/onePass";
import { OrchestratedMode } from "../electron/node/generation/orchestrated";
import { thinkAnswerMode } from "../electron/node/generation/thinkAnswer";
import { Writer } from "../electron/node/generation/writer";

const MODES: GenerationMode[] = ["native", "prompted", "orchestrated", "agentwrite", "direct", "think-answer"];
const TARGET = Number(process.env.BENCH_MEMORY_WORDS ?? 20_000);
const WINDOW = 8192;
const SECTIONS = Math.round(TARGET / 500);
const FACT = "Mara Vell had green eyes and kept the lamp.";

function mode(kind: GenerationMode): WritingMode {
  switch (kind) {
    case "native":
    case "prompted":
      return new IsCotMode(kind);
    case "orchestrated":
      return new OrchestratedMode();
    case "agentwrite":
      return new AgentWriteMode();
    case "direct":
      return directMode();
    case "think-answer":
      return thinkAnswerMode();
    default:
      return kind satisfies never;
  }
}

async function longRun(kind: GenerationMode, summaries: SummarySourceOption) {
  const sections = Array.from({ length: SECTIONS }, (_, i) => [`Part ${i + 1}`, Math.round(TARGET / SECTIONS)] as [string, number]);
  const backend = new ScriptedBackend(fakeWriter({ sections, plant: (k) => (k === 0 ? FACT : null) }), { contextSize: WINDOW });
  const writer = new Writer({
    backend,
    manuscript: createManuscript({ instruction: "Write a long story about a lighthouse keeper.", targetWords: TARGET, language: "en" }),
    mode: mode(kind),
    // As the generation service runs a writer's document: the model proposes bible entries after each step where it writes summaries.
    memory: { summaries, proposals: "model" },
    limits: { maxTokensPerSegment: 2500 },
  });
  const started = performance.now();
  const outcome = await writer.run();
  const last = backend.calls.at(-1)?.context ?? "";
  const a = writer.accounting;
  const mem = writer.memoryAccounting;
  // Each token of the memory the engine decoded is counted once, by the call that decoded it (notes,
  // memory notes, summary requests, the bible in a prompt decoded again), plus the summaries written.
  const memoryTokens = a.memoryTokensDecoded + mem.requestTokensGenerated;
  return {
    outcome: outcome.status,
    reason: outcome.status === "finished" ? null : outcome.reason,
    words: writtenWords(writer.manuscript),
    steps: writer.manuscript.steps.length,
    factInLastContext: last.includes("green eyes"),
    largestContext: Math.max(...backend.calls.map((c) => Array.from(c.context).length)),
    tokensDecoded: a.tokensDecoded,
    tokensGenerated: a.tokensGenerated,
    memory: { ...mem },
    memoryTokens,
    /** The memory's tokens decoded (bible notes, memory notes, summary and proposal requests, the bible in a prompt decoded again) and the answers generated, of every token the engine read or wrote. */
    memoryShareOfAllTokens: a.tokensDecoded + a.tokensGenerated > 0 ? memoryTokens / (a.tokensDecoded + a.tokensGenerated) : 0,
    seconds: (performance.now() - started) / 1000,
  };
}

/** A bible entry added at step 10 of 20: what the next boundary decodes, against the note that carries it. */
async function bibleEdit() {
  const sections = Array.from({ length: 20 }, (_, i) => [`Part ${i + 1}`, 100] as [string, number]);
  const backend = new ScriptedBackend(fakeWriter({ sections }));
  const calls: Array<{ sent: number; decoded: number; kept: number }> = [];
  let editAt = -1;
  const writer: Writer = new Writer({
    backend,
    manuscript: createManuscript({ instruction: "Write a story about a lighthouse keeper.", targetWords: 2000, language: "en" }),
    mode: new IsCotMode("native"),
    onCall: (c) => {
      calls.push(c);
      if (editAt < 0 && writer.manuscript.steps.length === 10) {
        writer.submitEdit({ type: "addEntry", entry: { kind: "character", name: "Tom Hale", aliases: ["Tom"], description: "A fisherman with a red beard.", always: true } });
        editAt = calls.length;
      }
    },
  });
  await writer.run();
  const after = calls.slice(editAt);
  const boundary = after.reduce((best, c, i) => (c.decoded > (after[best]?.decoded ?? 0) ? i : best), 0);
  const at = after[boundary];
  const before = calls[editAt + boundary - 1];
  // What the boundary appended after the previous call's text (its closing tags, the note, the next
  // step's opening): the call decodes those and, like llama.cpp, the last token again; nothing else.
  const appended = at && before ? at.sent - (before.sent + before.kept) : 0;
  return {
    noteTokens: writer.memoryAccounting.noteTokens,
    boundaryDecoded: at?.decoded ?? 0,
    appendedAtBoundary: appended,
    decodedAgainAtBoundary: Math.max(0, (at?.decoded ?? 0) - appended - 1),
    contextAtBoundary: at?.sent ?? 0,
  };
}

export default async function run() {
  const withSummaries: Record<string, Awaited<ReturnType<typeof longRun>>> = {};
  const lengthsOnly: Record<string, Awaited<ReturnType<typeof longRun>>> = {};
  for (const kind of MODES) {
    withSummaries[kind] = await longRun(kind, "request");
    lengthsOnly[kind] = await longRun(kind, "none");
    const w = withSummaries[kind]!;
    console.log(
      `${kind}: ${w.outcome}, ${w.words} words in ${w.steps} steps; fact in the last context: ${w.factInLastContext} (without summaries: ${lengthsOnly[kind]!.factInLastContext}); memory ${w.memoryTokens} of ${w.tokensDecoded + w.tokensGenerated} tokens read or written (${(w.memoryShareOfAllTokens * 100).toFixed(1)}%)`,
    );
  }
  const edit = await bibleEdit();
  console.log(
    `bible edit at step 10: the boundary decoded ${edit.boundaryDecoded} tokens of ${edit.appendedAtBoundary} appended there (the note ${edit.noteTokens}, the tags around it), ${edit.decodedAgainAtBoundary} decoded again (context ${edit.contextAtBoundary})`,
  );
  if (edit.decodedAgainAtBoundary > 0) throw new Error(`The bible edit's boundary decoded ${edit.decodedAgainAtBoundary} tokens that were in the KV cache.`);
  // A mode whose run did not reach the target, or whose last context lacks the fact, is listed (the
  // figures say so rather than the bench stopping at it); a missing fact fails the bench.
  const incomplete = MODES.filter((k) => withSummaries[k]!.outcome !== "finished");
  const missing = MODES.filter((k) => !withSummaries[k]!.factInLastContext);
  if (missing.length > 0) throw new Error(`The planted fact is missing from the last context in: ${missing.join(", ")}`);
  return {
    incomplete,
    engine: "scripted (one token per character)",
    targetWords: TARGET,
    window: WINDOW,
    fact: FACT,
    withSummaries,
    lengthsOnly,
    bibleEditMidRun: edit,
  };
}
