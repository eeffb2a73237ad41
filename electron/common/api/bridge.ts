import type { WireEvent, WireResponse } from "./define";
import type { RequestName } from "./index";

/**
 * What the Electron preload exposes on `window.draftline`: one named function per request (derived
 * from the contract, no raw ipcRenderer) and an event subscription.
 */
export interface DraftlineBridge {
  api: { [N in RequestName]: (params: unknown) => Promise<WireResponse> };
  onEvent(listener: (event: WireEvent) => void): () => void;
}

/** The IPC channels between preload and main. */
export const IPC_REQUEST_CHANNEL = "draftline:request";
export const IPC_EVENT_CHANNEL = "draftline:event";

/** Web mode: the subprotocol the app's WebSocket speaks (the server answers with it). */
export const WEB_API_PROTOCOL = "draftline";
/** Web mode: the prefix of the subprotocol that carries the token, so it never appears in a request line. */
export const WEB_TOKEN_PROTOCOL_PREFIX = "draftline-token.";

/** The subprotocols a web-mode WebSocket offers (Sec-WebSocket-Protocol): the API's, then the token's. */
export function webSocketProtocols(token: string): [string, string] {
  return [WEB_API_PROTOCOL, `${WEB_TOKEN_PROTOCOL_PREFIX}${token}`];
}
