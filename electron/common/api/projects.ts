import { z } from "zod";
import { request } from "./define";

export const projectSummary = z.object({
  path: z.string(),
  title: z.string(),
  words: z.number().int().nonnegative(),
  target: z.number().int().nonnegative(),
  modifiedAt: z.number(),
});
export type ProjectSummary = z.infer<typeof projectSummary>;

export const projectRequests = {
  "projects.list": request("Recently opened projects, newest first.", z.object({}).strict(), z.array(projectSummary)),
} as const;
