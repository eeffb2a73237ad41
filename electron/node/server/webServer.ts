import { randomBytes, timingSafeEqual } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { WireEvent } from "../../common/api";
import { WEB_API_PROTOCOL, WEB_TOKEN_PROTOCOL_PREFIX } from "../../common/api/bridge";
import { dispatch, type ApiHandlers } from "../../common/api/server";
import { webFileAccess } from "./fileAccess";

export interface WebServerOptions {
  /** The built renderer (dist/renderer). */
  rendererDir: string;
  handlers: Partial<ApiHandlers>;
  /** 0 picks a free port. */
  port?: number;
  /**
   * A fixed token (DRAFTLINE_TOKEN, tests); a random one per run otherwise. It must be at least 16
   * characters of A-Z a-z 0-9 . _ ~ - (it travels in a Sec-WebSocket-Protocol header); anything else,
   * the empty string included, is refused: the server never starts open to anyone.
   */
  token?: string;
  /** Where the server reports what it refused or closed (a bad frame, a broken connection). */
  log?: (message: string) => void;
  /** Node's limits for a connection that sends nothing: tests shorten them. */
  timeouts?: { headersMs: number; checkIntervalMs: number };
}

export interface WebServer {
  /** The address to open, with the token in the fragment (never sent to the server in a request line). */
  url: string;
  port: number;
  token: string;
  /** Pushes an event to every connected window. */
  emit(event: WireEvent): void;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
const MAX_MESSAGE_BYTES = 32 * 1024 * 1024;
const TOKEN_PATTERN = /^[A-Za-z0-9._~-]{16,512}$/;
/** A connection that has not sent its request headers in this time is closed (Node checks every interval). */
const HEADERS_TIMEOUT_MS = 60_000;
const CHECK_INTERVAL_MS = 30_000;

/**
 * Refuses a fixed token that would leave the server open (empty) or easy to guess (short), or that a
 * Sec-WebSocket-Protocol header cannot carry. Refusing is safer than making one up: whoever set it
 * expects to connect with it.
 */
export function checkToken(token: string): void {
  if (TOKEN_PATTERN.test(token)) return;
  throw new WeakTokenError(
    token === ""
      ? "The access token is empty: that would let anyone on this machine in. Unset DRAFTLINE_TOKEN for a random one, or set at least 16 characters."
      : "The access token must be 16 to 512 characters of A-Z, a-z, 0-9, '.', '_', '~' or '-'. Unset DRAFTLINE_TOKEN for a random one.",
  );
}

/** Thrown for a DRAFTLINE_TOKEN (or options.token) that would leave the server open or cannot travel. */
export class WeakTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WeakTokenError";
  }
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".map": "application/json",
};

/**
 * Web mode: the built renderer and the API over a WebSocket, on loopback only. Every request must
 * name this server as its Host (no DNS rebinding); the WebSocket must come from this server's own
 * origin (no cross-site use) and carry the per-run token as a subprotocol (Sec-WebSocket-Protocol), so
 * the token is never part of a request line, a log of URLs or the browser's history.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  if (options.token !== undefined) checkToken(options.token);
  const token = options.token ?? randomBytes(24).toString("base64url");
  // A page types file paths here (no native dialogs): what it may name is narrowed (fileAccess.ts).
  const handlers = webFileAccess(options.handlers);
  const log = options.log ?? ((message: string) => process.stderr.write(`draftline serve: ${message}\n`));
  const sockets = new Set<WebSocket>();
  let port = 0;
  let clientCounter = 0;

  const allowedHosts = () => new Set([`${HOST}:${port}`, `localhost:${port}`]);
  const allowedOrigins = () => new Set([`http://${HOST}:${port}`, `http://localhost:${port}`]);
  const csp = () =>
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "font-src 'self'",
      `connect-src 'self' ws://${HOST}:${port} ws://localhost:${port}`,
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join("; ");

  const server = http.createServer(
    { headersTimeout: options.timeouts?.headersMs ?? HEADERS_TIMEOUT_MS, connectionsCheckingInterval: options.timeouts?.checkIntervalMs ?? CHECK_INTERVAL_MS },
    (req, res) => {
      if (!allowedHosts().has(req.headers.host ?? "")) return refuse(res, 421, "Draftline answers only requests addressed to 127.0.0.1 or localhost.");
      const url = new URL(req.url ?? "/", `http://${HOST}:${port}`);
      if (url.pathname === "/session") {
        // Lets the page explain a refused WebSocket: a browser cannot read the refusal itself.
        const ok = tokenMatches(req.headers.authorization?.replace(/^Bearer /, "") ?? "", token);
        res.writeHead(ok ? 200 : 401, { "content-type": "application/json", "cache-control": "no-store" });
        return res.end(JSON.stringify(ok ? { ok: true } : { ok: false, error: "This page's access token is missing or wrong. Open the address that `draftline serve` printed." }));
      }
      if (req.method !== "GET" && req.method !== "HEAD") return refuse(res, 405, "Method not allowed.");
      void serveStatic(options.rendererDir, url.pathname, req, res, csp());
    },
  );

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // The token's subprotocol is never echoed back: the answer names the API's.
    handleProtocols: (offered) => (offered.has(WEB_API_PROTOCOL) ? WEB_API_PROTOCOL : false),
  });
  server.on("upgrade", (req, socket: Duplex, head) => {
    // A peer that resets the connection mid-handshake must not take the server down.
    socket.on("error", (error) => log(`A connection broke during its handshake: ${error.message}`));
    const url = new URL(req.url ?? "/", `http://${HOST}:${port}`);
    const offered = offeredProtocols(req.headers["sec-websocket-protocol"]);
    const problem = !allowedHosts().has(req.headers.host ?? "")
      ? [421, "wrong Host header"]
      : !allowedOrigins().has(req.headers.origin ?? "")
        ? [403, `foreign Origin ${req.headers.origin ?? "(none)"}`]
        : url.pathname !== "/api"
          ? [404, "no such endpoint"]
          : !tokenMatches(tokenOf(offered), token)
            ? [401, "missing or wrong token"]
            : !offered.includes(WEB_API_PROTOCOL)
              ? [400, `the WebSocket must offer the '${WEB_API_PROTOCOL}' subprotocol`]
              : null;
    if (problem) {
      log(`Refused a WebSocket (${problem[0]}): ${problem[1]}.`);
      socket.end(`HTTP/1.1 ${problem[0]} Refused\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\nDraftline refused the connection: ${problem[1]}.\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const clientId = `web-${++clientCounter}`;
      sockets.add(ws);
      // A frame the protocol forbids (too large, invalid UTF-8, reserved bits or opcodes): ws closes
      // this connection with the close code that says why (1009, 1007, 1002) and reports it here.
      // Only that window is disconnected; the server, the other windows and any writing go on.
      ws.on("error", (error) => log(`Closed ${clientId} after a bad frame: ${error.message}`));
      ws.on("close", () => sockets.delete(ws));
      ws.on("message", (data, isBinary) => {
        void (async () => {
          let raw: unknown;
          try {
            raw = isBinary ? undefined : JSON.parse(data.toString());
          } catch {
            raw = undefined;
          }
          const response =
            raw === undefined
              ? ({ kind: "response", id: null, ok: false, error: { code: "bad-message", message: "Malformed request: not JSON text." } } as const)
              : await dispatch(handlers, raw, { clientId });
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(response));
        })();
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/#token=${token}`,
    port,
    token,
    emit(event) {
      const text = JSON.stringify(event);
      for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(text);
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // A browser's open HTTP connections (keep-alive, a request in progress) would hold the close
      // until they time out (about 90 s): a stopping server ends them.
      server.closeAllConnections();
      await closed;
    },
  };
}

/** The subprotocols a WebSocket request offers, in order. */
function offeredProtocols(header: string | undefined): string[] {
  return (header ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");
}

/** The token a client offered as a subprotocol ("" when none). */
function tokenOf(offered: readonly string[]): string {
  return offered.find((p) => p.startsWith(WEB_TOKEN_PROTOCOL_PREFIX))?.slice(WEB_TOKEN_PROTOCOL_PREFIX.length) ?? "";
}

function tokenMatches(given: string, expected: string): boolean {
  if (given === "" || expected === "") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(message + "\n");
}

async function serveStatic(root: string, pathname: string, req: http.IncomingMessage, res: http.ServerResponse, csp: string): Promise<void> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return refuse(res, 400, "Bad path.");
  }
  const relative = decoded === "/" ? "index.html" : decoded.replace(/^\/+/, "");
  const file = path.resolve(root, relative);
  if (!file.startsWith(path.resolve(root) + path.sep)) return refuse(res, 403, "Outside the app's folder.");
  try {
    const info = await stat(file);
    if (!info.isFile()) return refuse(res, 404, "Not found.");
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[path.extname(file)] ?? "application/octet-stream",
      "content-length": info.size,
      "content-security-policy": csp,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
      "cache-control": relative === "index.html" ? "no-store" : "max-age=3600",
    });
    if (req.method === "HEAD") return void res.end();
    createReadStream(file).pipe(res);
  } catch {
    if (relative === "index.html") return refuse(res, 500, "The app is not built: run `npm run build`.");
    refuse(res, 404, "Not found.");
  }
}
