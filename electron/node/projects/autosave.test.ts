import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AutosaveScheduler } from "./autosave";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const timing = { debounceMs: 2_000, maxWaitMs: 5_000 };

describe("AutosaveScheduler", () => {
  it("saves once, a few seconds after the last of a burst of changes", async () => {
    const save = vi.fn(async () => {});
    const scheduler = new AutosaveScheduler(save, timing);
    scheduler.changed();
    await vi.advanceTimersByTimeAsync(1_000);
    scheduler.changed();
    await vi.advanceTimersByTimeAsync(1_900);
    expect(save).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200);
    expect(save).toHaveBeenCalledTimes(1);
    expect(scheduler.pending).toBe(false);
  });

  it("keeps saving at least every maxWait while changes never stop (the model writing)", async () => {
    const save = vi.fn(async () => {});
    const scheduler = new AutosaveScheduler(save, timing);
    // A change every 100 ms for 20 s: a plain debounce would never save.
    for (let t = 0; t < 20_000; t += 100) {
      scheduler.changed();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(save.mock.calls.length).toBeGreaterThanOrEqual(4);
    expect(save.mock.calls.length).toBeLessThanOrEqual(5);
  });

  it("never runs two saves at once, and saves again for a change made during a save", async () => {
    let active = 0;
    let maxActive = 0;
    const save = vi.fn(async () => {
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise((r) => setTimeout(r, 3_000));
      active--;
    });
    const scheduler = new AutosaveScheduler(save, { debounceMs: 500, maxWaitMs: 1_000 });
    scheduler.changed();
    await vi.advanceTimersByTimeAsync(600); // first save starts
    scheduler.changed();
    await vi.advanceTimersByTimeAsync(600); // its timer fires while the save runs
    await vi.advanceTimersByTimeAsync(10_000);
    expect(maxActive).toBe(1);
    expect(save).toHaveBeenCalledTimes(2);
  });

  it("flush saves a waiting change at once; cancel drops it", async () => {
    const save = vi.fn(async () => {});
    const scheduler = new AutosaveScheduler(save, timing);
    scheduler.changed();
    await scheduler.flush();
    expect(save).toHaveBeenCalledTimes(1);
    scheduler.changed();
    scheduler.cancel(true);
    scheduler.changed();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(save).toHaveBeenCalledTimes(1);
  });

  it("saveNow saves without the timer: at once, or right after the save in progress", async () => {
    let finishSave: (() => void) | null = null;
    const save = vi.fn(() => new Promise<void>((resolve) => (finishSave = resolve)));
    const scheduler = new AutosaveScheduler(save, { debounceMs: 60_000, maxWaitMs: 120_000 });
    scheduler.changed();
    scheduler.saveNow();
    expect(save).toHaveBeenCalledTimes(1);
    // A step closes while that save runs: the next save follows it at once, not after the debounce.
    scheduler.changed();
    scheduler.saveNow();
    expect(save).toHaveBeenCalledTimes(1);
    finishSave!();
    await vi.advanceTimersByTimeAsync(0);
    expect(save).toHaveBeenCalledTimes(2);
    finishSave!();
    await vi.advanceTimersByTimeAsync(0);
    expect(scheduler.pending).toBe(false);
    // Stopped (the project closed): nothing more.
    scheduler.cancel(true);
    scheduler.saveNow();
    expect(save).toHaveBeenCalledTimes(2);
  });

  it("reports a failed save and retries on the next change", async () => {
    const errors: unknown[] = [];
    const save = vi.fn().mockRejectedValueOnce(new Error("disk full")).mockResolvedValue(undefined);
    const scheduler = new AutosaveScheduler(save, timing, (e) => errors.push(e));
    scheduler.changed();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(errors).toHaveLength(1);
    scheduler.changed();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(save).toHaveBeenCalledTimes(2);
  });
});
