// The recovery journal while the model writes: saved at every step boundary, not only on the timer, so
// a crash loses at most the step being written. The autosave timer is set to an hour here, so only the
// step boundaries can write the journal; the scripted model waits, before each step, until the journal
// on disk holds every step it closed (states, never timers).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { decodeProjectFile, type ProjectFile } from "../../common/project/file";
import { GenerationService } from "../generation/service";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { journalPathFor } from "./projectFile";
import { RecentProjects } from "./recent";
import { ProjectsService } from "./service";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-step-autosave-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const closed = (file: ProjectFile) => file.manuscript.steps.filter((s) => s.status === "done").length;

describe("autosave while the model writes", () => {
  it("writes the journal at every step boundary: after each step closes, the journal on disk holds its words", { timeout: 20_000 }, async () => {
    let autosaves = 0;
    let wake: (() => void) | null = null;
    const projects = new ProjectsService({
      dataDir: path.join(dir, "appdata"),
      recent: new RecentProjects(path.join(dir, "appdata")),
      appVersion: "0.1.0-test",
      autosave: { debounceMs: 3_600_000, maxWaitMs: 3_600_000 },
      emit: (event) => {
        if (event.name === "project.saved" && event.payload.kind === "autosave") {
          autosaves++;
          wake?.();
        }
      },
    });
    const file = path.join(dir, "harbor.draftline");
    const project = await projects.create({ instruction: "Write about a harbor.", targetWords: 1000, language: "en", path: file });
    const journal = journalPathFor(file);

    /** The journal once it holds at least `steps` closed steps (waits for autosaves, never for time). */
    async function journalWith(steps: number): Promise<ProjectFile> {
      for (;;) {
        const seen = autosaves;
        const text = await readFile(journal, "utf8").catch(() => null);
        const saved = text === null ? null : decodeProjectFile(text, "journal");
        if (saved && closed(saved) >= steps) return saved;
        if (autosaves === seen) await new Promise<void>((resolve) => (wake = resolve));
      }
    }

    const backend = new ScriptedBackend(fakeWriter());
    const generate = backend.generate.bind(backend);
    /** What the journal held when the model was about to write step k+1 (k steps closed). */
    const atBoundary: ProjectFile[] = [];
    backend.generate = async (request) => {
      const context = await backend.detokenize(request.tokens);
      const closedSoFar = context.split("</reflection>").length - 1;
      if (closedSoFar > atBoundary.length) atBoundary.push(await journalWith(closedSoFar));
      return generate(request);
    };
    const generation = new GenerationService({ store: projects, model: () => ({ backend, profile: "native", useProtocolGrammars: false }), emit: () => {}, flushMs: 5 });
    await generation.start(project.projectId);
    const final = await generation.whenDone(project.projectId);
    expect(final.status).toBe("finished");

    const written = projects.getManuscript(project.projectId).steps;
    expect(written.map((s) => s.words)).toEqual([300, 400, 300]);
    // Before step 2 and step 3 began, and before the request for the last step's bible proposals, the
    // journal held every word of the steps before them.
    expect(atBoundary).toHaveLength(3);
    atBoundary.forEach((saved, k) => {
      expect(closed(saved)).toBe(k + 1);
      expect(saved.manuscript.steps.slice(0, k + 1).map((s) => s.content)).toEqual(written.slice(0, k + 1).map((s) => s.content));
    });
    // The last step and the end of the document reach the journal too, before any timer.
    const last = await journalWith(3);
    expect(last.manuscript.steps.map((s) => s.content)).toEqual(written.map((s) => s.content));
    await generation.shutdown();
    await projects.shutdown();
  });
});
