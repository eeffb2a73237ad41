import { EventEmitter } from "node:events";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../node/app/log";
import { EmbeddedBackend } from "../node/engine/embedded";
import { ENGINE_EXEC_ARGV, type UtilityProcessFork, type UtilityProcessLike } from "../node/engine/launcher";
import { desktopEngineLauncher } from "./engineLauncher";

/** Stands in for Electron's UtilityProcess: an engine host that answers `tokenize`, or crashes. */
class FakeEngineProcess extends EventEmitter implements UtilityProcessLike {
  pid: number | undefined;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly received: unknown[] = [];
  killed = false;
  private alive = true;

  constructor(
    readonly pidToBe: number,
    private readonly behaviour: "answers" | "crashes on the first call",
  ) {
    super();
    setImmediate(() => {
      this.pid = pidToBe;
      this.emit("spawn");
      this.emit("message", { type: "ready", pid: pidToBe });
    });
  }

  postMessage(message: unknown): void {
    this.received.push(message);
    const call = message as { type: string; id: number; method: string; params: { text?: string } };
    if (call.type !== "call") return;
    if (this.behaviour === "crashes on the first call") {
      this.stderr.write("GGML_ASSERT(n_head > 0) failed\n");
      setImmediate(() => this.exit(134));
      return;
    }
    setImmediate(() => this.emit("message", { type: "result", id: call.id, result: { tokens: [...(call.params.text ?? "")].map((c) => c.charCodeAt(0)) } }));
  }

  kill(): boolean {
    this.killed = true;
    setImmediate(() => this.exit(0));
    return true;
  }

  private exit(code: number): void {
    if (!this.alive) return;
    this.alive = false;
    this.emit("exit", code);
  }
}

function setup(behaviours: ("answers" | "crashes on the first call")[]) {
  const children: FakeEngineProcess[] = [];
  const forks: { script: string; options: Parameters<UtilityProcessFork>[2] }[] = [];
  const lines: string[] = [];
  const launcher = desktopEngineLauncher({
    hostScript: "/app/dist/node/engine-host.js",
    fork: (script, _args, options) => {
      forks.push({ script, options });
      const child = new FakeEngineProcess(1000 + children.length, behaviours[children.length] ?? "answers");
      children.push(child);
      return child;
    },
    log: createLogger({ sink: (line) => lines.push(line) }),
  });
  return { launcher, children, forks, lines };
}

describe("desktopEngineLauncher", () => {
  it("starts the engine host in a utility process with piped output and the engine's Node options", async () => {
    const { launcher, forks } = setup(["answers"]);
    await launcher.launch();
    expect(forks).toEqual([
      { script: "/app/dist/node/engine-host.js", options: expect.objectContaining({ stdio: "pipe", execArgv: [...ENGINE_EXEC_ARGV] }) },
    ]);
  });

  it("runs the embedded backend: calls reach the engine and answers come back", async () => {
    const { launcher } = setup(["answers"]);
    const backend = new EmbeddedBackend({ launcher });
    await expect(backend.tokenize("hi")).resolves.toEqual([104, 105]);
    await backend.dispose();
  });

  it("after a crash, the call in flight fails with the engine's last output and the next call starts a new engine", async () => {
    const { launcher, children, lines } = setup(["crashes on the first call", "answers"]);
    const backend = new EmbeddedBackend({ launcher });
    await expect(backend.tokenize("hi")).rejects.toMatchObject({ code: "crashed", message: expect.stringContaining("GGML_ASSERT") });
    await expect(backend.tokenize("ok")).resolves.toEqual([111, 107]);
    expect(children).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l).event)).toContain("engine.crashed");
    await backend.dispose();
  });

  it("disposing the backend on quit ends its engine process", async () => {
    const { launcher, children } = setup(["answers"]);
    const backend = new EmbeddedBackend({ launcher });
    await backend.tokenize("a");
    await backend.dispose();
    expect(children[0]?.killed).toBe(true);
    expect(launcher.running()).toBe(0);
  });

  it("kills engines a service left running, and starts no new one once the app quits", async () => {
    const { launcher, children } = setup(["answers", "answers"]);
    await launcher.launch();
    await launcher.launch();
    expect(launcher.running()).toBe(2);
    launcher.dispose();
    expect(children.every((c) => c.killed)).toBe(true);
    await expect(launcher.launch()).rejects.toThrow(/quitting/);
  });

  it("drops messages to a process that has exited instead of throwing", async () => {
    const { launcher, children } = setup(["answers"]);
    const engine = await launcher.launch();
    const exited = new Promise((resolve) => engine.onExit(resolve));
    engine.kill();
    await expect(exited).resolves.toEqual({ code: 0, signal: null });
    engine.postMessage({ type: "abort", id: 1 });
    expect(children[0]?.received).toEqual([]);
  });
});
