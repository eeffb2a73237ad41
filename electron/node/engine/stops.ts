// Stop strings over a stream of chunks (text with the token ids it came from), for backends whose
// server cannot say which stop string ended a generation. Text that could be the start of a stop
// string is held back until the next chunk decides; a chunk is released whole when none of its text
// can belong to a stop string, so streamed tokens and text stay aligned.

export interface Chunk {
  tokens: number[];
  text: string;
}

export interface StopHit {
  stop: string;
  /** What came after the stop string in the chunk that completed it. */
  remainder: string;
  /** Text before the stop string that had not been released yet (its tokens are unknown). */
  before: string;
}

export class StopDetector {
  private held: Chunk[] = [];
  private readonly stops: string[];

  constructor(stops: readonly string[]) {
    this.stops = stops.filter((s) => s.length > 0);
  }

  /**
   * Adds a chunk. Returns the chunks that are now safe to release, and the stop string when one is
   * complete (then nothing after it is released, and the detector should not be used further).
   */
  push(chunk: Chunk): { release: Chunk[]; hit?: StopHit } {
    this.held.push(chunk);
    const text = this.held.map((c) => c.text).join("");
    let first: { index: number; stop: string } | undefined;
    for (const stop of this.stops) {
      const index = text.indexOf(stop);
      if (index >= 0 && (!first || index < first.index)) first = { index, stop };
    }
    if (first) {
      // Release the held chunks that end before the stop string; the rest is cut.
      const release: Chunk[] = [];
      let offset = 0;
      while (this.held.length > 0 && offset + this.held[0]!.text.length <= first.index) {
        const c = this.held.shift()!;
        release.push(c);
        offset += c.text.length;
      }
      const afterStop = first.index + first.stop.length;
      const hit: StopHit = { stop: first.stop, before: text.slice(offset, first.index), remainder: "" };
      // The remainder is the rest of the chunk in which the stop string ends.
      let end = offset;
      for (const c of this.held) {
        end += c.text.length;
        if (end >= afterStop) {
          hit.remainder = text.slice(afterStop, end);
          break;
        }
      }
      this.held = [];
      return { release, hit };
    }
    const keep = this.heldSuffixLength(text);
    const release: Chunk[] = [];
    let releasable = text.length - keep;
    while (this.held.length > 0 && this.held[0]!.text.length <= releasable) {
      const c = this.held.shift()!;
      release.push(c);
      releasable -= c.text.length;
    }
    return { release };
  }

  /** Releases what is still held (at the end of a generation without a stop). */
  flush(): Chunk[] {
    const rest = this.held;
    this.held = [];
    return rest;
  }

  /** Length of the longest end of `text` that is the beginning of a stop string. */
  private heldSuffixLength(text: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let n = Math.min(stop.length - 1, text.length); n > longest; n--) {
        if (text.endsWith(stop.slice(0, n))) {
          longest = n;
          break;
        }
      }
    }
    return longest;
  }
}
