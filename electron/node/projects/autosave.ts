/**
 * When to autosave: a few seconds after the last change (debounced, so typing does not save on every
 * key), but at least every `maxWaitMs` under a steady stream of changes (the model writing), so a crash
 * never loses more than that; and at once when asked (`saveNow`: the model closed a step). Saves never
 * overlap: a change during a save schedules one more.
 */
export interface AutosaveTiming {
  /** Quiet time after a change before saving. */
  debounceMs: number;
  /** Longest time a change may wait while changes keep coming. */
  maxWaitMs: number;
}

export const DEFAULT_AUTOSAVE_TIMING: AutosaveTiming = { debounceMs: 2_000, maxWaitMs: 5_000 };

export class AutosaveScheduler {
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the oldest unsaved change happened (null: nothing waiting). */
  private firstPendingAt: number | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** The save after the one in progress starts at once (saveNow was called during a save). */
  private urgent = false;
  private stopped = false;

  constructor(
    private readonly save: () => Promise<void>,
    private readonly timing: AutosaveTiming = DEFAULT_AUTOSAVE_TIMING,
    /** Reports a failed autosave (the next change retries). */
    private readonly onError: (error: unknown) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  /** A change happened: (re)arm the timer. */
  changed(): void {
    if (this.stopped) return;
    const now = this.now();
    this.firstPendingAt ??= now;
    const dueByMaxWait = this.firstPendingAt + this.timing.maxWaitMs;
    const delay = Math.max(0, Math.min(now + this.timing.debounceMs, dueByMaxWait) - now);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fire(), delay);
  }

  /**
   * Saves without waiting for the timer: now, or as soon as the save in progress ends. Does not wait
   * for it (failures go to onError, like a timed save's).
   */
  saveNow(): void {
    if (this.stopped) return;
    this.firstPendingAt ??= this.now();
    if (this.running) {
      this.again = true;
      this.urgent = true;
      return;
    }
    void this.fire();
  }

  get pending(): boolean {
    return this.firstPendingAt !== null || this.again;
  }

  /** Saves now if a change is waiting, and waits for any save in progress. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.firstPendingAt !== null) await this.fire();
    while (this.running) await this.running;
  }

  /** Cancels what is waiting (after a manual save, or on close) and stops taking changes if `final`. */
  cancel(final = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.firstPendingAt = null;
    this.again = false;
    this.urgent = false;
    if (final) this.stopped = true;
  }

  private async fire(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.firstPendingAt = null;
    this.running = (async () => {
      try {
        await this.save();
      } catch (error) {
        this.onError(error);
      } finally {
        this.running = null;
      }
      if (this.again && !this.stopped) {
        this.again = false;
        if (this.urgent) {
          this.urgent = false;
          void this.fire();
        } else this.changed();
      }
    })();
    return this.running;
  }
}
