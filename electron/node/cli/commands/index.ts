import type { Command } from "../command";
import { modelsCommand } from "./models";
import { serveCommand } from "./serve";
import { testModelCommand } from "./test-model";

/** Every `draftline` sub-command, in the order `draftline help` lists them. */
export const commands: Command[] = [modelsCommand, testModelCommand, serveCommand];
