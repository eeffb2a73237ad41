import { spawn } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkInvariants } from "../../common/manuscript";
import { readProjectFile } from "./projectFile";
import { RecentProjects } from "./recent";
import { ProjectsService } from "./service";
import { largeManuscript } from "../../common/testing/sampleManuscript";

// A writer process that saves in a loop is killed with SIGKILL at random moments (while starting,
// opening, writing the journal, writing the project, renaming), 200 times. After each kill the project
// must open, and hold at least everything the writer had reported as autosaved.

const KILLS = 200;
const WORKERS = 2;

let dir: string;
let child: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-crash-"));
  child = path.join(dir, "crashChild.mjs");
  await build({ entryPoints: [path.join(import.meta.dirname, "testing", "crashChild.ts")], outfile: child, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning" });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  lastAutosaved: number;
  exitCode: number | null;
}

/** Runs the writer and kills it after `delayMs`, or `afterAutosaves` autosaves plus `delayMs`. */
function runAndKill(projectPath: string, dataDir: string, plan: { afterAutosaves: number; delayMs: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, projectPath, dataDir], { stdio: ["ignore", "pipe", "pipe"] });
    let lastAutosaved = -1;
    let seen = 0;
    let killTimer: ReturnType<typeof setTimeout> | undefined;
    let stderr = "";
    const kill = () => proc.kill("SIGKILL");
    if (plan.afterAutosaves === 0) killTimer = setTimeout(kill, plan.delayMs);
    let buffer = "";
    proc.stdout.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        const autosaved = /^autosaved (\d+)$/.exec(line);
        if (!autosaved) continue;
        lastAutosaved = Number(autosaved[1]);
        if (++seen === plan.afterAutosaves) killTimer = setTimeout(kill, plan.delayMs);
      }
    });
    proc.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    proc.on("error", reject);
    proc.on("exit", (code, signal) => {
      clearTimeout(killTimer);
      if (signal !== "SIGKILL") reject(new Error(`the writer stopped by itself (exit ${code}): ${stderr}`));
      else resolve({ lastAutosaved, exitCode: code });
    });
  });
}

async function worker(n: number, kills: number): Promise<{ recovered: number; counters: number[] }> {
  const folder = path.join(dir, `w${n}`);
  const dataDir = path.join(folder, "appdata");
  await mkdir(folder, { recursive: true });
  const projectPath = path.join(folder, "novel.draftline");
  const setup = new ProjectsService({ dataDir, recent: new RecentProjects(dataDir), appVersion: "crash-test" });
  const created = await setup.create({ instruction: "A long story.", targetWords: 1000, path: projectPath });
  setup.update(created.projectId, () => ({ ...largeManuscript(5_000), targetWords: 1000 }), { source: "writer" });
  await setup.save(created.projectId);
  await setup.close(created.projectId);

  let recovered = 0;
  let highest = 0;
  const counters: number[] = [];
  for (let i = 0; i < kills; i++) {
    // One kill in five lands anywhere from start-up on; the others in the middle of the save loop,
    // within the next few writes after the first autosave.
    const early = Math.random() < 0.2;
    const run = await runAndKill(projectPath, dataDir, early ? { afterAutosaves: 0, delayMs: Math.random() * 250 } : { afterAutosaves: 1, delayMs: Math.random() * 12 });

    // The project file itself is always readable, whatever moment the kill hit.
    await expect(readProjectFile(projectPath)).resolves.toMatchObject({ format: "draftline-project" });

    const service = new ProjectsService({ dataDir, recent: new RecentProjects(dataDir), appVersion: "crash-test" });
    const opened = await service.open(projectPath);
    expect(opened.project.readOnly).toBe(false);
    const counter = (opened.project.manuscript.targetWords ?? 0) - 1000;
    // Everything the writer reported autosaved is there; nothing older than what was there before.
    expect(counter).toBeGreaterThanOrEqual(Math.max(run.lastAutosaved, highest));
    highest = counter;
    counters.push(counter);
    if (opened.recovery.recovered) recovered++;
    if (i % 20 === 0) expect(checkInvariants(opened.project.manuscript)).toEqual([]);
    expect((await readdir(folder)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    await service.close(opened.project.projectId);
  }
  return { recovered, counters };
}

describe("a writer killed at random moments", () => {
  it(`never leaves an unreadable project and recovery restores the last autosave (${KILLS} kills)`, { timeout: 900_000 }, async () => {
    const results = await Promise.all(Array.from({ length: WORKERS }, (_, n) => worker(n, KILLS / WORKERS)));
    // The kills did hit the writer mid-work: recoveries from the journal happened, and it made progress.
    expect(results.reduce((sum, r) => sum + r.recovered, 0)).toBeGreaterThan(KILLS / 4);
    for (const r of results) expect(r.counters[r.counters.length - 1]).toBeGreaterThan(KILLS / WORKERS / 2);
  });
});
