// A WebSocket client by hand, over a plain TCP socket: it completes a valid upgrade (Host, Origin,
// token) and then sends whatever bytes a test writes, including frames no WebSocket library would
// send (too large, invalid UTF-8, reserved bits or opcodes). Tests use it to attack the web server.
import { randomBytes } from "node:crypto";
import net from "node:net";
import { webSocketProtocols } from "../../../common/api/bridge";

export interface RawUpgrade {
  port: number;
  /** Offered as Sec-WebSocket-Protocol with the API's subprotocol; left out, no protocol header. */
  token?: string;
  /** Sec-WebSocket-Protocol as given, instead of the one made from `token`. */
  protocolHeader?: string;
  origin?: string;
  host?: string;
  /** The request target, "/api" unless given. */
  target?: string;
}

export interface RawWebSocket {
  socket: net.Socket;
  /** The status code of the server's answer to the upgrade. */
  status: number;
  /** The answer's headers, names lower-cased. */
  headers: Record<string, string>;
  /** The next frame the server sends (whole), or null when the connection ends first. */
  nextFrame(): Promise<ServerFrame | null>;
  /** The server's close frame, skipping the messages and events before it; null when the connection ends first. */
  nextClose(): Promise<ServerFrame | null>;
  /** Resolves once the server has closed the TCP connection. */
  closed: Promise<void>;
}

export interface ServerFrame {
  fin: boolean;
  opcode: number;
  payload: Buffer;
}

/** Opens a TCP connection to the server and sends a WebSocket upgrade request. */
export async function rawUpgrade(options: RawUpgrade): Promise<RawWebSocket> {
  const socket = net.connect(options.port, "127.0.0.1");
  // Writes after the server closed the connection fail with EPIPE/ECONNRESET: what a test expects.
  socket.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  const host = options.host ?? `127.0.0.1:${options.port}`;
  const origin = options.origin ?? `http://127.0.0.1:${options.port}`;
  const protocol = options.protocolHeader ?? (options.token !== undefined ? webSocketProtocols(options.token).join(", ") : undefined);
  const lines = [
    `GET ${options.target ?? "/api"} HTTP/1.1`,
    `Host: ${host}`,
    `Origin: ${origin}`,
    "Upgrade: websocket",
    "Connection: Upgrade",
    `Sec-WebSocket-Key: ${randomBytes(16).toString("base64")}`,
    "Sec-WebSocket-Version: 13",
    ...(protocol !== undefined ? [`Sec-WebSocket-Protocol: ${protocol}`] : []),
  ];
  socket.write(lines.join("\r\n") + "\r\n\r\n");

  let buffered = Buffer.alloc(0);
  let ended = false;
  let wake: (() => void) | undefined;
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.on("data", (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake?.();
  });
  socket.once("close", () => {
    ended = true;
    wake?.();
  });
  const waitForData = () => new Promise<void>((resolve) => (wake = resolve));

  let headEnd: number;
  while ((headEnd = buffered.indexOf("\r\n\r\n")) < 0) {
    if (ended) throw new Error(`The server closed the connection before answering the upgrade: '${buffered.toString()}'`);
    await waitForData();
  }
  const [statusLine = "", ...headerLines] = buffered.subarray(0, headEnd).toString("latin1").split("\r\n");
  buffered = buffered.subarray(headEnd + 4);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0);

  const nextFrame = async (): Promise<ServerFrame | null> => {
    for (;;) {
      const frame = parseServerFrame(buffered);
      if (frame) {
        buffered = buffered.subarray(frame.size);
        return { fin: frame.fin, opcode: frame.opcode, payload: frame.payload };
      }
      if (ended) return null;
      await waitForData();
    }
  };
  const nextClose = async (): Promise<ServerFrame | null> => {
    for (;;) {
      const frame = await nextFrame();
      if (frame === null || frame.opcode === 0x8) return frame;
    }
  };
  return { socket, status, headers, nextFrame, nextClose, closed };
}

/** A client frame (masked, as a client must send), with any bits the test chooses. */
export function clientFrame(options: { opcode: number; payload?: Buffer; fin?: boolean; rsv1?: boolean; masked?: boolean }): Buffer {
  const payload = options.payload ?? Buffer.alloc(0);
  const masked = options.masked ?? true;
  const first = ((options.fin ?? true) ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | (options.opcode & 0x0f);
  let header: Buffer;
  if (payload.length < 126) {
    header = Buffer.from([first, (masked ? 0x80 : 0) | payload.length]);
  } else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = (masked ? 0x80 : 0) | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  if (!masked) return Buffer.concat([header, payload]);
  const mask = randomBytes(4);
  const body = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return Buffer.concat([header, mask, body]);
}

/** The close code of a close frame's payload (1005, "none", when it has none). */
export function closeCode(frame: ServerFrame): number {
  return frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005;
}

function parseServerFrame(data: Buffer): { fin: boolean; opcode: number; payload: Buffer; size: number } | null {
  if (data.length < 2) return null;
  const first = data[0] as number;
  const second = data[1] as number;
  let length = second & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return null;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return null;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  if (second & 0x80) offset += 4; // A server never masks; skip a mask if one came anyway.
  if (data.length < offset + length) return null;
  return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload: data.subarray(offset, offset + length), size: offset + length };
}
