// Where models live on disk, and where the catalog is.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { appDataDir } from "../app/paths";
import { fileURLToPath } from "node:url";

/**
 * The Draftline checkout or build this code runs from: the first folder above this module (source:
 * electron/node/models, bundle: dist/node) whose package.json is Draftline's. Undefined in an
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

/** The per-user data folder of Draftline (DRAFTLINE_HOME overrides it): the app's own, one definition. */
export const userDataDir = appDataDir;

/**
 * The models folder: DRAFTLINE_MODELS_DIR when set, `<repo>/models` when running from a checkout,
 * else `models` in the per-user data folder.
 */
export function modelsDir(env: Record<string, string | undefined> = process.env, repoRoot: string | null = findRepoRoot() ?? null): string {
  if (env.DRAFTLINE_MODELS_DIR) return path.resolve(env.DRAFTLINE_MODELS_DIR);
  if (repoRoot) return path.join(repoRoot, "models");
  return path.join(userDataDir(env), "models");
}

/** models/catalog.json of the checkout or build; DRAFTLINE_CATALOG overrides it. */
export function catalogPath(env: Record<string, string | undefined> = process.env, repoRoot: string | null = findRepoRoot() ?? null): string {
  if (env.DRAFTLINE_CATALOG) return path.resolve(env.DRAFTLINE_CATALOG);
  if (!repoRoot) throw new Error("Cannot find models/catalog.json: set DRAFTLINE_CATALOG to its path.");
  return path.join(repoRoot, "models", "catalog.json");
}
