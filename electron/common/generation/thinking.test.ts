import { describe, expect, it } from "vitest";
import { ThinkFilter, withoutThinking } from "./thinking";

/** Streams `text` in chunks of `size` characters. */
function stream(text: string, size: number): { out: string; removed: ThinkFilter["removed"] } {
  const filter = new ThinkFilter();
  let out = "";
  for (let i = 0; i < text.length; i += size) out += filter.push(text.slice(i, i + size));
  out += filter.end();
  return { out, removed: filter.removed };
}

describe("thinking kept out of the text", () => {
  it("takes a think block out of the text, however the stream is cut", () => {
    const text = "<think>\nOkay, the user wants a plan of three parts.\n</think>\n\nThe river rises in the hills.";
    for (const size of [1, 2, 3, 7, 100]) {
      expect(stream(text, size), `chunks of ${size}`).toEqual({ out: "The river rises in the hills.", removed: { blocks: 1, words: 9 } });
    }
  });

  it("drops a think block that never closes, and a closing tag whose opening was in the prompt", () => {
    expect(withoutThinking("Step plan.<think>let me think about the budgets and")).toEqual({ text: "Step plan.", blocks: 1, words: 7 });
    expect(withoutThinking("reasoning done</think>The text.")).toEqual({ text: "reasoning doneThe text.", blocks: 0, words: 0 });
  });

  it("leaves text without think tags as it is, including a lone '<'", () => {
    expect(stream("a < b and <thin ice> stays", 2)).toEqual({ out: "a < b and <thin ice> stays", removed: { blocks: 0, words: 0 } });
    expect(withoutThinking("Two blocks: <think>one</think>A<think>two</think>B")).toEqual({ text: "Two blocks: AB", blocks: 2, words: 2 });
  });
});
