// Where models live on disk, and where the catalog is.
import path from "node:path";
import { appDataDir, findRepoRoot } from "../base/paths";

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
