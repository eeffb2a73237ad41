import { describe, expect, it } from "vitest";
import { requestNames, type WireEvent } from "../common/api";
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from "../common/api/bridge";
import { createBridge, type RendererIpc } from "./bridge";

function fakeIpc() {
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<(event: unknown, message: WireEvent) => void>>();
  const ipc: RendererIpc = {
    invoke: async (...args) => {
      invoked.push(args);
      return { kind: "response", id: 0, ok: true, result: {} };
    },
    on: (channel, listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
    off: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  const emit = (channel: string, message: WireEvent) => {
    for (const listener of listeners.get(channel) ?? []) listener({}, message);
  };
  return { ipc, invoked, emit };
}

describe("the preload bridge", () => {
  it("has one function per request of the contract, and nothing else", () => {
    const bridge = createBridge(fakeIpc().ipc);
    expect(Object.keys(bridge.api).sort()).toEqual([...requestNames].sort());
    expect(Object.values(bridge.api).every((f) => typeof f === "function")).toBe(true);
    expect(Object.keys(bridge).sort()).toEqual(["api", "onEvent"]);
  });

  it("sends each call on the request channel under its own method name", async () => {
    const { ipc, invoked } = fakeIpc();
    const bridge = createBridge(ipc);
    await bridge.api["dialog.exportPath"]({ format: "docx" });
    expect(invoked).toEqual([[IPC_REQUEST_CHANNEL, "dialog.exportPath", { format: "docx" }]]);
  });

  it("delivers events until the page unsubscribes", () => {
    const { ipc, emit } = fakeIpc();
    const bridge = createBridge(ipc);
    const seen: unknown[] = [];
    const stop = bridge.onEvent((event) => seen.push(event.payload));
    emit(IPC_EVENT_CHANNEL, { kind: "event", name: "ui.command", payload: { command: "file.save" } });
    stop();
    emit(IPC_EVENT_CHANNEL, { kind: "event", name: "ui.command", payload: { command: "file.new" } });
    expect(seen).toEqual([{ command: "file.save" }]);
  });
});
