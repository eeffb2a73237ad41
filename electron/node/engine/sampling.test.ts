// The sampling a request asks for reaches node-llama-cpp as it was set: the presence and frequency
// penalties too, without the repeat penalty node-llama-cpp would otherwise add.
import { describe, expect, it } from "vitest";
import { DEFAULT_SAMPLING } from "../../common/engine/types";
import { completionSampling } from "./sampling";

describe("a request's sampling as node-llama-cpp options", () => {
  it("passes the default sampling of long prose on, not greedy decoding", () => {
    expect(completionSampling(DEFAULT_SAMPLING)).toEqual({ temperature: 0.7, topP: 0.9, minP: 0.05, topK: undefined, seed: undefined, repeatPenalty: false });
  });

  it("passes the presence and frequency penalties, with the repeat penalty off unless it is set", () => {
    expect(completionSampling({ temperature: 0.7, presencePenalty: 0.4, frequencyPenalty: 0.2 }).repeatPenalty).toEqual({ penalty: 1, presencePenalty: 0.4, frequencyPenalty: 0.2 });
    expect(completionSampling({ repeatPenalty: 1.1, frequencyPenalty: 0.3 }).repeatPenalty).toEqual({ penalty: 1.1, frequencyPenalty: 0.3 });
    expect(completionSampling({ repeatPenalty: 1, presencePenalty: 0 }).repeatPenalty).toBe(false);
  });

  it("decodes greedily only when no temperature is given", () => {
    expect(completionSampling({}).temperature).toBe(0);
    expect(completionSampling({ temperature: 0.6, seed: 7 })).toMatchObject({ temperature: 0.6, seed: 7 });
  });
});
