// Figures that change with every token (word counts, fills, speed) are shown at most ten times a
// second: nobody reads a number that changes sixty times a second, and each render costs the
// window layout and paint the writer's typing needs. A change after a quiet moment shows at once.
import { useRef, useSyncExternalStore } from "react";
import type { Store } from "./store";
import { useStore } from "./store";

export const LIVE_INTERVAL_MS = 100;

function subscribeThrottled(listener: () => void): () => void {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const fire = () => {
    timer = null;
    last = performance.now();
    listener();
  };
  const unsubscribe = useStore.subscribe(() => {
    if (timer) return;
    const wait = LIVE_INTERVAL_MS - (performance.now() - last);
    if (wait <= 0) fire();
    else timer = setTimeout(fire, wait);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

/** Like useStore(selector), re-rendering at most every LIVE_INTERVAL_MS; `equal` keeps equal selections the same. */
export function useLiveStore<T>(selector: (s: Store) => T, equal: (a: T, b: T) => boolean = Object.is): T {
  const last = useRef<{ value: T } | null>(null);
  const snapshot = () => {
    const next = selector(useStore.getState());
    if (last.current && equal(last.current.value, next)) return last.current.value;
    last.current = { value: next };
    return next;
  };
  return useSyncExternalStore(subscribeThrottled, snapshot);
}

/** Equal arrays of equal items. */
export const sameItems = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
