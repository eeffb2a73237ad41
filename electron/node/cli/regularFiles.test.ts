// Files that are not files: a named pipe, a device, a file too large. Open and import read only regular
// files of a sane size, and refuse the rest at once with a message that says what they are. (Reading a
// pipe used to wait for a writer forever on one of libuv's four threads; a few of them stopped every
// save of every project. Reading /dev/zero grew the app without bound.)
import { execFileSync } from "node:child_process";
import { constants, existsSync } from "node:fs";
import { mkdtemp, open, rm, truncate, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importDraftFile } from "../export/import";
import { readTextInput } from "./io";
import { lockPathFor, ProjectLock } from "../projects/lock";
import { journalPathFor } from "../projects/projectFile";
import { RecentProjects } from "../projects/recent";
import { MAX_DRAFT_BYTES, MAX_PROJECT_BYTES, readRegularFile } from "../base/regularFile";
import { ProjectsService } from "../projects/service";

let dir: string;
let fifos: string[];
let services: ProjectsService[];

function service(): ProjectsService {
  const s = new ProjectsService({ dataDir: path.join(dir, "appdata"), recent: new RecentProjects(path.join(dir, "appdata")), appVersion: "0.1.0-test", autosave: { debounceMs: 60_000, maxWaitMs: 120_000 } });
  services.push(s);
  return s;
}

function mkfifo(name: string): string {
  const file = path.join(dir, name);
  execFileSync("mkfifo", [file]);
  fifos.push(file);
  return file;
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-regular-"));
  fifos = [];
  services = [];
});
afterEach(async () => {
  // Should a reader still wait on a pipe (the bug this guards against), a writer lets it go.
  for (const fifo of fifos) await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then((h) => h.close(), () => {});
  for (const s of services) await s.shutdown().catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform === "win32")("a named pipe (FIFO)", () => {
  it("is refused at once by open and import, and saves of other projects go on", { timeout: 20_000 }, async () => {
    const projects = service();
    const pipe = mkfifo("draft.md");
    const pipeProject = mkfifo("novel.draftline");
    const other = await projects.create({ instruction: "Write about a harbor.", targetWords: 500, language: "en", path: path.join(dir, "harbor.draftline") });
    // More tries than libuv has threads: each used to hold one until a writer came.
    const tries = Promise.allSettled([...Array.from({ length: 3 }, () => projects.import(pipe)), ...Array.from({ length: 3 }, () => projects.open(pipeProject))]);
    projects.update(other.projectId, (m) => ({ ...m, targetWords: 600 }), { source: "writer" });
    const saved = await projects.save(other.projectId);
    expect(saved.modified).toBe(false);
    const results = await tries;
    for (const result of results) {
      expect(result.status).toBe("rejected");
      expect((result as PromiseRejectedResult).reason).toMatchObject({ code: "foreign", message: expect.stringMatching(/: it is a named pipe \(FIFO\), not a file\./) });
    }
    await expect(importDraftFile(pipe)).rejects.toThrow("Cannot import draft.md: it is a named pipe (FIFO), not a file.");
    await expect(projects.open(pipeProject)).rejects.toThrow("Cannot open novel.draftline: it is a named pipe (FIFO), not a file.");
  });

  it("in place of a recovery journal or a lock, is passed over, not waited on", { timeout: 20_000 }, async () => {
    const projects = service();
    const file = path.join(dir, "harbor.draftline");
    const created = await projects.create({ instruction: "Write about a harbor.", targetWords: 500, language: "en", path: file });
    await projects.close(created.projectId);
    execFileSync("mkfifo", [journalPathFor(file)]);
    fifos.push(journalPathFor(file));
    const opened = await projects.open(file);
    expect(opened.recovery.recovered).toBe(false);
    await projects.close(opened.project.projectId);

    const locked = path.join(dir, "locked.draftline");
    execFileSync("mkfifo", [lockPathFor(locked)]);
    fifos.push(lockPathFor(locked));
    // Unreadable and fresh: held by someone unknown, so not taken.
    expect(await new ProjectLock(locked).acquire()).toEqual({ acquired: false, holder: null });
  });

  it("given to a command as its input, is refused", { timeout: 20_000 }, async () => {
    mkfifo("transcript.txt");
    const io = { stdin: Readable.from([""]), stdout: new PassThrough(), stderr: new PassThrough(), isTTY: false, cwd: dir, env: {} };
    await expect(readTextInput("transcript.txt", io)).rejects.toThrow("Cannot read transcript.txt: it is a named pipe (FIFO), not a file.");
  });
});

describe.skipIf(!existsSync("/dev/zero"))("a device", () => {
  it("/dev/zero is refused by import, open and commands without reading it", async () => {
    const projects = service();
    await expect(projects.import("/dev/zero")).rejects.toMatchObject({ code: "foreign", message: "Cannot import zero: it is a device, not a file. Choose a file saved on disk." });
    await expect(projects.open("/dev/zero")).rejects.toThrow("Cannot open zero: it is a device, not a file.");
    const io = { stdin: Readable.from([""]), stdout: new PassThrough(), stderr: new PassThrough(), isTTY: false, cwd: dir, env: {} };
    await expect(readTextInput("/dev/zero", io)).rejects.toThrow("Cannot read zero: it is a device, not a file.");
  });
});

describe("size caps", () => {
  it("a draft over 16 MiB is refused, and the message says the cap", async () => {
    const big = path.join(dir, "huge.md");
    await writeFile(big, "# Title\n\nSome words.\n");
    await truncate(big, MAX_DRAFT_BYTES + 1); // sparse: nothing is written
    await expect(service().import(big)).rejects.toMatchObject({ code: "too-large", message: "Cannot import huge.md: it is larger than 16 MiB, the most a draft can be." });
    await truncate(big, 40 * 1024 * 1024);
    await expect(importDraftFile(big)).rejects.toThrow("Cannot import huge.md: it is 40 MiB, and a draft can be at most 16 MiB.");
  });

  it("a project file over 64 MiB is refused, and the message says the cap", async () => {
    const big = path.join(dir, "huge.draftline");
    await writeFile(big, "{}");
    await truncate(big, MAX_PROJECT_BYTES + 1);
    await expect(service().open(big)).rejects.toMatchObject({ code: "too-large", message: "Cannot open huge.draftline: it is larger than 64 MiB, the most a project can be." });
  });

  it("reads a file whole up to the cap, and refuses one that passes it while it is read", async () => {
    const file = path.join(dir, "text.md");
    await writeFile(file, "x".repeat(1000));
    expect((await readRegularFile(file, { maxBytes: 1000, action: "read", kind: "a note" })).toString()).toBe("x".repeat(1000));
    await expect(readRegularFile(file, { maxBytes: 999, action: "read", kind: "a note" })).rejects.toMatchObject({ code: "too-large" });
    // A file whose size says nothing (as in /proc) is read to its end, within the cap.
    const proc = "/proc/self/status";
    if (existsSync(proc)) {
      expect((await readRegularFile(proc, { maxBytes: 1 << 20, action: "read", kind: "a note" })).toString()).toMatch(/^Name:/);
      await expect(readRegularFile(proc, { maxBytes: 10, action: "read", kind: "a note" })).rejects.toMatchObject({ code: "too-large" });
    }
  });
});
