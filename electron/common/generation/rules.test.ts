import { describe, expect, it } from "vitest";
import { createManuscript, type Manuscript } from "../manuscript";
import { budgetFloor, documentCap, findLoop, findRetelling, mayFinish, onlyFloorsLeft, overrunCap, rebalancedBudgets, stepBudget, unwrittenSections, writesLastPart, writtenGrams } from "./rules";
import { prose } from "../testing/fakeWriter";

describe("findLoop: where a segment begins to repeat itself", () => {
  const opening = "The tide came in over the flats before dawn. ";

  it("keeps the first occurrence of a block repeated three times", () => {
    const block = "and the gulls rose over the harbour wall in one long cry, ";
    const text = opening + block.repeat(3);
    expect(text.slice(0, findLoop(text)!)).toBe(opening + block.trimEnd());
  });

  it("needs four repeats of a short phrase: three is a writer's emphasis", () => {
    expect(findLoop(opening + "very, very, very")).toBeNull();
    const text = opening + "far and wide, far and wide, far and wide, far and wide";
    expect(text.slice(0, findLoop(text)!)).toBe(opening + "far and wide,");
  });

  it("finds nothing in text that does not loop at its end", () => {
    expect(findLoop(opening + "The keeper lit the lamp. The keeper trimmed the wick. The keeper slept.")).toBeNull();
    expect(findLoop("")).toBeNull();
  });

  it("finds the loop when the stream stopped inside a word, and cuts that word with it", () => {
    // "…and cried. The gu": the model was cut off halfway through the next repeat's second word.
    const block = "The gulls rose over the wall and cried. ";
    const text = opening + block.repeat(3) + "The gu";
    const end = findLoop(text);
    expect(end).not.toBeNull();
    expect(text.slice(0, end!)).toBe(opening + block.trimEnd());
  });

  it("lets a repetition go once the model has moved on past it", () => {
    // A finished word after the repeats (white space follows it) breaks the pattern at the end.
    expect(findLoop(opening + "one two three ".repeat(4) + "Then the storm came. ")).toBeNull();
  });
});

describe("findRetelling: a step that tells again what earlier steps told", () => {
  const earlier = prose(300, 0);
  const grams = writtenGrams(earlier);
  const reversed = (text: string) => (text.match(/[^.]+\./g) ?? []).map((x) => x.trim()).reverse().join(" ");

  it("finds the phrases of earlier steps told again in another order, and cuts where the retelling began", () => {
    const fresh = prose(40, 7);
    const text = `${fresh}\n\n${reversed(earlier)}`;
    const found = findRetelling(text, grams);
    expect(found!.share).toBeGreaterThanOrEqual(0.5);
    expect(text.slice(0, found!.cut).trim()).toBe(fresh);
  });

  it("leaves new text alone, and a step too short to tell", () => {
    expect(findRetelling(prose(400, 3), grams)).toBeNull();
    expect(findRetelling(reversed(earlier).split(" ").slice(0, 40).join(" "), grams)).toBeNull();
    expect(findRetelling(reversed(earlier), new Set())).toBeNull();
  });

  it("does not take a run of one or two words for a retelling (a loop's business)", () => {
    const run = `${"鞄".repeat(12)}。世${"鞄".repeat(11)}。`.repeat(20);
    expect(findRetelling(run, writtenGrams(run))).toBeNull();
    expect(findRetelling("very ".repeat(200), writtenGrams("very ".repeat(50)))).toBeNull();
  });

  it("reads Chinese by characters", () => {
    const before = "春天来了，山上的茶树发出新芽。茶农清晨上山，把最嫩的芽叶采下来，放进竹篓里。".repeat(3);
    const again = `今天的天气很好。${"茶农清晨上山，把最嫩的芽叶采下来，放进竹篓里。春天来了，山上的茶树发出新芽。".repeat(3)}`;
    const found = findRetelling(again, writtenGrams(before));
    expect(found).not.toBeNull();
    expect(again.slice(0, found!.cut)).toBe("今天的天气很好。");
    expect(findRetelling("夏天的河水很凉，孩子们在岸边捉鱼，傍晚才回家吃饭。".repeat(2) + "秋天稻谷熟了，田里一片金黄，农民忙着收割和晾晒。".repeat(2), writtenGrams(before))).toBeNull();
  });
});

describe("endings that finish and budgets that rebalance", () => {
  const plan = (budgets: number[], written: number[], target = 1000): Manuscript => ({
    ...createManuscript({ targetWords: target }),
    sections: budgets.map((budget, i) => ({ id: `sec-${i + 1}`, title: `S${i + 1}`, brief: "", budget })),
    steps: written.map((words, i) => ({ id: `step-${i + 1}`, sectionId: `sec-${i + 1}`, plan: "p", planComplete: true, targetWords: null, content: "", reflection: "", progress: null, words, status: "done" as const })),
  });

  it("never lets a document finish with a planned section unwritten, however long it is", () => {
    expect(mayFinish(plan([300, 400, 300], [300, 400, 290]))).toBe(true);
    expect(mayFinish(plan([300, 400, 300], [500, 600]))).toBe(false);
    expect(unwrittenSections(plan([300, 400, 300], [500, 600])).map((s) => s.id)).toEqual(["sec-3"]);
    // A section the writer gave no budget is left out of the plan.
    expect(mayFinish(plan([300, 700, 0], [300, 700]))).toBe(true);
    expect(mayFinish(plan([300, 400, 300], [300, 400]))).toBe(false);
  });

  it("says when only the floors of the unwritten sections are left of the target (each is then written once, in order)", () => {
    // 4 sections of 250; 900 written in the first 3: the last one's floor (30) is not yet the rest.
    expect(onlyFloorsLeft(plan([250, 250, 250, 250], [300, 300, 300]))).toBe(false);
    // 960 written (+ 30 ≥ 980): only its floor is left, though section 3 is short of its budget.
    expect(onlyFloorsLeft(plan([250, 250, 250, 250], [400, 400, 160]))).toBe(true);
    // Nothing unwritten, or no target: never.
    expect(onlyFloorsLeft(plan([250, 250], [600, 600]))).toBe(false);
    expect(onlyFloorsLeft({ ...plan([250, 250], [990]), targetWords: null })).toBe(false);
  });

  it("gives the last part of the plan the document's ending; the hard cap keeps the floor of each section still to write", () => {
    expect(writesLastPart(plan([300, 400, 300], [300, 400, 10]), 2)).toBe(true);
    expect(writesLastPart(plan([300, 400, 300], [300, 10]), 1)).toBe(false);
    expect(overrunCap(1000)).toBe(1150);
    expect(documentCap(plan([300, 400, 300], [300, 400, 10]), 2)).toBe(1150);
    expect(documentCap(plan([300, 400, 300], [300, 10]), 1)).toBe(1150 - budgetFloor(1000));
    expect(documentCap({ ...plan([300], [10]), targetWords: null }, 0)).toBeNull();
  });

  it("rebalances the budgets of the sections not yet written toward the target when the writing runs long or short, the locked ones kept", () => {
    // Sections 1 and 2 ran 300 words long: sections 3 and 4 (200 each) share the cut.
    const long = rebalancedBudgets(plan([300, 300, 200, 200], [450, 450]));
    expect(long?.sections.map((s) => s.budget)).toEqual([300, 300, 50, 50]);
    expect(long?.reason).toBe("The writing ran long (heading for 1300 of 1000 words): the budget of the 2 sections not yet written went from 400 to 100 words.");
    // Locked: section 3 keeps its budget, section 4 takes all of the cut (down to its floor).
    expect(rebalancedBudgets(plan([300, 300, 200, 200], [450, 450]), ["sec-3"])?.sections.map((s) => s.budget)).toEqual([300, 300, 200, 30]);
    // Short (the plan holds 1,000 words of 1,200): the sections to come grow by their shares.
    expect(rebalancedBudgets(plan([300, 300, 100, 300], [300, 300], 1200))?.sections.map((s) => s.budget)).toEqual([300, 300, 150, 450]);
    // Within 5% of the target nothing moves; nothing moves when every section has words or is locked.
    expect(rebalancedBudgets(plan([300, 300, 200, 200], [320, 320]))).toBeNull();
    expect(rebalancedBudgets(plan([300, 300], [450, 450]))).toBeNull();
    expect(rebalancedBudgets(plan([300, 300, 200, 200], [450, 450]), ["sec-3", "sec-4"])).toBeNull();
  });

  it("gives a section nobody has written its floor even past the target", () => {
    const m = plan([300, 300, 200], [600, 450, 0]);
    expect(stepBudget(m, 2)).toBe(budgetFloor(1000));
    expect(stepBudget(plan([300, 700], [600, 390]), 1)).toBe(400);
  });
});
