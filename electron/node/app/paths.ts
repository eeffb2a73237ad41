import os from "node:os";
import path from "node:path";

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

/** The project's root folder when running from a checkout or a build of it (dist/node/*.js). */
export function packageRoot(fromUrl: string = import.meta.url): string {
  let dir = path.dirname(new URL(fromUrl).pathname);
  for (let i = 0; i < 6; i++) {
    if (path.basename(dir) === "dist" || path.basename(dir) === "electron") return path.dirname(dir);
    dir = path.dirname(dir);
  }
  return process.cwd();
}
