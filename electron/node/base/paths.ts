import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where Draftline keeps its own files (settings, recent projects, logs, autosaves). DRAFTLINE_HOME
 * overrides it, which tests use; otherwise the platform's usual place for per-user app data.
 */
export function appDataDir(env: Record<string, string | undefined> = process.env): string {
  if (env.DRAFTLINE_HOME) return path.resolve(env.DRAFTLINE_HOME);
  const home = os.homedir();
  switch (process.platform) {
    case "darwin":
      return path.join(home, "Library", "Application Support", "Draftline");
    case "win32":
      return path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), "Draftline");
    default:
      return path.join(env.XDG_CONFIG_HOME ?? path.join(home, ".config"), "draftline");
  }
}

/**
 * The folder web mode suggests for a project's first save and export: `~/Documents/Draftline`
 * (created when something is saved there). DRAFTLINE_DOCUMENTS overrides it: the end-to-end tests
 * point it into their own temporary folder, so no test writes into the real home.
 */
export function documentsDir(env: Record<string, string | undefined> = process.env): string {
  if (env.DRAFTLINE_DOCUMENTS) return path.resolve(env.DRAFTLINE_DOCUMENTS);
  return path.join(os.homedir(), "Documents", "Draftline");
}

/** The project's root folder when running from a checkout or a build of it (dist/node/*.js). */
export function packageRoot(fromUrl: string = import.meta.url): string {
  let dir = path.dirname(new URL(fromUrl).pathname);
  for (let i = 0; i < 6; i++) {
    if (path.basename(dir) === "dist" || path.basename(dir) === "electron") return path.dirname(dir);
    dir = path.dirname(dir);
  }
  return process.cwd();
}

/**
 * The Draftline checkout or build this code runs from: the first folder above this module (source:
 * electron/node/base, bundle: dist/node) whose package.json is Draftline's. Undefined in an
 * installed app whose files are not laid out that way.
 */
export function findRepoRoot(fromUrl: string = import.meta.url): string | undefined {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (let i = 0; i < 8; i++) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "draftline") return dir;
      } catch {
        // A package.json that is not JSON is not ours; keep looking upwards.
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}
