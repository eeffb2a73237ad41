// The judge against a loopback server that answers from a script: scores read as the official
// script reads them, malformed answers asked again and counted, failures bounded (time, size, tries).
import { createHash } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { qualityScore } from "../../common/metrics/quality";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { HttpJudge, JudgeRequestError, JUDGE_GRAMMAR, judgeWithRetries, LocalJudge } from "./judge";
import { fillJudgePrompt, JUDGE_PROMPT, JUDGE_PROMPT_SHA256 } from "./judgePrompt";
import { judgeAnswer, startJudgeServer, type ScriptedJudgeServer } from "./testing/loopback";

let server: ScriptedJudgeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const fast = { retryDelayMs: 0 };

describe("the judge prompt", () => {
  it("is LongBench-Write's judge.txt byte for byte", () => {
    expect(createHash("sha256").update(JUDGE_PROMPT, "utf8").digest("hex")).toBe(JUDGE_PROMPT_SHA256);
    expect(JUDGE_PROMPT).toContain("You do not need to consider whether the response meets the user's length requirements");
  });

  it("takes the request and the response as they are, $ signs included", () => {
    const prompt = fillJudgePrompt("Write about $RESPONSE$ and $&.", "Costs $5 and $'.");
    expect(prompt).toContain("<User Request>\n\nWrite about $RESPONSE$ and $&.\n\n</User Request>");
    expect(prompt).toContain("<Response>\n\nCosts $5 and $'.\n\n</Response>");
    expect(prompt).not.toContain("$INST$");
  });
});

describe("HttpJudge against a scripted loopback judge", () => {
  it("sends the official request and scores known answers with the official formula", async () => {
    const answers = [judgeAnswer([5, 4, 3, 2, 1, 4]), "```json\n" + judgeAnswer([3, 4, 5, 2, 1, 2]) + "\n```"];
    server = await startJudgeServer((_prompt, n) => answers[n]!, { apiKey: "k" });
    const judge = new HttpJudge({ baseUrl: `${server.url}/v1`, model: "judge", apiKey: "k", ...fast });
    const a = await judge.judge("Write a poem.", "Roses.");
    const b = await judge.judge("Write a story.", "Once.");
    expect(a).toMatchObject({ attempts: 1, malformed: 0, error: null });
    expect(server.requests[0]!.prompt).toBe(fillJudgePrompt("Write a poem.", "Roses."));
    expect(server.requests[0]!.body).toMatchObject({ model: "judge", temperature: 0.5, max_tokens: 1024, messages: [{ role: "user" }] });
    expect(server.requests[0]!.authorization).toBe("Bearer k");
    const q = qualityScore([a.scores!, b.scores!]);
    expect(q?.dimensions).toEqual({ Relevance: 75, Accuracy: 75, Coherence: 75, Clarity: 25, "Breadth and Depth": 0, "Reading Experience": 50 });
    expect(q?.score).toBe(50);
  });

  it("asks again after malformed answers and counts them", async () => {
    const answers = ["I think it is good.", '{"Relevance": 4}', judgeAnswer([4, 4, 4, 4, 4, 4])];
    server = await startJudgeServer((_p, n) => answers[n]!);
    const outcome = await new HttpJudge({ baseUrl: server.url, ...fast }).judge("a", "b");
    expect(outcome).toMatchObject({ attempts: 3, malformed: 2, failedRequests: 0, error: null, scores: { Clarity: 4 } });
  });

  it("gives up after five malformed answers, saying what the last one was", async () => {
    server = await startJudgeServer(() => "no scores here");
    const outcome = await new HttpJudge({ baseUrl: server.url, ...fast }).judge("a", "b");
    expect(outcome.scores).toBeNull();
    expect(outcome).toMatchObject({ attempts: 5, malformed: 5 });
    expect(outcome.error).toBe('5 answers could not be read as six scores; the last had no JSON object: "no scores here"');
    expect(server.requests).toHaveLength(5);
  });

  it("retries a server error a bounded number of times", async () => {
    server = await startJudgeServer(() => ({ status: 503, body: '{"error":{"message":"loading model"}}' }));
    const outcome = await new HttpJudge({ baseUrl: server.url, ...fast }).judge("a", "b");
    expect(outcome).toMatchObject({ scores: null, attempts: 3, failedRequests: 3, malformed: 0 });
    expect(outcome.error).toMatch(/^3 requests failed; the last: the judge answered 503 Service Unavailable: loading model$/);
  });

  it("does not retry a request the judge refuses", async () => {
    server = await startJudgeServer(() => ({ status: 400, body: '{"error":{"message":"the request exceeds the available context size"}}' }));
    const outcome = await new HttpJudge({ baseUrl: server.url, ...fast }).judge("a", "b");
    expect(outcome).toMatchObject({ scores: null, attempts: 1, failedRequests: 1 });
    expect(outcome.error).toMatch(/400 Bad Request: the request exceeds the available context size/);
  });

  it("gives up on a judge that does not answer within its deadline", async () => {
    server = await startJudgeServer(() => ({ hang: true }));
    const outcome = await new HttpJudge({ baseUrl: server.url, timeoutMs: 200, maxFailedRequests: 2, ...fast }).judge("a", "b");
    expect(outcome).toMatchObject({ scores: null, failedRequests: 2 });
    expect(outcome.error).toMatch(/did not answer \/v1\/chat\/completions within 0.2 s/);
  });

  it("cuts off an endless answer at its size limit", async () => {
    server = await startJudgeServer(() => ({ endless: true }));
    const outcome = await new HttpJudge({ baseUrl: server.url, maxAnswerBytes: 256 * 1024, maxFailedRequests: 1, ...fast }).judge("a", "b");
    expect(outcome.scores).toBeNull();
    expect(outcome.error).toMatch(/longer than 262144 bytes: cut off/);
  });

  it("stops asking when the run is stopped", async () => {
    server = await startJudgeServer(() => ({ hang: true }));
    const stop = new AbortController();
    const pending = new HttpJudge({ baseUrl: server.url, ...fast }).judge("a", "b", stop.signal);
    await expect.poll(() => server!.requests.length).toBe(1);
    stop.abort();
    expect((await pending).error).toBe("stopped before the judge answered");
  });

  it("checks the server, the key and the model before a run", async () => {
    server = await startJudgeServer(() => judgeAnswer([3, 3, 3, 3, 3, 3]), { apiKey: "k", models: ["qwen-judge", "other"] });
    await expect(new HttpJudge({ baseUrl: server.url, apiKey: "k" }).check()).resolves.toBe("qwen-judge");
    await expect(new HttpJudge({ baseUrl: server.url, apiKey: "k", model: "other" }).check()).resolves.toBe("other");
    await expect(new HttpJudge({ baseUrl: server.url, apiKey: "k", model: "gpt-4o" }).check()).rejects.toThrow(/has no model 'gpt-4o' \(it has: qwen-judge, other\)/);
    await expect(new HttpJudge({ baseUrl: server.url, apiKey: "wrong" }).check()).rejects.toThrow(/refused the request \(401\): check the API key/);
    await server.close();
    await expect(new HttpJudge({ baseUrl: server.url }).check()).rejects.toThrow(/The judge cannot be used: cannot reach the judge at http:\/\/127\.0\.0\.1:\d+: /);
    server = undefined;
  });
});

describe("judgeWithRetries", () => {
  it("stops at a request error that cannot pass", async () => {
    let calls = 0;
    const outcome = await judgeWithRetries(async () => {
      calls++;
      throw new JudgeRequestError("too long", false);
    }, "p");
    expect(calls).toBe(1);
    expect(outcome.error).toBe("too long");
  });
});

describe("LocalJudge", () => {
  it("asks the loaded model with the judge prompt and a grammar for the JSON", async () => {
    const backend = new ScriptedBackend(() => `${judgeAnswer([4, 5, 4, 4, 3, 4])}\u0000`);
    const judge = new LocalJudge(() => ({ backend, profile: null, useProtocolGrammars: false, sampling: { seed: 7 } }));
    const outcome = await judge.judge("Write a poem.", "Roses.");
    expect(outcome.scores).toMatchObject({ Relevance: 4, Accuracy: 5, "Breadth and Depth": 3 });
    expect(backend.calls[0]!.context).toContain("<User Request>\n\nWrite a poem.");
    expect(backend.calls[0]!.sampling).toEqual({ temperature: 0.5, seed: 7 });
    expect(judge.note).toMatch(/comparable only with the same judge model/);
    expect(judge.description).toBe("local: scripted");
    expect(JUDGE_GRAMMAR).toMatch(/^root ::= "\{\\"Analysis\\": \\""/);
  });

  it("refuses a prompt that does not fit the judge's context, without retrying", async () => {
    const backend = new ScriptedBackend(() => "x", { contextSize: 2000 });
    const outcome = await new LocalJudge(() => ({ backend, profile: null, useProtocolGrammars: false })).judge("a", "b".repeat(5000));
    expect(outcome).toMatchObject({ scores: null, attempts: 1 });
    expect(outcome.error).toMatch(/do not fit the judge's context of 2000 tokens/);
    expect(backend.calls).toHaveLength(0);
  });
});
