import type { WireEvent, WireMessage, WireRequest } from "./define";
import { ApiError } from "./define";
import type { EventName, EventPayload, Params, RequestName, Result } from "./index";

/** How a client reaches the back end: Electron IPC through the preload, or a WebSocket. */
export interface ClientTransport {
  /** Sends a request and resolves with the raw response message. */
  send(message: WireRequest): void;
  /** Registers the one receiver of responses and events. */
  onMessage(receive: (message: WireMessage) => void): void;
  /** Registers a callback for a lost connection (the back end went away). */
  onClose?(closed: (reason: string) => void): void;
}

export type Unsubscribe = () => void;

/** The UI's view of the back end; it does not know which transport carries it. */
export interface ApiClient {
  call<N extends RequestName>(method: N, params: Params<N>): Promise<Result<N>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe;
  /** Listens to every event (the store's event pump uses this). */
  onAny(listener: (event: WireEvent) => void): Unsubscribe;
}

export function createApiClient(transport: ClientTransport): ApiClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const anyListeners = new Set<(event: WireEvent) => void>();

  transport.onMessage((message) => {
    if (message.kind === "response") {
      if (message.id === null) return;
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new ApiError(message.error.code, message.error.message));
    } else if (message.kind === "event") {
      for (const listener of anyListeners) listener(message);
      for (const listener of listeners.get(message.name) ?? []) listener(message.payload);
    }
  });
  transport.onClose?.((reason) => {
    for (const waiter of pending.values()) waiter.reject(new ApiError("disconnected", reason));
    pending.clear();
  });

  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
        transport.send({ kind: "request", id, method, params });
      });
    },
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (payload: unknown) => void);
      return () => set.delete(listener as (payload: unknown) => void);
    },
    onAny(listener) {
      anyListeners.add(listener);
      return () => anyListeners.delete(listener);
    },
  };
}
