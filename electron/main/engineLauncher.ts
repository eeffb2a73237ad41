// The engine process of the desktop app: Electron's utilityProcess running dist/node/engine-host.js,
// started by the engine's own utilityProcessLauncher (electron/node/engine/launcher.ts). What the
// desktop adds: a line in the log when an engine starts, exits or crashes, and on quit every engine
// still running is killed, so the GPU memory it holds is freed even if a service failed to dispose of
// its model. A native abort in llama.cpp ends the engine process only; the embedded backend notices
// the exit, fails the calls in flight and starts a new engine on the next request.
import { utilityProcessLauncher, type EngineProcess, type EngineProcessLauncher, type UtilityProcessFork } from "../node/engine/launcher";
import { silentLogger, type Logger } from "../node/app/log";

export interface DesktopEngineLauncherOptions {
  /** utilityProcess.fork, injected so this module runs without Electron. */
  fork: UtilityProcessFork;
  /** dist/node/engine-host.js of the running app. */
  hostScript: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export interface DesktopEngineLauncher extends EngineProcessLauncher {
  /** Engine processes still running. */
  running(): number;
  /** Kills every engine process still running and starts no new one (on quit, after the services shut down). */
  dispose(): void;
}

export function desktopEngineLauncher(options: DesktopEngineLauncherOptions): DesktopEngineLauncher {
  const log = options.log ?? silentLogger;
  const inner = utilityProcessLauncher(options.fork, { hostScript: options.hostScript, env: options.env });
  const live = new Set<EngineProcess>();
  let disposed = false;

  return {
    async launch(): Promise<EngineProcess> {
      if (disposed) throw new Error("The app is quitting: no new engine process.");
      const started = Date.now();
      const engine = await inner.launch();
      let exited = false;
      live.add(engine);
      log.info("engine.started", { pid: engine.pid ?? null });
      engine.onExit(({ code }) => {
        exited = true;
        live.delete(engine);
        const seconds = Math.round((Date.now() - started) / 100) / 10;
        if (code === 0 || disposed) log.info("engine.exited", { code, seconds });
        else log.error("engine.crashed", { code, seconds });
      });
      return {
        get pid() {
          return engine.pid;
        },
        // A message for an engine that has already exited (an abort racing a crash) goes nowhere.
        postMessage: (message) => {
          if (!exited) engine.postMessage(message);
        },
        onMessage: (listener) => engine.onMessage(listener),
        onExit: (listener) => engine.onExit(listener),
        outputTail: () => engine.outputTail(),
        kill: () => engine.kill(),
      };
    },
    running: () => live.size,
    dispose() {
      disposed = true;
      for (const engine of live) engine.kill();
    },
  };
}
