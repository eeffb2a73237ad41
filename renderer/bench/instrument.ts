// What the renderer benchmark (bench/renderer.bench.ts) measures inside the page: long tasks, the
// latency of a key press, opening a project, and the store's figures. Installed before the app.
import { writtenWords } from "../../electron/common/generation/rules";
import type { AppStore } from "../src/store/store";

export interface KeyLatency {
  /** From the keydown's time stamp to the DOM holding the change. */
  dom: number;
  /** To the frame after it: a requestAnimationFrame callback, then a posted message (after the paint). */
  frame: number;
}

export interface OpenTiming {
  /** Until the draft shows the last step and the timeline its last step card. */
  shownMs: number;
  /** Until a task posted after the next frame runs: nothing holds the main thread any more. */
  interactiveMs: number;
  steps: number;
  words: number;
}

export interface LongFrame {
  start: number;
  duration: number;
  blockingDuration: number;
  /** From the frame's start to its rendering (style, layout, paint) and to its style and layout. */
  renderStart: number;
  styleAndLayoutStart: number;
  scripts: { invoker: string; source: string; duration: number; forcedStyleAndLayout: number }[];
}

export interface BenchInstruments {
  longTasks: { start: number; duration: number }[];
  /** Frames over 50 ms (Long Animation Frames): where their time went, to see what a long task was. */
  longFrames: LongFrame[];
  /** Arms the probe: `keyLatency` then resolves with the latency of the next key press in the editor. */
  armKey(): boolean;
  /** null: the key press changed nothing in the step within 5 s (lost). */
  keyLatency: Promise<KeyLatency | null> | null;
  /** Where the last key press went: the step it was typed in, if any. */
  lastKeyTarget: string | null;
  openProject(path: string): Promise<OpenTiming>;
  words(): number;
  status(): string;
  /** Puts the cursor at the start of a step's text and the keyboard in the draft. */
  cursorInto(stepId: string): boolean;
}

/** The Long Animation Frames entry, which the DOM types here do not have yet. */
interface LoafEntry extends PerformanceEntry {
  blockingDuration: number;
  renderStart: number;
  styleAndLayoutStart: number;
  scripts: { invoker: string; sourceFunctionName: string; sourceCharPosition: number; duration: number; forcedStyleAndLayoutDuration: number }[];
}

declare global {
  interface Window {
    bench?: BenchInstruments;
  }
}

export function installBenchInstruments(store: AppStore): BenchInstruments {
  const longTasks: BenchInstruments["longTasks"] = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: "longtask", buffered: true });
  const longFrames: LongFrame[] = [];
  if (PerformanceObserver.supportedEntryTypes.includes("long-animation-frame")) {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as LoafEntry[]) {
        longFrames.push({
          start: e.startTime,
          duration: e.duration,
          blockingDuration: e.blockingDuration,
          renderStart: e.renderStart ? e.renderStart - e.startTime : 0,
          styleAndLayoutStart: e.styleAndLayoutStart ? e.styleAndLayoutStart - e.startTime : 0,
          scripts: e.scripts.map((x) => ({ invoker: x.invoker, source: `${x.sourceFunctionName}@${x.sourceCharPosition}`, duration: x.duration, forcedStyleAndLayout: x.forcedStyleAndLayoutDuration })),
        });
      }
    }).observe({ type: "long-animation-frame", buffered: true });
  }

  const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

  /**
   * The latency of the next key press in the editor: to the first change of the DOM inside the step
   * the cursor is in (the model's text changes other steps meanwhile), and to the frame after it.
   */
  const probeKey = () =>
    new Promise<KeyLatency | null>((resolve) => {
      // A key press that changes nothing in its step within 5 s is reported as lost (null).
      setTimeout(() => resolve(null), 5000);
      window.addEventListener(
        "keydown",
        (event) => {
          const down = event.timeStamp;
          const anchor = document.getSelection()?.anchorNode ?? null;
          const block = (anchor instanceof Element ? anchor : anchor?.parentElement)?.closest("section[data-step-id]");
          instruments.lastKeyTarget = block?.getAttribute("data-step-id") ?? `${document.activeElement?.tagName ?? "none"}:${anchor?.nodeName ?? "no selection"}`;
          if (!block) return;
          const observer = new MutationObserver(() => {
            observer.disconnect();
            const dom = performance.now() - down;
            requestAnimationFrame(() => {
              const channel = new MessageChannel();
              channel.port1.onmessage = () => resolve({ dom, frame: performance.now() - down });
              channel.port2.postMessage(null);
            });
          });
          observer.observe(block, { characterData: true, childList: true, subtree: true });
        },
        { capture: true, once: true },
      );
    });

  const instruments: BenchInstruments = {
    longTasks,
    longFrames,
    keyLatency: null,
    lastKeyTarget: null,
    armKey: () => {
      instruments.keyLatency = probeKey();
      return true;
    },
    openProject: async (path) => {
      const start = performance.now();
      const outcome = await store.getState().openDocument(path);
      if (!outcome.ok) throw new Error(outcome.message);
      const steps = store.getState().manuscript!.steps;
      const last = steps[steps.length - 1]!.id;
      while (!document.querySelector(`.draft section[data-step-id="${last}"]`) || !document.querySelector(`li.step-card[data-step-card="${last}"]`)) await nextFrame();
      const shownMs = performance.now() - start;
      await new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
      return { shownMs, interactiveMs: performance.now() - start, steps: steps.length, words: writtenWords({ steps }) };
    },
    cursorInto: (stepId) => {
      store.getState().showInDraft("step", stepId, null);
      const editor = document.querySelector<HTMLElement>(".ProseMirror");
      editor?.focus();
      return editor !== null;
    },
    words: () => {
      const m = store.getState().manuscript;
      return m ? writtenWords(m) : 0;
    },
    status: () => store.getState().generation?.status ?? "idle",
  };
  window.bench = instruments;
  return instruments;
}
