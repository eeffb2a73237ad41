import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun } from "docx";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkInvariants } from "../../../common/manuscript";
import { readProjectFile } from "../../projects/projectFile";
import type { CliIO } from "../command";
import { runCli } from "../main";

function memoryIO(cwd: string) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  stderr.on("data", (c: Buffer) => (err += c.toString()));
  const io: CliIO = { stdin: Readable.from([""]), stdout, stderr, isTTY: false, cwd, env: {} };
  return { io, out: () => out, err: () => err };
}

describe("draftline import", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "draftline-cli-import-"));
    await writeFile(path.join(dir, "draft.md"), "# My Novel\n\n## Beginning\n\nIt was a cold morning in March.\n\n## Middle\n\nThe road went on.\n");
    await writeFile(path.join(dir, "report.docx"), Buffer.from("PK\u0003\u0004binary"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("makes a project whose headings are sections, budgets their words and target the total", async () => {
    const { io, out } = memoryIO(dir);
    expect(await runCli(["import", "draft.md", "--out", "novel.draftline"], io)).toBe(0);
    expect(out()).toBe('Imported "My Novel": 2 sections, 11 words, target 11 → novel.draftline\n');
    const project = await readProjectFile(path.join(dir, "novel.draftline"));
    expect(project.title).toBe("My Novel");
    expect(project.manuscript.sections.map((s) => [s.title, s.budget])).toEqual([
      ["Beginning", 7],
      ["Middle", 4],
    ]);
    expect(checkInvariants(project.manuscript)).toEqual([]);
  });

  it("names the project after the draft when --out is left out, and round-trips through export", async () => {
    const { io } = memoryIO(dir);
    expect(await runCli(["import", "draft.md"], io)).toBe(0);
    expect(await runCli(["export", "draft.draftline", "--to", "back.md"], memoryIO(dir).io)).toBe(0);
    expect(await readFile(path.join(dir, "back.md"), "utf8")).toContain("# My Novel\n\n## Beginning\n\nIt was a cold morning in March.\n\n## Middle\n\nThe road went on.\n");
  });

  it("does not replace an existing project unless forced, and then keeps its previous version", async () => {
    const target = path.join(dir, "keep.draftline");
    await writeFile(target, "previous");
    const refused = memoryIO(dir);
    expect(await runCli(["import", "draft.md", "--out", "keep.draftline"], refused.io)).toBe(1);
    expect(refused.err()).toMatch(/already exists.*--force/);
    expect(await readFile(target, "utf8")).toBe("previous");
    expect(await runCli(["import", "draft.md", "--out", "keep.draftline", "--force"], memoryIO(dir).io)).toBe(0);
    expect(await readFile(`${target}.bak`, "utf8")).toBe("previous");
  });

  it("makes a project of a Word document, and lists what it could not bring over", async () => {
    const doc = new Document({
      sections: [
        {
          children: [
            new Paragraph({ heading: "Title", children: [new TextRun("The Keeper")] }),
            new Paragraph({ heading: "Heading1", children: [new TextRun("Dusk")] }),
            new Paragraph({ children: [new TextRun("She lit the "), new TextRun({ text: "lamp", italics: true }), new TextRun(".")] }),
            new Table({ rows: [new TableRow({ children: [new TableCell({ children: [new Paragraph("tide table")] })] })] }),
          ],
        },
      ],
    });
    await writeFile(path.join(dir, "keeper.docx"), await Packer.toBuffer(doc));
    const { io, out } = memoryIO(dir);
    expect(await runCli(["import", "keeper.docx", "--out", "keeper.draftline"], io)).toBe(0);
    expect(out()).toBe('Imported "The Keeper": 1 section, 6 words, target 6 → keeper.draftline\n  Note: 1 table: the cells were kept as paragraphs.\n');
    const project = await readProjectFile(path.join(dir, "keeper.draftline"));
    expect(project.manuscript.steps.map((s) => s.content)).toEqual(["She lit the *lamp*.\n\ntide table"]);
  });

  it.each<[string, string[], number, RegExp]>([
    ["a missing draft", ["import", "nothing.md"], 1, /no such file/],
    ["a .docx that is not a Word document", ["import", "report.docx", "--out", "r.draftline"], 1, /report\.docx: it is not a Word document \(\.docx\)/],
    ["no input", ["import"], 2, /Name the draft/],
    ["an output folder that does not exist", ["import", "draft.md", "--out", "no/such/x.draftline"], 1, /does not exist/],
  ])("refuses %s with a clear message", async (_label, argv, code, message) => {
    const { io, err } = memoryIO(dir);
    expect(await runCli(argv, io)).toBe(code);
    expect(err()).toMatch(message);
  });
});
