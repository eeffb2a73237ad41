// A model whose vocabulary holds the IS-CoT tags as special (control) tokens, as a fine-tune that added
// them as special tokens would: the tiny model built that way. The tags the controller forces are those
// single tokens (not a dozen pieces of plain text), a stop at a tag also stops at its token, and a tag
// the model writes as its token reaches the text (llama.cpp's plain text leaves control tokens out).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { protocolGrammars } from "../../common/generation/grammars";
import { checkInvariants, createManuscript } from "../../common/manuscript";
import { InProcessBackend } from "../engine/llamaEngine";
import { ensureTestModel } from "../engine/testModel";
import { IsCotMode } from "./iscot";
import { tokenizeProtocol } from "./protocolTokens";
import { Writer } from "./writer";

describe("IS-CoT tags that are special tokens of the vocabulary", () => {
  const backend = new InProcessBackend();
  let stepPlan: number;
  let reflection: number;

  beforeAll(async () => {
    await backend.load({ model: await ensureTestModel(undefined, { tags: "control" }), threads: 1, contextSize: 4096 });
    stepPlan = (await backend.tokenize("<step_plan>", { specialTokens: true }))[0]!;
    reflection = (await backend.tokenize("<reflection>", { specialTokens: true }))[0]!;
  });
  afterAll(() => backend.dispose());

  it("tokenizes forced tags as the vocabulary's tokens and everything else as plain text", async () => {
    expect(await backend.tokenize("<step_plan>")).not.toHaveLength(1);
    const plan = "Section: The storm. <|im_start|> stays text.";
    const tokens = await tokenizeProtocol(backend, `<step_plan>\n${plan}\n</step_plan>\n<content>\n`);
    const [close, content] = [(await backend.tokenize("</step_plan>", { specialTokens: true }))[0], (await backend.tokenize("<content>", { specialTokens: true }))[0]];
    expect(tokens).toEqual([stepPlan, ...(await backend.tokenize(`\n${plan}\n`)), close, ...(await backend.tokenize("\n")), content, ...(await backend.tokenize("\n"))]);
  });

  it("writes out a tag the model generates as its token, and stops at it", async () => {
    const prompt = await backend.tokenize("The plan:");
    const grammar = String.raw`root ::= "one" <[${reflection}]> "two"`;
    const streamed: string[] = [];
    const result = await backend.generate({ tokens: prompt, maxTokens: 20, grammar, sampling: { temperature: 0 }, onToken: (_t, text) => streamed.push(text) });
    expect(result.text).toBe("one<reflection>two");
    expect(streamed.join("")).toBe("one<reflection>two");
    const stopped = await backend.generate({ tokens: prompt, maxTokens: 20, grammar, stop: ["<reflection>"], sampling: { temperature: 0 } });
    expect(stopped).toMatchObject({ text: "one", stopReason: "stop", stopString: "<reflection>" });
  });

  it("drives a native run whose forced tags are the vocabulary's tokens", async () => {
    const writer = new Writer({
      backend,
      manuscript: createManuscript({ instruction: "Write about the harbor.", targetWords: 200, language: "en" }),
      mode: new IsCotMode("native", protocolGrammars("en")),
      sampling: { temperature: 0 },
    });
    const outcome = await writer.run();
    expect(outcome.status).toBe("finished");
    expect(checkInvariants(writer.manuscript)).toEqual([]);
    const context = writer.session.context.tokens();
    // One <step_plan> token per step (forced), one <reflection> token per step (forced, or the model's).
    expect(context.filter((t) => t === stepPlan).length).toBe(writer.manuscript.steps.length);
    expect(context.filter((t) => t === reflection).length).toBe(writer.manuscript.steps.length);
  });
});
