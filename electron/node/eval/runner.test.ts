// The runner with a fake generator whose items finish when the test says: results are committed in
// prompt order whatever order items finish in, at most `parallel` run at once, and a stopped run
// commits nothing it did not finish.
import { describe, expect, it } from "vitest";
import type { EvalTask } from "./dataset";
import type { Generated, Generator, ItemHooks } from "./generators";
import type { Judge, JudgeOutcome } from "./judge";
import { runEval, type CompletedItem } from "./runner";

class ControlledGenerator implements Generator {
  readonly prompting = "draftline";
  readonly running = new Map<number, (words: number) => void>();
  maxRunning = 0;

  generate(task: EvalTask, hooks: ItemHooks, signal: AbortSignal): Promise<Generated> {
    return new Promise((resolve) => {
      const finish = (words: number) => {
        this.running.delete(task.index);
        hooks.onWords(words);
        resolve({ response: "word ".repeat(words).trim(), status: signal.aborted ? "stopped" : "finished", error: null, steps: 1, tokensGenerated: words, tokensDecoded: 10 });
      };
      this.running.set(task.index, finish);
      this.maxRunning = Math.max(this.maxRunning, this.running.size);
      signal.addEventListener("abort", () => finish(1), { once: true });
    });
  }

  async shutdown(): Promise<void> {}
}

const tasks = (n: number): EvalTask[] => Array.from({ length: n }, (_, i) => ({ index: i + 1, prompt: { prompt: `p${i + 1}`, type: "t", length: 100 } }));

describe("runEval", () => {
  it("commits in prompt order while items finish out of order, with at most `parallel` at once", async () => {
    const generator = new ControlledGenerator();
    const committed: number[] = [];
    const finishedOrder: number[] = [];
    const run = runEval({
      tasks: tasks(5),
      parallel: 3,
      generator,
      commit: async (item: CompletedItem) => void committed.push(item.record.index),
      listener: { finished: (item) => void finishedOrder.push(item.record.index) },
    });
    await expect.poll(() => generator.running.size).toBe(3);
    generator.running.get(3)!(100);
    generator.running.get(2)!(100);
    await expect.poll(() => finishedOrder).toEqual([3, 2]);
    expect(committed).toEqual([]);
    await expect.poll(() => generator.running.size).toBe(3);
    generator.running.get(1)!(50);
    await expect.poll(() => committed).toEqual([1, 2, 3]);
    await expect.poll(() => generator.running.size).toBe(2);
    generator.running.get(5)!(100);
    generator.running.get(4)!(100);
    expect(await run).toEqual({ committed: 5, interrupted: false });
    expect(committed).toEqual([1, 2, 3, 4, 5]);
    expect(generator.maxRunning).toBe(3);
  });

  it("scores each item: words, S_l, bucket, the response in the pred line", async () => {
    const generator = new ControlledGenerator();
    const items: CompletedItem[] = [];
    const run = runEval({ tasks: tasks(1), parallel: 1, generator, commit: async (item) => void items.push(item) });
    await expect.poll(() => generator.running.size).toBe(1);
    generator.running.get(1)!(50);
    await run;
    expect(items[0]!.record).toMatchObject({ index: 1, required: 100, produced: 50, score: 50, bucket: "0-500", status: "finished" });
    expect(items[0]!.pred).toEqual({ prompt: "p1", type: "t", length: 100, response: "word ".repeat(50).trim(), response_length: 50 });
  });

  it("stops: the items being written are stopped and not committed, the earlier ones are", async () => {
    const generator = new ControlledGenerator();
    const committed: number[] = [];
    const stop = new AbortController();
    const run = runEval({ tasks: tasks(6), parallel: 2, generator, commit: async (item) => void committed.push(item.record.index), signal: stop.signal });
    await expect.poll(() => generator.running.size).toBe(2);
    generator.running.get(1)!(100);
    await expect.poll(() => committed).toEqual([1]);
    await expect.poll(() => generator.running.size).toBe(2);
    stop.abort();
    expect(await run).toEqual({ committed: 1, interrupted: true });
    expect(committed).toEqual([1]);
  });

  it("judges each response, and records an empty one as not judged with its reason", async () => {
    const generator = new ControlledGenerator();
    const asked: string[] = [];
    const judge: Judge = {
      description: "test",
      note: null,
      judge: async (instruction): Promise<JudgeOutcome> => {
        asked.push(instruction);
        return { scores: { Relevance: 5, Accuracy: 5, Coherence: 5, Clarity: 5, "Breadth and Depth": 5, "Reading Experience": 5 }, analysis: null, attempts: 2, malformed: 1, failedRequests: 0, error: null };
      },
    };
    const items: CompletedItem[] = [];
    const run = runEval({ tasks: tasks(2), parallel: 2, generator, judge, commit: async (item) => void items.push(item) });
    await expect.poll(() => generator.running.size).toBe(2);
    generator.running.get(1)!(10);
    generator.running.get(2)!(0);
    await run;
    expect(asked).toEqual(["p1"]);
    expect(items[0]!.record.judge).toMatchObject({ attempts: 2, malformed: 1, error: null, scores: { Clarity: 5 } });
    expect(items[1]!.record.judge).toEqual({ scores: null, attempts: 0, malformed: 0, failedRequests: 0, error: "the response is empty: nothing to judge" });
  });

  it("records a generator that throws as an item with an error", async () => {
    const generator: Generator = { prompting: "raw", generate: async () => Promise.reject(new Error("the server went away")), shutdown: async () => {} };
    const items: CompletedItem[] = [];
    await runEval({ tasks: tasks(1), parallel: 1, generator, commit: async (item) => void items.push(item) });
    expect(items[0]!.record).toMatchObject({ status: "error", error: "the server went away", produced: 0, score: 0 });
  });
});
