import path from "node:path";
import { describe, expect, it } from "vitest";
import { PendingOpens, projectFilesFromArgv } from "./instance";

const cwd = path.resolve("/home/writer/Documents");

describe("projectFilesFromArgv", () => {
  it("finds a project given by the file manager as an absolute path", () => {
    expect(projectFilesFromArgv(["/opt/Draftline/draftline", "/home/writer/novel.draftline"], cwd)).toEqual([path.resolve("/home/writer/novel.draftline")]);
  });

  it("resolves a relative path against the second instance's working folder", () => {
    expect(projectFilesFromArgv(["draftline", "drafts/essay.draftline"], cwd)).toEqual([path.join(cwd, "drafts", "essay.draftline")]);
  });

  it("skips the executable, the app folder in development, switches, and other files", () => {
    const argv = ["/usr/bin/electron", ".", "--allow-file-access-from-files", "--inspect=9229", "notes.txt", "--", "-psn_0_12345", "a.draftline"];
    expect(projectFilesFromArgv(argv, cwd)).toEqual([path.join(cwd, "a.draftline")]);
  });

  it("accepts file URLs and any letter case of the extension, and drops repeats", () => {
    const argv = ["draftline", "file:///home/writer/My%20Book.draftline", "/home/writer/My Book.draftline", "B.DRAFTLINE"];
    expect(projectFilesFromArgv(argv, cwd)).toEqual([path.resolve("/home/writer/My Book.draftline"), path.join(cwd, "B.DRAFTLINE")]);
  });

  it("does not take a bare '.draftline' (a hidden file, not a project) for a project", () => {
    expect(projectFilesFromArgv(["draftline", ".draftline"], cwd)).toEqual([]);
  });

  it("treats the executable itself as no project even when it ends in .draftline", () => {
    expect(projectFilesFromArgv(["/tmp/x.draftline"], cwd)).toEqual([]);
  });
});

describe("PendingOpens", () => {
  it("holds files until the app starts, then hands new ones straight over", () => {
    const pending = new PendingOpens();
    pending.add(["/a.draftline"]);
    pending.add(["/a.draftline", "/b.draftline", "/notes.txt"]);
    const opened: string[][] = [];
    expect(pending.start((files) => opened.push(files))).toEqual(["/a.draftline", "/b.draftline"]);
    pending.add(["/c.draftline"]);
    expect(opened).toEqual([["/c.draftline"]]);
  });
});
