import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration } from "./format";

describe("figures", () => {
  it("sizes in the unit a person reads", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1_500_000)).toBe("1.5 MB");
    expect(formatBytes(4_920_000_000)).toBe("4.9 GB");
    expect(formatBytes(52_000_000)).toBe("52 MB");
  });

  it("durations as a clock", () => {
    expect(formatDuration(5_400)).toBe("0:05");
    expect(formatDuration(754_000)).toBe("12:34");
    expect(formatDuration(3_723_000)).toBe("1:02:03");
  });
});
