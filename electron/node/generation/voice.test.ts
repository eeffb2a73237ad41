import { describe, expect, it } from "vitest";
import { generationModeSchema } from "../../common/api/generation";
import { renderPlan } from "../../common/iscot/plan";
import { applyEdit, checkInvariants, createManuscript, type Manuscript } from "../../common/manuscript";
import { withRevision } from "../../common/manuscript/reducer";
import { VOICE_SAMPLE_TOKENS } from "../../common/manuscript/voice";
import { createMode } from "./modes";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { Writer } from "./writer";

const SAMPLE = "Rain again. I counted the gulls on the wire, lost count, began over. Mother said nothing; she never did before noon.";
const SECTION_SAMPLE = "The sea was a grey animal, breathing.";

function withVoice(m: Manuscript, sectionId: string | null, sample: string): Manuscript {
  const result = applyEdit(m, { type: "setVoice", sectionId, sample });
  if (!result.ok) throw new Error(result.error.message);
  return result.manuscript;
}

/** A document whose plan is already made (so a section can have its own voice), for the modes that plan. */
function planned(): Manuscript {
  const sections = [
    { id: "sec-1", title: "Opening", brief: "The harbor at dawn.", budget: 300 },
    { id: "sec-2", title: "Middle", brief: "The storm.", budget: 400 },
    { id: "sec-3", title: "Ending", brief: "Calm.", budget: 300 },
  ];
  const m = createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" });
  return withRevision(m, renderPlan(sections, "en"), sections, 4);
}

describe("the writer's voice in the prompts", () => {
  it.each(generationModeSchema.options)("the %s mode carries the document's sample in every request to the model", async (mode) => {
    const backend = new ScriptedBackend(fakeWriter());
    const manuscript = withVoice(createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }), null, SAMPLE);
    const writer = new Writer({ mode: createMode(mode, { useProtocolGrammars: false }, "en"), backend, manuscript });
    expect((await writer.run()).status).toBe("finished");
    expect(backend.calls.length).toBeGreaterThan(0);
    for (const call of backend.calls) {
      expect(call.context).toContain("Write in the writer's own voice.");
      expect(call.context).toContain(`"""\n${SAMPLE}\n"""`);
    }
    expect(writer.manuscript.voice).toEqual({ document: SAMPLE, sections: {} });
    expect(checkInvariants(writer.manuscript)).toEqual([]);
  });

  it.each(["native", "prompted", "orchestrated", "agentwrite"] as const)("the %s mode carries a section's own sample, named by its section", async (mode) => {
    const backend = new ScriptedBackend(fakeWriter());
    const manuscript = withVoice(withVoice(planned(), null, SAMPLE), "sec-2", SECTION_SAMPLE);
    const writer = new Writer({ mode: createMode(mode, { useProtocolGrammars: false }, "en"), backend, manuscript });
    expect((await writer.run()).status).toBe("finished");
    for (const call of backend.calls) expect(call.context).toContain(`In the section "Middle", write in the voice of this sample instead:\n"""\n${SECTION_SAMPLE}\n"""`);
  });

  it("asks in Chinese for a Chinese document", async () => {
    const backend = new ScriptedBackend(fakeWriter());
    const manuscript = withVoice(createManuscript({ instruction: "写一个港口的故事。", targetWords: 1000, language: "zh" }), null, "雨又下了。我数着电线上的海鸥。");
    await new Writer({ mode: createMode("native", { useProtocolGrammars: false }, "zh"), backend, manuscript }).run();
    expect(backend.calls[0]!.context).toContain('用作者本人的文风来写。下面是作者自己写的一段文字');
    expect(backend.calls[0]!.context).toContain('"""\n雨又下了。我数着电线上的海鸥。\n"""');
  });

  it("leaves the prompt as it was without a voice", async () => {
    const backend = new ScriptedBackend(fakeWriter());
    await new Writer({ mode: createMode("native", { useProtocolGrammars: false }, "en"), backend, manuscript: createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }) }).run();
    expect(backend.calls[0]!.context).toBe("<|user|>\nWrite about a harbor.\n\nTarget length: about 1000 words.\n<|assistant|>\n<global_plan>\n");
  });

  it("takes a sample set while the model writes in at the next step, and writes the rest in it", async () => {
    const notes: string[] = [];
    const backend = new ScriptedBackend(fakeWriter(), {
      beforeGenerate(_context, call) {
        if (call === 2) expect(writer.submitEdit({ type: "setVoice", sectionId: null, sample: SAMPLE }).ok).toBe(true);
      },
    });
    const writer: Writer = new Writer({ mode: createMode("native", { useProtocolGrammars: false }, "en"), backend, manuscript: createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }), onNote: (n) => notes.push(n) });
    expect((await writer.run()).status).toBe("finished");
    const carrying = backend.calls.map((c) => c.context.includes(SAMPLE));
    expect(carrying.slice(0, 3)).toEqual([false, false, false]);
    expect(carrying.slice(-1)).toEqual([true]);
    expect(notes).toContain("The voice sample changed: the model writes in it from the next part on.");
    // The steps written before stay in the context after the new prompt.
    const last = backend.calls[backend.calls.length - 1]!.context;
    expect(last.indexOf(SAMPLE)).toBeLessThan(last.indexOf("<content>"));
    expect(checkInvariants(writer.manuscript)).toEqual([]);
  });

  it("cuts a sample the model's tokenizer counts past the budget at a sentence end, and says so", async () => {
    // The scripted tokenizer counts a token per character: this sample passes the edit's estimate but not the model's count.
    const sentence = "The gulls came back at dusk, one by one. ";
    const long = sentence.repeat(Math.ceil((VOICE_SAMPLE_TOKENS * 1.5) / sentence.length)).trim();
    const manuscript = withVoice(createManuscript({ instruction: "Write about a harbor.", targetWords: 1000, language: "en" }), null, long);
    const notes: string[] = [];
    const backend = new ScriptedBackend(fakeWriter());
    await new Writer({ mode: createMode("native", { useProtocolGrammars: false }, "en"), backend, manuscript, onNote: (n) => notes.push(n) }).run();
    const prompt = backend.calls[0]!.context;
    const sample = /"""\n([\s\S]*?)\n"""/.exec(prompt)?.[1] ?? "";
    expect(sample.length).toBeLessThanOrEqual(VOICE_SAMPLE_TOKENS);
    expect(sample.length).toBeGreaterThan(VOICE_SAMPLE_TOKENS * 0.8);
    expect(sample.endsWith("one by one.")).toBe(true);
    expect(long.startsWith(sample)).toBe(true);
    expect(notes).toContain(`The voice sample of the document is ${long.length.toLocaleString("en-US")} tokens for this model, more than its budget of ${VOICE_SAMPLE_TOKENS}: the model reads its beginning, to the end of a sentence.`);
  });
});
