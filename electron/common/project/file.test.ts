import { describe, expect, it } from "vitest";
import { createManuscript } from "../manuscript/reducer";
import { emptyMemory } from "../memory/types";
import { isProjectError } from "./errors";
import { decodeProjectFile, encodeProjectFile, PROJECT_FORMAT, PROJECT_SCHEMA_VERSION, type ProjectFile } from "./file";

const file = (): ProjectFile => ({
  format: PROJECT_FORMAT,
  schemaVersion: PROJECT_SCHEMA_VERSION,
  id: "p1",
  createdAt: 1,
  savedAt: 2,
  app: { name: "Draftline", version: "test" },
  title: "Tea",
  settings: { sampling: {} },
  generation: { model: null, mode: null },
  manuscript: createManuscript({ instruction: "Write about tea.", language: "en", targetWords: 100 }),
});

describe("project file versions", () => {
  it("reads a version-1 file (before stopped steps) as the current version, and a stopped step round-trips", () => {
    const v1 = JSON.stringify({ ...file(), schemaVersion: 1 });
    expect(decodeProjectFile(v1, "old.draftline")).toEqual(file());
    const step = { id: "step-1", sectionId: null, plan: "Tea", planComplete: true, targetWords: null, content: "Tea came", reflection: "", progress: null, words: 2, status: "stopped" as const };
    const withStopped: ProjectFile = { ...file(), manuscript: { ...file().manuscript, steps: [step] } };
    expect(decodeProjectFile(encodeProjectFile(withStopped), "new.draftline").manuscript.steps[0]!.status).toBe("stopped");
  });

  it("reads a file from before the story memory (versions 1, 2 and 3) with an empty bible, and the memory round-trips", () => {
    const { memory: _none, ...manuscript } = file().manuscript;
    for (const version of [1, 2, 3]) {
      const old = JSON.stringify({ ...file(), schemaVersion: version, manuscript });
      const read = decodeProjectFile(old, "old.draftline");
      expect(read.schemaVersion).toBe(PROJECT_SCHEMA_VERSION);
      expect(read.manuscript.memory).toEqual(emptyMemory());
    }
    const step = { id: "step-1", sectionId: null, plan: "Tea", planComplete: true, targetWords: null, content: "Mara poured tea.", reflection: "", progress: null, words: 3, status: "done" as const, memory: { entries: ["entry-1"], summary: "Mara pours tea.", summaryBy: "model" as const, pinned: true } };
    const memory = {
      ...emptyMemory(),
      entries: [{ id: "entry-1", kind: "character" as const, name: "Mara Vell", aliases: ["Mara"], description: "Green eyes.", always: false }],
      proposals: [{ id: "proposal-1", stepId: "step-1", entryId: null, kind: "place" as const, name: "Gull Rock", description: "A rock.", evidence: "A rock." }],
      dismissed: ["harbor"],
      digest: { throughStep: 0, text: "Mara pours tea.", by: "writer" as const },
      lockedSections: ["sec-1"],
      nextEntry: 2,
      nextProposal: 2,
    };
    const withMemory: ProjectFile = { ...file(), manuscript: { ...file().manuscript, steps: [step], memory } };
    expect(decodeProjectFile(encodeProjectFile(withMemory), "new.draftline")).toEqual(withMemory);
  });

  it("refuses a story memory out of bounds as a damaged project, and loses nothing else", () => {
    const entries = Array.from({ length: 2001 }, (_, i) => ({ id: `entry-${i}`, kind: "fact", name: `F${i}`, aliases: [], description: "", always: false }));
    const hostile = JSON.stringify({ ...file(), manuscript: { ...file().manuscript, memory: { ...emptyMemory(), entries } } });
    try {
      decodeProjectFile(hostile, "big.draftline");
      expect.unreachable();
    } catch (error) {
      expect(isProjectError(error) && error.code).toBe("corrupt");
      expect(String(error)).toMatch(/manuscript\.memory\.entries/);
    }
  });

  it("tells a file from a newer Draftline apart from a damaged one", () => {
    try {
      decodeProjectFile(JSON.stringify({ ...file(), schemaVersion: PROJECT_SCHEMA_VERSION + 1 }), "future.draftline");
      expect.unreachable();
    } catch (error) {
      expect(isProjectError(error) && error.code).toBe("future-version");
    }
  });
});
