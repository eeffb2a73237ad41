import { describe, expect, it } from "vitest";
import { createApiClient, type ClientTransport } from "./client";
import type { WireMessage, WireResponse } from "./define";
import { ApiError } from "./define";
import { dispatch, type ApiHandlers } from "./server";

const context = { clientId: "test" };
const handlers: Partial<ApiHandlers> = {
  "app.echo": async ({ text }) => ({ text, receivedAt: 1 }),
  "app.info": async () => {
    throw new Error("the disk is on fire");
  },
};

describe("dispatch", () => {
  it("answers a valid request with the handler's result", async () => {
    const reply = await dispatch(handlers, { kind: "request", id: 3, method: "app.echo", params: { text: "hello" } }, context);
    expect(reply).toEqual({ kind: "response", id: 3, ok: true, result: { text: "hello", receivedAt: 1 } });
  });

  it.each([
    ["not an object", "hello", null, "bad-message"],
    ["no id", { kind: "request", method: "app.echo", params: {} }, null, "bad-message"],
    ["a negative id", { kind: "request", id: -1, method: "app.echo", params: {} }, -1, "bad-message"],
    ["an unknown method", { kind: "request", id: 4, method: "fs.deleteEverything", params: {} }, 4, "unknown-method"],
    ["a method of the prototype", { kind: "request", id: 5, method: "constructor", params: {} }, 5, "unknown-method"],
    ["a wrong parameter type", { kind: "request", id: 6, method: "app.echo", params: { text: 42 } }, 6, "bad-params"],
    ["an extra parameter", { kind: "request", id: 7, method: "app.echo", params: { text: "x", path: "/etc" } }, 7, "bad-params"],
  ])("refuses %s with an error reply, not a crash", async (_label, raw, id, code) => {
    const reply = await dispatch(handlers, raw, context);
    expect(reply).toMatchObject({ kind: "response", id, ok: false, error: { code } });
  });

  it("names the bad field in the message", async () => {
    const reply = await dispatch(handlers, { kind: "request", id: 6, method: "app.echo", params: { text: 42 } }, context);
    expect(reply.ok === false && reply.error.message).toMatch(/params\.text/);
  });

  it("turns a handler's exception into a failed reply", async () => {
    const reply = await dispatch(handlers, { kind: "request", id: 8, method: "app.info", params: {} }, context);
    expect(reply).toEqual({ kind: "response", id: 8, ok: false, error: { code: "failed", message: "the disk is on fire" } });
  });

  it("refuses a method this back end does not implement", async () => {
    const reply = await dispatch(handlers, { kind: "request", id: 9, method: "projects.list", params: {} }, context);
    expect(reply).toMatchObject({ ok: false, error: { code: "unknown-method" } });
  });

  it("checks the handler's result against the contract", async () => {
    const bad = { "app.echo": async () => ({ text: 5 }) } as unknown as Partial<ApiHandlers>;
    const reply = await dispatch(bad, { kind: "request", id: 10, method: "app.echo", params: { text: "x" } }, context);
    expect(reply).toMatchObject({ ok: false, error: { code: "bad-result" } });
  });
});

describe("models.setSampling", () => {
  const set: Partial<ApiHandlers> = {
    "models.setSampling": async () => {
      throw new Error("a refused setting must never reach the model service");
    },
  };
  const call = (sampling: unknown) => dispatch(set, { kind: "request", id: 1, method: "models.setSampling", params: { sampling } }, context);

  it.each([
    [{ temperature: 1e308 }, "params.sampling.temperature: temperature must be from 0 to 5"],
    [{ temperature: 5.01 }, "temperature must be from 0 to 5"],
    [{ temperature: -0.1 }, "temperature must be from 0 to 5"],
    [{ topP: 1.5 }, "params.sampling.topP: top-p must be from 0 to 1"],
    [{ minP: 2 }, "min-p must be from 0 to 1"],
    [{ topK: 1e9 }, "top-k must be from 0 to 100000"],
    [{ topK: 2.5 }, "top-k must be a whole number"],
    [{ repeatPenalty: 1e308 }, "repeat penalty must be from 0 to 5"],
    [{ seed: 2 ** 32 }, "seed must be from 0 to 4294967295"],
  ])("refuses %j with a clear message, as the CLI does", async (sampling, message) => {
    const reply = await call(sampling);
    expect(reply).toMatchObject({ ok: false, error: { code: "bad-params" } });
    expect(reply.ok === false && reply.error.message).toContain(message);
  });

  it("accepts the ends of every range", async () => {
    const ok: Partial<ApiHandlers> = {
      "models.setSampling": async () => {
        throw new Error("reached");
      },
    };
    for (const sampling of [{ temperature: 0, topP: 0, minP: 0, topK: 0, repeatPenalty: 0, seed: 0 }, { temperature: 5, topP: 1, minP: 1, topK: 100_000, repeatPenalty: 5, seed: 2 ** 32 - 1 }]) {
      const reply = await dispatch(ok, { kind: "request", id: 2, method: "models.setSampling", params: { sampling } }, context);
      // Valid parameters reach the handler (which fails here on purpose).
      expect(reply).toMatchObject({ ok: false, error: { code: "failed", message: "reached" } });
    }
  });
});

/** A transport that dispatches in memory, like the WebSocket and IPC ones do across a boundary. */
function loopback(): ClientTransport & { push(message: WireMessage): void; close(): void } {
  let receive: (message: WireMessage) => void = () => {};
  let closed: (reason: string) => void = () => {};
  return {
    send(request) {
      void dispatch(handlers, JSON.parse(JSON.stringify(request)), context).then((r: WireResponse) => receive(r));
    },
    onMessage: (listener) => void (receive = listener),
    onClose: (listener) => void (closed = listener),
    push: (message) => receive(message),
    close: () => closed("gone"),
  };
}

describe("api client", () => {
  it("resolves calls with typed results and rejects failures with ApiError", async () => {
    const client = createApiClient(loopback());
    await expect(client.call("app.echo", { text: "hi" })).resolves.toEqual({ text: "hi", receivedAt: 1 });
    const failure = client.call("app.info", {});
    await expect(failure).rejects.toBeInstanceOf(ApiError);
    await expect(failure).rejects.toMatchObject({ code: "failed" });
  });

  it("delivers events to every listener until it unsubscribes", () => {
    const transport = loopback();
    const client = createApiClient(transport);
    const seen: unknown[] = [];
    const stop = client.onAny((event) => seen.push(event.payload));
    transport.push({ kind: "event", name: "x", payload: 1 });
    stop();
    transport.push({ kind: "event", name: "x", payload: 2 });
    expect(seen).toEqual([1]);
  });

  it("rejects calls in flight when the connection is lost", async () => {
    const transport = loopback();
    transport.send = () => {};
    const client = createApiClient(transport);
    const call = client.call("app.echo", { text: "lost" });
    transport.close();
    await expect(call).rejects.toMatchObject({ code: "disconnected" });
  });
});
