import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import { z } from "zod";
import { DEFAULT_HISTORY_LIMITS, historyEntrySchema, type HistoryEntry, type HistoryLimits, type SnapshotReason } from "../../common/project/history";
import { writeFileAtomic } from "../base/atomicWrite";
import { errnoOf } from "../base/fsErrors";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const indexSchema = z.object({ version: z.literal(1), entries: z.array(historyEntrySchema) });
const INDEX = "index.json";

/** `Novel.draftline` → `Novel.draftline-history/`, beside it. */
export function historyDirFor(projectPath: string): string {
  return `${projectPath}-history`;
}

/**
 * A project's version history: snapshots of the manuscript kept in a folder beside the project
 * (`Novel.draftline-history/`: one gzipped JSON file per snapshot and an `index.json` listing them),
 * so the project file stays small and quick to save however long the history. Capped by count and
 * bytes; the oldest go first. Every write is atomic; a lost or damaged index is rebuilt from the
 * snapshot files.
 */
export class HistoryStore {
  private entries: HistoryEntry[] | null = null;

  constructor(
    private dir: string,
    private readonly limits: HistoryLimits = DEFAULT_HISTORY_LIMITS,
  ) {}

  get folder(): string {
    return this.dir;
  }

  /** Newest first. */
  async list(): Promise<HistoryEntry[]> {
    return [...(await this.load())].reverse();
  }

  async add(payload: unknown, meta: { label: string; reason: SnapshotReason; words: number }): Promise<HistoryEntry> {
    const entries = await this.load();
    const id = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
    const createdAt = Date.now();
    const data = await gzipAsync(JSON.stringify({ meta: { id, createdAt, ...meta }, payload }), { level: 6 });
    const entry: HistoryEntry = { id, createdAt, label: meta.label, reason: meta.reason, words: meta.words, bytes: data.length };
    await fs.mkdir(this.dir, { recursive: true });
    await writeFileAtomic(this.fileOf(id), data);
    entries.push(entry);
    await this.prune(entries);
    await this.writeIndex(entries);
    return entry;
  }

  async read(id: string): Promise<unknown> {
    const entry = (await this.load()).find((e) => e.id === id);
    if (!entry) throw new Error(`No snapshot ${id} in this project's history.`);
    const parsed = JSON.parse((await gunzipAsync(await fs.readFile(this.fileOf(id)))).toString("utf8")) as { payload: unknown };
    return parsed.payload;
  }

  /** Moves the history to a new folder (the project was saved under another name). Copies across disks. */
  async moveTo(dir: string): Promise<void> {
    if (path.resolve(dir) === path.resolve(this.dir)) return;
    const exists = await fs.stat(this.dir).then(
      () => true,
      () => false,
    );
    if (exists) {
      await fs.rm(dir, { recursive: true, force: true });
      await fs.mkdir(path.dirname(dir), { recursive: true });
      try {
        await fs.rename(this.dir, dir);
      } catch (error) {
        if (errnoOf(error) !== "EXDEV") throw error;
        await fs.cp(this.dir, dir, { recursive: true });
        await fs.rm(this.dir, { recursive: true, force: true });
      }
    }
    this.dir = dir;
  }

  /** Copies the history to a new folder and keeps using the old one (the project's copy is saved elsewhere). */
  async copyTo(dir: string): Promise<void> {
    if (path.resolve(dir) === path.resolve(this.dir)) return;
    await fs.rm(dir, { recursive: true, force: true });
    await fs.cp(this.dir, dir, { recursive: true }).catch((error: unknown) => {
      if (errnoOf(error) !== "ENOENT") throw error;
    });
  }

  private fileOf(id: string): string {
    if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`Not a snapshot id: ${id}`);
    return path.join(this.dir, `${id}.json.gz`);
  }

  private async prune(entries: HistoryEntry[]): Promise<void> {
    let bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
    // The newest snapshot always stays, even when it alone is over the byte cap.
    while (entries.length > 1 && (entries.length > this.limits.maxCount || bytes > this.limits.maxBytes)) {
      const oldest = entries.shift();
      if (!oldest) break;
      bytes -= oldest.bytes;
      await fs.unlink(this.fileOf(oldest.id)).catch(() => {});
    }
  }

  private async writeIndex(entries: HistoryEntry[]): Promise<void> {
    await writeFileAtomic(path.join(this.dir, INDEX), JSON.stringify({ version: 1, entries }));
    this.entries = entries;
  }

  private async load(): Promise<HistoryEntry[]> {
    if (this.entries) return this.entries;
    let text: string | null = null;
    try {
      text = await fs.readFile(path.join(this.dir, INDEX), "utf8");
    } catch (error) {
      if (errnoOf(error) !== "ENOENT") throw error;
    }
    if (text !== null) {
      try {
        const parsed = indexSchema.safeParse(JSON.parse(text));
        if (parsed.success) return (this.entries = parsed.data.entries);
      } catch {
        // Damaged index: rebuilt below.
      }
    }
    this.entries = await this.rebuild();
    return this.entries;
  }

  /** Reads the metadata back from every snapshot file (when the index is missing or damaged). */
  private async rebuild(): Promise<HistoryEntry[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return [];
      throw error;
    }
    const entries: HistoryEntry[] = [];
    for (const name of names.filter((n) => n.endsWith(".json.gz"))) {
      try {
        const data = await fs.readFile(path.join(this.dir, name));
        const meta = historyEntrySchema.omit({ bytes: true }).safeParse((JSON.parse((await gunzipAsync(data)).toString("utf8")) as { meta: unknown }).meta);
        if (meta.success && `${meta.data.id}.json.gz` === name) entries.push({ ...meta.data, bytes: data.length });
      } catch {
        // A damaged snapshot is left out of the history.
      }
    }
    return entries.sort((a, b) => a.createdAt - b.createdAt);
  }
}
