// The story memory in a run, with the scripted model: bible entries in the model's context by name and
// alias within their budget, appended at step boundaries (nothing decoded again), recorded on each
// step; summaries standing for the steps that left the window, in every mode; proposals; pins.
import { describe, expect, it } from "vitest";
import type { GenerationMode } from "../../common/api/generation";
import { writtenWords } from "../../common/generation/rules";
import { applyEdit, checkInvariants, createManuscript, type Manuscript, type ManuscriptEdit } from "../../common/manuscript";
import { fakeWriter, type FakeWriterOptions } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { AgentWriteMode } from "./agentwrite";
import { IsCotMode } from "./iscot";
import type { WritingMode } from "./mode";
import { directMode } from "./onePass";
import { OrchestratedMode } from "./orchestrated";
import { thinkAnswerMode } from "./thinkAnswer";
import { Writer, type WriterOptions } from "./writer";

const MODES: GenerationMode[] = ["native", "prompted", "orchestrated", "agentwrite", "direct", "think-answer"];

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

function ok(m: Manuscript, edit: ManuscriptEdit): Manuscript {
  const result = applyEdit(m, edit);
  if (!result.ok) throw new Error(result.error.message);
  return result.manuscript;
}

const MARA = "Mara Vell had green eyes and kept the lamp.";

/**
 * What a call had to decode at least: its context past the prefix it shares with the call before it
 * (the KV cache holds that call's context; a memory request there is dropped after its answer).
 */
function newSince(before: string, after: string): number {
  const a = Array.from(before);
  const b = Array.from(after);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return b.length - common;
}

function setup(kind: GenerationMode, options: { writer?: FakeWriterOptions; target?: number; contextSize?: number; manuscript?: Manuscript; extra?: Partial<WriterOptions> } = {}) {
  const backend = new ScriptedBackend(fakeWriter(options.writer ?? {}), { contextSize: options.contextSize ?? 1_000_000 });
  const notes: string[] = [];
  const writer = new Writer({
    backend,
    manuscript: options.manuscript ?? createManuscript({ instruction: "Write a story about a lighthouse.", targetWords: options.target ?? 1000, language: "en" }),
    mode: mode(kind),
    onNote: (n) => notes.push(n),
    ...options.extra,
  });
  return { backend, writer, notes };
}

describe("bible entries in the model's context", () => {
  it("puts the entries named in the instruction (or kept always) into the first request, and records them on each step", async () => {
    let m = createManuscript({ instruction: "Write a story about Mara and the lighthouse.", targetWords: 1000, language: "en" });
    m = ok(m, { type: "addEntry", entry: { kind: "character", name: "Mara Vell", aliases: ["Mara"], description: "The keeper; green eyes.", always: false } });
    m = ok(m, { type: "addEntry", entry: { kind: "style", name: "Voice", aliases: [], description: "Short sentences, present tense.", always: true } });
    m = ok(m, { type: "addEntry", entry: { kind: "place", name: "Gull Rock", aliases: [], description: "A reef.", always: false } });
    const { backend, writer } = setup("native", { manuscript: m });
    expect((await writer.run()).status).toBe("finished");
    const first = backend.calls[0]!.context;
    expect(first).toContain("Target length: about 1000 words.\n\n[Story bible: keep to these facts:\n- Voice (style): Short sentences, present tense.\n- Mara Vell (character; also called Mara): The keeper; green eyes.]");
    expect(first).not.toContain("Gull Rock");
    expect(writer.manuscript.steps.map((s) => s.memory?.entries)).toEqual([
      ["entry-2", "entry-1"],
      ["entry-2", "entry-1"],
      ["entry-2", "entry-1"],
    ]);
    expect(checkInvariants(writer.manuscript)).toEqual([]);
  });

  it("appends an entry at the boundary once its alias turns up in the recent text, decoding only the note", async () => {
    let m = createManuscript({ instruction: "Write a story about a lighthouse.", targetWords: 1000, language: "en" });
    m = ok(m, { type: "addEntry", entry: { kind: "character", name: "Mara Vell", aliases: ["the keeper"], description: "Green eyes.", always: false } });
    // Step 1's text names "the keeper".
    const { backend, writer } = setup("native", { manuscript: m, writer: { plant: (k) => (k === 0 ? "The keeper climbed the stairs." : null) } });
    expect((await writer.run()).status).toBe("finished");
    const note = "[Story bible: keep to these facts:\n- Mara Vell (character; also called the keeper): Green eyes.]\n";
    const at = backend.calls.findIndex((c) => c.context.includes(note));
    expect(at).toBeGreaterThan(0);
    expect(backend.calls[at - 1]!.context).not.toContain(note);
    // The call after the boundary decoded the note and the forced step plan, nothing before them.
    const appended = backend.calls[at]!.context.slice(backend.calls[at - 1]!.context.length);
    expect(backend.calls[at]!.inputTokensDecoded).toBeLessThanOrEqual(Array.from(appended).length + 1);
    const steps = writer.manuscript.steps;
    expect(steps[0]!.memory?.entries).toEqual([]);
    expect(steps[1]!.memory?.entries).toEqual(["entry-1"]);
  });

  it("takes a bible edit made while the model writes at the next boundary as one appended note: nothing already evaluated is decoded again", async () => {
    let submitted = -1;
    const backend = new ScriptedBackend(fakeWriter({ plant: (k) => (k === 1 ? "Tom Hale rowed out." : null) }), {
      beforeGenerate(_context, call) {
        if (call === 2 && submitted < 0) {
          const result = writer.submitEdit({ type: "addEntry", entry: { kind: "character", name: "Tom Hale", aliases: ["Tom"], description: "A fisherman with a red beard.", always: true } });
          expect(result.ok).toBe(true);
          expect(writer.pendingEdits()).toMatchObject([{ kind: "memory", state: "pending", description: 'Bible: new entry "Tom Hale"' }]);
          submitted = call;
        }
      },
    });
    const writer: Writer = new Writer({ backend, manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }), mode: new IsCotMode("native") });
    expect((await writer.run()).status).toBe("finished");
    const note = "[Story bible: keep to these facts:\n- Tom Hale (character; also called Tom): A fisherman with a red beard.]\n";
    const at = backend.calls.findIndex((c) => c.context.includes(note));
    expect(at).toBeGreaterThan(submitted);
    // Decoded at the boundary: the tags forced after the model's last answer, the note, the next step plan's tag.
    const context = backend.calls[at]!.context;
    expect(context.endsWith(`</reflection>\n${note}<step_plan>\n`)).toBe(true);
    expect(backend.calls[at]!.inputTokensDecoded).toBeLessThanOrEqual(Array.from(`</reflection>\n${note}<step_plan>\n`).length + 1);
    // Every call after it kept the prefix: none decoded more than what was appended to it.
    for (let i = at + 1; i < backend.calls.length; i++) {
      expect(backend.calls[i]!.inputTokensDecoded).toBeLessThanOrEqual(Math.max(1, newSince(backend.calls[i - 1]!.context, backend.calls[i]!.context) + 1));
    }
    expect(writer.manuscript.steps.at(-1)!.memory?.entries).toEqual(["entry-1"]);
  });

  it("tells the model when the writer changes or removes an entry it has in view", async () => {
    let m = createManuscript({ instruction: "Write about Mara.", targetWords: 1000, language: "en" });
    m = ok(m, { type: "addEntry", entry: { kind: "character", name: "Mara", aliases: [], description: "Green eyes.", always: true } });
    m = ok(m, { type: "addEntry", entry: { kind: "place", name: "Gull Rock", aliases: [], description: "A reef.", always: true } });
    let done = false;
    const backend = new ScriptedBackend(fakeWriter(), {
      beforeGenerate(_c, call) {
        if (call === 2 && !done) {
          done = true;
          expect(writer.submitEdit({ type: "editEntry", entryId: "entry-1", description: "Grey eyes." }).ok).toBe(true);
          expect(writer.submitEdit({ type: "removeEntry", entryId: "entry-2" }).ok).toBe(true);
        }
      },
    });
    const writer: Writer = new Writer({ backend, manuscript: m, mode: new IsCotMode("native") });
    await writer.run();
    const last = backend.calls.at(-1)!.context;
    expect(last).toContain("[Story bible, updated: from now on:\n- Mara (character): Grey eyes.]\n[Story bible: Gull Rock no longer applies; disregard it.]");
    expect(writer.manuscript.steps.at(-1)!.memory?.entries).toEqual(["entry-1"]);
  });
});

describe("summaries stand for the steps that left the window, in every mode", () => {
  for (const kind of MODES) {
    it(`${kind}: a fact planted in step 1 is still in the model's context when the last step is written`, async () => {
      const sections: Array<[string, number]> = Array.from({ length: 8 }, (_, i) => [`Part ${i + 1}`, 250]);
      const { backend, writer, notes } = setup(kind, { writer: { sections, plant: (k) => (k === 0 ? MARA : null) }, target: 2000, contextSize: 9000, extra: { limits: { maxTokensPerSegment: 2500 } } });
      const outcome = await writer.run();
      expect(outcome.status).toBe("finished");
      const m = writer.manuscript;
      expect(writtenWords(m)).toBeGreaterThanOrEqual(1900);
      expect(notes.some((n) => n.startsWith("The context was compacted to make room"))).toBe(true);
      // The first step left the model's view, its summary (written by the model) stayed.
      const first = m.steps[0]!;
      expect(first.memory?.summaryBy).toBe("model");
      expect(first.memory?.summary ?? m.memory.digest?.text).toContain("green eyes");
      const last = backend.calls.at(-1)!.context;
      expect(last).not.toContain(first.content.slice(0, 200));
      expect(last).toContain("Mara Vell had green eyes");
      expect(last).toContain("[Earlier steps, whose text is not shown here:");
      expect(Math.max(...backend.calls.map((c) => Array.from(c.context).length))).toBeLessThan(9000);
      expect(checkInvariants(m)).toEqual([]);
      // What the memory cost is counted.
      expect(writer.memoryAccounting.summaries).toBeGreaterThan(0);
      expect(writer.memoryAccounting.requestTokensGenerated).toBeGreaterThan(0);
    });
  }

  it("takes the reflection as the summary where the profile asks for it: no request is made", async () => {
    const sections: Array<[string, number]> = Array.from({ length: 6 }, (_, i) => [`Part ${i + 1}`, 250]);
    const { backend, writer } = setup("native", {
      writer: { sections, reflection: "Mara reached the rock; the storm is still coming." },
      target: 1500,
      contextSize: 7000,
      extra: { memory: { summaries: "reflection" }, limits: { maxTokensPerSegment: 2500 } },
    });
    expect((await writer.run()).status).toBe("finished");
    expect(writer.manuscript.steps[0]!.memory).toMatchObject({ summary: "Mara reached the rock; the storm is still coming.", summaryBy: "reflection" });
    expect(backend.calls.some((c) => c.context.includes("<summary>"))).toBe(false);
    expect(backend.calls.at(-1)!.context).toContain("Step 1: Mara reached the rock; the storm is still coming.");
  });

  it("keeps a step the writer pinned in full, and shows the summary the writer wrote", async () => {
    const sections: Array<[string, number]> = Array.from({ length: 8 }, (_, i) => [`Part ${i + 1}`, 250]);
    let pinned = false;
    const backend = new ScriptedBackend(fakeWriter({ sections, plant: (k) => (k === 1 ? "The letter was signed by Ann." : null) }), {
      contextSize: 9000,
      beforeGenerate() {
        if (!pinned && writer.manuscript.steps.length >= 3 && writer.manuscript.steps[1]?.status === "done") {
          pinned = true;
          expect(writer.submitEdit({ type: "pinStep", stepId: "step-2", pinned: true }).ok).toBe(true);
          expect(writer.submitEdit({ type: "setSummary", stepId: "step-1", summary: "The keeper finds a letter." }).ok).toBe(true);
        }
      },
    });
    const writer: Writer = new Writer({ backend, manuscript: createManuscript({ instruction: "x", targetWords: 2000, language: "en" }), mode: new IsCotMode("native"), limits: { maxTokensPerSegment: 2500 } });
    expect((await writer.run()).status).toBe("finished");
    const last = backend.calls.at(-1)!.context;
    expect(last).toContain(writer.manuscript.steps[1]!.content);
    expect(last).toContain("Step 1: The keeper finds a letter.");
    expect(writer.manuscript.steps[0]!.memory).toMatchObject({ summary: "The keeper finds a letter.", summaryBy: "writer" });
  });
});

describe("proposals from the model's text", () => {
  it("offers the new names each step brings (nothing enters the bible unasked); an accepted one is in the model's view from the next boundary", async () => {
    let accepted = false;
    const backend = new ScriptedBackend(fakeWriter({ plant: (k) => (k === 0 ? "Tom Hale rowed out to Gull Rock. Tom Hale waved." : k === 2 ? "Tom Hale came back." : null) }), {
      beforeGenerate() {
        const proposal = writer.manuscript.memory.proposals.find((p) => p.name === "Tom Hale");
        if (proposal && !accepted) {
          accepted = true;
          expect(writer.submitEdit({ type: "acceptProposal", proposalId: proposal.id }).ok).toBe(true);
          const place = writer.manuscript.memory.proposals.find((p) => p.name === "Gull Rock")!;
          expect(writer.submitEdit({ type: "dismissProposal", proposalId: place.id }).ok).toBe(true);
        }
      },
    });
    const writer: Writer = new Writer({ backend, manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }), mode: new IsCotMode("native") });
    expect((await writer.run()).status).toBe("finished");
    const m = writer.manuscript;
    expect(m.memory.entries.map((e) => e.name)).toEqual(["Tom Hale"]);
    expect(m.memory.dismissed).toEqual(["gull rock"]);
    expect(m.memory.proposals).toEqual([]);
    expect(m.steps[2]!.memory?.entries).toEqual(["entry-1"]);
    expect(backend.calls.at(-1)!.context).toContain("- Tom Hale (character): Tom Hale rowed out to Gull Rock.");
  });
});

describe("the story memory in a small window", () => {
  // A bible far bigger than a 1,536-token window (one token a character here): always-in-context
  // entries with long descriptions, and a writer's budget that admits them all.
  function bigBible(m: Manuscript): Manuscript {
    m = ok(m, { type: "setBibleBudget", tokens: 20_000 });
    for (let i = 1; i <= 24; i++) {
      const always = i <= 4;
      m = ok(m, { type: "addEntry", entry: { kind: "character", name: `Keeper ${String.fromCharCode(64 + i)}`, aliases: [], description: `${always ? "Always here. " : ""}${"A long life by the sea, told at length. ".repeat(2)}`, always: always || i % 2 === 0 } });
    }
    return m;
  }

  for (const [kind, window] of [["native", 1536], ["direct", 1536]] as const) {
    it(`${kind}: a run in a ${window}-token window never fails for the memory; the note shrinks and the timeline says what was left out`, async () => {
      const sections: Array<[string, number]> = Array.from({ length: 5 }, (_, i) => [`Part ${i + 1}`, 60]);
      const manuscript = bigBible(createManuscript({ instruction: "Write a long report about Keeper A and Keeper B.", targetWords: 300, language: "en" }));
      const { backend, writer, notes } = setup(kind, { manuscript, writer: { sections, plant: (k) => (k === 0 ? MARA : null) }, contextSize: window, extra: { limits: { maxTokensPerSegment: 400 } } });
      const outcome = await writer.run();
      expect(outcome, `${outcome.reason} / ${notes.join("\n")}`).toMatchObject({ status: "finished" });
      expect(writtenWords(writer.manuscript)).toBeGreaterThanOrEqual(270);
      expect(Math.max(...backend.calls.map((c) => Array.from(c.context).length))).toBeLessThan(window);
      // Some entries stayed in view (the most relevant: always in context), the others are named as left out.
      expect(backend.calls[0]!.context).toContain("- Keeper A (character)");
      expect(backend.calls[0]!.context).not.toContain("- Keeper X (character)");
      expect(notes.find((n) => n.startsWith("The story memory was cut to fit the window"))).toMatch(/left out of the model's view the bible entries Keeper [A-Z], .* and \d+ more/);
      expect(checkInvariants(writer.manuscript)).toEqual([]);
    });
  }
});

describe("proposals the model makes", () => {
  const TOLD = "Tom Hale found the Brass Key at Gull Rock.";
  /** The fake writer, whose answer to the proposal request after step 1 is `answer` (NONE after the others, unless `always`). */
  function proposing(answer: string, always = false) {
    const script = fakeWriter({ plant: (k) => (k === 0 ? TOLD : null) });
    const asked: string[] = [];
    const backend = new ScriptedBackend((context) => {
      const ask = context.lastIndexOf("[List the new names step ");
      if (context.endsWith("<summary>\n") && ask >= 0 && context.indexOf("]", ask) > ask) {
        asked.push(context);
        return `${always || context.slice(ask).startsWith("[List the new names step 1 ") ? answer : "NONE"}\n</summary>`;
      }
      return script(context);
    });
    const writer = new Writer({ backend, manuscript: createManuscript({ instruction: "Write about a lighthouse.", targetWords: 1000, language: "en" }), mode: new IsCotMode("native"), memory: { proposals: "model" } });
    return { backend, writer, asked };
  }

  it("asks the model after each step, in the same token array (only the request is decoded), and offers what the text supports", async () => {
    const { backend, writer, asked } = proposing("NEW | object | Brass Key | The key Tom Hale found at Gull Rock.");
    expect((await writer.run()).status).toBe("finished");
    expect(asked).toHaveLength(writer.manuscript.steps.length);
    // The request goes on after the step the model just wrote: only it is decoded.
    const i = backend.calls.findIndex((c) => c.context === asked[0]);
    const request = asked[0]!.slice(asked[0]!.lastIndexOf("[List the new names"));
    expect(backend.calls[i - 1]!.context.length).toBeLessThan(asked[0]!.length);
    expect(backend.calls[i]!.inputTokensDecoded).toBeLessThanOrEqual(Array.from(`</reflection>\n${request}`).length + 1);
    // The model's proposal (an object: the rules never propose one), nothing else, and nothing in the bible unasked.
    const m = writer.manuscript;
    expect(m.memory.proposals.map((p) => [p.kind, p.name, p.description, p.stepId])).toEqual([["object", "Brass Key", "The key Tom Hale found at Gull Rock.", "step-1"]]);
    expect(m.memory.entries).toEqual([]);
    expect(writer.memoryAccounting).toMatchObject({ proposalRequests: m.steps.length, proposalFallbacks: 0 });
    expect(writer.memoryAccounting.proposalTokensDecoded).toBeGreaterThan(0);
    expect(writer.memoryAccounting.requestTokensDecoded).toBeGreaterThanOrEqual(writer.memoryAccounting.proposalTokensDecoded);
    // The request leaves the model's context after its answer.
    const writing = backend.calls.filter((c) => !c.context.endsWith("<summary>\n"));
    expect(writing.length).toBeGreaterThan(3);
    for (const call of writing) expect(call.context).not.toContain("List the new names");
  });

  it("never takes a name the text does not hold: a model's invented names and facts are dropped, and the rules propose instead", async () => {
    const { writer } = proposing("NEW | character | Zed Quorn | A wizard from the north.\nNEW | place | Castle Dread | Where Zed Quorn lives.\nCHANGED | Tom Hale | Tom Hale has wings.");
    expect((await writer.run()).status).toBe("finished");
    const names = writer.manuscript.memory.proposals.map((p) => p.name);
    expect(names).not.toContain("Zed Quorn");
    expect(names).not.toContain("Castle Dread");
    expect(names).toEqual(expect.arrayContaining(["Brass Key", "Gull Rock"]));
    expect(writer.memoryAccounting.proposalFallbacks).toBeGreaterThan(0);
  });

  it("falls back to the rules for garbage, and proposes nothing more for NONE", async () => {
    const garbage = proposing("is is is <reflection> ||| NEW | | \u0007", true);
    expect((await garbage.writer.run()).status).toBe("finished");
    expect(garbage.writer.manuscript.memory.proposals.map((p) => p.name)).toEqual(expect.arrayContaining(["Brass Key", "Gull Rock"]));
    expect(garbage.writer.memoryAccounting.proposalFallbacks).toBe(garbage.writer.manuscript.steps.length);
    const none = proposing("NONE");
    expect((await none.writer.run()).status).toBe("finished");
    expect(none.writer.manuscript.memory.proposals).toEqual([]);
    expect(none.writer.memoryAccounting.proposalFallbacks).toBe(0);
  });

  it("where summaries come from the reflection, proposals come from the rules: no request is made", async () => {
    const { writer, asked } = proposing("NONE");
    const rules = new Writer({ backend: new ScriptedBackend(fakeWriter({ plant: (k) => (k === 0 ? TOLD : null) })), manuscript: createManuscript({ instruction: "x", targetWords: 1000, language: "en" }), mode: new IsCotMode("native"), memory: { summaries: "reflection", proposals: "model" } });
    expect((await rules.run()).status).toBe("finished");
    expect(rules.memoryAccounting.proposalRequests).toBe(0);
    expect(rules.manuscript.memory.proposals.map((p) => p.name)).toEqual(expect.arrayContaining(["Brass Key", "Gull Rock"]));
    expect(asked).toEqual([]);
    expect(writer).toBeDefined();
  });
});
