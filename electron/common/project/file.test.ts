import { describe, expect, it } from "vitest";
import { createManuscript } from "../manuscript/reducer";
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

  it("tells a file from a newer Draftline apart from a damaged one", () => {
    try {
      decodeProjectFile(JSON.stringify({ ...file(), schemaVersion: PROJECT_SCHEMA_VERSION + 1 }), "future.draftline");
      expect.unreachable();
    } catch (error) {
      expect(isProjectError(error) && error.code).toBe("future-version");
    }
  });
});
