import { describe, expect, it } from "vitest";
import { findLoop, findRetelling, writtenGrams } from "./rules";
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
