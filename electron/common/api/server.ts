import type { ApiErrorData, WireResponse } from "./define";
import { ApiError, describeZodError, wireRequest } from "./define";
import { isRequestName, requests, type Params, type RequestName, type Result } from "./index";

/** Who sent a request; a transport fills it in. */
export interface CallContext {
  /** A stable id of the connection or window, for per-client state. */
  clientId: string;
}

/** What the back end implements: one async function per request, typed from the contract. */
export type ApiHandlers = {
  [N in RequestName]: (params: Params<N>, context: CallContext) => Promise<Result<N>>;
};

/**
 * Turns one raw message into one response. Validates the envelope and the parameters (a malformed
 * message gets an error reply, never a crash) and checks the handler's result against the contract.
 */
export async function dispatch(handlers: Partial<ApiHandlers>, raw: unknown, context: CallContext): Promise<WireResponse> {
  const envelope = wireRequest.safeParse(raw);
  if (!envelope.success) {
    const id = typeof (raw as { id?: unknown } | null)?.id === "number" ? (raw as { id: number }).id : null;
    return failure(id, { code: "bad-message", message: `Malformed request: ${describeZodError(envelope.error, "message")}` });
  }
  const { id, method, params } = envelope.data;
  if (!isRequestName(method)) return failure(id, { code: "unknown-method", message: `Unknown method '${method}'.` });
  const handler = handlers[method] as ((p: unknown, c: CallContext) => Promise<unknown>) | undefined;
  if (!handler) return failure(id, { code: "unknown-method", message: `'${method}' is not available here.` });

  const spec = requests[method];
  const parsed = spec.params.safeParse(params ?? {});
  if (!parsed.success) return failure(id, { code: "bad-params", message: `Invalid parameters for ${method}: ${describeZodError(parsed.error, "params")}` });

  let result: unknown;
  try {
    result = await handler(parsed.data, context);
  } catch (error) {
    const code = error instanceof ApiError ? error.code : "failed";
    return failure(id, { code, message: error instanceof Error ? error.message : String(error) });
  }
  const checked = spec.result.safeParse(result);
  if (!checked.success) return failure(id, { code: "bad-result", message: `The back end answered ${method} with an invalid result: ${describeZodError(checked.error, "result")}` });
  return { kind: "response", id, ok: true, result: checked.data };
}

function failure(id: number | null, error: ApiErrorData): WireResponse {
  return { kind: "response", id, ok: false, error };
}

/** Typed helper for the back end to build its handler table. */
export function defineHandlers<H extends Partial<ApiHandlers>>(handlers: H): H {
  return handlers;
}
