import { z } from "zod";

/** One request: the schema of what the caller sends and of what it gets back. */
export interface RequestSpec<P extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  params: P;
  result: R;
  /** One line for docs and error messages. */
  summary: string;
}

export function request<P extends z.ZodType, R extends z.ZodType>(summary: string, params: P, result: R): RequestSpec<P, R> {
  return { summary, params, result };
}

/** The wire format shared by both transports (Electron IPC and the WebSocket of web mode). */
export const wireRequest = z.object({
  kind: z.literal("request"),
  id: z.number().int().nonnegative(),
  method: z.string().min(1).max(200),
  params: z.unknown(),
});
export type WireRequest = z.infer<typeof wireRequest>;

export const apiErrorCodes = ["bad-message", "unknown-method", "bad-params", "failed", "bad-result", "disconnected"] as const;
export type ApiErrorCode = (typeof apiErrorCodes)[number];

export interface ApiErrorData {
  code: ApiErrorCode;
  message: string;
}

export type WireResponse =
  | { kind: "response"; id: number | null; ok: true; result: unknown }
  | { kind: "response"; id: number | null; ok: false; error: ApiErrorData };

export interface WireEvent {
  kind: "event";
  name: string;
  payload: unknown;
}

export type WireMessage = WireRequest | WireResponse | WireEvent;

/** The error a client rejects with; `code` says whose fault it was. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A readable one-line summary of a zod error: `params.text: expected string`. */
export function describeZodError(error: z.ZodError, prefix: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      const where = [prefix, ...issue.path.map(String)].join(".");
      return `${where}: ${issue.message}`;
    })
    .join("; ");
}
