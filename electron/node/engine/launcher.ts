// Starting the engine process. The app only needs something that starts a process running the engine
// host script and exchanges messages with it: in web mode, the CLI and tests that is
// child_process.fork; in the desktop app, Electron's utilityProcess.fork, which has the same shape
// (electron/main implements EngineProcessLauncher with it).
import { fork } from "node:child_process";
import { existsSync, statSync, readdirSync } from "node:fs";
import { rename } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { findRepoRoot } from "../base/paths";
import { BackendError } from "./backend";
import type { ParentMessage } from "./protocol";

export interface EngineExit {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running engine process, as the app sees it. */
export interface EngineProcess {
  readonly pid: number | undefined;
  postMessage(message: ParentMessage): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the process has ended, for whatever reason. */
  onExit(listener: (exit: EngineExit) => void): void;
  /** The last lines the process wrote (llama.cpp's log), to explain a crash. */
  outputTail(): string;
  kill(): void;
}

export interface EngineProcessLauncher {
  launch(): Promise<EngineProcess>;
}

const HOST_BUNDLE = "engine-host.js";

/**
 * Finds the engine host script: DRAFTLINE_ENGINE_HOST, else next to the running bundle (dist/node),
 * else `<repo>/dist/node/engine-host.js`. Running from TypeScript sources (tests), that file is built
 * first when it is missing or older than the engine's sources.
 */
export async function resolveHostScript(env: Record<string, string | undefined> = process.env): Promise<string> {
  if (env.DRAFTLINE_ENGINE_HOST) return path.resolve(env.DRAFTLINE_ENGINE_HOST);
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith(".ts")) {
    const beside = path.join(path.dirname(here), HOST_BUNDLE);
    if (existsSync(beside)) return beside;
  }
  const root = findRepoRoot(import.meta.url);
  if (!root) throw new BackendError("failed", `Cannot find the engine host script (${HOST_BUNDLE}); set DRAFTLINE_ENGINE_HOST to its path.`);
  const built = path.join(root, "dist", "node", HOST_BUNDLE);
  if (here.endsWith(".ts") && isStale(built, root)) await buildHostScript(root, built);
  if (!existsSync(built)) throw new BackendError("failed", `The engine is not built: run \`node scripts/build.mjs --node\` in ${root}.`);
  return built;
}

/** Source folders the host bundle is made of. */
const HOST_SOURCES = ["electron/node/engine", "electron/node/models", "electron/common/engine"];

function newestSource(root: string): number {
  let newest = 0;
  const visit = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts")) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of HOST_SOURCES) visit(path.join(root, dir));
  return newest;
}

function isStale(bundle: string, root: string): boolean {
  return !existsSync(bundle) || statSync(bundle).mtimeMs < newestSource(root);
}

/** Bundles host.ts the way scripts/build.mjs does, into a temporary file renamed into place. */
async function buildHostScript(root: string, out: string): Promise<void> {
  const { build } = await import("esbuild");
  const temp = `${out}.${process.pid}.tmp.js`;
  await build({
    entryPoints: [path.join(root, "electron/node/engine/host.ts")],
    outfile: temp,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    external: ["electron"],
    sourcemap: false,
    logLevel: "warning",
  });
  await rename(temp, out);
}

/**
 * Node options for the engine process (Electron's utilityProcess.fork takes them as execArgv too).
 * None: a smaller young generation (--max-semi-space-size=1) saves about 25 MB of resident memory,
 * but measured 15-20% more CPU per generated token in garbage collection (bench/engine.bench.ts),
 * and the engine stays within its memory budget without it.
 */
export const ENGINE_EXEC_ARGV: readonly string[] = [];

export interface ForkLauncherOptions {
  /** The host script; default: resolveHostScript(). */
  hostScript?: string;
  env?: NodeJS.ProcessEnv;
  /** Node options of the engine process (default ENGINE_EXEC_ARGV). */
  execArgv?: string[];
  /** Receives the engine's output (llama.cpp's log), line by line. */
  onOutput?: (line: string) => void;
}

/** The part of Electron's UtilityProcess the launcher uses (typed here: this layer cannot import electron). */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: "message", listener: (message: unknown) => void): this;
  on(event: "exit", listener: (code: number) => void): this;
}

export type UtilityProcessFork = (
  modulePath: string,
  args: string[],
  options: { execArgv?: string[]; stdio?: "pipe"; serviceName?: string; env?: NodeJS.ProcessEnv },
) => UtilityProcessLike;

/**
 * The desktop app's launcher: `utilityProcessLauncher(utilityProcess.fork)` in electron/main starts
 * the engine as an Electron utility process, which talks through `process.parentPort` (host.ts
 * handles both).
 */
export function utilityProcessLauncher(forkUtility: UtilityProcessFork, options: { hostScript?: string; env?: NodeJS.ProcessEnv } = {}): EngineProcessLauncher {
  return {
    async launch() {
      const script = options.hostScript ?? (await resolveHostScript());
      const child = forkUtility(script, [], { execArgv: [...ENGINE_EXEC_ARGV], stdio: "pipe", serviceName: "Draftline inference engine", env: options.env });
      let tail = "";
      const record = (chunk: Buffer | string) => {
        tail = (tail + chunk.toString()).slice(-4000);
      };
      child.stdout?.on("data", record);
      child.stderr?.on("data", record);
      let exited: EngineExit | undefined;
      const exitListeners: ((exit: EngineExit) => void)[] = [];
      child.on("exit", (code) => {
        exited = { code, signal: null };
        for (const listener of exitListeners) listener(exited);
      });
      return {
        get pid() {
          return child.pid;
        },
        postMessage: (message) => child.postMessage(message),
        onMessage: (listener) => {
          child.on("message", listener);
        },
        onExit(listener) {
          if (exited) listener(exited);
          else exitListeners.push(listener);
        },
        outputTail: () => tail,
        kill: () => {
          if (!exited) child.kill();
        },
      } satisfies EngineProcess;
    },
  };
}

/** Starts the engine as a Node child process (child_process.fork) with an IPC channel. */
export function forkLauncher(options: ForkLauncherOptions = {}): EngineProcessLauncher {
  return {
    async launch() {
      const script = options.hostScript ?? (await resolveHostScript());
      const child = fork(script, [], {
        env: options.env ?? process.env,
        execArgv: options.execArgv ?? [...ENGINE_EXEC_ARGV],
        // JSON: the messages are plain data, and JSON costs less per message than the structured clone.
        serialization: "json",
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      });
      let tail = "";
      let partial = "";
      const record = (chunk: Buffer) => {
        const text = chunk.toString("utf8");
        tail = (tail + text).slice(-4000);
        if (!options.onOutput) return;
        const lines = (partial + text).split("\n");
        partial = lines.pop() ?? "";
        for (const line of lines) options.onOutput(line);
      };
      child.stdout?.on("data", record);
      child.stderr?.on("data", record);
      const exitListeners: ((exit: EngineExit) => void)[] = [];
      let exited: EngineExit | undefined;
      const onEnd = (exit: EngineExit) => {
        if (exited) return;
        exited = exit;
        for (const listener of exitListeners) listener(exit);
      };
      child.on("exit", (code, signal) => onEnd({ code, signal }));
      child.on("error", () => onEnd({ code: child.exitCode, signal: child.signalCode }));
      return {
        get pid() {
          return child.pid;
        },
        postMessage(message) {
          if (child.connected) child.send(message);
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
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        },
      } satisfies EngineProcess;
    },
  };
}
