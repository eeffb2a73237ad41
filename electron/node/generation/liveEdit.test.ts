// Every keystroke lands: the writer types into the step the model writes. The run is paused (the
// window pauses it at the first keystroke); the step is cut where the model stood, the writer's text
// goes in, and Resume continues the step from the writer's text, within its budget.
import { describe, expect, it } from "vitest";
import { checkInvariants, createManuscript } from "../../common/manuscript";
import { IsCotMode } from "./iscot";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { Writer } from "./writer";
import type { SubmittedEdit } from "./session";

const SECTIONS: Array<[string, number]> = [
  ["Opening", 300],
  ["Middle", 400],
  ["Ending", 300],
];

describe("typing into the step the model writes", () => {
  it("while paused: the step takes the writer's text and Resume continues it from there", async () => {
    const backend = new ScriptedBackend(fakeWriter({ sections: SECTIONS }));
    let answer: SubmittedEdit | null = null;
    let typed = "";
    const writer: Writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write a story about a harbor town.", targetWords: 1000, language: "en" }),
      mode: new IsCotMode("native"),
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
    expect(backend.calls.some((c) => c.context.endsWith(`<content>\n${typed}`))).toBe(true);
    expect(m.steps[1]!.content.startsWith(typed)).toBe(true);
    expect(m.steps.map((s) => s.status)).toEqual(["done", "done", "done"]);
    expect(m.steps[1]!.words).toBeLessThanOrEqual(400 * 1.2);
    expect(checkInvariants(m)).toEqual([]);
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
