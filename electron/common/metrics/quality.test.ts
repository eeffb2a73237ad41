import { describe, expect, it } from "vitest";
import { dimensionScore, parseJudgeAnswer, qualityScore, totalScore, type DimensionScores } from "./quality";

const answer = (scores: number[], analysis = "Fine.") =>
  JSON.stringify({ Analysis: analysis, Relevance: scores[0], Accuracy: scores[1], Coherence: scores[2], Clarity: scores[3], "Breadth and Depth": scores[4], "Reading Experience": scores[5] });

const scores = (values: number[]): DimensionScores => {
  const parsed = parseJudgeAnswer(answer(values));
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.scores;
};

describe("parseJudgeAnswer", () => {
  it("reads the JSON the judge prompt asks for", () => {
    expect(parseJudgeAnswer(answer([5, 4, 3, 2, 1, 4], "Clear but thin."))).toEqual({
      ok: true,
      analysis: "Clear but thin.",
      scores: { Relevance: 5, Accuracy: 4, Coherence: 3, Clarity: 2, "Breadth and Depth": 1, "Reading Experience": 4 },
    });
  });

  it("unwraps a ```json fence and ignores line breaks, as the official script does", () => {
    const text = "Here is my evaluation.\n```json\n{\"Analysis\": \"Good\nand long\",\n\"Relevance\": 4, \"Accuracy\": 4, \"Coherence\": 4, \"Clarity\": 4, \"Breadth and Depth\": 3, \"Reading Experience\": 4}\n```\nThanks.";
    const parsed = parseJudgeAnswer(text);
    expect(parsed.ok && parsed.scores["Breadth and Depth"]).toBe(3);
    expect(parsed.ok && parsed.analysis).toBe("Goodand long");
  });

  it("finds the object after a sentence without a fence, and takes numeric strings as float() does", () => {
    const parsed = parseJudgeAnswer(`My scores: {"Relevance": "5", "Accuracy": 4, "Coherence": 4.5, "Clarity": 4, "Breadth and Depth": 4, "Reading Experience": 4} done`);
    expect(parsed.ok && parsed.scores).toMatchObject({ Relevance: 5, Coherence: 4.5 });
    expect(parsed.ok && parsed.analysis).toBeNull();
  });

  it.each([
    ["", "no JSON object"],
    ["I cannot rate this.", "no JSON object"],
    ["```json\n{\"Relevance\": 4", "a ```json block that is not closed"],
    ['{"Analysis": "x", "Relevance": 4}', 'no "Accuracy" score'],
    [answer([5, 4, 3, 2, 1, 6]), '"Reading Experience" is 6, not a score from 1 to 5'],
    [answer([0, 4, 3, 2, 1, 4]), '"Relevance" is 0, not a score from 1 to 5'],
    ['{"Relevance": "high", "Accuracy": 4, "Coherence": 4, "Clarity": 4, "Breadth and Depth": 4, "Reading Experience": 4}', '"Relevance" is "high", not a score from 1 to 5'],
    ['{"Relevance": null, "Accuracy": 4, "Coherence": 4, "Clarity": 4, "Breadth and Depth": 4, "Reading Experience": 4}', '"Relevance" is null, not a score from 1 to 5'],
    ["[1, 2, 3]", "no JSON object"],
  ])("calls %j malformed (%s)", (text, reason) => {
    expect(parseJudgeAnswer(text)).toEqual({ ok: false, reason });
  });
});

describe("quality score", () => {
  // Expected values worked by hand with the official formula: per dimension (mean - 1) * 25, then the
  // mean of the six (the script's sum(total_score.values()) / len(total_score)).
  it("maps each dimension's mean to 0-100 and averages the six", () => {
    const q = qualityScore([scores([5, 4, 3, 2, 1, 4]), scores([3, 4, 5, 2, 1, 2])]);
    expect(q?.dimensions).toEqual({ Relevance: 75, Accuracy: 75, Coherence: 75, Clarity: 25, "Breadth and Depth": 0, "Reading Experience": 50 });
    expect(q?.score).toBe(50);
    expect(q?.items).toBe(2);
  });

  it("gives 100 for all fives and 0 for all ones", () => {
    expect(qualityScore([scores([5, 5, 5, 5, 5, 5])])?.score).toBe(100);
    expect(qualityScore([scores([1, 1, 1, 1, 1, 1])])?.score).toBe(0);
  });

  it("computes the same floats as Python for means that are not exact", () => {
    // Literals printed by the official script's own lines (Python 3.11) for these three answers.
    expect(dimensionScore([4, 5, 4])).toBe(83.33333333333333);
    const q = qualityScore([scores([4, 4, 4, 4, 4, 4]), scores([5, 4, 3, 4, 4, 5]), scores([4, 5, 4, 3, 3, 4])]);
    expect(q?.dimensions).toEqual({
      Relevance: 83.33333333333333,
      Accuracy: 83.33333333333333,
      Coherence: 66.66666666666666,
      Clarity: 66.66666666666666,
      "Breadth and Depth": 66.66666666666666,
      "Reading Experience": 83.33333333333333,
    });
    expect(q?.score).toBe(74.99999999999999);
  });

  it("is null without a judged response, and the total is the mean of S_l and S_q", () => {
    expect(qualityScore([])).toBeNull();
    expect(() => dimensionScore([])).toThrow(RangeError);
    expect(totalScore(90, 60)).toBe(75);
  });
});
