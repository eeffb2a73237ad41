import { describe, expect, it } from "vitest";
import { findLoop } from "./rules";

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
