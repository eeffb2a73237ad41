import { describe, expect, it } from "vitest";
import { checkInvariants, createManuscript } from "../../common/manuscript";
import { OrchestratedMode } from "./orchestrated";
import { AgentWriteMode } from "./agentwrite";
import { fakeWriter } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { Writer } from "./writer";
import type { SubmittedEdit } from "./session";

const SECTIONS: Array<[string, number]> = [["Opening", 300],["Middle", 400],["Ending", 300]];
for (const [name, make] of [["orchestrated", () => new OrchestratedMode()], ["agentwrite", () => new AgentWriteMode()]] as const) {
  it(name, async () => {
    const backend = new ScriptedBackend(fakeWriter({ sections: SECTIONS }));
    let answer: SubmittedEdit | null = null;
    let typed = "";
    const writer: Writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write a story about a harbor town.", targetWords: 1000, language: "en" }),
      mode: make(),
      onChange(m) {
        const step = m.steps[1];
        if (answer || writer.isPaused || !step || step.words < 40) return;
        writer.pause();
        setTimeout(() => {
          const now = writer.manuscript.steps[1]!;
          console.log("status", now.status, (writer.session as any).phase, (writer.session as any).live?.piece.kind);
          typed = `${now.content.split(/\s+/).slice(0, 20).join(" ")} The keeper wrote this line herself.`;
          answer = writer.submitEdit({ type: "editStep", stepId: now.id, content: typed });
          console.log(JSON.stringify(answer).slice(0, 300));
          writer.resume();
        }, 0);
      },
    });
    const out = await writer.run();
    console.log(out.status);
    const m = writer.manuscript;
    console.log(m.steps.map((s) => [s.status, s.words, s.content.slice(0, 60)]));
    console.log(backend.calls.map((c) => c.context.slice(-200)).filter(c => c.includes("herself")).length);
    console.log(checkInvariants(m));
  });
}
