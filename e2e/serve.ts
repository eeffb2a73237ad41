import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import WebSocket from "ws";

export interface ServedApp {
  url: string;
  origin: string;
  token: string;
  home: string;
  /** Ends the server with SIGTERM, as a service manager would, and resolves with its exit code. */
  stop(): Promise<number | null>;
}

const root = path.resolve(import.meta.dirname, "..");

/**
 * Starts `draftline serve` on a free port with a fresh data folder, as a user would. Its documents
 * folder (where a first save is suggested to go) is inside that folder too, never the real home.
 */
export async function serveApp(env: Record<string, string> = {}): Promise<ServedApp> {
  const home = await mkdtemp(path.join(os.tmpdir(), "draftline-e2e-"));
  const child: ChildProcess = spawn(process.execPath, [path.join(root, "bin/draftline.js"), "serve"], {
    cwd: root,
    env: { ...process.env, DRAFTLINE_HOME: home, DRAFTLINE_DOCUMENTS: path.join(home, "Documents", "Draftline"), DRAFTLINE_THREADS: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`draftline serve did not print its address:\n${output}`)), 30_000);
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /running at (\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`draftline serve exited with ${code}:\n${output}`)));
  });
  const parsed = new URL(url);
  return {
    url,
    origin: parsed.origin,
    token: new URLSearchParams(parsed.hash.slice(1)).get("token") ?? "",
    home,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(home, { recursive: true, force: true });
      return child.exitCode;
    },
  };
}

/** A message of the API: a response to a request (by its id), or an event. */
export interface ApiMessage {
  kind: "response" | "event";
  id?: number | null;
  ok?: boolean;
  result?: unknown;
  error?: { code?: string; message: string };
  name?: string;
  payload?: unknown;
}

export interface ApiConnection {
  /** Sends a request and resolves with its response. */
  call(method: string, params: unknown): Promise<ApiMessage>;
  close(): void;
}

/** Connects to the served app's API as its page does (the subprotocol with the token, the app's origin); `onEvent` hears every event. */
export async function connectApi(app: ServedApp, onEvent?: (event: ApiMessage) => void): Promise<ApiConnection> {
  const ws = new WebSocket(`ws://127.0.0.1:${new URL(app.origin).port}/api`, ["draftline", `draftline-token.${app.token}`], { origin: app.origin });
  await new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  let nextId = 1;
  const waiters = new Map<number, (message: ApiMessage) => void>();
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString()) as ApiMessage;
    if (message.kind === "response" && typeof message.id === "number") waiters.get(message.id)?.(message);
    if (message.kind === "event") onEvent?.(message);
  });
  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve) => {
        waiters.set(id, resolve);
        ws.send(JSON.stringify({ kind: "request", id, method, params }));
      });
    },
    close: () => ws.close(),
  };
}
