// Figures that change with every token (word counts, fills, speed) are shown at most ten times a
// second: nobody reads a number that changes sixty times a second, and each render costs the
// window layout and paint the writer's typing needs. A change after a quiet moment shows at once, and
// so does the change that pauses, stops or finishes the run: the figures beside "Stopped" are final.
import { useRef, useSyncExternalStore } from "react";
import type { Store } from "./store";
import { useStore } from "./store";

export const LIVE_INTERVAL_MS = 100;

type Subscribe = (listener: (s: Store, prev: Store) => void) => () => void;

/**
 * Subscribes `listener` to the store at most once per LIVE_INTERVAL_MS (the last change of a burst is
 * never lost: a timer brings it), and at once when the generation's status changes.
 */
export function subscribeThrottled(subscribe: Subscribe, listener: () => void, now: () => number = () => performance.now()): () => void {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    last = now();
    listener();
  };
  const unsubscribe = subscribe((s, prev) => {
    if (s.generation?.status !== prev.generation?.status) return fire();
    if (timer) return;
    const wait = LIVE_INTERVAL_MS - (now() - last);
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

const subscribeLive = (listener: () => void) => subscribeThrottled(useStore.subscribe, listener);

/** Like useStore(selector), re-rendering at most every LIVE_INTERVAL_MS; `equal` keeps equal selections the same. */
export function useLiveStore<T>(selector: (s: Store) => T, equal: (a: T, b: T) => boolean = Object.is): T {
  const last = useRef<{ value: T } | null>(null);
  const snapshot = () => {
    const next = selector(useStore.getState());
    if (last.current && equal(last.current.value, next)) return last.current.value;
    last.current = { value: next };
    return next;
  };
  return useSyncExternalStore(subscribeLive, snapshot);
}

/** Equal arrays of equal items. */
export const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
