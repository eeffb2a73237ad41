import path from "node:path";
import { z } from "zod";
import { promises as fs } from "node:fs";
import { writeFileAtomic } from "../base/atomicWrite";
import { readRegularFile } from "../base/regularFile";

const foldersFile = z.object({ version: z.literal(1), folders: z.array(z.object({ projectId: z.string().max(100), folder: z.string().max(4096) })) });
/** Projects remembered; the oldest is forgotten first. */
const MAX_PROJECTS = 500;
const MAX_BYTES = 2 * 1024 * 1024;

/**
 * The folder each project was last saved or exported to, kept in `<app data>/folders.json`: the app's
 * per-project setting (not the project's own file, so an export does not make the document "modified").
 * Save As and Export suggest it next time, also after a reload or a restart. A damaged file reads as
 * empty and is rewritten on the next save.
 */
export class ProjectFolders {
  private readonly file: string;
  private cache: Map<string, string> | null = null;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.file = path.join(dataDir, "folders.json");
  }

  /** The folder project `projectId` was last saved or exported to, or null. */
  async get(projectId: string): Promise<string | null> {
    return (await this.load()).get(projectId) ?? null;
  }

  /** Remembers the folder of a file the project was just saved or exported to. */
  async remember(projectId: string, folder: string): Promise<void> {
    const folders = await this.load();
    if (folders.get(projectId) === folder) return;
    folders.delete(projectId);
    folders.set(projectId, folder);
    while (folders.size > MAX_PROJECTS) folders.delete(folders.keys().next().value!);
    const text = JSON.stringify({ version: 1, folders: [...folders].map(([id, f]) => ({ projectId: id, folder: f })) }, null, 2);
    const write = this.writing.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, text);
    });
    this.writing = write.catch(() => {});
    await write;
  }

  private async load(): Promise<Map<string, string>> {
    if (this.cache) return this.cache;
    let entries: Array<[string, string]> = [];
    try {
      const parsed = foldersFile.safeParse(JSON.parse((await readRegularFile(this.file, { maxBytes: MAX_BYTES, action: "read", kind: "a settings file" })).toString("utf8")));
      if (parsed.success) entries = parsed.data.folders.map((e) => [e.projectId, e.folder]);
    } catch {
      // None yet, or unreadable: nothing remembered.
    }
    this.cache ??= new Map(entries);
    return this.cache;
  }
}
