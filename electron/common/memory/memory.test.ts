import { describe, expect, it } from "vitest";
import { applyEdit, checkInvariants, createManuscript, type Manuscript, type ManuscriptEdit, type Step } from "../manuscript";
import { bibleNote, countMentions, entryLine, estimateTokens, selectEntries, type MemoryQuery } from "./bible";
import { proposalsFromAnswer, proposalsFromStep } from "./proposals";
import { cleanSummary, memoryNote, summaryFromReflection } from "./summaries";
import { emptyMemory, type BibleEntry } from "./types";

const entry = (id: string, name: string, aliases: string[] = [], description = "", always = false): BibleEntry => ({ id, kind: "character", name, aliases, description, always });
const query = (q: Partial<MemoryQuery>): MemoryQuery => ({ instruction: "", plan: "", brief: "", recent: "", ...q });

function edit(m: Manuscript, e: ManuscriptEdit): Manuscript {
  const result = applyEdit(m, e);
  if (!result.ok) throw new Error(result.error.message);
  expect(checkInvariants(result.manuscript)).toEqual([]);
  return result.manuscript;
}

function refused(m: Manuscript, e: ManuscriptEdit): string {
  const result = applyEdit(m, e);
  if (result.ok) throw new Error("the edit was taken");
  return result.error.message;
}

const step = (content: string, id = "step-1"): Step => ({ id, sectionId: null, plan: "p", planComplete: true, targetWords: null, content, reflection: "", progress: null, words: content.split(/\s+/).length, status: "done" });

describe("which bible entries go into the model's context", () => {
  it("finds an entry by its name or an alias, as whole words, whatever the case", () => {
    expect(countMentions("Mara walked in. MARA sat.", "Mara")).toBe(2);
    expect(countMentions("Maradona walked in.", "Mara")).toBe(0);
    expect(countMentions("the keeper's lamp", "the keeper")).toBe(1);
    expect(countMentions("玛拉走进灯塔。", "玛拉")).toBe(1);
    const entries = [entry("e1", "Mara Vell", ["the keeper"]), entry("e2", "Tom"), entry("e3", "Gull Rock")];
    const byName = selectEntries(entries, query({ recent: "Mara Vell lit the lamp." }), 600);
    expect(byName.chosen.map((c) => c.entry.id)).toEqual(["e1"]);
    const byAlias = selectEntries(entries, query({ brief: "The keeper climbs to the lamp." }), 600);
    expect(byAlias.chosen.map((c) => c.entry.id)).toEqual(["e1"]);
    expect(selectEntries(entries, query({ recent: "Nobody came." }), 600).chosen).toEqual([]);
  });

  it("looks in the instruction, the plan, the section's brief and the recent text, nearest first; an entry kept always comes first", () => {
    const entries = [entry("e1", "Tom"), entry("e2", "Gull Rock"), entry("e3", "Ann"), entry("e4", "Style", [], "Short sentences.", true)];
    const chosen = selectEntries(entries, query({ instruction: "A story of Tom.", plan: "## Gull Rock", brief: "Ann arrives.", recent: "Ann waved." }), 600).chosen.map((c) => c.entry.id);
    expect(chosen).toEqual(["e4", "e3", "e1", "e2"]);
  });

  it("keeps the entries in use within the token budget the writer sees, and says which did not fit", () => {
    const long = "x ".repeat(400);
    const entries = [entry("e1", "Mara", [], long), entry("e2", "Tom", [], "A fisherman.")];
    const q = query({ recent: "Mara and Tom, and Mara again." });
    const all = selectEntries(entries, q, 1000);
    expect(all.chosen.map((c) => c.entry.id)).toEqual(["e1", "e2"]);
    expect(all.tokens).toBe(all.chosen.reduce((n, c) => n + c.tokens, 0));
    expect(all.tokens).toBe(estimateTokens(entryLine(entries[0]!, "en")) + 1 + estimateTokens(entryLine(entries[1]!, "en")) + 1);
    // Over the budget the most relevant entry that does not fit is left out; a smaller one still goes in.
    const tight = selectEntries(entries, q, 50);
    expect(tight.chosen.map((c) => c.entry.id)).toEqual(["e2"]);
    expect(tight.over.map((e) => e.id)).toEqual(["e1"]);
    expect(tight.tokens).toBeLessThanOrEqual(50);
    expect(selectEntries(entries, q, 0).chosen).toEqual([]);
  });

  it("writes the entries as a note the model reads, in the document's language", () => {
    const e = entry("e1", "Mara Vell", ["Mara", "the keeper"], "Forty, green eyes.");
    expect(bibleNote([e], "en")).toBe("[Story bible: keep to these facts:\n- Mara Vell (character; also called Mara, the keeper): Forty, green eyes.]");
    expect(bibleNote([e], "en", true)).toMatch(/^\[Story bible, updated: from now on:/);
    expect(bibleNote([{ ...e, aliases: [] }], "zh")).toBe("[故事设定，请保持一致：\n- Mara Vell（人物）：Forty, green eyes.]");
    expect(estimateTokens("abcdefgh")).toBe(2);
    expect(estimateTokens("玛拉")).toBe(2);
  });
});

describe("the writer's edits of the bible", () => {
  const base = () => createManuscript({ instruction: "A story.", targetWords: 1000, language: "en" });

  it("adds, edits and removes entries with stable ids, and refuses what the model could not read", () => {
    let m = edit(base(), { type: "addEntry", entry: { kind: "character", name: "  Mara   Vell ", aliases: ["Mara", "mara", ""], description: " Green eyes. ", always: false } });
    expect(m.memory.entries).toEqual([{ id: "entry-1", kind: "character", name: "Mara Vell", aliases: ["Mara"], description: "Green eyes.", always: false }]);
    m = edit(m, { type: "addEntry", entry: { kind: "place", name: "Gull Rock", aliases: [], description: "", always: true } });
    expect(refused(m, { type: "addEntry", entry: { kind: "character", name: "mara", aliases: [], description: "", always: false } })).toBe('"mara" already names the entry "Mara Vell".');
    expect(refused(m, { type: "addEntry", entry: { kind: "character", name: "", aliases: [], description: "", always: false } })).toBe("An entry needs a name.");
    expect(refused(m, { type: "addEntry", entry: { kind: "fact", name: "X", aliases: [], description: "Ends <FINISHED>", always: false } })).toMatch(/cannot contain the tag <FINISHED>/);
    expect(refused(m, { type: "addEntry", entry: { kind: "fact", name: "X", aliases: [], description: "a ] b", always: false } })).toMatch(/square brackets/);
    expect(refused(m, { type: "editEntry", entryId: "entry-9", description: "x" })).toBe("There is no bible entry entry-9.");
    m = edit(m, { type: "editEntry", entryId: "entry-1", description: "Green eyes; forty.", always: true });
    expect(m.memory.entries[0]).toMatchObject({ description: "Green eyes; forty.", always: true });
    m = edit(m, { type: "removeEntry", entryId: "entry-1" });
    m = edit(m, { type: "addEntry", entry: { kind: "object", name: "Lamp", aliases: [], description: "", always: false } });
    expect(m.memory.entries.map((e) => e.id)).toEqual(["entry-2", "entry-3"]);
    // Undo of a removal takes the entry back with its id (the step cards that name it name it again).
    const back = edit(m, { type: "addEntry", entry: { kind: "character", name: "Mara Vell", aliases: [], description: "", always: false }, restoreId: "entry-1" });
    expect(back.memory.entries.map((e) => e.id)).toEqual(["entry-2", "entry-3", "entry-1"]);
    expect(back.memory.nextEntry).toBe(4);
    expect(refused(back, { type: "addEntry", entry: { kind: "fact", name: "Y", aliases: [], description: "", always: false }, restoreId: "entry-2" })).toMatch(/cannot be taken back/);
    expect(refused(m, { type: "addEntry", entry: { kind: "fact", name: "Y", aliases: [], description: "", always: false }, restoreId: "entry-9" })).toMatch(/cannot be taken back/);
    expect(refused(m, { type: "setBibleBudget", tokens: -1 })).toMatch(/whole number of tokens/);
    expect(edit(m, { type: "setBibleBudget", tokens: 900 }).memory.budget).toBe(900);
  });

  it("takes a proposal the writer accepts into the bible, and forgets one dismissed (its name is not proposed again)", () => {
    let m = edit(base(), { type: "addEntry", entry: { kind: "character", name: "Mara Vell", aliases: ["Mara"], description: "The keeper.", always: false } });
    const text = "Mara Vell had green eyes. Tom Hale rowed out to Gull Rock. Tom Hale waved. At Gull Rock the gulls slept.";
    const proposals = proposalsFromStep(step(text), m.memory, "en");
    expect(proposals.map((p) => [p.entryId, p.kind, p.name])).toEqual([
      ["entry-1", "character", "Mara Vell"],
      [null, "character", "Tom Hale"],
      [null, "place", "Gull Rock"],
    ]);
    expect(proposals[0]!.description).toBe("The keeper. Mara Vell had green eyes.");
    m = { ...m, memory: { ...m.memory, proposals, nextProposal: m.memory.nextProposal + proposals.length } };
    m = edit(m, { type: "acceptProposal", proposalId: proposals[0]!.id });
    expect(m.memory.entries[0]!.description).toBe("The keeper. Mara Vell had green eyes.");
    m = edit(m, { type: "acceptProposal", proposalId: proposals[1]!.id, entry: { aliases: ["Tom"] } });
    expect(m.memory.entries[1]).toMatchObject({ id: "entry-2", name: "Tom Hale", aliases: ["Tom"], kind: "character", description: "Tom Hale rowed out to Gull Rock." });
    m = edit(m, { type: "dismissProposal", proposalId: proposals[2]!.id });
    expect(m.memory.proposals).toEqual([]);
    expect(m.memory.dismissed).toEqual(["gull rock"]);
    expect(refused(m, { type: "acceptProposal", proposalId: proposals[2]!.id })).toMatch(/accepted or dismissed already/);
    // Nothing is proposed again: the names are in the bible or dismissed, the facts are known.
    expect(proposalsFromStep(step(text, "step-2"), m.memory, "en")).toEqual([]);
  });

  it("proposes names seen twice or mid-sentence, not words that open a sentence, nor anything for Chinese", () => {
    const memory = emptyMemory();
    expect(proposalsFromStep(step("Winter came early. The winter was long. Morning broke."), memory, "en")).toEqual([]);
    expect(proposalsFromStep(step("She met Ann at the pier."), memory, "en").map((p) => p.name)).toEqual(["Ann"]);
    expect(proposalsFromStep(step("玛拉走进灯塔。"), memory, "zh")).toEqual([]);
  });

  it("keeps what the writer says the model remembers of a step, and the pin; an edit of the text drops only the model's summary", () => {
    const withStep: Manuscript = { ...base(), steps: [{ ...step("Mara poured tea."), memory: { entries: [], summary: "Mara pours tea.", summaryBy: "model", pinned: false } }] };
    expect(edit(withStep, { type: "editStep", stepId: "step-1", content: "Mara poured coffee." }).steps[0]!.memory).toMatchObject({ summary: null, summaryBy: null });
    let m = edit(withStep, { type: "setSummary", stepId: "step-1", summary: "Mara pours tea for Tom." });
    expect(m.steps[0]!.memory).toMatchObject({ summary: "Mara pours tea for Tom.", summaryBy: "writer" });
    m = edit(m, { type: "editStep", stepId: "step-1", content: "Mara poured coffee." });
    expect(m.steps[0]!.memory).toMatchObject({ summary: "Mara pours tea for Tom.", summaryBy: "writer" });
    m = edit(m, { type: "pinStep", stepId: "step-1", pinned: true });
    expect(m.steps[0]!.memory?.pinned).toBe(true);
    expect(refused(m, { type: "setSummary", stepId: "step-9", summary: "x" })).toBe("There is no step step-9.");
    expect(refused(m, { type: "setDigest", text: "x" })).toMatch(/There is no story so far yet/);
  });

  it("locks a section's budget when the writer sets it, and on request", () => {
    const planned = edit(base(), { type: "addSection", index: 0, title: "One", budget: 500 });
    const id = planned.sections[0]!.id;
    expect(planned.memory.lockedSections).toEqual([]);
    const set = edit(planned, { type: "editSection", sectionId: id, budget: 400 });
    expect(set.memory.lockedSections).toEqual([id]);
    expect(edit(set, { type: "lockBudget", sectionId: id, locked: false }).memory.lockedSections).toEqual([]);
    expect(refused(set, { type: "lockBudget", sectionId: "sec-9", locked: true })).toBe("There is no section sec-9.");
  });
});

describe("summaries", () => {
  it("keeps a model's summary short, one paragraph, free of tags and brackets", () => {
    expect(cleanSummary("Mara <content> lit [the] lamp.\n\nTom slept.")).toBe("Mara lit the lamp. Tom slept.");
    const long = `${"Mara rowed. ".repeat(50)}`;
    expect(cleanSummary(long).split(" ").length).toBeLessThanOrEqual(80);
    expect(cleanSummary(long)).toMatch(/\.$/);
  });

  it("takes a reflection as the summary without the controller's progress line", () => {
    expect(summaryFromReflection({ reflection: "Word count: 700/1000.\nMara reached Gull Rock; the storm is still coming." })).toBe("Mara reached Gull Rock; the storm is still coming.");
    expect(summaryFromReflection({ reflection: "Word count: 700/1000." })).toBeNull();
  });

  it("writes the memory of the earlier steps: the story so far, then a line per step", () => {
    expect(memoryNote({ throughStep: 2, text: "Mara came home." }, ["Step 4: Tom left."], "en")).toBe("[Earlier steps, whose text is not shown here:\nThe story so far (steps 1 to 3): Mara came home.\nStep 4: Tom left.]");
    expect(memoryNote(null, [], "en")).toBe("");
  });
});

describe("proposals from the model's answer", () => {
  const text = "Tom Hale rowed out to Gull Rock. Mara had grey eyes now, after the fire. The gulls cried.";
  const withMara = (): ReturnType<typeof emptyMemory> => ({ ...emptyMemory(), entries: [entry("entry-1", "Mara Vell", ["Mara"], "Green eyes.")], nextEntry: 2 });

  it("takes the new names and changed facts the step's text supports", () => {
    const answer = "NEW | character | Tom Hale | A man who rowed out to Gull Rock.\n- NEW | place | Gull Rock | Where Tom Hale rowed.\nCHANGED | Mara | Mara had grey eyes now, after the fire.";
    const read = proposalsFromAnswer(answer, step(text), withMara());
    expect(read.usable).toBe(true);
    expect(read.proposals).toEqual([
      { id: "proposal-1", stepId: "step-1", entryId: null, kind: "character", name: "Tom Hale", description: "A man who rowed out to Gull Rock.", evidence: "Tom Hale rowed out to Gull Rock." },
      { id: "proposal-2", stepId: "step-1", entryId: null, kind: "place", name: "Gull Rock", description: "Where Tom Hale rowed.", evidence: "Tom Hale rowed out to Gull Rock." },
      { id: "proposal-3", stepId: "step-1", entryId: "entry-1", kind: "character", name: "Mara Vell", description: "Green eyes. Mara had grey eyes now, after the fire.", evidence: "Mara had grey eyes now, after the fire." },
    ]);
  });

  it("drops names the text does not hold, descriptions its words do not support, duplicates and what the bible knows", () => {
    const answer = [
      "NEW | character | Zed Quorn | A wizard from the north.", // not in the text
      "NEW | character | Tom | Tom", // a word of a name: in the text, but "Tom" alone is kept as said
      "NEW | character | Mara | Someone.", // an alias of an entry
      "NEW | character | Tom Hale | A retired admiral of the royal navy.", // in the text; the description is not: the sentence stands
      "NEW | character | tom hale | Again.", // a duplicate
      "NEW | dragon | Gull Rock | A rock.", // an unknown kind
      "CHANGED | Zed Quorn | He died.", // no such entry
      "CHANGED | Mara | Mara flew to the moon on a silver swan.", // not supported by the text
    ].join("\n");
    const read = proposalsFromAnswer(answer, step(text), withMara());
    expect(read.proposals.map((p) => [p.name, p.description])).toEqual([
      ["Tom", "Tom Hale rowed out to Gull Rock."],
      ["Tom Hale", "Tom Hale rowed out to Gull Rock."],
    ]);
  });

  it("reads garbage, partial lines and endless answers as nothing usable; NONE as usable with nothing", () => {
    for (const garbage of ["", "is is is is the the", "NEW | character", "NEW | character | Tom Hale", "<content>NEW</content>", "|||||||", "NEW | character | Zed Quorn | x"]) {
      expect(proposalsFromAnswer(garbage, step(text), withMara())).toEqual({ proposals: [], usable: false });
    }
    expect(proposalsFromAnswer("NONE", step(text), withMara())).toEqual({ proposals: [], usable: true });
    const endless = Array.from({ length: 10_000 }, () => "NEW | character | Tom Hale | Tom Hale rowed out.").join("\n");
    expect(proposalsFromAnswer(endless, step(text), withMara()).proposals).toHaveLength(1);
    const many = ["Ann Lee", "Bo Ray", "Cy Dunn", "Di Holt", "Ed Vance", "Flo Marr", "Gus Penn"];
    const crowd = step(many.map((n) => `${n} came.`).join(" "));
    expect(proposalsFromAnswer(many.map((n) => `NEW | character | ${n} | ${n} came.`).join("\n"), crowd, emptyMemory()).proposals).toHaveLength(5);
    const long = `NEW | character | Tom Hale | Tom Hale rowed out ${"to Gull Rock ".repeat(100)}`;
    expect(proposalsFromAnswer(long, step(text), emptyMemory()).proposals).toEqual([]);
  });
});
