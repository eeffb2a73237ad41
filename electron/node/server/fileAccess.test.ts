import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApiHandlers } from "../../common/api/server";
import { dispatch } from "../../common/api/server";
import { webFileAccess } from "./fileAccess";

let dir: string;
let imported: string[];
let handlers: Partial<ApiHandlers>;

beforeEach(async () => {
  dir = await realpath(await mkdtemp(path.join(os.tmpdir(), "draftline-web-files-")));
  imported = [];
  handlers = webFileAccess({
    "projects.import": async ({ path: file }) => {
      imported.push(file);
      return { ok: false, error: { code: "io-error", message: "the fake imports nothing" } };
    },
  });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const importing = async (file: string) => {
  const reply = await dispatch(handlers, { kind: "request", id: 1, method: "projects.import", params: { path: file } }, { clientId: "web-1" });
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.result;
};

describe("web mode imports only drafts", () => {
  it.each(["draft.md", "draft.MARKDOWN", "notes.txt", "story.docx"])("imports the regular file %s", async (name) => {
    await writeFile(path.join(dir, name), "# A draft\n");
    await importing(path.join(dir, name));
    expect(imported).toEqual([path.join(dir, name)]);
  });

  it("refuses any other file, a folder, a pipe, and a draft-named link to another file", async () => {
    await writeFile(path.join(dir, ".bashrc"), "export PATH=/usr/bin\n");
    await writeFile(path.join(dir, "id_rsa"), "-----BEGIN KEY-----\n");
    await mkdir(path.join(dir, "folder.md"));
    expect(spawnSync("mkfifo", [path.join(dir, "pipe.md")]).status).toBe(0);
    await symlink(path.join(dir, "id_rsa"), path.join(dir, "innocent.md"));

    expect(await importing(path.join(dir, ".bashrc"))).toMatchObject({ ok: false, error: { code: "foreign", message: expect.stringContaining("Only Word, Markdown or text drafts (.md, .markdown, .txt, .docx)") } });
    expect(await importing(path.join(dir, "id_rsa"))).toMatchObject({ ok: false, error: { code: "foreign" } });
    expect(await importing("/etc/passwd")).toMatchObject({ ok: false, error: { code: "foreign" } });
    expect(await importing("/dev/zero")).toMatchObject({ ok: false, error: { code: "foreign" } });
    expect(await importing(path.join(dir, "folder.md"))).toMatchObject({ ok: false, error: { code: "foreign", message: expect.stringContaining("not a regular file") } });
    expect(await importing(path.join(dir, "pipe.md"))).toMatchObject({ ok: false, error: { code: "foreign", message: expect.stringContaining("not a regular file") } });
    expect(await importing(path.join(dir, "innocent.md"))).toMatchObject({ ok: false, error: { code: "foreign", message: expect.stringContaining("id_rsa is not one") } });
    expect(await importing(path.join(dir, "missing.md"))).toMatchObject({ ok: false, error: { code: "not-found" } });
    expect(imported).toEqual([]);
  });

  it("leaves every other request as it was", async () => {
    const echo = webFileAccess({ "app.echo": async ({ text }) => ({ text, receivedAt: 1 }) });
    expect(Object.keys(echo)).toEqual(["app.echo"]);
  });
});
