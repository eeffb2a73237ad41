import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { webSocketProtocols } from "../../common/api/bridge";
import type { WireMessage } from "../../common/api";
import { clientFrame, closeCode, rawUpgrade } from "./testing/rawWebSocket";
import { startWebServer, WeakTokenError, type WebServer } from "./webServer";

const TOKEN = "test-token-0123456789abcdef";

let dir: string;
let server: WebServer;
let logged: string[];
let imported: string[] = [];

async function start(options: { timeouts?: { headersMs: number; checkIntervalMs: number } } = {}): Promise<WebServer> {
  logged = [];
  return startWebServer({
    rendererDir: path.join(dir, "renderer"),
    handlers: {
      "app.echo": async ({ text }) => ({ text, receivedAt: 0 }),
      "projects.import": async ({ path: file }) => {
        imported.push(file);
        return { ok: false, error: { code: "io-error", message: "the fake imports nothing" } };
      },
    },
    token: TOKEN,
    log: (message) => logged.push(message),
    ...options,
  });
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "draftline-web-"));
  await mkdir(path.join(dir, "renderer"));
  await writeFile(path.join(dir, "renderer", "index.html"), "<!doctype html><title>Draftline</title>");
  await writeFile(path.join(dir, "secret.txt"), "not for the page");
  server = await start();
});

afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A client as the app's page opens it: its origin, the token as a subprotocol. */
async function connect(port = server.port, token = TOKEN): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api`, webSocketProtocols(token), { origin: `http://127.0.0.1:${port}` });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return ws;
}

/** Sends app.echo and waits for its answer. */
async function echo(ws: WebSocket, text: string, id = 1): Promise<unknown> {
  return request(ws, "app.echo", { text }, id);
}

/** Sends a request and waits for its answer. */
async function request(ws: WebSocket, method: string, params: unknown, id = 1): Promise<unknown> {
  const reply = new Promise<unknown>((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as WireMessage;
      if (message.kind === "response" && message.id === id) {
        ws.off("message", onMessage);
        resolve(message);
      }
    };
    ws.on("message", onMessage);
  });
  ws.send(JSON.stringify({ kind: "request", id, method, params }));
  return reply;
}

/** The status of a plain HTTP request, sent as written (no path normalization). */
function get(target: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: server.port, path: target, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the access token", () => {
  it.each([
    ["empty", ""],
    ["too short", "abc"],
    ["with characters no header may carry", "a token with spaces, 0123456789"],
  ])("an %s token is refused with a clear error: the server never starts open", async (_what, token) => {
    await expect(startWebServer({ rendererDir: dir, handlers: {}, token, log: () => undefined })).rejects.toThrow(WeakTokenError);
    await expect(startWebServer({ rendererDir: dir, handlers: {}, token, log: () => undefined })).rejects.toThrow(/DRAFTLINE_TOKEN/);
  });

  it("without one, a random token is made and the address carries it in the fragment only", async () => {
    const open = await startWebServer({ rendererDir: dir, handlers: {}, log: () => undefined });
    try {
      expect(open.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(open.url).toBe(`http://127.0.0.1:${open.port}/#token=${open.token}`);
    } finally {
      await open.close();
    }
  });

  it("travels as a subprotocol: the server answers with the API's and never echoes the token", async () => {
    const raw = await rawUpgrade({ port: server.port, token: TOKEN });
    expect(raw.status).toBe(101);
    expect(raw.headers["sec-websocket-protocol"]).toBe("draftline");
    raw.socket.destroy();
  });

  it("is never taken from the request line, and an empty one never authorises", async () => {
    const refused = async (options: Parameters<typeof rawUpgrade>[0]) => {
      const raw = await rawUpgrade(options);
      raw.socket.destroy();
      return raw.status;
    };
    expect(await refused({ port: server.port, target: `/api?token=${TOKEN}` })).toBe(401);
    expect(await refused({ port: server.port, target: `/api?token=${TOKEN}`, protocolHeader: "draftline" })).toBe(401);
    expect(await refused({ port: server.port, target: "/api?token=", protocolHeader: "draftline, draftline-token." })).toBe(401);
    expect(await refused({ port: server.port, protocolHeader: "draftline, draftline-token." })).toBe(401);
    expect(await refused({ port: server.port, token: "wrong-token-0123456789abcdef" })).toBe(401);
    // The token without the API's subprotocol: the browser could not accept the answer.
    expect(await refused({ port: server.port, protocolHeader: `draftline-token.${TOKEN}` })).toBe(400);
    expect(logged.filter((line) => line.startsWith("Refused a WebSocket (401)"))).toHaveLength(5);
    expect(logged.join("\n")).not.toContain(TOKEN);
  });

  it("/session tells a page whether its token is right, and an empty bearer is wrong", async () => {
    expect((await get("/session", { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get("/session", { authorization: "Bearer " })).status).toBe(401);
    expect((await get("/session")).status).toBe(401);
  });
});

describe("who may connect", () => {
  it("refuses a foreign Origin, a wrong Host and another endpoint, and accepts the app's own page", async () => {
    const status = async (options: Parameters<typeof rawUpgrade>[0]) => {
      const raw = await rawUpgrade(options);
      raw.socket.destroy();
      return raw.status;
    };
    expect(await status({ port: server.port, token: TOKEN, origin: "http://evil.example" })).toBe(403);
    expect(await status({ port: server.port, token: TOKEN, origin: "null" })).toBe(403);
    expect(await status({ port: server.port, token: TOKEN, host: "evil.example" })).toBe(421);
    expect(await status({ port: server.port, token: TOKEN, target: "/other" })).toBe(404);
    expect(await status({ port: server.port, token: TOKEN, host: `localhost:${server.port}`, origin: `http://localhost:${server.port}` })).toBe(101);
    expect((await get("/", { host: "evil.example" })).status).toBe(421);
  });

  it("serves nothing outside the app's folder", async () => {
    expect((await get("/")).status).toBe(200);
    for (const target of ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2e%2e%5csecret.txt", "/%00", "/%E0%A4%A"]) {
      const answer = await get(target);
      expect([400, 403, 404]).toContain(answer.status);
      expect(answer.body).not.toContain("not for the page");
    }
  });

  it("answers 200 windows connected at once", async () => {
    const clients = await Promise.all(Array.from({ length: 200 }, () => connect()));
    try {
      const replies = await Promise.all(clients.map((ws, i) => echo(ws, `client ${i}`, i + 1)));
      replies.forEach((reply, i) => expect(reply).toMatchObject({ id: i + 1, ok: true, result: { text: `client ${i}` } }));
    } finally {
      for (const ws of clients) ws.terminate();
    }
  });

  it("drops a connection that never sends its request", async () => {
    await server.close();
    server = await start({ timeouts: { headersMs: 200, checkIntervalMs: 100 } });
    const silent = net.connect(server.port, "127.0.0.1");
    const partial = net.connect(server.port, "127.0.0.1", () => partial.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    for (const socket of [silent, partial]) {
      socket.on("error", () => undefined);
      socket.resume();
    }
    await Promise.all([silent, partial].map((socket) => new Promise((resolve) => socket.once("close", resolve))));
    // A request that arrives in time is still answered.
    expect((await get("/")).status).toBe(200);
  });
});

describe("files a page may name", () => {
  it("an import of a file that is not a draft is refused before the back end reads it", async () => {
    imported = [];
    const ws = await connect();
    expect(await request(ws, "projects.import", { path: "/etc/passwd" })).toMatchObject({ ok: true, result: { ok: false, error: { code: "foreign" } } });
    expect(imported).toEqual([]);
    ws.terminate();
  });
});

describe("a bad frame closes only its own connection", () => {
  const badFrames: [string, number, () => Buffer][] = [
    // Over the 32 MiB limit: refused from its header, the bytes after it are read and dropped.
    ["a 40 MiB text frame", 1009, () => clientFrame({ opcode: 0x1, payload: Buffer.alloc(40 * 1024 * 1024, 0x61) })],
    ["a text frame that is not UTF-8", 1007, () => clientFrame({ opcode: 0x1, payload: Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]) })],
    ["RSV1 set without an extension", 1002, () => clientFrame({ opcode: 0x1, rsv1: true, payload: Buffer.from("{}") })],
    ["a reserved opcode", 1002, () => clientFrame({ opcode: 0x3, payload: Buffer.from("?") })],
    ["a reserved control opcode", 1002, () => clientFrame({ opcode: 0xb })],
    ["an unmasked client frame", 1002, () => clientFrame({ opcode: 0x1, payload: Buffer.from("{}"), masked: false })],
    ["a fragmented control frame", 1002, () => clientFrame({ opcode: 0x9, fin: false })],
  ];

  it.each(badFrames)("%s: that connection gets close code %s, the server and other windows go on", async (what, code, frame) => {
    const bystander = await connect();
    const events: string[] = [];
    bystander.on("message", (data) => {
      const message = JSON.parse(data.toString()) as WireMessage;
      if (message.kind === "event") events.push(message.name);
    });

    const attacker = await rawUpgrade({ port: server.port, token: TOKEN });
    expect(attacker.status).toBe(101);
    attacker.socket.write(frame());
    const close = await attacker.nextClose();
    expect(close, what).not.toBeNull();
    expect(close?.opcode).toBe(0x8);
    expect(close && closeCode(close)).toBe(code);
    attacker.socket.end();
    await attacker.closed;
    expect(logged.some((line) => line.startsWith("Closed web-2 after a bad frame"))).toBe(true);

    // The window connected before still works, pushed events still reach it, and a new one connects.
    expect(await echo(bystander, "still here", 2)).toMatchObject({ ok: true, result: { text: "still here" } });
    const delivered = new Promise<void>((resolve) => bystander.once("message", () => resolve()));
    server.emit({ kind: "event", name: "generation.update", payload: {} });
    await delivered;
    expect(events).toEqual(["generation.update"]);
    const newcomer = await connect();
    expect(await echo(newcomer, "hello", 3)).toMatchObject({ ok: true, result: { text: "hello" } });
    expect((await get("/")).status).toBe(200);
    bystander.terminate();
    newcomer.terminate();
  });

  it("a connection reset during the handshake does not take the server down", async () => {
    const socket = net.connect(server.port, "127.0.0.1");
    socket.on("error", () => undefined);
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.write(`GET /api HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: http://evil.example\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${Buffer.alloc(16).toString("base64")}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    socket.resetAndDestroy();
    const ws = await connect();
    expect(await echo(ws, "fine")).toMatchObject({ ok: true });
    ws.terminate();
  });
});

describe("stopping", () => {
  it("ends a browser's open connections at once instead of waiting for them to time out", async () => {
    // A connection in the middle of a request (its headers not finished): the server's own timeouts
    // would end it only after tens of seconds.
    const socket = net.connect(Number(new URL(server.url).port), "127.0.0.1");
    // The server resets it: that is the point, not an error of the test.
    const reset: Error[] = [];
    socket.on("error", (error) => reset.push(error));
    await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n`);
    const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    // Without ending it, this close waited for the connection past the test's limit.
    await server.close();
    await ended;
    expect(socket.destroyed).toBe(true);
    expect(reset.every((e) => (e as NodeJS.ErrnoException).code === "ECONNRESET")).toBe(true);
  });
});
