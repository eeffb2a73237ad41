import { describe, expect, it } from "vitest";
import { renderPlan } from "../iscot/plan";
import { decodeProjectFile, encodeProjectFile, PROJECT_FORMAT, PROJECT_SCHEMA_VERSION } from "../project/file";
import { applyEdit } from "./edits";
import { createManuscript, withRevision } from "./reducer";
import type { Manuscript } from "./types";
import { estimateTokens, trimSample, VOICE_SAMPLE_TOKENS, VOICE_TOTAL_TOKENS, voiceFor, voiceTokens } from "./voice";

const sections = [
  { id: "sec-1", title: "Opening", brief: "", budget: 300 },
  { id: "sec-2", title: "Storm", brief: "", budget: 400 },
];
const planned = (): Manuscript => withRevision(createManuscript({ instruction: "Write.", targetWords: 700, language: "en" }), renderPlan(sections, "en"), sections, 3);

function edited(m: Manuscript, sectionId: string | null, sample: string): Manuscript {
  const result = applyEdit(m, { type: "setVoice", sectionId, sample });
  if (!result.ok) throw new Error(result.error.message);
  return result.manuscript;
}

describe("the voice edit", () => {
  it("sets the document's sample and a section's, which replaces it in that section, and removes them with an empty sample", () => {
    let m = edited(planned(), null, "  My own sentences.  ");
    m = edited(m, "sec-2", "Short. Sharp.");
    expect(m.voice).toEqual({ document: "My own sentences.", sections: { "sec-2": "Short. Sharp." } });
    expect(voiceFor(m, "sec-1")).toBe("My own sentences.");
    expect(voiceFor(m, "sec-2")).toBe("Short. Sharp.");
    m = edited(m, null, "");
    expect(voiceFor(m, "sec-1")).toBeNull();
    m = edited(m, "sec-2", " ");
    expect(m.voice).toBeUndefined();
    expect("voice" in m).toBe(false);
  });

  it("refuses a sample over its budget, samples over the total, a protocol tag and an unknown section, changing nothing", () => {
    const m = planned();
    const long = "word ".repeat(VOICE_SAMPLE_TOKENS * 2);
    const tooLong = applyEdit(m, { type: "setVoice", sectionId: null, sample: long });
    expect(tooLong).toMatchObject({ ok: false, error: { kind: "voice-too-long", budget: VOICE_SAMPLE_TOKENS, message: expect.stringMatching(/^The voice sample is about [\d,]+ tokens; a sample may have at most 800 \(some 600 English words\)/) } });
    expect(applyEdit(m, { type: "setVoice", sectionId: null, sample: "x".repeat(100_000) })).toMatchObject({ ok: false, error: { kind: "voice-too-long", message: expect.stringContaining("over 20,000 characters") } });

    // Each under its own budget, together over the total.
    const near = "A line of prose. ".repeat(Math.floor((VOICE_SAMPLE_TOKENS * 3.5) / 17) - 2);
    expect(estimateTokens(near)).toBeLessThanOrEqual(VOICE_SAMPLE_TOKENS);
    const three = withRevision(m, renderPlan([...sections, { id: "sec-3", title: "Calm", brief: "", budget: 100 }], "en"), [...sections, { id: "sec-3", title: "Calm", brief: "", budget: 100 }], 4);
    const two = edited(edited(three, null, near), "sec-1", near);
    expect(applyEdit(two, { type: "setVoice", sectionId: "sec-2", sample: near })).toMatchObject({ ok: false, error: { kind: "voice-too-long", budget: VOICE_TOTAL_TOKENS } });

    expect(applyEdit(m, { type: "setVoice", sectionId: null, sample: "She wrote <content> on the wall." })).toMatchObject({ ok: false, error: { kind: "protocol-tag", field: "voice", message: expect.stringContaining("The voice sample cannot contain the tag <content>") } });
    expect(applyEdit(m, { type: "setVoice", sectionId: "sec-9", sample: "Mine." })).toMatchObject({ ok: false, error: { kind: "unknown-section" } });
  });

  it("counts only the samples the model reads, and a removed section takes its sample with it", () => {
    let m = edited(edited(planned(), null, "Mine."), "sec-2", "Storm voice.");
    expect(voiceTokens(m)).toBe(estimateTokens("Mine.") + estimateTokens("Storm voice."));
    const removed = applyEdit(m, { type: "removeSection", sectionId: "sec-2" });
    expect(removed.ok).toBe(true);
    m = removed.ok ? removed.manuscript : m;
    expect(m.voice).toEqual({ document: "Mine.", sections: {} });
  });
});

describe("counting and trimming a sample", () => {
  it("estimates a CJK character as a token and other text at about 3.5 characters a token", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("守塔人独自来到了海边。")).toBe(11);
    expect(estimateTokens("The keeper came at dusk.")).toBe(7);
  });

  it("trims at the last sentence end that fits, else at a word end", () => {
    const sample = "One sentence here. Another one follows. And a third, rather longer than the others.";
    expect(trimSample(sample, (p) => p.length <= 45)).toBe("One sentence here. Another one follows.");
    expect(trimSample("words without any sentence end at all in them", (p) => p.length <= 20)).toBe("words without any");
    expect(trimSample(sample, () => true)).toBe(sample);
  });
});

describe("the project file", () => {
  const file = (manuscript: Manuscript) => ({
    format: PROJECT_FORMAT,
    schemaVersion: PROJECT_SCHEMA_VERSION,
    id: "p1",
    createdAt: 1,
    savedAt: 2,
    app: { name: "Draftline", version: "test" },
    title: "T",
    settings: { sampling: {} },
    generation: { model: null, mode: null },
    manuscript,
  });

  it("keeps the voice samples, in a schema version an older Draftline refuses rather than drops them", () => {
    const m = edited(edited(planned(), null, "Mine."), "sec-2", "Storm voice.");
    const back = decodeProjectFile(encodeProjectFile(file(m) as never), "t.draftline");
    expect(back.manuscript.voice).toEqual({ document: "Mine.", sections: { "sec-2": "Storm voice." } });
    expect(PROJECT_SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
  });

  it.each([1, 2])("opens a version %i project (before voices), unchanged", (version) => {
    const m = planned();
    const old = JSON.stringify({ ...file(m), schemaVersion: version });
    const back = decodeProjectFile(old, "old.draftline");
    expect(back.schemaVersion).toBe(PROJECT_SCHEMA_VERSION);
    expect(back.manuscript).toEqual(m);
  });
});
