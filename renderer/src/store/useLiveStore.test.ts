import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { GenerationState } from "../../../electron/common/api";
import { createAppStore } from "./store";
import { LIVE_INTERVAL_MS, subscribeThrottled } from "./useLiveStore";

const state = (status: GenerationState["status"]) => ({ status }) as GenerationState;

describe("live figures (word counts, speed) follow the store at most ten times a second", () => {
  let clock = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 1_000;
  });
  afterEach(() => vi.useRealTimers());
  const advance = (ms: number) => {
    clock += ms;
    vi.advanceTimersByTime(ms);
  };
  /** A store while the model writes, and a throttled listener on it. */
  const subscribed = () => {
    const store = createAppStore();
    store.setState({ generation: state("writing") });
    const listener = vi.fn();
    const stop = subscribeThrottled(store.subscribe, listener, () => clock);
    return { store, listener, stop };
  };

  it("a burst of changes shows its first at once and its last within the interval", () => {
    const { store, listener, stop } = subscribed();
    store.setState({ generation: state("writing") });
    expect(listener).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 5; i++) {
      advance(10);
      store.setState({ generation: state("writing") });
    }
    expect(listener).toHaveBeenCalledTimes(1);
    advance(LIVE_INTERVAL_MS);
    expect(listener).toHaveBeenCalledTimes(2);
    stop();
  });

  it("the change that stops (or pauses) the run shows at once, with the figures it brings", () => {
    const { store, listener, stop } = subscribed();
    store.setState({ generation: state("writing") });
    advance(10);
    store.setState({ generation: state("writing") });
    expect(listener).toHaveBeenCalledTimes(1);
    // The last words and "Stopped" arrive within the interval: the writer sees both at once.
    store.setState({ generation: state("stopped") });
    expect(listener).toHaveBeenCalledTimes(2);
    // The timer of the held change is gone: nothing fires twice for it.
    advance(LIVE_INTERVAL_MS * 2);
    expect(listener).toHaveBeenCalledTimes(2);
    stop();
  });

  it("nothing fires after unsubscribing, not even a held change", () => {
    const { store, listener, stop } = subscribed();
    store.setState({ generation: state("writing") });
    advance(5);
    store.setState({ generation: state("writing") });
    stop();
    advance(LIVE_INTERVAL_MS * 2);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
