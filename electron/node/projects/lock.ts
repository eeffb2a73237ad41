import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { isProjectError } from "../../common/project/errors";
import { tempPathFor } from "../base/atomicWrite";
import { errnoOf } from "../base/fsErrors";
import { readRegularFile } from "../base/regularFile";

const lockFileSchema = z.object({
  app: z.literal("draftline"),
  pid: z.number().int().positive(),
  hostname: z.string(),
  acquiredAt: z.number(),
  token: z.string(),
});
export type LockHolder = z.infer<typeof lockFileSchema>;

/** `Novel.draftline` → `.Novel.draftline.lock`, beside it. */
export function lockPathFor(projectPath: string): string {
  return path.join(path.dirname(projectPath), `.${path.basename(projectPath)}.lock`);
}

export type LockResult = { acquired: true; tookOverFrom?: LockHolder } | { acquired: false; holder: LockHolder | null };

/** True while a process with this id runs on this machine. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return errnoOf(error) === "EPERM";
  }
}

/** A lock left by a process of this machine that no longer runs. */
export function isStaleHolder(holder: LockHolder, hostname = os.hostname(), pid = process.pid): boolean {
  return holder.hostname === hostname && holder.pid !== pid && !processAlive(holder.pid);
}

/**
 * How old a lock file that cannot be read must be before it counts as abandoned: a reader may catch a
 * lock in the instant between its creation and its content being written.
 */
const UNREADABLE_LOCK_GRACE_MS = 10_000;

/** A lock is a few hundred bytes: anything else in its place (a pipe, a device, a big file) is unreadable. */
const LOCK_READ = { maxBytes: 64 * 1024, action: "read", kind: "a lock" };

/**
 * The one-writer lock of a project: `.Novel.draftline.lock` holds the writer's pid and host name and a
 * random token. It is created with O_EXCL, so of two windows or processes only one gets it. A lock
 * whose process is gone (same host, pid dead) is stale and taken over; a lock held on another host
 * cannot be checked and is only taken over when the writer asks (`force`).
 */
export class ProjectLock {
  readonly file: string;
  private token: string | null = null;

  constructor(
    readonly projectPath: string,
    private readonly hostname = os.hostname(),
    private readonly pid = process.pid,
  ) {
    this.file = lockPathFor(projectPath);
  }

  get held(): boolean {
    return this.token !== null;
  }

  async acquire(options: { force?: boolean } = {}): Promise<LockResult> {
    let tookOverFrom: LockHolder | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const token = randomBytes(12).toString("hex");
      const holder: LockHolder = { app: "draftline", pid: this.pid, hostname: this.hostname, acquiredAt: Date.now(), token };
      if (await this.create(holder)) {
        this.token = token;
        return tookOverFrom ? { acquired: true, tookOverFrom } : { acquired: true };
      }
      const current = await this.readHolder();
      if (current === "missing") continue;
      if (current === "unreadable") {
        if (!(await this.olderThan(UNREADABLE_LOCK_GRACE_MS)) && !options.force) return { acquired: false, holder: null };
        await this.takeOver(null);
        continue;
      }
      if (!options.force && !this.isStale(current)) return { acquired: false, holder: current };
      if (await this.takeOver(current)) tookOverFrom = current;
    }
    return { acquired: false, holder: await this.holderOrNull() };
  }

  /**
   * Creates the lock file with its content in one step: written under a temporary name, then linked to
   * the lock's name (link never replaces an existing file), so no reader ever sees an empty lock. Where
   * links are not supported, an exclusive create.
   */
  private async create(holder: LockHolder): Promise<boolean> {
    const temp = tempPathFor(this.file);
    await fs.writeFile(temp, JSON.stringify(holder), { mode: 0o644 });
    try {
      await fs.link(temp, this.file);
      return true;
    } catch (error) {
      const code = errnoOf(error);
      if (code === "EEXIST") return false;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "ENOSYS" && code !== "EOPNOTSUPP") throw error;
    } finally {
      await fs.unlink(temp).catch(() => {});
    }
    try {
      await fs.writeFile(this.file, JSON.stringify(holder), { flag: "wx", mode: 0o644 });
      return true;
    } catch (error) {
      if (errnoOf(error) === "EEXIST") return false;
      throw error;
    }
  }

  /** Whether the lock file is still ours (nobody deleted it or forced it away). */
  async stillHeld(): Promise<boolean> {
    if (!this.token) return false;
    const current = await this.readHolder();
    return typeof current === "object" && current.token === this.token;
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    if (!this.token) return;
    try {
      if (await this.stillHeld()) await fs.unlink(this.file);
    } catch (error) {
      if (errnoOf(error) !== "ENOENT") throw error;
    } finally {
      this.token = null;
    }
  }

  /** Who holds the lock now, or null when nobody (or it cannot be read). */
  async holderOrNull(): Promise<LockHolder | null> {
    const current = await this.readHolder();
    return typeof current === "object" ? current : null;
  }

  private isStale(holder: LockHolder): boolean {
    return isStaleHolder(holder, this.hostname, this.pid);
  }

  private async readHolder(): Promise<LockHolder | "missing" | "unreadable"> {
    let text: string;
    try {
      text = (await readRegularFile(this.file, LOCK_READ)).toString("utf8");
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return "missing";
      if (isProjectError(error)) return "unreadable";
      throw error;
    }
    try {
      const parsed = lockFileSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : "unreadable";
    } catch {
      return "unreadable";
    }
  }

  private async olderThan(ms: number): Promise<boolean> {
    try {
      return Date.now() - (await fs.stat(this.file)).mtimeMs > ms;
    } catch {
      return true;
    }
  }

  /**
   * Moves a stale lock out of the way. Two processes may find the same stale lock at once; each
   * renames it to a private name (only one rename of that file succeeds) and checks that what it moved
   * is the stale lock. If it moved a fresh lock that the other process had just created, it puts it
   * back with link(), which never overwrites.
   */
  private async takeOver(stale: LockHolder | null): Promise<boolean> {
    const aside = `${this.file}.stale-${randomBytes(4).toString("hex")}`;
    try {
      await fs.rename(this.file, aside);
    } catch (error) {
      if (errnoOf(error) === "ENOENT") return false;
      throw error;
    }
    let moved: LockHolder | null = null;
    try {
      const parsed = lockFileSchema.safeParse(JSON.parse((await readRegularFile(aside, LOCK_READ)).toString("utf8")));
      if (parsed.success) moved = parsed.data;
    } catch {
      // An unreadable lock: what we meant to move when `stale` is null.
    }
    if (stale === null ? moved === null : moved?.token === stale.token) {
      await fs.unlink(aside).catch(() => {});
      return true;
    }
    await fs.link(aside, this.file).catch(() => {});
    await fs.unlink(aside).catch(() => {});
    return false;
  }
}
