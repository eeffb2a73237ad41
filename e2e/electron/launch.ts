// Starting the desktop app under Playwright's Electron driver, where an Electron runtime is installed.
// The `electron` npm package downloads its runtime on first run; these tests never do: without the
// runtime they are skipped, and say why.
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { _electron, type ElectronApplication, type Page } from "@playwright/test";

export const root = path.resolve(import.meta.dirname, "..", "..");

/** The Electron executable installed in node_modules (or ELECTRON_EXECUTABLE), without downloading anything. */
export function electronExecutable(): string | undefined {
  if (process.env.ELECTRON_EXECUTABLE) return existsSync(process.env.ELECTRON_EXECUTABLE) ? process.env.ELECTRON_EXECUTABLE : undefined;
  const dir = path.join(root, "node_modules", "electron");
  const pathFile = path.join(dir, "path.txt");
  if (!existsSync(pathFile)) return undefined;
  const binary = path.join(dir, "dist", readFileSync(pathFile, "utf8").trim());
  return existsSync(binary) ? binary : undefined;
}

const builtMain = path.join(root, "dist", "main", "main.js");

/** Why the desktop tests cannot run here, or undefined when they can. */
export function whyNotRunnable(): string | undefined {
  if (!electronExecutable()) {
    return "Electron runtime not installed: node_modules/electron has no downloaded binary (run `node node_modules/electron/install.js` with network access, or set ELECTRON_EXECUTABLE). The tests never download it.";
  }
  if (!existsSync(builtMain)) return "The app is not built: run `npm run build` first (dist/main/main.js is missing).";
  return undefined;
}

export interface DesktopRun {
  app: ElectronApplication;
  window: Page;
  home: string;
  close(): Promise<void>;
}

/** Launches the app with a fresh data folder (DRAFTLINE_HOME), as a writer would start it. */
export async function launchDesktop(options: { args?: string[]; home?: string } = {}): Promise<DesktopRun> {
  const home = options.home ?? (await mkdtemp(path.join(os.tmpdir(), "draftline-electron-")));
  const executablePath = electronExecutable();
  if (!executablePath) throw new Error(whyNotRunnable());
  const app = await _electron.launch({
    executablePath,
    args: [root, ...(options.args ?? [])],
    cwd: root,
    env: { ...process.env, DRAFTLINE_HOME: home, DRAFTLINE_THREADS: "1", ELECTRON_ENABLE_LOGGING: "1" },
  });
  const window = await app.firstWindow();
  await window.waitForLoadState("domcontentloaded");
  return {
    app,
    window,
    home,
    async close() {
      await app.close().catch(() => undefined);
      if (!options.home) await rm(home, { recursive: true, force: true });
    },
  };
}
