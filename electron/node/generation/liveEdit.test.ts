// Every keystroke lands: the writer types into the step the model writes. The run is paused (the
// window pauses it at the first keystroke); the step is cut where the model stood, the writer's text
// goes in, and Resume continues the step from the writer's text, within its budget. The same in the
// IS-CoT modes and in the chat modes (orchestrated, AgentWrite), where the step's text is the model's
// answer to a turn: the writer's text opens that answer again and the model goes on from it.
import { describe, expect, it } from "vitest";
import { checkInvariants, createManuscript } from "../../common/manuscript";
import { AgentWriteMode } from "./agentwrite";
import { IsCotMode } from "./iscot";
import type { WritingMode } from "./mode";
import { OrchestratedMode } from "./orchestrated";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { Writer } from "./writer";
import type { SubmittedEdit } from "./session";

const SECTIONS: Array<[string, number]> = [
  ["Opening", 300],
  ["Middle", 400],
  ["Ending", 300],
];

const MODES: Array<[string, () => WritingMode, (typed: string) => string]> = [
  ["native", () => new IsCotMode("native"), (typed) => `<content>\n${typed}`],
  // In a chat mode the writer's text opens the model's answer to the step's text request.
  ["orchestrated", () => new OrchestratedMode(), (typed) => `<|assistant|>\n${typed}`],
  ["agentwrite", () => new AgentWriteMode(), (typed) => `<|assistant|>\n${typed}`],
];

describe("typing into the step the model writes", () => {
  it.each(MODES)("%s, paused: the step takes the writer's text and Resume continues it from there, within its budget", async (_name, mode, resumedAfter) => {
    const backend = new ScriptedBackend(fakeWriter({ sections: SECTIONS }));
    let answer: SubmittedEdit | null = null;
    let typed = "";
    const writer: Writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write a story about a harbor town.", targetWords: 1000, language: "en" }),
      mode: mode(),
      onChange(m) {
        const step = m.steps[1];
        if (answer || writer.isPaused || !step || step.words < 40) return;
        writer.pause();
        // The writer's keystrokes arrive once the pause has landed.
        setTimeout(() => {
          const now = writer.manuscript.steps[1]!;
          expect(now.status).toBe("writing");
          typed = `${now.content.split(/\s+/).slice(0, 20).join(" ")} The keeper wrote this line herself.`;
          answer = writer.submitEdit({ type: "editStep", stepId: now.id, content: typed });
          expect(writer.manuscript.steps[1]).toMatchObject({ status: "stopped", content: typed });
          writer.resume();
        }, 0);
      },
    });
    expect((await writer.run()).status).toBe("finished");
    expect(answer).toMatchObject({ ok: true });
    const m = writer.manuscript;
    // The step goes on after the writer's text: the model's next request ends with it, in its content.
    expect(backend.calls.some((c) => c.context.endsWith(resumedAfter(typed)))).toBe(true);
    expect(m.steps[1]!.content.startsWith(typed)).toBe(true);
    // Continued, not left short: the step has its section's words (400), the rest of the plan follows.
    expect(m.steps.map((s) => s.status)).toEqual(["done", "done", "done"]);
    expect(m.steps[1]!.words).toBeGreaterThanOrEqual(400);
    expect(m.steps[1]!.words).toBeLessThanOrEqual(400 * 1.2);
    expect(m.steps.map((s) => s.sectionId)).toEqual(m.sections.map((x) => x.id));
    expect(checkInvariants(m)).toEqual([]);
  });

  it.each(MODES)("%s: the writer's text past the step's budget is kept whole; the step ends after it", async (_name, mode) => {
    const backend = new ScriptedBackend(fakeWriter({ sections: SECTIONS }));
    let answer: SubmittedEdit | null = null;
    const colours = ["amber", "slate", "russet", "ivory", "cobalt", "ochre", "jade"];
    // About 600 words of the writer's own, in sentences, for a section of 400.
    const theirs = Array.from({ length: 60 }, (_, i) => `Boat ${i + 1} came home ${colours[i % 7]} with ${i * 3 + 2} crates of ${["herring", "salt", "rope", "tin", "wool"][i % 5]} aboard.`).join(" ");
    let typed = "";
    const writer: Writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write a story about a harbor town.", targetWords: 1000, language: "en" }),
      mode: mode(),
      onChange(m) {
        const step = m.steps[1];
        if (answer || writer.isPaused || !step || step.words < 40) return;
        writer.pause();
        setTimeout(() => {
          const now = writer.manuscript.steps[1]!;
          typed = `${now.content.split(/\s+/).slice(0, 20).join(" ")}.\n\n${theirs}`;
          answer = writer.submitEdit({ type: "editStep", stepId: now.id, content: typed });
          writer.resume();
        }, 0);
      },
    });
    await writer.run();
    expect(answer).toMatchObject({ ok: true });
    expect(writer.manuscript.steps[1]!.content.startsWith(typed)).toBe(true);
    expect(writer.manuscript.steps[1]!.status).toBe("done");
    expect(checkInvariants(writer.manuscript)).toEqual([]);
  });

  it.each(MODES)("%s, paused in the step's reflection: the writer's text goes in too, and the step is continued and reflected on again", async (_name, mode) => {
    const backend = new ScriptedBackend(fakeWriter({ sections: SECTIONS }));
    let answer: SubmittedEdit | null = null;
    let typed = "";
    const writer: Writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write a story about a harbor town.", targetWords: 1000, language: "en" }),
      mode: mode(),
      onChange(m) {
        const step = m.steps[1];
        if (answer || writer.isPaused || !step || step.status !== "writing" || writer.session.phase !== "reflection") return;
        writer.pause();
        setTimeout(() => {
          const now = writer.manuscript.steps[1]!;
          typed = `${now.content} The keeper added this line at the end.`;
          answer = writer.submitEdit({ type: "editStep", stepId: now.id, content: typed });
          expect(writer.manuscript.steps[1]).toMatchObject({ status: "stopped", content: typed });
          writer.resume();
        }, 0);
      },
    });
    expect((await writer.run()).status).toBe("finished");
    // AgentWrite writes its reflection itself (no model turn): there is no reflection to pause in.
    if (_name === "agentwrite") return expect(answer).toBeNull();
    expect(answer).toMatchObject({ ok: true });
    const step = writer.manuscript.steps[1]!;
    expect(step.content.startsWith(typed)).toBe(true);
    expect(step).toMatchObject({ status: "done", reflection: expect.stringMatching(/\S/) });
    expect(checkInvariants(writer.manuscript)).toEqual([]);
  });

  it("while the model writes (not paused) the edit is refused, saying why", async () => {
    let answer: SubmittedEdit | null = null;
    const writer: Writer = new Writer({
      backend: new ScriptedBackend(fakeWriter({ sections: SECTIONS })),
      manuscript: createManuscript({ instruction: "Write a story about a harbor town.", targetWords: 1000, language: "en" }),
      mode: new IsCotMode("native"),
      onChange(m) {
        const step = m.steps[1];
        if (answer || !step || step.words < 40) return;
        answer = writer.submitEdit({ type: "editStep", stepId: step.id, content: "Mine." });
      },
    });
    expect((await writer.run()).status).toBe("finished");
    expect(answer).toMatchObject({ ok: false, error: { kind: "step-in-progress", message: expect.stringContaining("writing this step") } });
    expect(writer.manuscript.steps[1]!.content).not.toBe("Mine.");
  });
});
