// The engine process of the desktop app: Electron's utilityProcess running dist/node/engine-host.js.
// A native abort in llama.cpp ends that process only; the embedded backend (electron/node/engine)
// notices the exit, fails the calls in flight and starts a new engine on the next request. Every
// process started here is killed on quit, so the GPU memory it holds is freed even if a service
// failed to dispose of its model.
import { ENGINE_EXEC_ARGV, type EngineExit, type EngineProcess, type EngineProcessLauncher } from "../node/engine/launcher";
import type { ParentMessage } from "../node/engine/protocol";
import { silentLogger, type Logger } from "../node/app/log";

/** The part of Electron's UtilityProcess used here. */
export interface UtilityChild {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  on(event: "message", listener: (message: unknown) => void): unknown;
  on(event: "exit", listener: (code: number) => void): unknown;
  on(event: "spawn", listener: () => void): unknown;
  kill(): boolean;
}

export interface UtilityForkOptions {
  env: NodeJS.ProcessEnv;
  execArgv: string[];
  stdio: "pipe";
  serviceName: string;
}

/** utilityProcess.fork, injected so this module runs without Electron. */
export type UtilityFork = (modulePath: string, args: string[], options: UtilityForkOptions) => UtilityChild;

export interface UtilityLauncherOptions {
  fork: UtilityFork;
  /** dist/node/engine-host.js of the running app. */
  hostScript: string;
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export interface UtilityLauncher extends EngineProcessLauncher {
  /** Engine processes still running. */
  running(): number;
  /** Kills every engine process still running (on quit, after the services shut down). */
  dispose(): void;
}

const TAIL_CHARS = 4000;

export function utilityProcessLauncher(options: UtilityLauncherOptions): UtilityLauncher {
  const log = options.log ?? silentLogger;
  const live = new Set<UtilityChild>();
  let disposed = false;

  return {
    async launch(): Promise<EngineProcess> {
      if (disposed) throw new Error("The app is quitting: no new engine process.");
      const child = options.fork(options.hostScript, [], {
        env: options.env ?? process.env,
        execArgv: [...ENGINE_EXEC_ARGV],
        stdio: "pipe",
        serviceName: "Draftline Engine",
      });
      live.add(child);
      const started = Date.now();
      let tail = "";
      const record = (chunk: Buffer | string) => {
        tail = (tail + chunk.toString()).slice(-TAIL_CHARS);
      };
      child.stdout?.on("data", record);
      child.stderr?.on("data", record);

      const exitListeners: ((exit: EngineExit) => void)[] = [];
      let exited: EngineExit | undefined;
      child.on("spawn", () => log.info("engine.started", { pid: child.pid }));
      child.on("exit", (code) => {
        live.delete(child);
        exited = { code, signal: null };
        const seconds = Math.round((Date.now() - started) / 100) / 10;
        if (code === 0 || disposed) log.info("engine.exited", { code, seconds });
        else log.error("engine.crashed", { code, seconds });
        for (const listener of exitListeners.splice(0)) listener(exited);
      });

      return {
        get pid() {
          return child.pid;
        },
        postMessage(message: ParentMessage) {
          if (!exited) child.postMessage(message);
        },
        onMessage(listener) {
          child.on("message", listener);
        },
        onExit(listener) {
          if (exited) listener(exited);
          else exitListeners.push(listener);
        },
        outputTail: () => tail,
        kill() {
          if (!exited) child.kill();
        },
      };
    },
    running: () => live.size,
    dispose() {
      disposed = true;
      for (const child of live) child.kill();
    },
  };
}
