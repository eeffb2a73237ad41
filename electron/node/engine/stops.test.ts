import { describe, expect, it } from "vitest";
import { StopDetector, type Chunk } from "./stops";

const chunk = (text: string, id = 0): Chunk => ({ tokens: [id], text });

function run(stops: string[], texts: string[]) {
  const detector = new StopDetector(stops);
  const released: string[] = [];
  for (const [i, text] of texts.entries()) {
    const { release, hit } = detector.push(chunk(text, i));
    released.push(...release.map((c) => c.text));
    if (hit) return { released, hit };
  }
  released.push(...detector.flush().map((c) => c.text));
  return { released, hit: undefined };
}

describe("StopDetector", () => {
  it("releases text that cannot start a stop string at once", () => {
    const detector = new StopDetector(["</reflection>"]);
    expect(detector.push(chunk("hello ")).release.map((c) => c.text)).toEqual(["hello "]);
  });

  it("holds a chunk that may begin a stop string until the next chunk decides", () => {
    const detector = new StopDetector(["</reflection>"]);
    expect(detector.push(chunk("word </")).release).toEqual([]);
    expect(detector.push(chunk("p> more")).release.map((c) => c.text)).toEqual(["word </", "p> more"]);
  });

  it("finds a stop string split across chunks and reports the text after it", () => {
    const { released, hit } = run(["</reflection>"], ["done.", " </refl", "ection>\n<st", "ep_plan>"]);
    expect(released).toEqual(["done."]);
    expect(hit).toEqual({ stop: "</reflection>", before: " ", remainder: "\n<st" });
  });

  it("reports the stop string that occurs first when several match", () => {
    const { hit } = run(["</content>", "<reflection>"], ["a <reflection> b </content>"]);
    expect(hit?.stop).toBe("<reflection>");
    expect(hit?.before).toBe("a ");
    expect(hit?.remainder).toBe(" b </content>");
  });

  it("releases everything held when the stream ends without a stop", () => {
    const { released, hit } = run(["</reflection>"], ["text </re"]);
    expect(hit).toBeUndefined();
    expect(released.join("")).toBe("text </re");
  });

  it("ignores empty stop strings", () => {
    const { released, hit } = run([""], ["abc"]);
    expect(hit).toBeUndefined();
    expect(released).toEqual(["abc"]);
  });
});
