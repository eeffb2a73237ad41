// An engine process whose answers a test writes (no llama.cpp): for the embedded backend's protocol,
// crash, restart and deadline tests.
import type { EngineExit, EngineProcess, EngineProcessLauncher } from "../launcher";
import type { ParentMessage } from "../protocol";

export class ScriptedEngine implements EngineProcess {
  readonly pid = 4242;
  readonly received: ParentMessage[] = [];
  killed = false;
  private messageListeners: ((message: unknown) => void)[] = [];
  private exitListeners: ((exit: EngineExit) => void)[] = [];
  output = "";
  constructor(
    private readonly answer: (message: ParentMessage, engine: ScriptedEngine) => void,
    options: { ready?: boolean } = {},
  ) {
    if (options.ready !== false) setImmediate(() => this.emit({ type: "ready", pid: this.pid }));
  }
  emit(message: unknown): void {
    for (const listener of this.messageListeners) listener(message);
  }
  exit(exit: EngineExit): void {
    for (const listener of this.exitListeners) listener(exit);
  }
  postMessage(message: ParentMessage): void {
    this.received.push(message);
    queueMicrotask(() => this.answer(message, this));
  }
  onMessage(listener: (message: unknown) => void): void {
    this.messageListeners.push(listener);
  }
  onExit(listener: (exit: EngineExit) => void): void {
    this.exitListeners.push(listener);
  }
  outputTail(): string {
    return this.output;
  }
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    this.exit({ code: null, signal: "SIGKILL" });
  }
  /** The methods of the calls this engine received, in order. */
  calls(): string[] {
    return this.received.flatMap((m) => (m.type === "call" ? [m.method] : []));
  }
}

/** A launcher of scripted engines; `engines` lists every engine it started. */
export function scriptedLauncher(
  answer: (message: ParentMessage, engine: ScriptedEngine, index: number) => void,
  options: { ready?: (index: number) => boolean } = {},
): EngineProcessLauncher & { engines: ScriptedEngine[] } {
  const engines: ScriptedEngine[] = [];
  return {
    engines,
    async launch() {
      const index = engines.length;
      const engine = new ScriptedEngine((message, e) => answer(message, e, index), { ready: options.ready?.(index) ?? true });
      engines.push(engine);
      return engine;
    },
  };
}
