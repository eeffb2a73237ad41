import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkInvariants } from "../../common/manuscript";
import { PROJECT_SCHEMA_VERSION } from "../../common/project/file";
import { realFs, type AtomicFs } from "../base/atomicWrite";
import { lockPathFor, ProjectLock } from "./lock";
import { backupPathFor, journalPathFor } from "./projectFile";
import { RecentProjects } from "./recent";
import { ProjectsService, type ProjectEvent } from "./service";
import { sampleManuscript } from "../../common/testing/sampleManuscript";

let dir: string;
let services: ProjectsService[];
let events: ProjectEvent[];

function service(options: { fs?: AtomicFs; debounceMs?: number } = {}): ProjectsService {
  const s = new ProjectsService({
    dataDir: path.join(dir, "appdata"),
    documentsDir: path.join(dir, "home", "Documents", "Draftline"),
    recent: new RecentProjects(path.join(dir, "appdata")),
    appVersion: "0.1.0-test",
    emit: (e) => events.push(e),
    autosave: { debounceMs: options.debounceMs ?? 60_000, maxWaitMs: 120_000 },
    ...(options.fs ? { fs: options.fs } : {}),
  });
  services.push(s);
  return s;
}

/** What a killed process leaves: its lock file, naming a pid that no longer runs. */
async function leaveStaleLock(projectPath: string): Promise<void> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.on("exit", resolve));
  const lock = JSON.parse(await readFile(lockPathFor(projectPath), "utf8")) as Record<string, unknown>;
  await writeFile(lockPathFor(projectPath), JSON.stringify({ ...lock, pid: child.pid }));
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-service-"));
  services = [];
  events = [];
});
afterEach(async () => {
  for (const s of services) await s.shutdown().catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

async function savedProject(s = service()) {
  const file = path.join(dir, "lighthouse.draftline");
  const created = await s.create({ instruction: "Write a story about a lighthouse keeper.", targetWords: 100, language: "en", mode: "native", model: "IS-Writer-8B", path: file });
  s.update(created.projectId, () => sampleManuscript(), { source: "model" });
  await s.save(created.projectId);
  return { s, file, projectId: created.projectId };
}

describe("project files", () => {
  it("round-trips a project: what is saved opens the same", async () => {
    const { s, file, projectId } = await savedProject();
    const before = s.getState(projectId);
    await s.close(projectId);
    const opened = await service().open(file);
    expect(opened.recovery).toEqual({ recovered: false });
    expect(opened.lock).toMatchObject({ held: true, heldBy: null });
    expect(opened.project.manuscript).toEqual(sampleManuscript());
    expect(opened.project).toMatchObject({ title: before.title, generation: { model: "IS-Writer-8B", mode: "native" }, modified: false, readOnly: false, words: before.words });
    expect(checkInvariants(opened.project.manuscript)).toEqual([]);
  });

  it("tracks versions: modified until saved, with changed and saved events", async () => {
    const s = service();
    const created = await s.create({ instruction: "A poem.", targetWords: 50, path: path.join(dir, "poem.draftline") });
    expect(created.modified).toBe(false);
    const changed = s.update(created.projectId, () => sampleManuscript(), { source: "writer" });
    expect(changed).toMatchObject({ currentVersion: 1, lastSavedVersion: 0, modified: true });
    expect(s.update(created.projectId, (m) => m, { source: "writer" }).currentVersion).toBe(1);
    const saved = await s.save(created.projectId);
    expect(saved).toMatchObject({ currentVersion: 1, lastSavedVersion: 1, modified: false });
    expect(events.map((e) => e.name)).toEqual(["project.saved", "project.changed", "project.saved"]);
    expect(events[1]).toMatchObject({ payload: { source: "writer", modified: true } });
  });

  it("keeps the previous version as .bak on every save", async () => {
    const { s, file, projectId } = await savedProject();
    const first = await readFile(file, "utf8");
    s.applyEdit(projectId, { type: "setTarget", targetWords: 200 });
    await s.save(projectId);
    expect(await readFile(backupPathFor(file), "utf8")).toBe(first);
    expect(JSON.parse(await readFile(file, "utf8")).manuscript.targetWords).toBe(200);
  });

  it("touches the recent projects list on save and open", async () => {
    const { file } = await savedProject();
    const recent = await new RecentProjects(path.join(dir, "appdata")).list();
    expect(recent[0]).toMatchObject({ path: file, words: sampleManuscript().steps.reduce((n, st) => n + st.words, 0), target: 100 });
  });

  describe("refuses files it cannot open, each with its own code and message, leaving them untouched", () => {
    const cases: [string, string | Buffer, string, RegExp][] = [
      ["a corrupt (truncated) project", "", "corrupt", /damaged Draftline project/],
      ["a project from a newer version", "", "future-version", new RegExp(`newer version of Draftline.*format ${PROJECT_SCHEMA_VERSION + 1}`)],
      ["a project with invalid fields", "", "corrupt", /damaged Draftline project.*manuscript/],
      ["a Word document", Buffer.from("PK\u0003\u0004\u0014\u0000\u0006\u0000"), "foreign", /not a Draftline project.*Word document/],
      ["some other JSON", '{"name":"package","version":"1.0.0"}', "foreign", /not a Draftline project/],
      ["a Markdown file", "# Chapter one\n\nIt was a dark night.", "foreign", /not a Draftline project.*Import/],
      ["an empty file", "", "corrupt", /empty/],
    ];
    it.each(cases)("%s", async (label, content, code, message) => {
      const { s, file, projectId } = await savedProject();
      await s.close(projectId);
      const good = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
      const bytes =
        label === "a corrupt (truncated) project"
          ? (await readFile(file, "utf8")).slice(0, 300)
          : label === "a project from a newer version"
            ? JSON.stringify({ ...good, schemaVersion: PROJECT_SCHEMA_VERSION + 1, manuscript: { somethingNew: true } })
            : label === "a project with invalid fields"
              ? JSON.stringify({ ...good, manuscript: { ...(good.manuscript as object), steps: "lost" } })
              : content;
      const target = path.join(dir, "input.draftline");
      await writeFile(target, bytes);
      const before = await stat(target);
      await expect(service().open(target)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
      expect(await readFile(target)).toEqual(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
      expect((await stat(target)).mtimeMs).toBe(before.mtimeMs);
      expect(await readdir(dir)).not.toContain(".input.draftline.lock");
    });
  });

  it("names the backup when the project file is damaged", async () => {
    const { s, file, projectId } = await savedProject();
    await s.save(projectId).catch(() => {});
    s.applyEdit(projectId, { type: "setTarget", targetWords: 300 });
    await s.save(projectId);
    await s.close(projectId);
    await writeFile(file, (await readFile(file, "utf8")).slice(0, 100));
    await expect(service().open(file)).rejects.toMatchObject({ code: "corrupt", details: { backupPath: backupPathFor(file) }, message: expect.stringContaining(".bak") });
  });

  it("says when there is no such file", async () => {
    await expect(service().open(path.join(dir, "gone.draftline"))).rejects.toMatchObject({ code: "not-found", message: expect.stringMatching(/does not exist/) });
  });
});

describe("saving when the disk fails", () => {
  const failing = (code: string): AtomicFs => ({
    ...realFs,
    open: async (file, flags, mode) => {
      const handle = await realFs.open(file, flags, mode);
      if (flags === "r") return handle;
      return { writeFile: () => Promise.reject(Object.assign(new Error(code), { code })), sync: () => handle.sync(), close: () => handle.close() };
    },
  });

  it.each([
    ["the disk is full", "ENOSPC", "disk-full", /disk is full/],
    ["permission is denied", "EACCES", "permission-denied", /permission denied/],
    ["the disk is read-only", "EROFS", "permission-denied", /the disk .* is on is read-only/],
  ])("reports that %s and keeps the previous file intact", async (_label, errno, code, message) => {
    const { s, file, projectId } = await savedProject();
    await s.close(projectId);
    const before = await readFile(file);
    let failNow = false;
    const fsImpl: AtomicFs = { ...realFs, open: (f, flags, mode) => (failNow ? failing(errno).open(f, flags, mode) : realFs.open(f, flags, mode)) };
    const broken = service({ fs: fsImpl });
    const { project } = await broken.open(file);
    broken.applyEdit(project.projectId, { type: "setTarget", targetWords: 999 });
    failNow = true;
    await expect(broken.save(project.projectId)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(await readFile(file)).toEqual(before);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(broken.getState(project.projectId).modified).toBe(true);
    expect(events.some((e) => e.name === "project.saveFailed" && e.payload.code === code)).toBe(true);
    failNow = false;
    await broken.save(project.projectId);
    expect(JSON.parse(await readFile(file, "utf8")).manuscript.targetWords).toBe(999);
  });

  // Root ignores file permissions, so a read-only folder only stops a non-root user.
  it.skipIf(process.getuid?.() === 0)("reports a read-only folder and keeps the previous file intact", async () => {
    const { s, file, projectId } = await savedProject();
    const before = await readFile(file);
    s.applyEdit(projectId, { type: "setTarget", targetWords: 999 });
    await chmod(dir, 0o555);
    try {
      await expect(s.save(projectId)).rejects.toMatchObject({ code: "permission-denied" });
    } finally {
      await chmod(dir, 0o755);
    }
    expect(await readFile(file)).toEqual(before);
  });
});

describe("autosave and recovery", () => {
  it("recovers the last autosave after a crash and says what it recovered", async () => {
    const { s, file, projectId } = await savedProject();
    s.applyEdit(projectId, { type: "editStep", stepId: "step-3", content: "The storm broke the glass. Then silence." });
    await s.autosaveNow(projectId);
    const autosaved = s.getState(projectId);
    expect(autosaved.autosavedAt).not.toBeNull();
    // The process dies here: no save, no close; it leaves its lock behind.
    await leaveStaleLock(file);

    const after = service();
    const opened = await after.open(file);
    expect(opened.recovery).toEqual({ recovered: true, from: "autosave", savedAt: autosaved.autosavedAt, fileSavedAt: autosaved.savedAt, words: autosaved.words });
    expect(opened.lock).toMatchObject({ held: true, tookOverStale: true });
    expect(opened.project.manuscript).toEqual(autosaved.manuscript);
    expect(opened.project.modified).toBe(true);
    await after.save(opened.project.projectId);
    expect(await readdir(dir)).not.toContain(path.basename(journalPathFor(file)));
  });

  it("autosaves on its own a while after a change, and a save removes the journal", async () => {
    const s = service({ debounceMs: 20 });
    const file = path.join(dir, "auto.draftline");
    const { projectId } = await s.create({ instruction: "x", targetWords: 10, path: file });
    s.update(projectId, () => sampleManuscript(), { source: "model" });
    await new Promise<void>((resolve) => {
      const wait = () => (events.some((e) => e.name === "project.saved" && e.payload.kind === "autosave") ? resolve() : setTimeout(wait, 5));
      wait();
    });
    const journal = JSON.parse(await readFile(journalPathFor(file), "utf8"));
    expect(journal.manuscript).toEqual(sampleManuscript());
    expect(journal.autosave).toMatchObject({ projectPath: file });
    await s.save(projectId);
    await expect(stat(journalPathFor(file))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("drops a journal older than the project file", async () => {
    const { s, file, projectId } = await savedProject();
    s.applyEdit(projectId, { type: "setTarget", targetWords: 500 });
    await s.autosaveNow(projectId);
    const stale = await readFile(journalPathFor(file), "utf8");
    await s.save(projectId);
    await s.close(projectId);
    await writeFile(journalPathFor(file), stale);
    const opened = await service().open(file);
    expect(opened.recovery).toEqual({ recovered: false });
    expect(opened.project.manuscript.targetWords).toBe(500);
  });

  it("keeps unsaved changes in the journal on close, and discards them only when asked", async () => {
    const { s, file, projectId } = await savedProject();
    s.applyEdit(projectId, { type: "setTarget", targetWords: 700 });
    await s.close(projectId);
    const again = service();
    const reopened = await again.open(file);
    expect(reopened.recovery).toMatchObject({ recovered: true });
    expect(reopened.project.manuscript.targetWords).toBe(700);
    await again.close(reopened.project.projectId, { discard: true });
    const third = await service().open(file);
    expect(third.recovery).toEqual({ recovered: false });
    expect(third.project.manuscript.targetWords).toBe(100);
  });

  it("moves a damaged journal aside instead of losing it", async () => {
    const { s, file, projectId } = await savedProject();
    await s.close(projectId);
    await writeFile(journalPathFor(file), '{"format":"draftline-project","sch');
    const opened = await service().open(file);
    expect(opened.recovery).toMatchObject({ recovered: false, damagedAutosave: expect.stringContaining(".damaged-") });
    expect((await readdir(dir)).some((f) => f.includes(".damaged-"))).toBe(true);
  });

  it("recovers an untitled project that was never saved", async () => {
    const s = service();
    const { projectId } = await s.create({ instruction: "An untitled essay.", targetWords: 300 });
    s.update(projectId, () => sampleManuscript(), { source: "model" });
    await s.autosaveNow(projectId);
    // Crash: the process dies without closing, leaving its lock on the autosave.
    await leaveStaleLock(path.join(dir, "appdata", "unsaved", projectId, "autosave.draftline"));
    const after = service();
    const list = await after.listRecoverable();
    expect(list).toEqual([expect.objectContaining({ projectId, title: "An untitled essay", words: s.getState(projectId).words, path: null, open: false })]);
    const recovered = await after.openRecovered(projectId);
    expect(recovered.recovery).toMatchObject({ recovered: true, from: "autosave", fileSavedAt: null });
    expect(recovered.project).toMatchObject({ path: null, modified: true, manuscript: sampleManuscript() });
  });
});

describe("unsaved work to take back", () => {
  it("lists a project file whose autosave holds changes (closed without saving), and the projects open here when asked", async () => {
    const { s, file, projectId } = await savedProject();
    s.update(projectId, (m) => ({ ...m, targetWords: 120 }), { source: "writer" });
    await s.close(projectId);
    const untitled = await s.create({ instruction: "An open essay.", targetWords: 300 });
    const unchanged = await s.create({ instruction: "Nothing written yet.", targetWords: 300 });
    s.update(untitled.projectId, () => sampleManuscript(), { source: "model" });
    const list = await s.listRecoverable();
    expect(list).toEqual([expect.objectContaining({ projectId, path: file, open: false, title: "Write a story about a lighthouse keeper" })]);
    expect(await s.listRecoverable({ includeOpen: true })).toEqual(
      expect.arrayContaining([expect.objectContaining({ projectId, path: file, open: false }), expect.objectContaining({ projectId: untitled.projectId, path: null, open: true })]),
    );
    // An open project with nothing unsaved is not offered.
    expect((await s.listRecoverable({ includeOpen: true })).map((e) => e.projectId)).not.toContain(unchanged.projectId);
    // Opening the file takes the changes back; saved, nothing is left to offer.
    const opened = await s.open(file);
    expect(opened.recovery).toMatchObject({ recovered: true });
    expect(opened.project.manuscript.targetWords).toBe(120);
    await s.save(opened.project.projectId);
    expect(await s.listRecoverable()).toEqual([]);
  });
});

describe("the one-writer lock", () => {
  it("opens a project read-only while another instance writes it, and lets it write once that one closes", async () => {
    const { s, file, projectId } = await savedProject();
    const second = service();
    const readOnly = await second.open(file);
    expect(readOnly.project.readOnly).toBe(true);
    expect(readOnly.lock).toMatchObject({ held: false, heldBy: { pid: process.pid, hostname: os.hostname() } });
    expect(() => second.update(readOnly.project.projectId, (m) => ({ ...m, targetWords: 1 }), { source: "writer" })).toThrow(expect.objectContaining({ code: "read-only" }));
    await expect(second.save(readOnly.project.projectId)).rejects.toMatchObject({ code: "read-only" });
    await second.close(readOnly.project.projectId);
    await s.close(projectId);
    expect((await service().open(file)).project.readOnly).toBe(false);
  });

  it("returns the same project when this instance opens it twice", async () => {
    const { s, file, projectId } = await savedProject();
    expect((await s.open(file)).project.projectId).toBe(projectId);
  });

  it("stops the first writer from saving after another takes the lock over by force", async () => {
    const { s, file, projectId } = await savedProject();
    const second = service();
    const forced = await second.open(file, { force: true });
    expect(forced.project.readOnly).toBe(false);
    s.applyEdit(projectId, { type: "setTarget", targetWords: 5 });
    await expect(s.save(projectId)).rejects.toMatchObject({ code: "locked", message: expect.stringMatching(/Save As/) });
    expect(JSON.parse(await readFile(file, "utf8")).manuscript.targetWords).toBe(100);
  });

  it("after another window takes the lock over, Save As and export keep the first window's edits", async () => {
    const { s, file, projectId } = await savedProject();
    const second = service();
    const forced = await second.open(file, { force: true });
    s.applyEdit(projectId, { type: "editStep", stepId: "step-3", content: "My own ending, written here." });
    await expect(s.save(projectId)).rejects.toMatchObject({ code: "locked", message: expect.stringMatching(/was taken over by process .*; this window can no longer save it\. Use Save As to keep your version\./) });
    // The file is the other window's now: no more changes here, and the same advice.
    expect(() => s.update(projectId, (m) => ({ ...m, targetWords: 7 }), { source: "writer" })).toThrow(/Use Save As to keep your version/);
    expect(s.getState(projectId)).toMatchObject({ readOnly: true, modified: true });

    const exported = await s.export(projectId, { format: "markdown", path: path.join(dir, "mine.md") });
    expect(await readFile(exported.path, "utf8")).toContain("My own ending, written here.");

    const mine = path.join(dir, "mine.draftline");
    const saved = await s.saveAs(projectId, mine);
    expect(saved).toMatchObject({ path: mine, readOnly: false, modified: false });
    expect(JSON.parse(await readFile(mine, "utf8")).manuscript.steps[2].content).toBe("My own ending, written here.");
    // It goes on there: edits and saves work again.
    s.applyEdit(projectId, { type: "setTarget", targetWords: 120 });
    await s.save(projectId);
    expect(JSON.parse(await readFile(mine, "utf8")).manuscript.targetWords).toBe(120);
    // The other window keeps the original file, its lock and its own saves.
    expect(JSON.parse(await readFile(file, "utf8")).manuscript.steps[2].content).not.toBe("My own ending, written here.");
    second.update(forced.project.projectId, (m) => ({ ...m, targetWords: 300 }), { source: "writer" });
    await second.save(forced.project.projectId);
    expect(JSON.parse(await readFile(file, "utf8")).manuscript.targetWords).toBe(300);
  });

  it("closing a window whose project was taken over keeps its unsaved edits as an unsaved project to recover", async () => {
    const { s, file, projectId } = await savedProject();
    await service().open(file, { force: true });
    s.applyEdit(projectId, { type: "editStep", stepId: "step-3", content: "Words nobody saved." });
    await expect(s.save(projectId)).rejects.toMatchObject({ code: "locked" });
    const { title, words } = s.getState(projectId);
    await s.close(projectId);
    const later = service();
    const [kept] = await later.listRecoverable();
    expect(kept).toMatchObject({ title, words });
    const recovered = await later.openRecovered(kept!.projectId);
    expect(recovered.project.manuscript.steps[2]?.content).toBe("Words nobody saved.");
  });

  it.each([
    ["EROFS", /^lighthouse\.draftline is open read-only: the disk it is on is read-only\. Use Save As to save it somewhere else\.$/],
    ["EACCES", /^lighthouse\.draftline is open read-only: this window may not write in its folder \(.*\)\. Use Save As to save it somewhere else\.$/],
  ])("opens a project on a disk it cannot write (%s) read-only, says so (not 'another window'), and saves it elsewhere", async (errno, message) => {
    const { s, file, projectId } = await savedProject();
    await s.close(projectId);
    // The lock is the first file open writes: it fails as it does on a read-only disk or folder.
    const acquire = vi.spyOn(ProjectLock.prototype, "acquire").mockRejectedValueOnce(Object.assign(new Error(errno), { code: errno }));
    const reader = service();
    const opened = await reader.open(file);
    acquire.mockRestore();
    expect(opened).toMatchObject({ project: { readOnly: true }, lock: { held: false, heldBy: null } });
    const id = opened.project.projectId;
    await expect(reader.save(id)).rejects.toMatchObject({ code: "permission-denied", message: expect.stringMatching(message) });
    expect(() => reader.update(id, (m) => ({ ...m, targetWords: 1 }), { source: "writer" })).toThrow(message);
    const elsewhere = await reader.saveAs(id, path.join(dir, "copy.draftline"));
    expect(elsewhere).toMatchObject({ readOnly: false, modified: false });
    expect(JSON.parse(await readFile(path.join(dir, "copy.draftline"), "utf8")).title).toBe(opened.project.title);
  });

  it("releases its locks on shutdown", async () => {
    const { s, file } = await savedProject();
    await s.shutdown();
    await expect(stat(lockPathFor(file))).rejects.toMatchObject({ code: "ENOENT" });
  });
});

describe("save as", () => {
  it("saves an untitled project to a file, moving its autosave and history there", async () => {
    const s = service();
    const { projectId } = await s.create({ instruction: "Notes.", targetWords: 20 });
    s.update(projectId, () => sampleManuscript(), { source: "writer" });
    await s.snapshot(projectId, "first draft");
    await s.autosaveNow(projectId);
    await expect(s.save(projectId)).rejects.toMatchObject({ code: "unsaved" });
    const state = await s.saveAs(projectId, path.join(dir, "notes"));
    expect(state).toMatchObject({ path: path.join(dir, "notes.draftline"), modified: false });
    expect((await s.history(projectId)).map((e) => e.label)).toEqual(["first draft"]);
    expect(await readdir(path.join(dir, "appdata", "unsaved")).catch(() => [])).toEqual([]);
  });

  it("moves the lock to the new file and leaves the old file as it was", async () => {
    const { s, file, projectId } = await savedProject();
    const old = await readFile(file);
    s.applyEdit(projectId, { type: "setTarget", targetWords: 400 });
    const copy = path.join(dir, "copy.draftline");
    await s.saveAs(projectId, copy);
    expect(await readFile(file)).toEqual(old);
    await expect(stat(lockPathFor(file))).rejects.toMatchObject({ code: "ENOENT" });
    await expect(stat(lockPathFor(copy))).resolves.toBeDefined();
  });
});

describe("version history", () => {
  it("lists snapshots with time, label and words, and restores one, keeping the current text first", async () => {
    const { s, projectId } = await savedProject();
    const original = s.getManuscript(projectId);
    const snap = await s.snapshot(projectId, "Before regenerating step 3", "before-regeneration");
    s.applyEdit(projectId, { type: "editStep", stepId: "step-3", content: "A different ending." });
    const restored = await s.restore(projectId, snap.id);
    expect(restored.manuscript).toEqual(original);
    expect(restored.modified).toBe(true);
    const list = await s.history(projectId);
    expect(list.map((e) => [e.label, e.reason])).toEqual([
      ['Before restoring "Before regenerating step 3"', "before-restore"],
      ["Before regenerating step 3", "before-regeneration"],
    ]);
    expect(list[1]).toMatchObject({ words: snap.words, createdAt: expect.any(Number) });
    await expect(s.restore(projectId, "no-such-id")).rejects.toMatchObject({ code: "not-found" });
  });

  it("reads one snapshot back for a preview, and refuses to restore while the model writes the document", async () => {
    const { s, projectId } = await savedProject();
    const original = s.getManuscript(projectId);
    const snap = await s.snapshot(projectId, "On demand");
    s.applyEdit(projectId, { type: "editStep", stepId: "step-3", content: "A different ending." });
    expect(await s.readSnapshot(projectId, snap.id)).toEqual({ entry: snap, title: "Write a story about a lighthouse keeper", manuscript: original });
    const release = s.claimEdits(projectId, () => ({ ok: false, error: { kind: "not-representable", message: "no" } }));
    await expect(s.restore(projectId, snap.id)).rejects.toMatchObject({ code: "busy", message: expect.stringContaining("stop it before bringing back a version") });
    release();
    expect((await s.restore(projectId, snap.id)).manuscript).toEqual(original);
  });
});

describe("save as over a file that is there", () => {
  it("refuses with replace: false (web mode), naming the path and replacing nothing", async () => {
    const { s, projectId } = await savedProject();
    const taken = path.join(dir, "Taken.draftline");
    await writeFile(taken, "the writer's other project");
    await expect(s.saveAs(projectId, taken, { replace: false })).rejects.toMatchObject({ code: "exists", message: expect.stringContaining(taken), details: { path: taken } });
    expect(await readFile(taken, "utf8")).toBe("the writer's other project");
    const free = path.join(dir, "Free.draftline");
    expect((await s.saveAs(projectId, free, { replace: false })).path).toBe(free);
  });

  it("replaces it once the writer agreed, keeping the file that was there, its history and autosave, as a backup beside it that opens", async () => {
    const other = service();
    const taken = path.join(dir, "Taken.draftline");
    const first = await other.create({ instruction: "The other story.", targetWords: 100, title: "The Other Story", path: taken });
    await other.snapshot(first.projectId, "the other story's version");
    await other.close(first.projectId);
    const before = await readFile(taken, "utf8");

    const { s, projectId } = await savedProject();
    const done = await s.saveAs(projectId, taken, { replace: true });
    expect(done.path).toBe(taken);
    expect(done.backup).toMatch(new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/Taken\\.replaced-[0-9T-]+Z\\.draftline$`));
    expect(await readFile(done.backup!, "utf8")).toBe(before);
    expect(await readFile(taken, "utf8")).toContain("lighthouse keeper");
    // The backup is the other project, whole: it opens with its title and its history.
    const reader = service();
    const opened = await reader.open(done.backup!);
    expect(opened.project.title).toBe("The Other Story");
    expect((await reader.history(opened.project.projectId)).map((e) => e.label)).toEqual(["the other story's version"]);
  });

  it("a new project at a path where a file is: refused with replace: false, the file untouched", async () => {
    const s = service();
    const taken = path.join(dir, "Taken.draftline");
    await writeFile(taken, "the writer's other project");
    await expect(s.create({ instruction: "Another.", targetWords: 100, path: taken, replace: false })).rejects.toMatchObject({ code: "exists" });
    expect(await readFile(taken, "utf8")).toBe("the writer's other project");
  });
});

describe("where Save As and export are suggested to go", () => {
  it("a new project: the documents folder in full, named after its title; the folder is made when a file is written there", async () => {
    const s = service();
    const documents = path.join(dir, "home", "Documents", "Draftline");
    const { projectId } = await s.create({ instruction: "Write about a harbor.", targetWords: 100, title: "Harbor: at dawn?" });
    expect(await s.suggestPath(projectId, "draftline")).toEqual({ folder: documents, path: path.join(documents, "Harbor at dawn.draftline") });
    expect(await s.suggestPath(projectId, "docx")).toEqual({ folder: documents, path: path.join(documents, "Harbor at dawn.docx") });
    await expect(stat(documents)).rejects.toMatchObject({ code: "ENOENT" });
    await s.saveAs(projectId, path.join(documents, "Harbor at dawn.draftline"), { replace: false });
    expect((await stat(path.join(documents, "Harbor at dawn.draftline"))).isFile()).toBe(true);
  });

  it("remembers the last folder per project, also in the next session; another project keeps its own", async () => {
    const s = service();
    const { projectId } = await s.create({ instruction: "Write about a harbor.", targetWords: 100, title: "Harbor" });
    const { projectId: otherId } = await s.create({ instruction: "Write about a mill.", targetWords: 100, title: "Mill" });
    const exports = path.join(dir, "exports");
    await mkdir(exports);
    await s.export(projectId, { path: path.join(exports, "harbor.md") });
    expect((await s.suggestPath(projectId, "draftline")).folder).toBe(exports);
    expect((await s.suggestPath(otherId, "md")).folder).toBe(path.join(dir, "home", "Documents", "Draftline"));
    const books = path.join(dir, "books");
    await mkdir(books);
    await s.saveAs(projectId, path.join(books, "harbor.draftline"));
    await s.shutdown();
    // Next session: the project opened again suggests where it last went.
    const next = service();
    const opened = await next.open(path.join(books, "harbor.draftline"));
    expect(await next.suggestPath(opened.project.projectId, "docx")).toEqual({ folder: books, path: path.join(books, "Harbor.docx") });
    expect((await next.suggestPath(opened.project.projectId, "draftline")).path).toBe(path.join(books, "harbor.draftline"));
  });
});

describe("export and import", () => {
  it("imports a Markdown draft as a project saved where asked, and exports it back", async () => {
    const md = path.join(dir, "draft.md");
    await writeFile(md, "# Old Draft\n\n## Start\n\nIt began in the rain.\n\n## End\n\nIt ended in the sun.\n");
    const s = service();
    const project = await s.import(md, { out: path.join(dir, "old.draftline") });
    expect(project).toMatchObject({ title: "Old Draft", path: path.join(dir, "old.draftline"), modified: false });
    expect(project.manuscript.sections.map((x) => [x.title, x.budget])).toEqual([
      ["Start", 5],
      ["End", 5],
    ]);
    expect((await s.history(project.projectId))[0]?.reason).toBe("import");
    const out = await s.export(project.projectId, { path: path.join(dir, "back.md") });
    expect(await readFile(out.path, "utf8")).toContain("## Start\n\nIt began in the rain.\n\n## End\n\nIt ended in the sun.");
  });

  it("refuses to import a folder, and creates no project", async () => {
    await mkdir(path.join(dir, "sub"));
    const s = service();
    await expect(s.import(path.join(dir, "sub"))).rejects.toMatchObject({ code: "io-error", message: expect.stringMatching(/folder/) });
    expect(s.openProjects()).toEqual([]);
  });
});
