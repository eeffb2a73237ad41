// The model check (draftline doctor, "Check this model") with the scripted engine: what it reports of a
// model that keeps to the protocol, and of one that thinks aloud, runs out of tokens and gives no budgets.
import { describe, expect, it } from "vitest";
import { formatDoctorReport } from "../../common/generation/doctorReport";
import { fakeWriter, prose } from "../../common/testing/fakeWriter";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { DOCTOR_INSTRUCTION, runDoctor } from "./doctor";

describe("the model check", () => {
  it("reports a model that keeps to the protocol: tags, plan and budgets read, each step near its budget, why each request stopped", async () => {
    const backend = new ScriptedBackend(fakeWriter({ sections: [["Fields", 200], ["Picking", 200], ["Drying", 200]] }));
    const report = await runDoctor({ backend, name: "scripted", useProtocolGrammars: false }, { mode: "native" });
    expect(report).toMatchObject({
      model: "scripted",
      mode: "native",
      instruction: DOCTOR_INSTRUCTION,
      targetWords: 600,
      outcome: { status: "finished", words: 600 },
      tags: { followed: true },
      repetition: { cuts: 0 },
      thinking: { leaked: false },
      plan: { read: true, sections: 3, budgetsGiven: true, detail: "3 sections (200 + 200 + 200 words); budgets as the model gave them" },
    });
    expect(report.steps).toEqual([
      { step: 1, section: "Fields", asked: 200, words: 200, ratio: 1 },
      { step: 2, section: "Picking", asked: 200, words: 200, ratio: 1 },
      { step: 3, section: "Drying", asked: 200, words: 200, ratio: 1 },
    ]);
    // The plan, then each step (plan, content, reflection) up to its closing tag, and <FINISHED>.
    expect(report.requests.length).toBe(backend.calls.length);
    expect(report.requests[0]).toMatchObject({ stopReason: "stop", stopString: "</global_plan>" });
    expect(report.requests.filter((r) => r.stopReason === "maxTokens")).toEqual([]);
    expect(report.requests.every((r) => r.generatedTokens > 0 && r.promptTokens > 0)).toBe(true);
    const text = formatDoctorReport(report).join("\n");
    expect(text).toContain("Tags          followed: yes (");
    expect(text).toContain("Plan          read: yes, budgets given: yes (3 sections (200 + 200 + 200 words); budgets as the model gave them)");
    expect(text).toContain("   1. Fields: 200 / 200 (100%)");
    expect(text).toMatch(/ {3}1\. stop at "<\/global_plan>": \d+ → \d+, \d+\.\d s/);
  });

  it("reports thinking that leaked, a plan without budgets, and requests that ran out of tokens", async () => {
    // A model that thinks before its plan, names sections without word counts, and writes steps without closing them.
    const backend = new ScriptedBackend((context) => {
      if (context.endsWith("<global_plan>\n")) return "<think>Let me plan this carefully first.</think>\n## Fields\n## Picking\n## Drying\n</global_plan>";
      return prose(3000);
    });
    const report = await runDoctor({ backend, name: "wayward", useProtocolGrammars: false }, { mode: "prompted" });
    expect(report.thinking).toEqual({ leaked: true, detail: "1 <think> block (6 words), taken out of the draft" });
    // Its every step tells the first again: each is cut back to nothing, and three such steps end the run.
    expect(report.outcome).toMatchObject({ status: "stopped", reason: expect.stringMatching(/the model wrote nothing new in 3 steps in a row \(it told again what was written\)/) });
    expect(report.repetition).toEqual({ cuts: 3, detail: "0 cut for repeating itself back to back, 3 for re-telling earlier steps" });
    expect(report.plan).toMatchObject({ read: true, sections: 3, budgetsGiven: false });
    expect(report.plan.detail).toContain("The plan gave no word budgets");
    expect(report.tags.followed).toBe(false);
    expect(report.steps[0]).toMatchObject({ section: "Fields", asked: 200 });
    expect(report.steps[0]!.ratio).toBeGreaterThan(1);
    const text = formatDoctorReport(report).join("\n");
    expect(text).toContain("Thinking      leaked: YES");
    expect(text).toContain("Tags          followed: NO");
  });

  it("stops when asked, and says so", async () => {
    const stop = new AbortController();
    const backend = new ScriptedBackend(fakeWriter(), { beforeGenerate: (_context, call) => call === 2 && stop.abort() });
    const report = await runDoctor({ backend, name: "scripted", useProtocolGrammars: false }, { mode: "native", signal: stop.signal });
    expect(report.outcome.status).toBe("stopped");
  });
});
