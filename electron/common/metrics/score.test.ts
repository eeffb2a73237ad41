import { describe, expect, it } from "vitest";
import { lengthBucket, lengthScore, meanLengthScore } from "./score";

describe("lengthScore", () => {
  // Expected values computed with the official score(x, y) in Python.
  it.each<[number, number, number]>([
    [1000, 1000, 100],
    [1000, 1500, 83.33333333333334],
    [1000, 4000, 0],
    [1000, 5000, 0],
    [1000, 500, 50],
    [1000, 333, 0],
    [1000, 334, 0.29940119760478723],
    [1000, 1, 0],
    [300, 299, 99.83277591973244],
    [7, 9, 90.47619047619048],
    [100, 250, 50],
  ])("scores %i required, %i produced as %d", (required, produced, expected) => {
    expect(lengthScore(required, produced)).toBe(expected);
  });

  it("scores an empty text 0 instead of dividing by zero", () => {
    expect(lengthScore(1000, 0)).toBe(0);
  });

  it("refuses a required length that is not positive", () => {
    expect(() => lengthScore(0, 10)).toThrow(RangeError);
    expect(() => lengthScore(Number.NaN, 10)).toThrow(RangeError);
    expect(() => lengthScore(10, -1)).toThrow(RangeError);
  });

  it("averages several scores", () => {
    expect(meanLengthScore([{ required: 1000, produced: 1000 }, { required: 1000, produced: 500 }])).toBe(75);
    expect(meanLengthScore([])).toBe(0);
  });
});

describe("lengthBucket", () => {
  it.each<[number, string]>([
    [100, "0-500"],
    [499, "0-500"],
    [500, "500-2k"],
    [1999, "500-2k"],
    [2000, "2k-4k"],
    [4000, "4k-20k"],
    [20000, "4k-20k"],
  ])("puts %i in %s", (required, bucket) => {
    expect(lengthBucket(required)).toBe(bucket);
  });
});
