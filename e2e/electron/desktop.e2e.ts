// The desktop app in a real Electron: the sandboxed window and its bridge, the security settings as
// Electron applied them, one window per project, the close guard, window state, and the engine in a
// utility process. Skipped, with the reason printed, where no Electron runtime is installed.
import { spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import type { DraftlineBridge } from "../../electron/common/api/bridge";
import { electronExecutable, launchDesktop, root, whyNotRunnable, type DesktopRun } from "./launch";

const notRunnable = whyNotRunnable();
if (notRunnable) console.warn(`\nElectron end-to-end tests skipped. ${notRunnable}\n`);

test.describe("the desktop app", () => {
  test.skip(notRunnable !== undefined, notRunnable ?? "");
  test.describe.configure({ mode: "serial" });

  let run: DesktopRun | undefined;
  test.afterEach(async () => {
    await run?.close();
    run = undefined;
  });

  test("opens a sandboxed window on the app's own page, with the typed bridge and no Node", async () => {
    run = await launchDesktop();
    const { window } = run;
    expect(window.url()).toBe("draftline-app://app/index.html");
    const page = await window.evaluate(async () => {
      const bridge = (globalThis as unknown as { draftline?: DraftlineBridge }).draftline;
      const g = globalThis as unknown as Record<string, unknown>;
      return {
        hasBridge: typeof bridge === "object",
        methods: bridge ? Object.keys(bridge.api) : [],
        require: typeof g.require,
        process: typeof g.process,
        info: bridge ? await bridge.api["app.info"]({}) : null,
      };
    });
    expect(page).toMatchObject({ hasBridge: true, require: "undefined", process: "undefined", info: { ok: true, result: { shell: "electron" } } });
    expect(page.methods).toEqual(expect.arrayContaining(["app.info", "dialog.openProject", "window.setDocumentState"]));
  });

  test("serves its pages with the app's strict Content-Security-Policy", async () => {
    run = await launchDesktop();
    const csp = await run.window.evaluate(async () => (await fetch("/index.html")).headers.get("content-security-policy"));
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|https?:/);
    const evalBlocked = await run.window.evaluate(() => {
      try {
        return new Function("return 1")() !== 1;
      } catch {
        return true;
      }
    });
    expect(evalBlocked).toBe(true);
  });

  test("opens no other window and never leaves the app's page", async () => {
    run = await launchDesktop();
    const { app, window: page } = run;
    const opened = await page.evaluate(() => window.open("https://example.com/") === null);
    expect(opened).toBe(true);
    const navigated = page.waitForURL(/^https:/, { timeout: 2000 }).then(
      () => true,
      () => false,
    );
    await page.evaluate(() => {
      location.href = "https://example.com/";
    });
    expect(await navigated).toBe(false);
    expect(page.url()).toMatch(/^draftline-app:\/\/app\//);
    expect(app.windows()).toHaveLength(1);
    const remote = await page.evaluate(() => fetch("https://example.com/").then(() => "loaded", () => "blocked"));
    expect(remote).toBe("blocked");
  });

  test("opens a project named on the command line, and a second launch with another project adds its window", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "draftline-electron-"));
    try {
      const first = path.join(home, "First Novel.draftline");
      const second = path.join(home, "second.draftline");
      run = await launchDesktop({ home, args: [first] });
      expect(decodeURIComponent(run.window.url())).toContain(`?project=${first}`);

      const nextWindow = run.app.waitForEvent("window");
      const executable = electronExecutable() as string;
      const launched = spawn(executable, [root, second], { env: { ...process.env, DRAFTLINE_HOME: home }, stdio: "ignore" });
      const exited = new Promise<number | null>((resolve) => launched.once("exit", resolve));
      const added = await nextWindow;
      expect(decodeURIComponent(added.url())).toContain(`?project=${second}`);
      // The second launch handed its file over and quit.
      expect(await exited).toBe(0);
    } finally {
      await run?.close();
      run = undefined;
      await rm(home, { recursive: true, force: true });
    }
  });

  test("asks before closing a window with unsaved changes: Cancel keeps it, Don't Save closes it", async () => {
    run = await launchDesktop();
    const { app, window } = run;
    const call = (method: string, params: unknown) =>
      window.evaluate(([m, p]) => (globalThis as unknown as { draftline: DraftlineBridge }).draftline.api[m as keyof DraftlineBridge["api"]](p), [method, params] as const);
    await expect(call("window.setDocumentState", { modified: true, generating: false, title: "The Lighthouse" })).resolves.toMatchObject({ ok: true });

    // A native message box cannot be clicked from here: answer it in the main process instead.
    const answerWith = (response: number) =>
      app.evaluate(({ dialog }, r) => {
        const asked: string[] = [];
        Object.assign(dialog, {
          showMessageBox: async (...args: unknown[]) => {
            const options = args.at(-1) as { message: string };
            asked.push(options.message);
            (globalThis as unknown as { asked: string[] }).asked = asked;
            return { response: r, checkboxChecked: false };
          },
        });
      }, response);

    await answerWith(2); // Cancel
    await call("window.close", {});
    await expect.poll(() => app.evaluate(() => (globalThis as unknown as { asked?: string[] }).asked ?? [])).toEqual([expect.stringContaining("“The Lighthouse”")]);
    expect(app.windows()).toHaveLength(1);

    await answerWith(1); // Don't Save
    const closed = window.waitForEvent("close");
    await call("window.close", {}).catch(() => undefined);
    await closed;
  });

  test("reopens a window at the size it had", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "draftline-electron-"));
    try {
      run = await launchDesktop({ home });
      await run.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.setBounds({ width: 1234, height: 777 }));
      await run.app.close();
      run = await launchDesktop({ home });
      const size = await run.app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]?.getNormalBounds());
      expect(size).toMatchObject({ width: 1234, height: 777 });
    } finally {
      await run?.close();
      run = undefined;
      await rm(home, { recursive: true, force: true });
    }
  });

  test("loads the tiny model in the engine's utility process, and ends that process on quit", async () => {
    const home = await mkdtemp(path.join(os.tmpdir(), "draftline-electron-"));
    try {
      const model = path.join(home, "tiny.gguf");
      const made = spawnSync(process.execPath, [path.join(root, "bin/draftline.js"), "test-model", model], { encoding: "utf8" });
      expect(made.status, made.stderr).toBe(0);
      run = await launchDesktop({ home });
      const loaded = await run.window.evaluate(
        (file) => (globalThis as unknown as { draftline: DraftlineBridge }).draftline.api["models.load"]({ source: { kind: "file", path: file }, settings: { threads: 1 } }),
        model,
      );
      expect(loaded).toMatchObject({ ok: true, result: { status: "ready" } });
      const engines = await run.app.evaluate(({ app }) => app.getAppMetrics().filter((m) => m.type === "Utility" && /engine/i.test(m.serviceName ?? m.name ?? "")).map((m) => m.pid));
      expect(engines).toHaveLength(1);
      await run.app.close();
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      await expect.poll(() => alive(engines[0] as number)).toBe(false);
    } finally {
      await run?.close();
      run = undefined;
      await rm(home, { recursive: true, force: true });
    }
  });
});
