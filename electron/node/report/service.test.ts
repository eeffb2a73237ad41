// The report's back end through the API contract: settings kept in report.json (never the API key),
// cleaned and checked; the judge asked about a document, against a scripted loopback judge.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dispatch } from "../../common/api/server";
import { createManuscript } from "../../common/manuscript/reducer";
import type { Manuscript } from "../../common/manuscript/types";
import { DEFAULT_STOCK_PHRASES } from "../../common/report/report";
import { judgeAnswer, startJudgeServer, type ScriptedJudgeServer } from "../eval/testing/loopback";
import { ScriptedBackend } from "../engine/testing/scriptedBackend";
import { reportHandlers } from "./handlers";
import { ReportService } from "./service";

let dir: string;
let server: ScriptedJudgeServer | undefined;
let busy = false;
const docs = new Map<string, Manuscript>();

function written(text: string): Manuscript {
  return {
    ...createManuscript({ instruction: "Write about the sea.", targetWords: 10 }),
    sections: [{ id: "sec-1", title: "Waves", brief: "", budget: 10 }],
    steps: [{ id: "step-1", sectionId: "sec-1", plan: "", planComplete: true, targetWords: null, content: text, reflection: "", progress: null, words: 3, status: "done" }],
  };
}

function service(): ReportService {
  return new ReportService({
    dataDir: dir,
    manuscript: (id) => {
      const m = docs.get(id);
      if (!m) throw new Error(`No document ${id}.`);
      return m;
    },
    model: () => ({ backend: new ScriptedBackend(() => `${judgeAnswer([2, 2, 2, 2, 2, 2])}\u0000`), profile: null, useProtocolGrammars: false }),
    busy: () => busy,
    retryDelayMs: 0,
  });
}

async function call(s: ReportService, method: string, params: unknown): Promise<unknown> {
  const reply = await dispatch(reportHandlers(s), { kind: "request", id: 1, method, params }, { clientId: "test" });
  if (!reply.ok) throw new Error(`${reply.error.code}: ${reply.error.message}`);
  return reply.result;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-report-"));
  busy = false;
  docs.set("p1", written("The waves came."));
  docs.set("empty", createManuscript({ instruction: "x" }));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(dir, { recursive: true, force: true });
});

describe("report settings", () => {
  it("start with the default stock phrases and no judge, and keep the writer's list in report.json", async () => {
    const s = service();
    await s.boot();
    expect(await call(s, "report.settings", {})).toEqual({ stockPhrases: [...DEFAULT_STOCK_PHRASES], judge: null });
    expect(await call(s, "report.setSettings", { stockPhrases: ["  delve  into ", "Delve into", "", "tapestry"] })).toMatchObject({ stockPhrases: ["delve into", "tapestry"] });
    const again = service();
    await again.boot();
    expect(((await call(again, "report.settings", {})) as { stockPhrases: string[] }).stockPhrases).toEqual(["delve into", "tapestry"]);
  });

  it("keep the judge's server and model, and its API key for the session only", async () => {
    const s = service();
    await s.boot();
    const set = await call(s, "report.setSettings", { judge: { kind: "server", url: "http://127.0.0.1:8081", model: "qwen", apiKey: "secret" } });
    expect(set).toMatchObject({ judge: { kind: "server", url: "http://127.0.0.1:8081", model: "qwen", hasApiKey: true } });
    const file = await readFile(path.join(dir, "report.json"), "utf8");
    expect(file).not.toContain("secret");
    expect(JSON.parse(file)).toMatchObject({ version: 1, judge: { kind: "server", url: "http://127.0.0.1:8081", model: "qwen" } });
    // Changing the model keeps the key; null clears it.
    expect(await call(s, "report.setSettings", { judge: { kind: "server", url: "http://127.0.0.1:8081", model: null } })).toMatchObject({ judge: { model: null, hasApiKey: true } });
    expect(await call(s, "report.setSettings", { judge: { kind: "server", url: "http://127.0.0.1:8081", apiKey: null } })).toMatchObject({ judge: { hasApiKey: false } });
    const restarted = service();
    await restarted.boot();
    expect(await call(restarted, "report.settings", {})).toMatchObject({ judge: { kind: "server", hasApiKey: false } });
    expect(await call(restarted, "report.setSettings", { judge: null })).toMatchObject({ judge: null });
  });

  it("refuses a phrase too long, a list too long and an address that is not http, keeping what was set", async () => {
    const s = service();
    await s.boot();
    await expect(call(s, "report.setSettings", { stockPhrases: ["x".repeat(101)] })).rejects.toThrow(/bad-params: A stock phrase is at most 100 characters/);
    await expect(call(s, "report.setSettings", { stockPhrases: Array.from({ length: 201 }, (_, i) => `p${i}`) })).rejects.toThrow(/bad-params: The list holds at most 200/);
    await expect(call(s, "report.setSettings", { judge: { kind: "server", url: "file:///etc/passwd" } })).rejects.toThrow(/bad-params: The judge's address must start with http/);
    await expect(call(s, "report.setSettings", { judge: { kind: "server", url: "not a url" } })).rejects.toThrow(/bad-params/);
    expect(await call(s, "report.settings", {})).toEqual({ stockPhrases: [...DEFAULT_STOCK_PHRASES], judge: null });
  });

  it("use the defaults when report.json is damaged, and say why in the log", async () => {
    await writeFile(path.join(dir, "report.json"), "{ not json");
    const logged: unknown[] = [];
    const s = new ReportService({ dataDir: dir, manuscript: () => written(""), model: () => { throw new Error("none"); }, busy: () => false, log: (event, fields) => logged.push({ event, fields }) });
    await s.boot();
    expect(s.getSettings()).toEqual({ stockPhrases: [...DEFAULT_STOCK_PHRASES], judge: null });
    expect(logged).toEqual([{ event: "report.settings-unreadable", fields: { problem: expect.stringMatching(/report\.json is not valid report settings/) } }]);
    expect(await readFile(path.join(dir, "report.json"), "utf8")).toBe("{ not json");
  });
});

describe("report.judge", () => {
  it("scores the document with the judge server: the six scores and S_q", async () => {
    server = await startJudgeServer((_p, n) => (n === 0 ? "no idea" : judgeAnswer([5, 4, 3, 2, 1, 4], "Short but clear.")), { apiKey: "k" });
    const s = service();
    await s.boot();
    await call(s, "report.setSettings", { judge: { kind: "server", url: server.url, apiKey: "k" } });
    const report = await call(s, "report.judge", { projectId: "p1" });
    expect(report).toEqual({
      judge: server.url,
      note: null,
      scores: { Relevance: 5, Accuracy: 4, Coherence: 3, Clarity: 2, "Breadth and Depth": 1, "Reading Experience": 4 },
      dimensions: { Relevance: 100, Accuracy: 75, Coherence: 50, Clarity: 25, "Breadth and Depth": 0, "Reading Experience": 75 },
      score: 54.166666666666664,
      analysis: "Short but clear.",
      attempts: 2,
      malformed: 1,
      error: null,
    });
    expect(server.requests[1]!.prompt).toContain("<Response>\n\n## Waves\n\nThe waves came.\n\n</Response>");
  });

  it("reports a judge that gives no scores, with its reason", async () => {
    server = await startJudgeServer(() => ({ status: 401, body: '{"error":{"message":"Invalid API Key"}}' }));
    const s = service();
    await s.boot();
    await call(s, "report.setSettings", { judge: { kind: "server", url: server.url } });
    expect(await call(s, "report.judge", { projectId: "p1" })).toMatchObject({ scores: null, dimensions: null, score: null, error: "the judge answered 401 Unauthorized: Invalid API Key" });
  });

  it("judges with the loaded model, but not while it writes a document", async () => {
    const s = service();
    await s.boot();
    await expect(call(s, "report.judge", { projectId: "p1" })).rejects.toThrow(/failed: No judge is set/);
    await call(s, "report.setSettings", { judge: { kind: "local" } });
    expect(await call(s, "report.judge", { projectId: "p1" })).toMatchObject({ judge: "local: scripted", note: expect.stringMatching(/comparable only/), score: 25 });
    busy = true;
    await expect(call(s, "report.judge", { projectId: "p1" })).rejects.toThrow(/The model is writing a document/);
    busy = false;
    await expect(call(s, "report.judge", { projectId: "empty" })).rejects.toThrow(/The document has no text yet/);
  });
});
