// `draftline doctor` with real node-llama-cpp: the tiny test model (random weights held to its mode's
// format by grammars, one thread) writes the check's 600-word document, and the report says so.
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DoctorReport } from "../../../common/api/models";
import { ensureTestModel } from "../../engine/testModel";
import type { CliIO } from "../command";
import { doctorCommand } from "./doctor";

describe("draftline doctor with the tiny model", () => {
  let dir: string;
  let model: string;
  beforeAll(async () => {
    model = await ensureTestModel();
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-doctor-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  function io() {
    const stdout = new PassThrough();
    let out = "";
    stdout.on("data", (c: Buffer) => (out += c.toString()));
    const value: CliIO = { stdin: Readable.from([""]), stdout, stderr: new PassThrough(), isTTY: false, cwd: dir, env: { DRAFTLINE_HOME: path.join(dir, "home"), DRAFTLINE_THREADS: "1" } };
    return { io: value, out: () => out };
  }

  it("reports the session in the model's profile: tags followed, plan read, each step and request", async () => {
    const { io: cli, out } = io();
    const code = await doctorCommand.run(["--model", model, "--context", "4096"], cli);
    const text = out();
    expect(code, text).toBe(0);
    expect(text).toMatch(/^Model {9}Draftline tiny test model, in the native mode\n/);
    expect(text).toMatch(/\nOutcome {7}finished: \d+ words\./);
    expect(text).toMatch(/\nTags {10}followed: yes \(/);
    expect(text).toMatch(/\nRepetition {4}(none|\d+ cuts?) \(/);
    expect(text).toMatch(/\nThinking {6}leaked: no/);
    expect(text).toMatch(/\nPlan {10}read: yes, budgets given: yes/);
    expect(text).toMatch(/\nSpeed {9}(\d+(\.\d)? tokens per second|too fast to time)\n/);
    expect(text).toMatch(/\n {3}1\. stop at "<\/global_plan>": \d+ → \d+, \d+\.\d s\n/);
  });

  it("reports as JSON in another mode", async () => {
    const { io: cli, out } = io();
    const code = await doctorCommand.run(["--model", model, "--context", "4096", "--mode", "agentwrite", "--json"], cli);
    expect(code, out()).toBe(0);
    const report = JSON.parse(out()) as DoctorReport;
    expect(report).toMatchObject({ mode: "agentwrite", outcome: { status: "finished" }, plan: { read: true } });
    expect(report.outcome.words).toBeGreaterThanOrEqual(540);
    expect(report.steps.length).toBeGreaterThanOrEqual(report.plan.sections);
    expect(report.requests.every((r) => r.stopReason !== "maxTokens")).toBe(true);
  });
});
