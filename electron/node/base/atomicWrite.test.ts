import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { realFs, writeFileAtomic, type AtomicFs } from "./atomicWrite";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-atomic-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function failing(code: string, when: "write" | "rename" | "sync"): AtomicFs {
  const fail = () => Promise.reject(Object.assign(new Error(`${code}: simulated`), { code }));
  return {
    ...realFs,
    open: async (file, flags, mode) => {
      const handle = await realFs.open(file, flags, mode);
      if (flags === "r") return handle;
      return {
        writeFile: (data) => (when === "write" ? handle.writeFile(data.slice(0, 3)).then(fail) : handle.writeFile(data)),
        sync: () => (when === "sync" ? fail() : handle.sync()),
        close: () => handle.close(),
      };
    },
    rename: (from, to) => (when === "rename" && to.endsWith("novel.draftline") ? fail() : realFs.rename(from, to)),
  };
}

describe("writeFileAtomic", () => {
  it("writes a new file and leaves no temporary file", async () => {
    const file = path.join(dir, "novel.draftline");
    const result = await writeFileAtomic(file, "first", { backupPath: `${file}.bak` });
    expect(await readFile(file, "utf8")).toBe("first");
    expect(result.backup).toBe("none");
    expect(await readdir(dir)).toEqual(["novel.draftline"]);
  });

  it("keeps the previous version as the backup", async () => {
    const file = path.join(dir, "novel.draftline");
    await writeFileAtomic(file, "first", { backupPath: `${file}.bak` });
    const result = await writeFileAtomic(file, "second", { backupPath: `${file}.bak` });
    expect(result.backup).toBe("kept");
    expect(await readFile(file, "utf8")).toBe("second");
    expect(await readFile(`${file}.bak`, "utf8")).toBe("first");
    await writeFileAtomic(file, "third", { backupPath: `${file}.bak` });
    expect(await readFile(`${file}.bak`, "utf8")).toBe("second");
  });

  it("copies the previous version where hard links are not supported", async () => {
    const file = path.join(dir, "novel.draftline");
    await writeFile(file, "first");
    const noLinks: AtomicFs = { ...realFs, link: () => Promise.reject(Object.assign(new Error("EPERM"), { code: "EPERM" })) };
    await writeFileAtomic(file, "second", { backupPath: `${file}.bak`, fs: noLinks });
    expect(await readFile(`${file}.bak`, "utf8")).toBe("first");
  });

  it.each([
    ["the disk is full while writing", "ENOSPC", "write"],
    ["the data cannot be flushed", "EIO", "sync"],
    ["permission is denied at the rename", "EACCES", "rename"],
  ] as const)("leaves the previous file intact and no temporary file when %s", async (_label, code, when) => {
    const file = path.join(dir, "novel.draftline");
    await writeFile(file, "the previous version");
    await expect(writeFileAtomic(file, "a new version that never lands", { fs: failing(code, when) })).rejects.toMatchObject({ code });
    expect(await readFile(file, "utf8")).toBe("the previous version");
    expect(await readdir(dir)).toEqual(["novel.draftline"]);
  });
});
