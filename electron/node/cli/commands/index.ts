import type { Command } from "../command";
import { serveCommand } from "./serve";

/** Every `draftline` sub-command, in the order `draftline help` lists them. */
export const commands: Command[] = [serveCommand];
