// Locked and rebalanced budgets on the timeline's section cards, through the store and the fake back
// end: the lock the writer sets, and the controller's rebalancing (old → new, and why) until the
// writer sets that budget.
import { beforeEach, describe, expect, it } from "vitest";
import { renderPlan } from "../../../electron/common/iscot/plan";
import { createManuscript, withRevision, type Manuscript, type Section } from "../../../electron/common/manuscript";
import { InMemoryBackend } from "../testing/inMemoryBackend";
import { manuscriptSelectors } from "./selectors";
import { createAppStore, type AppStore } from "./store";

const REASON = "The writing ran long (heading for 1,200 of 1,000 words): the budget of the 2 sections not yet written went from 600 to 400 words.";

/** A plan of three sections, then the controller's rebalancing of the two not written yet. */
function rebalancedDocument(): Manuscript {
  const planned: Section[] = [
    { id: "sec-1", title: "Opening", brief: "", budget: 400 },
    { id: "sec-2", title: "Storm", brief: "", budget: 300 },
    { id: "sec-3", title: "Ending", brief: "", budget: 300 },
  ];
  let m = withRevision(createManuscript({ instruction: "A story.", targetWords: 1000, language: "en" }), renderPlan(planned, "en"), planned, 4);
  const rebalanced = planned.map((s) => (s.id === "sec-1" ? s : { ...s, budget: 200 }));
  m = withRevision(m, renderPlan(rebalanced, "en"), rebalanced, 4);
  const last = m.revisions.length - 1;
  return { ...m, revisions: m.revisions.map((r, i) => (i === last ? { ...r, cause: "rebalanced" as const, reason: REASON } : r)) };
}

describe("budgets on the section cards", () => {
  let fake: InMemoryBackend;
  let store: AppStore;

  beforeEach(async () => {
    fake = new InMemoryBackend();
    store = createAppStore();
    store.getState().setConnected(fake.client, fake.documents, { name: "Draftline", version: "0", shell: "web", platform: "linux" });
    fake.addFile("/docs/rebalanced.draftline", rebalancedDocument());
    expect(await store.getState().openDocument("/docs/rebalanced.draftline")).toEqual({ ok: true });
  });

  it("marks the sections whose budget the controller rebalanced, with the old and new budget and why; not the others", () => {
    const s = store.getState();
    expect(manuscriptSelectors.budgetChange("sec-2")(s)).toEqual({ from: 300, to: 200, reason: REASON });
    expect(manuscriptSelectors.budgetChange("sec-3")(s)).toEqual({ from: 300, to: 200, reason: REASON });
    expect(manuscriptSelectors.budgetChange("sec-1")(s)).toBeNull();
    // The same object each time (a selector that made a new one would render the card without end).
    expect(manuscriptSelectors.budgetChange("sec-2")(s)).toBe(manuscriptSelectors.budgetChange("sec-2")(store.getState()));
  });

  it("clears the mark once the writer sets that budget; the other stays", async () => {
    expect(await store.getState().editManuscript({ type: "editSection", sectionId: "sec-2", budget: 350 }, { kind: "section", sectionId: "sec-2" })).toEqual({ ok: true });
    const s = store.getState();
    expect(manuscriptSelectors.section("sec-2")(s)?.budget).toBe(350);
    expect(manuscriptSelectors.budgetChange("sec-2")(s)).toBeNull();
    expect(manuscriptSelectors.budgetChange("sec-3")(s)).toEqual({ from: 300, to: 200, reason: REASON });
    // Setting a budget locks it, as the lock toggle shows.
    expect(manuscriptSelectors.isBudgetLocked("sec-2")(s)).toBe(true);
  });

  it("locks and unlocks a section's budget", async () => {
    expect(manuscriptSelectors.isBudgetLocked("sec-3")(store.getState())).toBe(false);
    expect(await store.getState().editManuscript({ type: "lockBudget", sectionId: "sec-3", locked: true }, { kind: "section", sectionId: "sec-3" })).toEqual({ ok: true });
    expect(manuscriptSelectors.isBudgetLocked("sec-3")(store.getState())).toBe(true);
    expect(manuscriptSelectors.budgetChange("sec-3")(store.getState())).toEqual({ from: 300, to: 200, reason: REASON });
    expect(await store.getState().editManuscript({ type: "lockBudget", sectionId: "sec-3", locked: false }, { kind: "section", sectionId: "sec-3" })).toEqual({ ok: true });
    expect(manuscriptSelectors.isBudgetLocked("sec-3")(store.getState())).toBe(false);
  });
});

describe("budgets on the step cards", () => {
  it("shows the budget a step is held to: its plan's, else what is left of its section's (orchestrated and AgentWrite plans name none)", async () => {
    const sections: Section[] = [
      { id: "sec-1", title: "Opening", brief: "", budget: 400 },
      { id: "sec-2", title: "Ending", brief: "", budget: 600 },
    ];
    const base = withRevision(createManuscript({ instruction: "A story.", targetWords: 1000, language: "en" }), renderPlan(sections, "en"), sections, 3);
    const step = (id: string, sectionId: string, words: number, targetWords: number | null) =>
      ({ id, sectionId, plan: "Section: x. Cover the next part of the plan.", planComplete: true, targetWords, content: "w ".repeat(words).trim(), reflection: "", progress: null, words, status: "done" }) as const;
    const m: Manuscript = { ...base, steps: [step("step-1", "sec-1", 250, null), step("step-2", "sec-1", 140, null), step("step-3", "sec-2", 100, 550)] };
    const fake = new InMemoryBackend();
    const store = createAppStore();
    store.getState().setConnected(fake.client, fake.documents, { name: "Draftline", version: "0", shell: "web", platform: "linux" });
    fake.addFile("/docs/steps.draftline", m);
    expect(await store.getState().openDocument("/docs/steps.draftline")).toEqual({ ok: true });
    const s = store.getState();
    expect(manuscriptSelectors.stepBudget(0)(s)).toBe(400);
    expect(manuscriptSelectors.stepBudget(1)(s)).toBe(150);
    expect(manuscriptSelectors.stepBudget(2)(s)).toBe(550);
    expect(manuscriptSelectors.stepBudget(3)(s)).toBeNull();
  });
});
