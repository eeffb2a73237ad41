import { z } from "zod";
import { request } from "./define";

export const appInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** How the UI is served: inside Electron, or in a browser over loopback (web mode). */
  shell: z.enum(["electron", "web"]),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof appInfo>;

export const appRequests = {
  "app.info": request("The app's name, version and shell.", z.object({}).strict(), appInfo),
  "app.echo": request(
    "Sends text back: checks that the API round-trips.",
    z.object({ text: z.string().max(100_000) }).strict(),
    z.object({ text: z.string(), receivedAt: z.number() }),
  ),
} as const;
