// A model that thinks aloud where the protocol asks for no thinking: its `<think>…</think>` is taken
// out of the draft and of every count, and the writer is told. LongWriter-Zero's think block stays
// the plan (onePass.test.ts).
import { describe, expect, it } from "vitest";
import { writtenWords } from "../../common/generation/rules";
import { checkInvariants, createManuscript } from "../../common/manuscript";
import { countWriterWords } from "../../common/metrics/words";
import { AgentWriteMode } from "./agentwrite";
import { IsCotMode } from "./iscot";
import type { WritingMode } from "./mode";
import { OrchestratedMode } from "./orchestrated";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend, type Script } from "../engine/testing/scriptedBackend";
import { Writer } from "./writer";

const THOUGHT = "<think>\nOkay, the user wants this part. Let me count the words first and decide.\n</think>\n\n";

/** The fake writer, thinking aloud before every answer it gives. */
function thinkingWriter(): Script {
  const base = fakeWriter();
  return (context) => THOUGHT + base(context);
}

async function write(mode: WritingMode) {
  const backend = new ScriptedBackend(thinkingWriter());
  const notes: string[] = [];
  const writer = new Writer({ mode, backend, manuscript: createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }), onNote: (n) => notes.push(n) });
  const outcome = await writer.run();
  return { outcome, m: writer.manuscript, notes, thinking: writer.session.thinking };
}

describe("thinking kept out of the draft", () => {
  it.each([
    ["orchestrated", () => new OrchestratedMode()],
    ["agentwrite", () => new AgentWriteMode()],
    ["prompted", () => new IsCotMode("prompted")],
  ])("%s: the model's think blocks reach neither the plans, the text, nor the counts", async (_name, mode) => {
    const { outcome, m, notes, thinking } = await write(mode());
    expect(outcome.status).toBe("finished");
    const everything = JSON.stringify({ steps: m.steps, revisions: m.revisions, sections: m.sections });
    expect(everything).not.toContain("think>");
    expect(everything).not.toContain("Let me count");
    for (const step of m.steps) expect(step.words).toBe(countWriterWords(step.content));
    expect(writtenWords(m)).toBeGreaterThanOrEqual(980);
    expect(checkInvariants(m)).toEqual([]);
    expect(thinking.blocks).toBeGreaterThan(0);
    expect(thinking.words).toBe(thinking.blocks * 14);
    expect(notes.some((n) => /thought aloud .*\(<think>…<\/think>, 14 words\): its thinking was taken out of the draft and of every count\./.test(n))).toBe(true);
  });
});
