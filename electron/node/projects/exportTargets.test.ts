import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApiHandlers } from "../../common/api/server";
import { dispatch } from "../../common/api/server";
import { createProjectHandlers } from "./handlers";
import { RecentProjects } from "./recent";
import { ProjectsService } from "./service";
import { ExportTargets } from "../export/exportTargets";

let dir: string;
let service: ProjectsService;
let handlers: Partial<ApiHandlers>;
let projectId: string;
let nextId = 1;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-export-targets-"));
  service = new ProjectsService({ dataDir: path.join(dir, "data"), recent: new RecentProjects(path.join(dir, "data")), appVersion: "test", emit: () => undefined });
  handlers = createProjectHandlers(service);
  projectId = ((await call("projects.create", { instruction: "Write about the sea.", targetWords: 500 })) as { projectId: string }).projectId;
});
afterEach(async () => {
  await service.shutdown();
  await rm(dir, { recursive: true, force: true });
});

async function call(method: string, params: unknown): Promise<unknown> {
  const reply = await dispatch(handlers, { kind: "request", id: nextId++, method, params }, { clientId: "test" });
  if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
  return reply.result;
}

describe("projects.export and the files it may replace", () => {
  it("asks before replacing a file Draftline did not write, and replaces it when told to", async () => {
    const file = path.join(dir, "notes.md");
    await writeFile(file, "the writer's own notes");
    expect(await call("projects.export", { projectId, path: file, format: "markdown" })).toEqual({ ok: false, reason: "exists", path: file, message: "notes.md already exists. Replace it?" });
    expect(await readFile(file, "utf8")).toBe("the writer's own notes");
    expect(await call("projects.export", { projectId, path: file, format: "markdown", overwrite: true })).toMatchObject({ ok: true, path: file, format: "markdown" });
    expect(await readFile(file, "utf8")).toContain("Write about the sea");
  });

  it("writes a new file at once, and writes its own export again without asking", async () => {
    const file = path.join(dir, "story.docx");
    expect(await call("projects.export", { projectId, path: file })).toMatchObject({ ok: true, path: file, format: "docx" });
    expect(await call("projects.export", { projectId, path: file, withPlan: true })).toMatchObject({ ok: true, path: file });
  });

  it("never writes a format over a file of another kind, nor over a folder, a link or a device", async () => {
    const bashrc = path.join(dir, ".bashrc");
    await writeFile(bashrc, "export PATH=/usr/bin\n");
    await expect(call("projects.export", { projectId, path: bashrc, format: "markdown", overwrite: true })).rejects.toThrow(/A Markdown export is a \.md, \.markdown, \.txt file/);
    await expect(call("projects.export", { projectId, path: path.join(dir, "story.docx"), format: "markdown", overwrite: true })).rejects.toThrow(/not \.docx/);
    expect(await readFile(bashrc, "utf8")).toBe("export PATH=/usr/bin\n");

    await mkdir(path.join(dir, "folder.md"));
    await expect(call("projects.export", { projectId, path: path.join(dir, "folder.md"), overwrite: true })).rejects.toThrow(/it is a folder/);
    await symlink(bashrc, path.join(dir, "link.md"));
    await expect(call("projects.export", { projectId, path: path.join(dir, "link.md"), overwrite: true })).rejects.toThrow(/not a regular file/);
    const fifo = path.join(dir, "pipe.md");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    await expect(call("projects.export", { projectId, path: fifo, overwrite: true })).rejects.toThrow(/not a regular file/);
    expect(await readFile(bashrc, "utf8")).toBe("export PATH=/usr/bin\n");
  });
});

describe("ExportTargets", () => {
  it("forgets the oldest of very many written paths, so it never grows without bound", async () => {
    const targets = new ExportTargets();
    const first = path.join(dir, "first.md");
    await writeFile(first, "x");
    targets.remember(first);
    expect(await targets.check(first, false)).toMatchObject({ ok: true });
    for (let i = 0; i < 1000; i++) targets.remember(path.join(dir, `n${i}.md`));
    expect(await targets.check(first, false)).toMatchObject({ ok: false, reason: "exists" });
  });
});
