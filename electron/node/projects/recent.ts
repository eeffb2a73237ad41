import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { projectSummary, type ProjectSummary } from "../../common/api";

const recentFile = z.object({ version: z.literal(1), projects: z.array(projectSummary) });
const MAX_RECENT = 20;

/**
 * The recent-projects list, kept in `<app data>/recent.json`. A damaged list is not an error the
 * writer needs to see: it reads as empty and is rewritten on the next change.
 */
export class RecentProjects {
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, "recent.json");
  }

  async list(): Promise<ProjectSummary[]> {
    try {
      const parsed = recentFile.safeParse(JSON.parse(await readFile(this.file, "utf8")));
      return parsed.success ? parsed.data.projects : [];
    } catch {
      return [];
    }
  }

  /** Puts a project first in the list (and updates its summary if it was there). */
  async touch(summary: ProjectSummary): Promise<ProjectSummary[]> {
    const rest = (await this.list()).filter((p) => p.path !== summary.path);
    const projects = [summary, ...rest].slice(0, MAX_RECENT);
    await this.write(projects);
    return projects;
  }

  async remove(projectPath: string): Promise<ProjectSummary[]> {
    const projects = (await this.list()).filter((p) => p.path !== projectPath);
    await this.write(projects);
    return projects;
  }

  private async write(projects: ProjectSummary[]): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ version: 1, projects }, null, 2));
    await rename(temp, this.file);
  }
}
