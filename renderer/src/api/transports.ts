import { webSocketProtocols, type DraftlineBridge } from "../../../electron/common/api/bridge";
import type { ClientTransport } from "../../../electron/common/api/client";
import { ApiError, type WireMessage } from "../../../electron/common/api/define";

declare global {
  interface Window {
    draftline?: DraftlineBridge;
  }
}

/** Inside Electron: the preload's named functions. */
export function ipcTransport(bridge: DraftlineBridge): ClientTransport {
  let receive: (message: WireMessage) => void = () => {};
  bridge.onEvent((event) => receive(event));
  return {
    send(request) {
      const call = bridge.api[request.method as keyof DraftlineBridge["api"]];
      const reply = call
        ? call(request.params)
        : Promise.resolve({ kind: "response", id: request.id, ok: false, error: { code: "unknown-method", message: `Unknown method '${request.method}'.` } } as const);
      void reply.then((response) => receive({ ...response, id: request.id }));
    },
    onMessage(listener) {
      receive = listener;
    },
  };
}

/**
 * Web mode: a WebSocket to the server that served this page, authenticated by the run's token. The
 * token is offered as a subprotocol (a header), never put in the address: it stays out of request lines.
 */
export async function webSocketTransport(token: string): Promise<ClientTransport> {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  let socket: WebSocket;
  try {
    socket = new WebSocket(`${scheme}://${location.host}/api`, webSocketProtocols(token));
  } catch {
    // A token with characters no header may carry: it cannot be the one the server printed.
    throw new ApiError("disconnected", "This page's access token is missing or wrong. Open the address that `draftline serve` printed.");
  }
  await new Promise<void>((resolve, reject) => {
    socket.addEventListener("open", () => resolve(), { once: true });
    socket.addEventListener("error", () => void explainRefusal(token).then(reject), { once: true });
  });
  let receive: (message: WireMessage) => void = () => {};
  const closed: Array<(reason: string) => void> = [];
  socket.addEventListener("message", (event) => {
    try {
      receive(JSON.parse(String(event.data)) as WireMessage);
    } catch {
      // A message that is not JSON cannot be answered to anyone: drop it.
    }
  });
  socket.addEventListener("close", () => {
    for (const listener of closed) listener("The connection to Draftline was lost. Is `draftline serve` still running?");
  });
  return {
    send: (request) => socket.send(JSON.stringify(request)),
    onMessage(listener) {
      receive = listener;
    },
    onClose(listener) {
      closed.push(listener);
    },
  };
}

async function explainRefusal(token: string): Promise<ApiError> {
  try {
    const response = await fetch("/session", { headers: { authorization: `Bearer ${token}` }, cache: "no-store" });
    const body = (await response.json()) as { ok: boolean; error?: string };
    if (!body.ok) return new ApiError("disconnected", body.error ?? "Draftline refused the connection.");
  } catch {
    return new ApiError("disconnected", "Draftline is not reachable. Is `draftline serve` still running?");
  }
  return new ApiError("disconnected", "Draftline refused the connection.");
}

/** The token travels in the address's fragment; keep it for reloads and take it out of the address bar. */
export function takeTokenFromLocation(): string | undefined {
  const fromHash = new URLSearchParams(location.hash.replace(/^#/, "")).get("token") ?? undefined;
  if (fromHash) {
    sessionStorage.setItem("draftline-token", fromHash);
    history.replaceState(null, "", location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem("draftline-token") ?? undefined;
}
