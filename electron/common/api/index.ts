import type { z } from "zod";
import { appRequests } from "./app";
import type { RequestSpec } from "./define";
import { generationEvents, generationRequests } from "./generation";
import { modelEvents, modelRequests } from "./models";
import { projectEvents, projectRequests } from "./projects";
import { reportRequests } from "./report";
import { uiEvents, uiRequests } from "./ui";

export * from "./define";
export * from "./app";
export * from "./projects";
export * from "./generation";
export * from "./models";
export * from "./ui";
export * from "./report";

/**
 * Every request between the UI and the back end, defined once. Names, parameter and result types,
 * the preload's methods and both transports are all derived from this object.
 */
export const requests = {
  ...appRequests,
  ...projectRequests,
  ...uiRequests,
  ...generationRequests,
  ...modelRequests,
  ...reportRequests,
} as const satisfies Record<string, RequestSpec>;

/** Every event the back end pushes to the UI. */
export const events = {
  ...uiEvents,
  ...projectEvents,
  ...generationEvents,
  ...modelEvents,
} as const satisfies Record<string, z.ZodType>;

export type Requests = typeof requests;
export type RequestName = keyof Requests;
export type Params<N extends RequestName> = z.input<Requests[N]["params"]>;
export type Result<N extends RequestName> = z.output<Requests[N]["result"]>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const requestNames = Object.keys(requests) as RequestName[];

export function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requests, name);
}
