import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lockPathFor, ProjectLock } from "./lock";

let dir: string;
let project: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-lock-"));
  project = path.join(dir, "novel.draftline");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited (and been reaped), so it is certainly not running. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  return child.pid ?? 999_999;
}

describe("ProjectLock", () => {
  it("refuses a second writer while the first holds the lock, and lets it in after release", async () => {
    const first = new ProjectLock(project);
    const second = new ProjectLock(project);
    expect(await first.acquire()).toEqual({ acquired: true });
    const refused = await second.acquire();
    expect(refused).toMatchObject({ acquired: false, holder: { pid: process.pid, hostname: os.hostname() } });
    await first.release();
    expect(await second.acquire()).toEqual({ acquired: true });
    expect(await second.stillHeld()).toBe(true);
  });

  it("refuses a writer in another live process", async () => {
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
    try {
      await writeFile(lockPathFor(project), JSON.stringify({ app: "draftline", pid: other.pid, hostname: os.hostname(), acquiredAt: 1, token: "theirs" }));
      expect(await new ProjectLock(project).acquire()).toMatchObject({ acquired: false, holder: { pid: other.pid } });
    } finally {
      other.kill("SIGKILL");
    }
  });

  it("takes over a stale lock whose process is dead", async () => {
    const pid = await deadPid();
    await writeFile(lockPathFor(project), JSON.stringify({ app: "draftline", pid, hostname: os.hostname(), acquiredAt: 1, token: "gone" }));
    const lock = new ProjectLock(project);
    expect(await lock.acquire()).toMatchObject({ acquired: true, tookOverFrom: { pid, token: "gone" } });
    expect(JSON.parse(await readFile(lockPathFor(project), "utf8"))).toMatchObject({ pid: process.pid });
    expect((await readdir(dir)).filter((f) => f.includes("stale"))).toEqual([]);
  });

  it("does not guess about a lock held on another machine, unless forced", async () => {
    await writeFile(lockPathFor(project), JSON.stringify({ app: "draftline", pid: 1, hostname: "another-laptop", acquiredAt: 1, token: "remote" }));
    expect(await new ProjectLock(project).acquire()).toMatchObject({ acquired: false, holder: { hostname: "another-laptop" } });
    expect(await new ProjectLock(project).acquire({ force: true })).toMatchObject({ acquired: true, tookOverFrom: { hostname: "another-laptop" } });
  });

  it("notices when its lock was taken away, and does not remove the new owner's lock on release", async () => {
    const first = new ProjectLock(project);
    await first.acquire();
    const second = new ProjectLock(project);
    await second.acquire({ force: true });
    expect(await first.stillHeld()).toBe(false);
    await first.release();
    expect(await second.stillHeld()).toBe(true);
  });

  it("lets exactly one of many simultaneous takers in when a stale lock is found", async () => {
    const pid = await deadPid();
    await writeFile(lockPathFor(project), JSON.stringify({ app: "draftline", pid, hostname: os.hostname(), acquiredAt: 1, token: "gone" }));
    const takers = Array.from({ length: 8 }, () => new ProjectLock(project));
    const results = await Promise.all(takers.map((t) => t.acquire()));
    expect(results.filter((r) => r.acquired)).toHaveLength(1);
    const owners = await Promise.all(takers.map((t) => t.stillHeld()));
    expect(owners.filter(Boolean)).toHaveLength(1);
  });
});
